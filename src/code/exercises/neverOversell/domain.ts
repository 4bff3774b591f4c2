// The exercise's small domain: one product's stock as a stream
// (`stock-<sku>`), restocked and ordered from. Its decider is the learner's
// code; everything else (routing, validation, a stock view) is ordinary
// engine domain, so the commands run through the real command handler with
// its optimistic concurrency and retries.
import {
  eventList,
  idField,
  type CommandSpec,
  type DomainDefinition,
  type EventSpecs,
  type Message,
  type ProjectionDefinition,
  type QuerySpec,
  type RunningDecider,
} from '../../../engine/index.ts';

export type StockEvent =
  Message<'Restocked', { sku: string; units: number }> | Message<'OrderPlaced', { sku: string; orderId: string; units: number }>;

const specs = {
  Restocked: { aggregate: 'Stock', schemaVersion: 1, description: 'Units arrived in the warehouse.' },
  OrderPlaced: { aggregate: 'Stock', schemaVersion: 1, description: 'A customer bought units.' },
} satisfies EventSpecs<StockEvent>;

export const STOCK_EVENT_TYPES = Object.keys(specs);
export const STOCK_REJECTIONS = ['OutOfStock'];

const skuField = idField('sku', 'Product code', 'KB');
const unitsField = (max: number) => ({ name: 'units', kind: 'integer' as const, description: 'Units', example: 2, min: 1, max });

const onStock =
  (type: string) =>
  (data: Record<string, unknown>): ReturnType<CommandSpec['route']> => [
    { aggregate: 'Stock', streamId: `stock-${String(data['sku'])}`, command: { type, data } },
  ];

const commands: CommandSpec[] = [
  { type: 'Restock', description: 'Units arrive for a product.', fields: [skuField, unitsField(1000)], route: onStock('Restock') },
  {
    type: 'PlaceOrder',
    description: 'A customer orders units of a product.',
    fields: [skuField, idField('orderId', 'Order number', 'o-1'), unitsField(100)],
    route: onStock('PlaceOrder'),
    ids: (d) => ({ orderId: String(d['orderId']) }),
  },
];

const stockLevels: ProjectionDefinition = {
  name: 'stockLevels',
  description: 'Units on hand per product.',
  schema: ['CREATE TABLE stock_levels (sku TEXT PRIMARY KEY, on_hand INTEGER NOT NULL, orders INTEGER NOT NULL)'],
  handles: STOCK_EVENT_TYPES,
  apply(db, e) {
    const d = e.data as { sku: string; units: number };
    const delta = e.type === 'Restocked' ? d.units : -d.units;
    db.run(
      `INSERT INTO stock_levels (sku, on_hand, orders) VALUES (?, ?, ?)
       ON CONFLICT (sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand, orders = orders + excluded.orders`,
      [d.sku, delta, e.type === 'OrderPlaced' ? 1 : 0],
    );
  },
};

const queries: QuerySpec[] = [
  {
    type: 'GetStock',
    projection: 'stockLevels',
    description: 'Units on hand of one product.',
    fields: [skuField],
    run: (db, p) => db.get('SELECT sku, on_hand AS onHand, orders FROM stock_levels WHERE sku = ?', [String(p['sku'])]) ?? null,
  },
];

/** The stock domain with `decider` (the learner's) as its one aggregate's decider. */
export function stockDomain(decider: RunningDecider): DomainDefinition {
  return {
    name: 'stock',
    title: 'Stock',
    description: 'One product per stream: restocks and orders, decided by your code.',
    aggregates: [{ name: 'Stock', streamPrefix: 'stock-', description: 'A product and its units on hand.', decider }],
    commands,
    events: eventList(specs),
    projections: [stockLevels],
    queries,
  };
}
