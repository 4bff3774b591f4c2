// The reference "checkout lines" view: one row per checkout with the name of
// the product it is for. The name comes from another stream (the product's),
// so a checkout can arrive before its product: the row waits with no name,
// and the product fills it in when it arrives.
import type { ProjectionCode } from '../../../engine/index.ts';

export const CHECKOUT_LINES_COLUMNS = ['order_id', 'customer_id', 'sku', 'product_name', 'quantity', 'status'] as const;

export const checkoutLinesReference: ProjectionCode = {
  description: 'Checkout lines with product names (the reference)',
  schema: [
    'CREATE TABLE products (sku TEXT PRIMARY KEY, name TEXT NOT NULL)',
    `CREATE TABLE checkout_lines (
      order_id     TEXT PRIMARY KEY,
      customer_id  TEXT    NOT NULL,
      sku          TEXT    NOT NULL,
      product_name TEXT,
      quantity     INTEGER NOT NULL,
      status       TEXT    NOT NULL
    )`,
  ],
  handles: ['ProductAdded', 'CheckoutStarted', 'OrderConfirmed', 'CheckoutCancelled'],
  apply(db, event) {
    const d = event.data as Record<string, string | number>;
    switch (event.type) {
      case 'ProductAdded':
        db.run('INSERT INTO products (sku, name) VALUES (?, ?) ON CONFLICT (sku) DO NOTHING', [d['sku']!, d['name']!]);
        db.run('UPDATE checkout_lines SET product_name = ? WHERE sku = ?', [d['name']!, d['sku']!]);
        return;
      case 'CheckoutStarted':
        db.run(
          `INSERT INTO checkout_lines (order_id, customer_id, sku, product_name, quantity, status)
           VALUES (?, ?, ?, (SELECT name FROM products WHERE sku = ?), ?, 'started') ON CONFLICT (order_id) DO NOTHING`,
          [d['orderId']!, d['customerId']!, d['sku']!, d['sku']!, d['quantity']!],
        );
        return;
      case 'OrderConfirmed':
        db.run("UPDATE checkout_lines SET status = 'confirmed' WHERE order_id = ?", [d['orderId']!]);
        return;
      case 'CheckoutCancelled':
        db.run("UPDATE checkout_lines SET status = 'cancelled' WHERE order_id = ?", [d['orderId']!]);
        return;
    }
  },
};
