// A customer's order history page: their order lines plus running totals,
// keyed by customer so the page is one indexed read.
import { defineProjection, defineQuery, type QuerySpec } from '../../../engine/index.ts';
import { customerIdField } from '../commands.ts';
import type { CommerceEvent } from '../events.ts';

export const customerOrders = defineProjection<CommerceEvent>()({
  name: 'customerOrders',
  description: 'Customer order history: each customer’s orders and totals.',
  schema: [
    `CREATE TABLE customer_orders (
      customer_id   TEXT    NOT NULL,
      order_id      TEXT    NOT NULL,
      sku           TEXT    NOT NULL,
      product_name  TEXT    NOT NULL,
      quantity      INTEGER NOT NULL,
      total_cents   INTEGER NOT NULL,
      status        TEXT    NOT NULL,
      placed_at     INTEGER NOT NULL,
      PRIMARY KEY (customer_id, order_id, sku)
    )`,
    `CREATE TABLE customers (
      customer_id        TEXT PRIMARY KEY,
      orders_placed      INTEGER NOT NULL,
      orders_cancelled   INTEGER NOT NULL,
      total_spent_cents  INTEGER NOT NULL
    )`,
  ],
  handles: ['OrderPlaced', 'OrderCancelled'],
  apply(db, event) {
    const customerId = event.data.customerId;
    if (event.type === 'OrderPlaced') {
      const d = event.data;
      db.run(
        `INSERT INTO customer_orders (customer_id, order_id, sku, product_name, quantity, total_cents, status, placed_at)
         VALUES (?, ?, ?, ?, ?, ?, 'placed', ?)
         ON CONFLICT (customer_id, order_id, sku) DO NOTHING`,
        [customerId, d.orderId, d.sku, d.productName, d.quantity, d.totalCents, event.metadata.recordedAt],
      );
      db.run(
        `INSERT INTO customers (customer_id, orders_placed, orders_cancelled, total_spent_cents) VALUES (?, 1, 0, ?)
         ON CONFLICT (customer_id) DO UPDATE SET orders_placed = orders_placed + 1, total_spent_cents = total_spent_cents + excluded.total_spent_cents`,
        [customerId, d.totalCents],
      );
    } else {
      const d = event.data;
      db.run(`UPDATE customer_orders SET status = 'cancelled' WHERE customer_id = ? AND order_id = ? AND sku = ?`, [
        customerId,
        d.orderId,
        d.sku,
      ]);
      db.run(
        'UPDATE customers SET orders_cancelled = orders_cancelled + 1, total_spent_cents = total_spent_cents - ? WHERE customer_id = ?',
        [d.refundCents, customerId],
      );
    }
  },
});

export const customerOrdersQueries: QuerySpec[] = [
  defineQuery<{ customerId: string }>({
    type: 'GetCustomerOrders',
    projection: 'customerOrders',
    description: 'A customer’s order history with totals.',
    fields: [customerIdField],
    run: (db, p) => {
      const customerId = p.customerId;
      const customer =
        db.get(
          `SELECT customer_id AS customerId, orders_placed AS ordersPlaced, orders_cancelled AS ordersCancelled,
             total_spent_cents AS totalSpentCents FROM customers WHERE customer_id = ?`,
          [customerId],
        ) ?? null;
      const orders = db.all(
        `SELECT order_id AS orderId, sku, product_name AS productName, quantity, total_cents AS totalCents, status, placed_at AS placedAt
         FROM customer_orders WHERE customer_id = ? ORDER BY placed_at DESC, order_id, sku`,
        [customerId],
      );
      return { customer, orders };
    },
  }),
];
