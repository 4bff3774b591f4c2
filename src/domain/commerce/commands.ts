// The commerce commands as the outside world sends them, with the field
// specs that validate them and generate forms, terminal help and completion.
import type { CommandSpec, Route } from '../../engine/index.ts';
import { idField, type FieldSpec } from '../../engine/index.ts';
import { orderStream, paymentStream, type OrderCommand, type PaymentCommand } from './checkout.ts';
import { productStream, type ProductCommand } from './product.ts';

export const skuField = idField('sku', 'Stock-keeping unit: the product id', 'KB-42');
export const orderIdField = idField('orderId', 'Id chosen by the client, so a retry names the same order', 'o-1001');
export const customerIdField = idField('customerId', 'Who is buying', 'ada');
const priceField: FieldSpec = {
  name: 'priceCents',
  kind: 'integer',
  description: 'Unit price in cents',
  example: 4999,
  min: 1,
  max: 10_000_000,
};
const quantityField: FieldSpec = { name: 'quantity', kind: 'integer', description: 'Units to buy', example: 1, min: 1, max: 1000 };
const cardField: FieldSpec = {
  name: 'card',
  kind: 'string',
  description: 'Card number (4000000000000002 always declines)',
  example: '4242424242424242',
  min: 12,
  max: 19,
  pattern: '[0-9]+',
  patternHint: 'digits only',
};

const onStream =
  (aggregate: string, stream: (id: string) => string, idField: string, type: OrderCommand['type'] | PaymentCommand['type']) =>
  (data: Record<string, unknown>): Route[] => [{ aggregate, streamId: stream(String(data[idField])), command: { type, data } }];

const onProduct =
  (type: ProductCommand['type']) =>
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
      { name: 'category', kind: 'string', description: 'Shelf it is listed under', example: 'peripherals', max: 40, required: false },
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
    fields: [orderIdField, customerIdField, skuField, quantityField],
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
  // The checkout flow (driven by the checkout saga after Checkout).
  {
    type: 'Checkout',
    description: 'Start a checkout: the checkout saga then reserves stock, charges the card and confirms (or compensates).',
    fields: [orderIdField, customerIdField, skuField, quantityField, cardField],
    route: onStream('Order', orderStream, 'orderId', 'Checkout'),
    ids: (d) => ({ orderId: String(d['orderId']) }),
  },
  {
    type: 'ReserveStock',
    description: 'Set units aside for a checkout (sent by the checkout saga). Refused when stock is short.',
    fields: [orderIdField, skuField, quantityField],
    route: onProduct('ReserveStock'),
    ids: (d) => ({ orderId: String(d['orderId']) }),
  },
  {
    type: 'ReleaseStock',
    description: 'Give a checkout’s reserved units back to stock (the saga’s compensation).',
    fields: [orderIdField, skuField],
    route: onProduct('ReleaseStock'),
    ids: (d) => ({ orderId: String(d['orderId']) }),
  },
  {
    type: 'ChargePayment',
    description: 'Record the payment gateway’s answer for a checkout (sent by the checkout saga).',
    fields: [
      orderIdField,
      { name: 'amountCents', kind: 'integer', description: 'Amount to charge, in cents', example: 4999, min: 0, max: 100_000_000 },
      cardField,
      { name: 'gatewayApproved', kind: 'boolean', description: 'What the payment gateway answered', example: true },
    ],
    route: onStream('Payment', paymentStream, 'orderId', 'ChargePayment'),
    ids: (d) => ({ orderId: String(d['orderId']) }),
  },
  {
    type: 'RefundPayment',
    description: 'Pay a charge back (the saga’s compensation for a charge that came too late).',
    fields: [orderIdField],
    route: onStream('Payment', paymentStream, 'orderId', 'RefundPayment'),
    ids: (d) => ({ orderId: String(d['orderId']) }),
  },
  {
    type: 'ConfirmOrder',
    description: 'Confirm a paid checkout (sent by the checkout saga).',
    fields: [orderIdField],
    route: onStream('Order', orderStream, 'orderId', 'ConfirmOrder'),
    ids: (d) => ({ orderId: String(d['orderId']) }),
  },
  {
    type: 'CancelCheckout',
    description: 'Cancel a checkout that could not complete (sent by the checkout saga).',
    fields: [orderIdField, { name: 'reason', kind: 'string', description: 'Why', example: 'payment declined', max: 200 }],
    route: onStream('Order', orderStream, 'orderId', 'CancelCheckout'),
    ids: (d) => ({ orderId: String(d['orderId']) }),
  },
];
