// The reference solution, played by the tests: inserts that a duplicate
// leaves alone, and the product filling in the lines that came before it.
import { starter } from './exercise.ts';

export const joinLinesSolution = starter
  .replace(
    "      db.run('INSERT INTO products (sku, name) VALUES (?, ?)', [d.sku, d.name]);\n",
    "      db.run('INSERT INTO products (sku, name) VALUES (?, ?) ON CONFLICT (sku) DO NOTHING', [d.sku, d.name]);\n      db.run('UPDATE checkout_lines SET product_name = ? WHERE sku = ?', [d.name, d.sku]);\n",
  )
  .replace(
    "VALUES (?, ?, ?, ?, ?, 'started')\",\n        [d.orderId, d.customerId, d.sku, product.name, d.quantity],",
    "VALUES (?, ?, ?, ?, ?, 'started') ON CONFLICT (order_id) DO NOTHING\",\n        [d.orderId, d.customerId, d.sku, product ? product.name : null, d.quantity],",
  );
