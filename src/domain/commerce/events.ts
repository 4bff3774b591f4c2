// Event catalogue: what each fact means and its schema version.
import type { EventSpec } from '../../engine/domain.ts';

export const events: EventSpec[] = [
  { type: 'ProductAdded', aggregate: 'Product', schemaVersion: 1, description: 'A product was listed with its price and stock.' },
  { type: 'ProductRestocked', aggregate: 'Product', schemaVersion: 1, description: 'Units were added to stock.' },
  { type: 'PriceChanged', aggregate: 'Product', schemaVersion: 1, description: 'The unit price changed.' },
  { type: 'OrderPlaced', aggregate: 'Product', schemaVersion: 1, description: 'Units were sold to a customer; stock went down.' },
  { type: 'OrderCancelled', aggregate: 'Product', schemaVersion: 1, description: 'An order was cancelled; its units came back to stock.' },
];
