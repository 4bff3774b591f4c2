// The product page's read model: name, price and stock in one row per SKU,
// so the hot read never touches the write side. Stock moves by deltas, which
// is exactly why this projection needs the dedupe guard.
import type { ProjectionDefinition, QuerySpec } from '../../../engine/domain.ts';
import { skuField } from '../commands.ts';

export const catalogue: ProjectionDefinition = {
  name: 'catalogue',
  description: 'Catalogue with stock: one row per product with price, units in stock and units sold.',
  schema: [
    `CREATE TABLE catalogue (
      sku          TEXT PRIMARY KEY,
      name         TEXT    NOT NULL,
      price_cents  INTEGER NOT NULL,
      stock        INTEGER NOT NULL,
      units_sold   INTEGER NOT NULL DEFAULT 0,
      open_orders  INTEGER NOT NULL DEFAULT 0,
      updated_at   INTEGER NOT NULL
    )`,
  ],
  handles: ['ProductAdded', 'ProductRestocked', 'PriceChanged', 'OrderPlaced', 'OrderCancelled'],
  apply(db, event) {
    const d = event.data;
    const at = event.metadata.recordedAt;
    const sku = d['sku'] as string;
    switch (event.type) {
      case 'ProductAdded':
        db.run(
          `INSERT INTO catalogue (sku, name, price_cents, stock, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price_cents = excluded.price_cents, stock = excluded.stock`,
          [sku, d['name'] as string, d['priceCents'] as number, d['stock'] as number, at],
        );
        return;
      case 'ProductRestocked':
        db.run('UPDATE catalogue SET stock = stock + ?, updated_at = ? WHERE sku = ?', [d['quantity'] as number, at, sku]);
        return;
      case 'PriceChanged':
        db.run('UPDATE catalogue SET price_cents = ?, updated_at = ? WHERE sku = ?', [d['toCents'] as number, at, sku]);
        return;
      case 'OrderPlaced':
        db.run(
          'UPDATE catalogue SET stock = stock - ?, units_sold = units_sold + ?, open_orders = open_orders + 1, updated_at = ? WHERE sku = ?',
          [d['quantity'] as number, d['quantity'] as number, at, sku],
        );
        return;
      case 'OrderCancelled':
        db.run(
          'UPDATE catalogue SET stock = stock + ?, units_sold = units_sold - ?, open_orders = open_orders - 1, updated_at = ? WHERE sku = ?',
          [d['quantity'] as number, d['quantity'] as number, at, sku],
        );
        return;
    }
  },
};

const COLUMNS = `sku, name, price_cents AS priceCents, stock, stock > 0 AS inStock, units_sold AS unitsSold,
  open_orders AS openOrders, updated_at AS updatedAt`;

export const catalogueQueries: QuerySpec[] = [
  {
    type: 'ListCatalogue',
    projection: 'catalogue',
    description: 'Every product with its price and stock, as the storefront shows it.',
    fields: [{ name: 'inStockOnly', kind: 'boolean', description: 'Hide sold-out products', example: true, required: false }],
    run: (db, p) =>
      p['inStockOnly'] === true
        ? db.all(`SELECT ${COLUMNS} FROM catalogue WHERE stock > 0 ORDER BY sku`)
        : db.all(`SELECT ${COLUMNS} FROM catalogue ORDER BY sku`),
  },
  {
    type: 'GetProduct',
    projection: 'catalogue',
    description: 'One product page: price and stock (null until the projection has seen it).',
    fields: [skuField],
    run: (db, p) => db.get(`SELECT ${COLUMNS} FROM catalogue WHERE sku = ?`, [p['sku'] as string]) ?? null,
  },
];
