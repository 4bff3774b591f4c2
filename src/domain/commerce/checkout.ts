// The checkout flow's own aggregates. An order (`order-<id>`) is started by
// the customer and then confirmed or cancelled by the checkout saga; a
// payment (`payment-<orderId>`) records what the payment gateway answered.
// Stock is reserved and released on the Product aggregate (product.ts), so
// the flow spans three aggregates and needs a process manager
// (checkoutSaga.ts) rather than one transaction.
import { defineAggregate, reject, type Decision, type DomainCommand } from '../../engine/index.ts';
import type { OrderEvent, PaymentEvent } from './events.ts';

/** The test card that always declines (any other card is approved unless the gateway fails). */
export const DECLINING_CARD = '4000000000000002';

export type OrderState = {
  started: boolean;
  orderId: string;
  customerId: string;
  sku: string;
  quantity: number;
  status: 'none' | 'started' | 'confirmed' | 'cancelled';
};

export type OrderCommand =
  | DomainCommand<'Checkout', { orderId: string; customerId: string; sku: string; quantity: number; card: string }>
  | DomainCommand<'ConfirmOrder', { orderId: string }>
  | DomainCommand<'CancelCheckout', { orderId: string; reason: string }>;

/** Every reason an order refuses a command. */
export type OrderRejection = 'DuplicateCheckout' | 'UnknownOrder' | 'AlreadyConfirmed' | 'AlreadyCancelled';

const orderInitial = (): OrderState => ({ started: false, orderId: '', customerId: '', sku: '', quantity: 0, status: 'none' });

function decideOrder(command: OrderCommand, state: OrderState): Decision<OrderEvent, OrderRejection> {
  if (command.type === 'Checkout') {
    if (state.started) return reject('DuplicateCheckout', `Order ${command.data.orderId} was already checked out.`);
    return [{ type: 'CheckoutStarted', data: { ...command.data } }];
  }
  if (!state.started) return reject('UnknownOrder', `No checkout was started for order ${command.data.orderId}.`);
  if (command.type === 'ConfirmOrder') {
    if (state.status === 'confirmed') return reject('AlreadyConfirmed', `Order ${state.orderId} is already confirmed.`);
    if (state.status === 'cancelled') return reject('AlreadyCancelled', `Order ${state.orderId} was cancelled; it cannot be confirmed.`);
    return [
      { type: 'OrderConfirmed', data: { orderId: state.orderId, customerId: state.customerId, sku: state.sku, quantity: state.quantity } },
    ];
  }
  if (state.status === 'cancelled') return reject('AlreadyCancelled', `Order ${state.orderId} is already cancelled.`);
  if (state.status === 'confirmed')
    return reject('AlreadyConfirmed', `Order ${state.orderId} is confirmed; it cannot be cancelled by the checkout.`);
  return [{ type: 'CheckoutCancelled', data: { orderId: state.orderId, customerId: state.customerId, reason: command.data.reason } }];
}

function evolveOrder(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'CheckoutStarted':
      return {
        started: true,
        orderId: event.data.orderId,
        customerId: event.data.customerId,
        sku: event.data.sku,
        quantity: event.data.quantity,
        status: 'started',
      };
    case 'OrderConfirmed':
      return { ...state, status: 'confirmed' };
    case 'CheckoutCancelled':
      return { ...state, status: 'cancelled' };
  }
}

export const orderStream = (orderId: string): string => `order-${orderId}`;

export const Order = defineAggregate<OrderState, OrderCommand, OrderEvent, OrderRejection>({
  name: 'Order',
  streamPrefix: 'order-',
  description: 'A checkout: started by the customer, then confirmed or cancelled by the checkout saga.',
  decider: { initialState: orderInitial, decide: decideOrder, evolve: evolveOrder },
});

export type PaymentState = {
  status: 'none' | 'charged' | 'declined' | 'refunded';
  orderId: string;
  amountCents: number;
};

export type PaymentCommand =
  | DomainCommand<'ChargePayment', { orderId: string; amountCents: number; card: string; gatewayApproved: boolean }>
  | DomainCommand<'RefundPayment', { orderId: string }>;

/** Every reason a payment refuses a command. */
export type PaymentRejection = 'AlreadyCharged' | 'NothingToRefund';

function decidePayment(command: PaymentCommand, state: PaymentState): Decision<PaymentEvent, PaymentRejection> {
  if (command.type === 'ChargePayment') {
    if (state.status !== 'none') return reject('AlreadyCharged', `Payment for order ${command.data.orderId} was already ${state.status}.`);
    const { orderId, amountCents, card, gatewayApproved } = command.data;
    if (card === DECLINING_CARD) return [{ type: 'PaymentDeclined', data: { orderId, amountCents, reason: 'the card was declined' } }];
    if (!gatewayApproved)
      return [{ type: 'PaymentDeclined', data: { orderId, amountCents, reason: 'the payment gateway refused the charge' } }];
    return [{ type: 'PaymentCharged', data: { orderId, amountCents } }];
  }
  if (state.status !== 'charged')
    return reject('NothingToRefund', `Payment for order ${command.data.orderId} is ${state.status}; only a charge can be refunded.`);
  return [{ type: 'PaymentRefunded', data: { orderId: state.orderId, amountCents: state.amountCents } }];
}

function evolvePayment(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentCharged':
      return { status: 'charged', orderId: event.data.orderId, amountCents: event.data.amountCents };
    case 'PaymentDeclined':
      return { status: 'declined', orderId: event.data.orderId, amountCents: event.data.amountCents };
    case 'PaymentRefunded':
      return { ...state, status: 'refunded' };
  }
}

export const paymentStream = (orderId: string): string => `payment-${orderId}`;

export const Payment = defineAggregate<PaymentState, PaymentCommand, PaymentEvent, PaymentRejection>({
  name: 'Payment',
  streamPrefix: 'payment-',
  description: 'The payment of one order: charged or declined once, refundable when charged.',
  decider: { initialState: () => ({ status: 'none', orderId: '', amountCents: 0 }), decide: decidePayment, evolve: evolvePayment },
});
