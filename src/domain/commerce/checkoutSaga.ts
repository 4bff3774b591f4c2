// The checkout process manager: order → reserve stock → charge payment →
// confirm, with compensation when a step fails or takes too long.
//
//   CheckoutStarted     → ReserveStock                       (wait 'reserve')
//   StockReserved       → ChargePayment                      (wait 'charge')
//   PaymentCharged      → ConfirmOrder
//   OrderConfirmed      → done: completed
//   PaymentDeclined     → ReleaseStock + CancelCheckout      done: compensated
//   ReserveStock refused→ CancelCheckout                     done: cancelled
//   a wait runs out     → ReleaseStock + CancelCheckout      done: compensated
//
// Late news after giving up is still handled: a reservation that lands after
// the saga gave up is released, a charge that lands after it gave up is
// refunded. So once everything has settled, no stock stays reserved and no
// money stays taken for a checkout that did not complete.
//
// The payment gateway's answer is drawn from the engine's seed
// (ctx.random), with settings.sagas.failureProbability as the chance that it
// refuses; the test card 4000000000000002 always declines.
import { defineSaga, type SagaCommandOf, type SagaReaction } from '../../engine/index.ts';
import type { OrderCommand, PaymentCommand } from './checkout.ts';
import type { CommerceEvent } from './events.ts';
import type { ProductCommand } from './product.ts';

/** What the saga may send: any command of the three aggregates it drives. */
type StepCommand = SagaCommandOf<ProductCommand | OrderCommand | PaymentCommand>;

export type CheckoutStatus = 'reserving' | 'charging' | 'confirming' | 'completed' | 'compensated' | 'cancelled';

export type CheckoutSagaState = {
  orderId: string;
  customerId: string;
  sku: string;
  quantity: number;
  card: string;
  amountCents: number;
  status: CheckoutStatus;
  reason: string | null;
};

const initialState = (): CheckoutSagaState => ({
  orderId: '',
  customerId: '',
  sku: '',
  quantity: 0,
  card: '',
  amountCents: 0,
  status: 'reserving',
  reason: null,
});

const giveUp = (s: CheckoutSagaState, reason: string): SagaReaction<CheckoutSagaState, StepCommand> => ({
  state: { ...s, status: 'compensated', reason },
  status: 'compensated',
  commands: [
    { key: 'release', type: 'ReleaseStock', data: { orderId: s.orderId, sku: s.sku } },
    { key: 'cancel', type: 'CancelCheckout', data: { orderId: s.orderId, reason } },
  ],
  timeout: null,
  done: true,
});

const finished = (s: CheckoutSagaState): boolean => s.status === 'completed' || s.status === 'compensated' || s.status === 'cancelled';

export const checkoutSaga = defineSaga<CommerceEvent, ProductCommand | OrderCommand | PaymentCommand, CheckoutSagaState>()({
  name: 'checkout',
  description: 'Checkout: reserve stock, charge the payment, confirm the order; release and cancel when a step fails or times out.',
  handles: ['CheckoutStarted', 'StockReserved', 'PaymentCharged', 'PaymentDeclined', 'OrderConfirmed'],
  startsWith: ['CheckoutStarted'],
  // Every event it handles names its order; imported history is not validated, so check.
  correlate: (e) => (typeof e.data.orderId === 'string' ? e.data.orderId : undefined),
  initialState,
  react(s, event, ctx) {
    switch (event.type) {
      case 'CheckoutStarted': {
        const d = event.data;
        const state: CheckoutSagaState = {
          ...initialState(),
          orderId: d.orderId,
          customerId: d.customerId,
          sku: d.sku,
          quantity: d.quantity,
          card: d.card,
        };
        return {
          state,
          status: 'reserving',
          commands: [{ key: 'reserve', type: 'ReserveStock', data: { orderId: state.orderId, sku: state.sku, quantity: state.quantity } }],
          timeout: { name: 'reserve', afterMs: ctx.settings.timeoutMs },
        };
      }
      case 'StockReserved': {
        if (finished(s)) {
          // The reservation landed after the saga gave up: give the units back.
          return {
            state: s,
            status: s.status,
            commands: [{ key: 'release-late', type: 'ReleaseStock', data: { orderId: s.orderId, sku: s.sku } }],
          };
        }
        if (s.status !== 'reserving') return undefined;
        const amountCents = event.data.totalCents;
        const approved = ctx.random('gateway') >= ctx.settings.failureProbability;
        const charge: StepCommand = {
          key: 'charge',
          type: 'ChargePayment',
          data: { orderId: s.orderId, amountCents, card: s.card, gatewayApproved: approved },
        };
        return {
          state: { ...s, amountCents, status: 'charging' },
          status: 'charging',
          commands: [charge],
          timeout: { name: 'charge', afterMs: ctx.settings.timeoutMs },
        };
      }
      case 'PaymentCharged':
        if (finished(s)) {
          // The charge landed after the saga gave up: pay the money back.
          return { state: s, status: s.status, commands: [{ key: 'refund', type: 'RefundPayment', data: { orderId: s.orderId } }] };
        }
        if (s.status !== 'charging') return undefined;
        return {
          state: { ...s, status: 'confirming' },
          status: 'confirming',
          commands: [{ key: 'confirm', type: 'ConfirmOrder', data: { orderId: s.orderId } }],
          timeout: null,
        };
      case 'PaymentDeclined':
        if (s.status !== 'charging') return undefined;
        return giveUp(s, `payment declined: ${event.data.reason}`);
      case 'OrderConfirmed':
        if (s.status !== 'confirming') return undefined;
        return { state: { ...s, status: 'completed' }, status: 'completed', timeout: null, done: true };
    }
  },
  onTimeout(s, timeout) {
    if (timeout === 'reserve' && s.status === 'reserving') return giveUp(s, 'the stock reservation timed out');
    if (timeout === 'charge' && s.status === 'charging') return giveUp(s, 'the payment timed out');
    return undefined;
  },
  onRejected(s, command, rejection) {
    if (command.type === 'ReserveStock' && s.status === 'reserving') {
      return {
        state: { ...s, status: 'cancelled', reason: rejection.message },
        status: 'cancelled',
        commands: [
          { key: 'cancel', type: 'CancelCheckout', data: { orderId: s.orderId, reason: `stock could not be reserved: ${rejection.code}` } },
        ],
        timeout: null,
        done: true,
      };
    }
    if (command.type === 'ChargePayment' && s.status === 'charging' && rejection.code !== 'AlreadyCharged') {
      return giveUp(s, `the payment could not be made: ${rejection.code}`);
    }
    if (command.type === 'ConfirmOrder' && s.status === 'confirming' && rejection.code !== 'AlreadyConfirmed') {
      // The order cannot be confirmed (it was cancelled meanwhile): undo the rest.
      return {
        ...giveUp(s, `the order could not be confirmed: ${rejection.code}`),
        commands: [
          { key: 'release', type: 'ReleaseStock', data: { orderId: s.orderId, sku: s.sku } },
          { key: 'refund', type: 'RefundPayment', data: { orderId: s.orderId } },
        ],
      };
    }
    return undefined;
  },
});
