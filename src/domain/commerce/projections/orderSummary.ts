// Order summaries: what a confirmation page shows, with no joins at read
// time. An order may have several lines (one PlaceOrder per product, same
// orderId), each decided on its own product stream, so lines of one order
// can arrive in any order: every update here is commutative (counters and
// sums), which keeps the view identical whatever the interleaving.
import { defineProjection, defineQuery, type QuerySpec, type ReadStoreDb } from '../../../engine/index.ts';
import { orderIdField } from '../commands.ts';
import type { CommerceEvent } from '../events.ts';

export const orderSummary = defineProjection<CommerceEvent>()({
  name: 'orderSummary',
  description: 'Order summary: one row per order with its totals, plus its lines with product name and price as ordered.',
  schema: [
    `CREATE TABLE order_summary (
      order_id      TEXT PRIMARY KEY,
      lines         INTEGER NOT NULL,
      open_lines    INTEGER NOT NULL,
      items         INTEGER NOT NULL,
      total_cents   INTEGER NOT NULL,
      placed_at     INTEGER NOT NULL,
      updated_at    INTEGER NOT NULL
    )`,
    `CREATE TABLE order_lines (
      order_id         TEXT    NOT NULL,
      sku              TEXT    NOT NULL,
      customer_id      TEXT    NOT NULL,
      product_name     TEXT    NOT NULL,
      quantity         INTEGER NOT NULL,
      unit_price_cents INTEGER NOT NULL,
      total_cents      INTEGER NOT NULL,
      status           TEXT    NOT NULL,
      placed_at        INTEGER NOT NULL,
      cancelled_at     INTEGER,
      PRIMARY KEY (order_id, sku)
    )`,
  ],
  handles: ['OrderPlaced', 'OrderCancelled'],
  apply(db, event) {
    const at = event.metadata.recordedAt;
    const orderId = event.data.orderId;
    if (event.type === 'OrderPlaced') {
      const d = event.data;
      db.run(
        `INSERT INTO order_lines (order_id, sku, customer_id, product_name, quantity, unit_price_cents, total_cents, status, placed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'placed', ?)`,
        [orderId, d.sku, d.customerId, d.productName, d.quantity, d.unitPriceCents, d.totalCents, at],
      );
      db.run(
        `INSERT INTO order_summary (order_id, lines, open_lines, items, total_cents, placed_at, updated_at) VALUES (?, 1, 1, ?, ?, ?, ?)
         ON CONFLICT (order_id) DO UPDATE SET lines = lines + 1, open_lines = open_lines + 1, items = items + excluded.items,
           total_cents = total_cents + excluded.total_cents, placed_at = MIN(placed_at, excluded.placed_at),
           updated_at = MAX(updated_at, excluded.updated_at)`,
        [orderId, d.quantity, d.totalCents, at, at],
      );
    } else {
      const d = event.data;
      db.run(`UPDATE order_lines SET status = 'cancelled', cancelled_at = ? WHERE order_id = ? AND sku = ?`, [at, orderId, d.sku]);
      db.run(
        `UPDATE order_summary SET open_lines = open_lines - 1, items = items - ?, total_cents = total_cents - ?,
           updated_at = MAX(updated_at, ?) WHERE order_id = ?`,
        [d.quantity, d.refundCents, at, orderId],
      );
    }
  },
});

function summary(db: ReadStoreDb, orderId: string): unknown {
  const head = db.get(
    `SELECT order_id AS orderId, CASE WHEN open_lines > 0 THEN 'placed' ELSE 'cancelled' END AS status,
       items, total_cents AS totalCents, placed_at AS placedAt, updated_at AS updatedAt
     FROM order_summary WHERE order_id = ?`,
    [orderId],
  );
  if (!head) return null;
  const lines = db.all(
    `SELECT sku, customer_id AS customerId, product_name AS productName, quantity, unit_price_cents AS unitPriceCents,
       total_cents AS totalCents, status FROM order_lines WHERE order_id = ? ORDER BY sku`,
    [orderId],
  );
  return { ...head, lines };
}

export const orderSummaryQueries: QuerySpec[] = [
  defineQuery<{ orderId: string }>({
    type: 'GetOrderSummary',
    projection: 'orderSummary',
    description: 'One order as the confirmation page shows it (null until the projection has seen it).',
    fields: [orderIdField],
    run: (db, p) => summary(db, p.orderId),
  }),
  defineQuery<{ limit?: number }>({
    type: 'ListOrders',
    projection: 'orderSummary',
    description: 'The most recent orders with their totals, newest first.',
    fields: [{ name: 'limit', kind: 'integer', description: 'How many', example: 20, min: 1, max: 500, required: false }],
    run: (db, p) =>
      db.all(
        `SELECT order_id AS orderId, CASE WHEN open_lines > 0 THEN 'placed' ELSE 'cancelled' END AS status, items,
           total_cents AS totalCents, placed_at AS placedAt FROM order_summary ORDER BY placed_at DESC, order_id LIMIT ?`,
        [p.limit ?? 50],
      ),
  }),
];
