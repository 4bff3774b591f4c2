// "A projection that joins two streams": checkout lines (the order's stream)
// with the product's name (the product's stream), under reordering and
// duplicates.
import { PROJECTION_API } from '../api.ts';
import type { ExerciseInfo } from '../types.ts';

export const starter = `// Checkout lines: one row per checkout, with the name of the product it is for.
// The checkout comes from the order's stream, the name from the product's
// stream. The bus delivers at least once and streams overtake each other, and
// the engine's guards are off for this view: a checkout can arrive before its
// product, and any event can arrive twice.

export const schema = [
  'CREATE TABLE products (sku TEXT PRIMARY KEY, name TEXT NOT NULL)',
  \`CREATE TABLE checkout_lines (
    order_id     TEXT PRIMARY KEY,
    customer_id  TEXT    NOT NULL,
    sku          TEXT    NOT NULL,
    product_name TEXT,
    quantity     INTEGER NOT NULL,
    status       TEXT    NOT NULL
  )\`,
];

export const handles = ['ProductAdded', 'CheckoutStarted', 'OrderConfirmed', 'CheckoutCancelled'];

/**
 * ProductAdded { sku, name, … }; CheckoutStarted { orderId, customerId, sku, quantity, … };
 * OrderConfirmed { orderId }; CheckoutCancelled { orderId, reason }.
 * status: 'started', then 'confirmed' or 'cancelled'.
 */
export function apply(db, event) {
  const d = event.data;
  switch (event.type) {
    case 'ProductAdded':
      db.run('INSERT INTO products (sku, name) VALUES (?, ?)', [d.sku, d.name]);
      return;
    case 'CheckoutStarted': {
      const product = db.get('SELECT name FROM products WHERE sku = ?', [d.sku]);
      db.run(
        "INSERT INTO checkout_lines (order_id, customer_id, sku, product_name, quantity, status) VALUES (?, ?, ?, ?, ?, 'started')",
        [d.orderId, d.customerId, d.sku, product.name, d.quantity],
      );
      return;
    }
    case 'OrderConfirmed':
      db.run("UPDATE checkout_lines SET status = 'confirmed' WHERE order_id = ?", [d.orderId]);
      return;
    case 'CheckoutCancelled':
      db.run("UPDATE checkout_lines SET status = 'cancelled' WHERE order_id = ?", [d.orderId]);
      return;
  }
}
`;

export const joinLines: ExerciseInfo = {
  id: 'join-lines',
  title: 'A projection that joins two streams',
  kind: 'projection',
  summary: 'Checkout lines with product names: the name lives in another stream, which may arrive late, or twice.',
  brief: [
    'The checkout lines view shows one row per checkout with the name of the product it is for. The checkout comes from the order’s stream (CheckoutStarted, then OrderConfirmed or CheckoutCancelled); the name comes from the product’s stream (ProductAdded).',
    'Within one stream events arrive in order, but different streams overtake each other, so a checkout can arrive before the product it names. And the bus delivers at least once: any event may arrive twice. The engine’s guards are off for this view: your apply must cope with both.',
    'A line whose product has not arrived yet has no name (NULL); it gets the name when the product arrives.',
  ],
  checks: [
    'Examples: a checkout that arrives before its product; every event delivered twice.',
    'Property: random products and checkouts (some cancelled by the payment gateway) under 30 % duplicates and reordering; your read model must equal a replay of the reference projection from the event store, row by row, table by table.',
  ],
  starter,
  api: PROJECTION_API,
};
