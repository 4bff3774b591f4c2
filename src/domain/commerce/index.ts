// E-commerce: products, stock and orders. The flash-sale domain.
import type { DomainDefinition } from '../../engine/domain.ts';
import { commands } from './commands.ts';
import { events } from './events.ts';
import { Product } from './product.ts';
import { catalogue, catalogueQueries } from './projections/catalogue.ts';
import { customerOrders, customerOrdersQueries } from './projections/customerOrders.ts';
import { orderSummary, orderSummaryQueries } from './projections/orderSummary.ts';

export const commerce: DomainDefinition = {
  name: 'commerce',
  title: 'E-commerce',
  description: 'Products with stock, orders placed against them, and three read models: order summaries, the catalogue with stock, and customer order history.',
  aggregates: [Product],
  commands,
  events,
  projections: [orderSummary, catalogue, customerOrders],
  queries: [...orderSummaryQueries, ...catalogueQueries, ...customerOrdersQueries],
};
