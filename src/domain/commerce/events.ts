// Event catalogue: what each fact means and its schema version, plus the
// upcasters that turn older payloads into the current shape.
import type { EventSpec, Upcaster } from '../../engine/index.ts';
import { DEFAULT_CATEGORY } from './product.ts';

export const events: EventSpec[] = [
  {
    type: 'ProductAdded',
    aggregate: 'Product',
    schemaVersion: 2,
    description: 'A product was listed with its price, stock and category (version 2; version 1 had no category).',
  },
  { type: 'ProductRestocked', aggregate: 'Product', schemaVersion: 1, description: 'Units were added to stock.' },
  { type: 'PriceChanged', aggregate: 'Product', schemaVersion: 1, description: 'The unit price changed.' },
  { type: 'OrderPlaced', aggregate: 'Product', schemaVersion: 1, description: 'Units were sold to a customer; stock went down.' },
  { type: 'OrderCancelled', aggregate: 'Product', schemaVersion: 1, description: 'An order was cancelled; its units came back to stock.' },
  { type: 'StockReserved', aggregate: 'Product', schemaVersion: 1, description: 'Units were set aside for a checkout; stock went down.' },
  { type: 'StockReleased', aggregate: 'Product', schemaVersion: 1, description: 'A checkout’s reserved units came back to stock.' },
  { type: 'CheckoutStarted', aggregate: 'Order', schemaVersion: 1, description: 'A customer started a checkout.' },
  { type: 'OrderConfirmed', aggregate: 'Order', schemaVersion: 1, description: 'The checkout completed: stock reserved and payment taken.' },
  { type: 'CheckoutCancelled', aggregate: 'Order', schemaVersion: 1, description: 'The checkout could not complete and was cancelled.' },
  { type: 'PaymentCharged', aggregate: 'Payment', schemaVersion: 1, description: 'The payment gateway took the money.' },
  { type: 'PaymentDeclined', aggregate: 'Payment', schemaVersion: 1, description: 'The payment gateway refused the charge.' },
  { type: 'PaymentRefunded', aggregate: 'Payment', schemaVersion: 1, description: 'A charge was paid back.' },
];

export const upcasters: Upcaster[] = [
  {
    eventType: 'ProductAdded',
    fromVersion: 1,
    description: 'Version 1 had no category: products listed then get the default one.',
    upcast: (data) => ({ ...data, category: DEFAULT_CATEGORY }),
  },
];
