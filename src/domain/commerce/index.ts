// E-commerce: products, stock and orders (the flash-sale domain), plus a
// checkout flow across three aggregates driven by a saga.
import type { DomainDefinition } from '../../engine/index.ts';
import { Order, Payment } from './checkout.ts';
import { checkoutSaga } from './checkoutSaga.ts';
import { commands } from './commands.ts';
import { events, upcasters } from './events.ts';
import { Product } from './product.ts';
import { catalogue, catalogueQueries } from './projections/catalogue.ts';
import { checkouts, checkoutsQueries } from './projections/checkouts.ts';
import { customerOrders, customerOrdersQueries } from './projections/customerOrders.ts';
import { orderSummary, orderSummaryQueries } from './projections/orderSummary.ts';

export const commerce: DomainDefinition = {
  name: 'commerce',
  title: 'E-commerce',
  description:
    'Products with stock, orders placed against them, a checkout saga (reserve stock, charge, confirm or compensate), and four read models: order summaries, the catalogue with stock, customer order history and checkouts.',
  aggregates: [Product, Order, Payment],
  commands,
  events,
  projections: [orderSummary, catalogue, customerOrders, checkouts],
  queries: [...orderSummaryQueries, ...catalogueQueries, ...customerOrdersQueries, ...checkoutsQueries],
  upcasters,
  sagas: [checkoutSaga],
};
