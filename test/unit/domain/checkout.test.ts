import { describe, expect, it } from 'vitest';
import type { SagaContext } from '../../../src/engine/domain.ts';
import { given } from '../../../src/engine/testing/givenWhenThen.ts';
import { DECLINING_CARD, Order, Payment } from '../../../src/domain/commerce/checkout.ts';
import { checkoutSaga, type CheckoutSagaState } from '../../../src/domain/commerce/checkoutSaga.ts';
import type {
  CheckoutCancelled,
  CheckoutStarted,
  OrderConfirmed,
  PaymentCharged,
  PaymentDeclined,
  ProductAdded,
  StockReleased,
  StockReserved,
} from '../../../src/domain/commerce/events.ts';
import type { PaymentCommand } from '../../../src/domain/commerce/checkout.ts';
import { Product } from '../../../src/domain/commerce/product.ts';

const added: ProductAdded = { type: 'ProductAdded', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 2, category: 'x' } };
const reserved: StockReserved = {
  type: 'StockReserved',
  data: { orderId: 'o1', sku: 'KB', quantity: 2, unitPriceCents: 100, totalCents: 200 },
};
const started: CheckoutStarted = {
  type: 'CheckoutStarted',
  data: { orderId: 'o1', customerId: 'ada', sku: 'KB', quantity: 2, card: '4242424242424242' },
};
const charged: PaymentCharged = { type: 'PaymentCharged', data: { orderId: 'o1', amountCents: 200 } };
const confirmed: OrderConfirmed = { type: 'OrderConfirmed', data: { orderId: 'o1', customerId: 'ada', sku: 'KB', quantity: 2 } };

describe('Product reservations', () => {
  it('reserve takes units out of stock at the current price; release gives them back once', () => {
    given(Product, [added])
      .when({ type: 'ReserveStock', data: { orderId: 'o1', sku: 'KB', quantity: 2 } })
      .then([reserved]);
    given(Product, [added, reserved])
      .when({ type: 'ReserveStock', data: { orderId: 'o2', sku: 'KB', quantity: 1 } })
      .thenRejects('OutOfStock');
    given(Product, [added, reserved])
      .when({ type: 'ReserveStock', data: { orderId: 'o1', sku: 'KB', quantity: 1 } })
      .thenRejects('DuplicateReservation');
    const released: StockReleased = { type: 'StockReleased', data: { orderId: 'o1', sku: 'KB', quantity: 2 } };
    given(Product, [added, reserved])
      .when({ type: 'ReleaseStock', data: { orderId: 'o1', sku: 'KB' } })
      .then([released]);
    given(Product, [added, reserved, released])
      .when({ type: 'ReleaseStock', data: { orderId: 'o1', sku: 'KB' } })
      .thenRejects('AlreadyReleased');
    given(Product, [added])
      .when({ type: 'ReleaseStock', data: { orderId: 'o1', sku: 'KB' } })
      .thenRejects('NoReservation');
    given(Product, [added, reserved, released])
      .when({ type: 'PlaceOrder', data: { orderId: 'o9', customerId: 'bob', sku: 'KB', quantity: 2 } })
      .then([
        {
          type: 'OrderPlaced',
          data: { orderId: 'o9', customerId: 'bob', sku: 'KB', productName: 'Keyboard', quantity: 2, unitPriceCents: 100, totalCents: 200 },
        },
      ]);
  });
});

