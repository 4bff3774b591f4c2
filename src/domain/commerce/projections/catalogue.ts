// The product page's read model: name, price and stock in one row per SKU,
// so the hot read never touches the write side. Stock moves by deltas, which
// is exactly why this projection needs the dedupe guard.
import {
  defineProjection,
  defineQuery,
  projectionCode,
  type EnvelopeOf,
  type ProjectionCode,
  type QuerySpec,
  type ReadStoreDb,
} from '../../../engine/index.ts';
import { skuField } from '../commands.ts';
import type { CommerceEvent, ProductEvent } from '../events.ts';

const TABLE = `CREATE TABLE catalogue (
  sku             TEXT PRIMARY KEY,
  name            TEXT    NOT NULL,
  category        TEXT    NOT NULL,
  price_cents     INTEGER NOT NULL,
  stock           INTEGER NOT NULL,
  reserved_units  INTEGER NOT NULL DEFAULT 0,
  units_sold      INTEGER NOT NULL DEFAULT 0,
  open_orders     INTEGER NOT NULL DEFAULT 0,
  updated_at      INTEGER NOT NULL
)`;

/** Every event of a product moves its row. */
const HANDLES = [
  'ProductAdded',
  'ProductRestocked',
  'PriceChanged',
  'OrderPlaced',
  'OrderCancelled',
  'StockReserved',
  'StockReleased',
] as const satisfies readonly ProductEvent['type'][];

function apply(db: ReadStoreDb, event: EnvelopeOf<ProductEvent>, options: { ignoreCancellations?: boolean } = {}): void {
  const at = event.metadata.recordedAt;
  const sku = event.data.sku;
  switch (event.type) {
    case 'ProductAdded': {
      const d = event.data;
      db.run(
        `INSERT INTO catalogue (sku, name, category, price_cents, stock, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (sku) DO UPDATE SET name = excluded.name, category = excluded.category, price_cents = excluded.price_cents, stock = excluded.stock`,
        [sku, d.name, d.category, d.priceCents, d.stock, at],
      );
      return;
    }
    case 'ProductRestocked':
      db.run('UPDATE catalogue SET stock = stock + ?, updated_at = ? WHERE sku = ?', [event.data.quantity, at, sku]);
      return;
    case 'PriceChanged':
      db.run('UPDATE catalogue SET price_cents = ?, updated_at = ? WHERE sku = ?', [event.data.toCents, at, sku]);
      return;
    case 'OrderPlaced':
      db.run(
        'UPDATE catalogue SET stock = stock - ?, units_sold = units_sold + ?, open_orders = open_orders + 1, updated_at = ? WHERE sku = ?',
        [event.data.quantity, event.data.quantity, at, sku],
      );
      return;
    case 'OrderCancelled':
      if (options.ignoreCancellations) return;
      db.run(
        'UPDATE catalogue SET stock = stock + ?, units_sold = units_sold - ?, open_orders = open_orders - 1, updated_at = ? WHERE sku = ?',
        [event.data.quantity, event.data.quantity, at, sku],
      );
      return;
    case 'StockReserved':
      db.run('UPDATE catalogue SET stock = stock - ?, reserved_units = reserved_units + ?, updated_at = ? WHERE sku = ?', [
        event.data.quantity,
        event.data.quantity,
        at,
        sku,
      ]);
      return;
    case 'StockReleased':
      db.run('UPDATE catalogue SET stock = stock + ?, reserved_units = reserved_units - ?, updated_at = ? WHERE sku = ?', [
        event.data.quantity,
        event.data.quantity,
        at,
        sku,
      ]);
      return;
  }
}

/**
 * Other versions of the catalogue's code, for shadow (blue/green) rebuilds:
 * - withRevenue: a new version that also keeps the revenue per product (an
 *   added column; the rows the queries read stay the same);
 * - ignoresCancellations: a faulty build that forgets to put cancelled units
 *   back in stock (flip to it, compare, roll back).
 */
const variants: Record<string, ProjectionCode> = {
  withRevenue: projectionCode<CommerceEvent>()({
    description: 'Catalogue v2: also keeps the revenue of each product.',
    schema: [
      TABLE.replace('updated_at      INTEGER NOT NULL', 'revenue_cents   INTEGER NOT NULL DEFAULT 0,\n  updated_at      INTEGER NOT NULL'),
    ],
    handles: HANDLES,
    apply(db, event) {
      apply(db, event);
      if (event.type === 'OrderPlaced')
        db.run('UPDATE catalogue SET revenue_cents = revenue_cents + ? WHERE sku = ?', [event.data.totalCents, event.data.sku]);
      if (event.type === 'OrderCancelled')
        db.run('UPDATE catalogue SET revenue_cents = revenue_cents - ? WHERE sku = ?', [event.data.refundCents, event.data.sku]);
    },
  }),
  ignoresCancellations: projectionCode<CommerceEvent>()({
    description: 'A faulty build: cancelled orders never give their units back to stock.',
    schema: [TABLE],
    handles: HANDLES,
    apply: (db, event) => apply(db, event, { ignoreCancellations: true }),
  }),
};

export const catalogue = defineProjection<CommerceEvent>()({
  name: 'catalogue',
  description: 'Catalogue with stock: one row per product with its category, price, units in stock, reserved and sold.',
  schema: [TABLE],
  handles: HANDLES,
  apply: (db, event) => apply(db, event),
  variants,
});

const COLUMNS = `sku, name, category, price_cents AS priceCents, stock, stock > 0 AS inStock, reserved_units AS reservedUnits,
  units_sold AS unitsSold, open_orders AS openOrders, updated_at AS updatedAt`;

export const catalogueQueries: QuerySpec[] = [
  defineQuery<{ inStockOnly?: boolean }>({
    type: 'ListCatalogue',
    projection: 'catalogue',
    description: 'Every product with its price and stock, as the storefront shows it.',
    fields: [{ name: 'inStockOnly', kind: 'boolean', description: 'Hide sold-out products', example: true, required: false }],
    run: (db, p) =>
      p.inStockOnly === true
        ? db.all(`SELECT ${COLUMNS} FROM catalogue WHERE stock > 0 ORDER BY sku`)
        : db.all(`SELECT ${COLUMNS} FROM catalogue ORDER BY sku`),
  }),
  defineQuery<{ sku: string }>({
    type: 'GetProduct',
    projection: 'catalogue',
    description: 'One product page: price and stock (null until the projection has seen it).',
    fields: [skuField],
    run: (db, p) => db.get(`SELECT ${COLUMNS} FROM catalogue WHERE sku = ?`, [p.sku]) ?? null,
  }),
];
