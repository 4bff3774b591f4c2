// The commerce events, declared once: the unions every decider, projection,
// saga and test is checked against; the catalogue keyed by them (what each
// fact means and its schema version); and the upcasters that turn older
// payloads into the current shape.
import { eventList, eventTypes, type DomainEvent, type EventSpecs, type Upcaster } from '../../engine/index.ts';
import { DEFAULT_CATEGORY } from './product.ts';

// Product (product-<sku>): stock, prices, orders and checkout reservations.
/** Schema version 2 added `category`; version 1 events are upcast with DEFAULT_CATEGORY. */
export type ProductAdded = DomainEvent<'ProductAdded', { sku: string; name: string; priceCents: number; stock: number; category: string }>;
export type ProductRestocked = DomainEvent<'ProductRestocked', { sku: string; quantity: number }>;
export type PriceChanged = DomainEvent<'PriceChanged', { sku: string; fromCents: number; toCents: number }>;
export type OrderPlaced = DomainEvent<
  'OrderPlaced',
  { orderId: string; customerId: string; sku: string; productName: string; quantity: number; unitPriceCents: number; totalCents: number }
>;
export type OrderCancelled = DomainEvent<
  'OrderCancelled',
  { orderId: string; customerId: string; sku: string; quantity: number; refundCents: number }
>;
export type StockReserved = DomainEvent<
  'StockReserved',
  { orderId: string; sku: string; quantity: number; unitPriceCents: number; totalCents: number }
>;
export type StockReleased = DomainEvent<'StockReleased', { orderId: string; sku: string; quantity: number }>;

export type ProductEvent = ProductAdded | ProductRestocked | PriceChanged | OrderPlaced | OrderCancelled | StockReserved | StockReleased;

// Order (order-<id>): a checkout, confirmed or cancelled by the checkout saga.
export type CheckoutStarted = DomainEvent<
  'CheckoutStarted',
  { orderId: string; customerId: string; sku: string; quantity: number; card: string }
>;
export type OrderConfirmed = DomainEvent<'OrderConfirmed', { orderId: string; customerId: string; sku: string; quantity: number }>;
export type CheckoutCancelled = DomainEvent<'CheckoutCancelled', { orderId: string; customerId: string; reason: string }>;

export type OrderEvent = CheckoutStarted | OrderConfirmed | CheckoutCancelled;

// Payment (payment-<orderId>): what the payment gateway answered.
export type PaymentCharged = DomainEvent<'PaymentCharged', { orderId: string; amountCents: number }>;
export type PaymentDeclined = DomainEvent<'PaymentDeclined', { orderId: string; amountCents: number; reason: string }>;
export type PaymentRefunded = DomainEvent<'PaymentRefunded', { orderId: string; amountCents: number }>;

export type PaymentEvent = PaymentCharged | PaymentDeclined | PaymentRefunded;

export type CommerceEvent = ProductEvent | OrderEvent | PaymentEvent;

const specs = {
  ProductAdded: {
    aggregate: 'Product',
    schemaVersion: 2,
    description: 'A product was listed with its price, stock and category (version 2; version 1 had no category).',
  },
  ProductRestocked: { aggregate: 'Product', schemaVersion: 1, description: 'Units were added to stock.' },
  PriceChanged: { aggregate: 'Product', schemaVersion: 1, description: 'The unit price changed.' },
  OrderPlaced: { aggregate: 'Product', schemaVersion: 1, description: 'Units were sold to a customer; stock went down.' },
  OrderCancelled: { aggregate: 'Product', schemaVersion: 1, description: 'An order was cancelled; its units came back to stock.' },
  StockReserved: { aggregate: 'Product', schemaVersion: 1, description: 'Units were set aside for a checkout; stock went down.' },
  StockReleased: { aggregate: 'Product', schemaVersion: 1, description: 'A checkout’s reserved units came back to stock.' },
  CheckoutStarted: { aggregate: 'Order', schemaVersion: 1, description: 'A customer started a checkout.' },
  OrderConfirmed: { aggregate: 'Order', schemaVersion: 1, description: 'The checkout completed: stock reserved and payment taken.' },
  CheckoutCancelled: { aggregate: 'Order', schemaVersion: 1, description: 'The checkout could not complete and was cancelled.' },
  PaymentCharged: { aggregate: 'Payment', schemaVersion: 1, description: 'The payment gateway took the money.' },
  PaymentDeclined: { aggregate: 'Payment', schemaVersion: 1, description: 'The payment gateway refused the charge.' },
  PaymentRefunded: { aggregate: 'Payment', schemaVersion: 1, description: 'A charge was paid back.' },
} satisfies EventSpecs<CommerceEvent>;

/** Every commerce event type, in catalogue order. */
export const COMMERCE_EVENTS = eventTypes(specs);

export const events = eventList(specs);

export const upcasters: Upcaster<CommerceEvent['type']>[] = [
  {
    eventType: 'ProductAdded',
    fromVersion: 1,
    description: 'Version 1 had no category: products listed then get the default one.',
    upcast: (data) => ({ ...data, category: DEFAULT_CATEGORY }),
  },
];