describe('Order and Payment', () => {
  it('a checkout starts once and ends confirmed or cancelled', () => {
    given(Order).when({ type: 'Checkout', data: started.data }).then([started]);
    given(Order, [started]).when({ type: 'Checkout', data: started.data }).thenRejects('DuplicateCheckout');
    given(Order)
      .when({ type: 'ConfirmOrder', data: { orderId: 'o1' } })
      .thenRejects('UnknownOrder');
    given(Order, [started])
      .when({ type: 'ConfirmOrder', data: { orderId: 'o1' } })
      .then([confirmed]);
    given(Order, [started, confirmed])
      .when({ type: 'CancelCheckout', data: { orderId: 'o1', reason: 'x' } })
      .thenRejects('AlreadyConfirmed');
    const cancelled: CheckoutCancelled = { type: 'CheckoutCancelled', data: { orderId: 'o1', customerId: 'ada', reason: 'x' } };
    given(Order, [started])
      .when({ type: 'CancelCheckout', data: { orderId: 'o1', reason: 'x' } })
      .then([cancelled]);
    given(Order, [started, cancelled])
      .when({ type: 'ConfirmOrder', data: { orderId: 'o1' } })
      .thenRejects('AlreadyCancelled');
  });

  it('a payment is charged or declined once, and only a charge is refunded', () => {
    const charge = (card: string, gatewayApproved = true): PaymentCommand => ({
      type: 'ChargePayment',
      data: { orderId: 'o1', amountCents: 200, card, gatewayApproved },
    });
    given(Payment).when(charge('4242424242424242')).then([charged]);
    given(Payment)
      .when(charge(DECLINING_CARD))
      .then([{ type: 'PaymentDeclined', data: { orderId: 'o1', amountCents: 200, reason: 'the card was declined' } }]);
    given(Payment)
      .when(charge('4242424242424242', false))
      .then([{ type: 'PaymentDeclined', data: { orderId: 'o1', amountCents: 200, reason: 'the payment gateway refused the charge' } }]);
    given(Payment, [charged]).when(charge('4242424242424242')).thenRejects('AlreadyCharged');
    given(Payment, [charged])
      .when({ type: 'RefundPayment', data: { orderId: 'o1' } })
      .then([{ type: 'PaymentRefunded', data: { orderId: 'o1', amountCents: 200 } }]);
    given(Payment)
      .when({ type: 'RefundPayment', data: { orderId: 'o1' } })
      .thenRejects('NothingToRefund');
  });
});

describe('checkout saga (pure functions)', () => {
  const ctx = (roll: number): SagaContext => ({ now: 0, random: () => roll, settings: { failureProbability: 0.5, timeoutMs: 1000 } });
  const s0: CheckoutSagaState = checkoutSaga.initialState;

  it('walks the happy path, with a wait on each external step', () => {
    const a = checkoutSaga.react(s0, started, ctx(0.9))!;
    expect(a).toMatchObject({
      status: 'reserving',
      commands: [{ key: 'reserve', type: 'ReserveStock' }],
      timeout: { name: 'reserve', afterMs: 1000 },
    });
    const b = checkoutSaga.react(a.state, reserved, ctx(0.9))!;
    expect(b).toMatchObject({
      status: 'charging',
      commands: [{ key: 'charge', data: { amountCents: 200, gatewayApproved: true } }],
      timeout: { name: 'charge' },
    });
    const c = checkoutSaga.react(b.state, charged, ctx(0.9))!;
    expect(c).toMatchObject({ status: 'confirming', commands: [{ type: 'ConfirmOrder' }], timeout: null });
    expect(checkoutSaga.react(c.state, confirmed, ctx(0.9))).toMatchObject({ status: 'completed', done: true });
  });

  it('the gateway draw decides the charge; failures and timeouts compensate; late news is undone', () => {
    const a = checkoutSaga.react(s0, started, ctx(0.1))!;
    const b = checkoutSaga.react(a.state, reserved, ctx(0.1))!;
    expect(b.commands![0]).toMatchObject({ type: 'ChargePayment', data: { gatewayApproved: false } });
    const paymentDeclined: PaymentDeclined = { type: 'PaymentDeclined', data: { orderId: 'o1', amountCents: 200, reason: 'no' } };
    const declined = checkoutSaga.react(b.state, paymentDeclined, ctx(0.1))!;
    expect(declined).toMatchObject({ status: 'compensated', done: true, commands: [{ type: 'ReleaseStock' }, { type: 'CancelCheckout' }] });
    const timedOut = checkoutSaga.onTimeout(b.state, 'charge', ctx(0.1))!;
    expect(timedOut.status).toBe('compensated');
    expect(checkoutSaga.onTimeout(b.state, 'reserve', ctx(0.1))).toBeUndefined();
    expect(checkoutSaga.react(timedOut.state, charged, ctx(0.1))!.commands).toEqual([
      { key: 'refund', type: 'RefundPayment', data: { orderId: 'o1' } },
    ]);
    expect(checkoutSaga.react(timedOut.state, reserved, ctx(0.1))!.commands![0]).toMatchObject({
      key: 'release-late',
      type: 'ReleaseStock',
    });
    expect(
      checkoutSaga.onRejected(
        a.state,
        { key: 'reserve', type: 'ReserveStock', data: { orderId: 'o1', sku: 'KB', quantity: 2 } },
        { code: 'OutOfStock', message: 'none left' },
        ctx(0.1),
      ),
    ).toMatchObject({
      status: 'cancelled',
      commands: [{ type: 'CancelCheckout' }],
    });
  });
});
