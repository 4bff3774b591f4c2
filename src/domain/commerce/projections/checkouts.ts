// Checkouts as the customer's order page shows them: one row per checkout,
// where it stands in the saga's flow. Events of one checkout come from three
// streams (order, product, payment) and may arrive in any order, so each
// event only sets its own column; the status is derived when reading.
import { defineProjection, defineQuery, eventTypes, type QuerySpec } from '../../../engine/index.ts';
import { customerIdField, orderIdField } from '../commands.ts';
import type { CheckoutStarted, CommerceEvent } from '../events.ts';

/** The column each later step of a checkout sets (CheckoutStarted fills the row itself). */
const FLAG = {
  StockReserved: 'reserved',
  StockReleased: 'released',
  PaymentCharged: 'charged',
  PaymentDeclined: 'declined',
  PaymentRefunded: 'refunded',
  OrderConfirmed: 'confirmed',
  CheckoutCancelled: 'cancelled',
} satisfies Partial<Record<Exclude<CommerceEvent, CheckoutStarted>['type'], string>>;

export const checkouts = defineProjection<CommerceEvent>()({
  name: 'checkouts',
  description: 'Checkouts: one row per checkout with each step of the saga (reserved, charged, confirmed, released, refunded, cancelled).',
  schema: [
    `CREATE TABLE checkouts (
      order_id     TEXT PRIMARY KEY,
      customer_id  TEXT,
      sku          TEXT,
      quantity     INTEGER,
      amount_cents INTEGER,
      reserved     INTEGER NOT NULL DEFAULT 0,
      released     INTEGER NOT NULL DEFAULT 0,
      charged      INTEGER NOT NULL DEFAULT 0,
      declined     INTEGER NOT NULL DEFAULT 0,
      refunded     INTEGER NOT NULL DEFAULT 0,
      confirmed    INTEGER NOT NULL DEFAULT 0,
      cancelled    INTEGER NOT NULL DEFAULT 0,
      reason       TEXT,
      started_at   INTEGER
    )`,
  ],
  handles: ['CheckoutStarted', ...eventTypes(FLAG)],
  apply(db, event) {
    const orderId = event.data.orderId;
    db.run('INSERT INTO checkouts (order_id) VALUES (?) ON CONFLICT (order_id) DO NOTHING', [orderId]);
    if (event.type === 'CheckoutStarted') {
      db.run('UPDATE checkouts SET customer_id = ?, sku = ?, quantity = ?, started_at = ? WHERE order_id = ?', [
        event.data.customerId,
        event.data.sku,
        event.data.quantity,
        event.metadata.recordedAt,
        orderId,
      ]);
      return;
    }
    db.run(`UPDATE checkouts SET ${FLAG[event.type]} = 1 WHERE order_id = ?`, [orderId]);
    if (event.type === 'PaymentCharged' || event.type === 'PaymentDeclined') {
      db.run('UPDATE checkouts SET amount_cents = ? WHERE order_id = ?', [event.data.amountCents, orderId]);
    }
    if (event.type === 'CheckoutCancelled') db.run('UPDATE checkouts SET reason = ? WHERE order_id = ?', [event.data.reason, orderId]);
  },
});

const COLUMNS = `order_id AS orderId, customer_id AS customerId, sku, quantity, amount_cents AS amountCents,
  CASE
    WHEN confirmed = 1 THEN 'confirmed'
    WHEN cancelled = 1 THEN 'cancelled'
    WHEN declined = 1 THEN 'declined'
    WHEN charged = 1 THEN 'charged'
    WHEN reserved = 1 THEN 'reserved'
    ELSE 'started'
  END AS status,
  reserved = 1 AND released = 0 AS holdingStock, charged = 1 AND refunded = 0 AS holdingPayment, reason, started_at AS startedAt`;

export const checkoutsQueries: QuerySpec[] = [
  defineQuery<{ orderId: string }>({
    type: 'GetCheckout',
    projection: 'checkouts',
    description: 'One checkout and where it stands (null until the projection has seen it).',
    fields: [orderIdField],
    run: (db, p) => db.get(`SELECT ${COLUMNS} FROM checkouts WHERE order_id = ?`, [p.orderId]) ?? null,
  }),
  defineQuery<{ customerId?: string }>({
    type: 'ListCheckouts',
    projection: 'checkouts',
    description: 'Checkouts, optionally of one customer.',
    fields: [{ ...customerIdField, required: false }],
    run: (db, p) =>
      p.customerId === undefined
        ? db.all(`SELECT ${COLUMNS} FROM checkouts ORDER BY order_id`)
        : db.all(`SELECT ${COLUMNS} FROM checkouts WHERE customer_id = ? ORDER BY order_id`, [p.customerId]),
  }),
];
