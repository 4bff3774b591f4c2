// The commerce commands as the outside world sends them, with the field
// specs that validate them and generate forms, terminal help and completion.
import type { CommandSpec, Route } from '../../engine/domain.ts';
import type { FieldSpec } from '../../engine/validation.ts';
import { productStream } from './product.ts';

const ID_PATTERN = '[A-Za-z0-9][A-Za-z0-9_-]*';
const ID_HINT = 'letters, digits, - and _';

export const skuField: FieldSpec = {
  name: 'sku',
  kind: 'string',
  description: 'Stock-keeping unit: the product id',
  example: 'KB-42',
  max: 40,
  pattern: ID_PATTERN,
  patternHint: ID_HINT,
};
export const orderIdField: FieldSpec = {
  name: 'orderId',
  kind: 'string',
  description: 'Id chosen by the client, so a retry names the same order',
  example: 'o-1001',
  max: 40,
  pattern: ID_PATTERN,
  patternHint: ID_HINT,
};
export const customerIdField: FieldSpec = {
  name: 'customerId',
  kind: 'string',
  description: 'Who is buying',
  example: 'ada',
  max: 40,
  pattern: ID_PATTERN,
  patternHint: ID_HINT,
};
const priceField: FieldSpec = { name: 'priceCents', kind: 'integer', description: 'Unit price in cents', example: 4999, min: 1, max: 10_000_000 };

const onProduct = (type: string) =>
  (data: Record<string, unknown>): Route[] => [
    { aggregate: 'Product', streamId: productStream(String(data['sku'])), command: { type, data } },
  ];

export const commands: CommandSpec[] = [
  {
    type: 'AddProduct',
    description: 'List a new product with its price and starting stock.',
    fields: [
      skuField,
      { name: 'name', kind: 'string', description: 'Display name', example: 'Mechanical keyboard', max: 80 },
      priceField,
      { name: 'stock', kind: 'integer', description: 'Units on hand', example: 10, min: 0, max: 1_000_000 },
    ],
    route: onProduct('AddProduct'),
    ids: (d) => ({ sku: String(d['sku']) }),
  },
  {
    type: 'RestockProduct',
    description: 'Add units to a product’s stock.',
    fields: [skuField, { name: 'quantity', kind: 'integer', description: 'Units received', example: 5, min: 1, max: 1_000_000 }],
    route: onProduct('RestockProduct'),
    ids: (d) => ({ sku: String(d['sku']) }),
  },
  {
    type: 'ChangePrice',
    description: 'Set a new unit price; orders already placed keep theirs.',
    fields: [skuField, priceField],
    route: onProduct('ChangePrice'),
    ids: (d) => ({ sku: String(d['sku']) }),
  },
  {
    type: 'PlaceOrder',
    description: 'Order units of one product. Refused when stock is short: stock never goes negative.',
    fields: [
      orderIdField,
      customerIdField,
      skuField,
      { name: 'quantity', kind: 'integer', description: 'Units to buy', example: 1, min: 1, max: 1000 },
    ],
    route: onProduct('PlaceOrder'),
    ids: (d) => ({ orderId: String(d['orderId']) }),
  },
  {
    type: 'CancelOrder',
    description: 'Cancel an order; its units go back to stock.',
    fields: [orderIdField, skuField],
    route: onProduct('CancelOrder'),
    ids: (d) => ({ orderId: String(d['orderId']) }),
  },
];
