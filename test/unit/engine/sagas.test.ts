// The checkout saga: order → reserve stock → charge payment → confirm, with
// compensation, persisted state, idempotence under duplicate delivery and
// timeouts in virtual time.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine/engine.ts';
import { recordsOf } from '../../../src/engine/vocabulary/trace.ts';
import { DECLINING_CARD } from '../../../src/domain/commerce/checkout.ts';
import { commerceEngine } from './helpers.ts';

const CARD = '4242424242424242';
const checkout = (orderId: string, quantity = 1, card = CARD) => ({
  type: 'Checkout',
  data: { orderId, customerId: 'ada', sku: 'KB', quantity, card },
});

async function withKeyboard(settings = {}, seed = 1, stock = 5): Promise<Engine> {
  const e = await commerceEngine(settings, seed);
  await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock } });
  return e;
}

const stockOf = async (e: Engine): Promise<number> => {
  const [product] = await e.readStream('product-KB');
  let stock = Number(product!.data['stock']);
  for (const ev of await e.readStream('product-KB')) {
    if (ev.type === 'StockReserved') stock -= Number(ev.data['quantity']);
    if (ev.type === 'StockReleased') stock += Number(ev.data['quantity']);
  }
  return stock;
};

describe('checkout saga', () => {
  it('reserves, charges and confirms; its state is persisted in a table', async () => {
    const e = await withKeyboard();
    await e.execute(checkout('o1', 2));
    await e.runUntilIdle();
    const steps = recordsOf(e.trace, 'saga.stepped').map((s) => `${s.cause}:${s.from}->${s.to}`);
    expect(steps).toEqual([
      'CheckoutStarted:null->reserving',
      'StockReserved:reserving->charging',
      'PaymentCharged:charging->confirming',
      'OrderConfirmed:confirming->completed',
    ]);
    expect(recordsOf(e.trace, 'saga.commandSent').map((c) => c.commandId)).toEqual([
      'checkout-o1-reserve',
      'checkout-o1-charge',
      'checkout-o1-confirm',
    ]);
    expect(recordsOf(e.trace, 'saga.finished')).toEqual([expect.objectContaining({ sagaId: 'o1', status: 'completed' })]);
    const [instance] = await e.sagaInstances('checkout');
    expect(instance).toMatchObject({
      sagaId: 'o1',
      status: 'completed',
      done: true,
      timeout: null,
      correlationId: 'cmd-2',
      state: { amountCents: 200 },
    });
    const table = await e.readOnlySql('write', 'SELECT saga, saga_id, status, done FROM saga_instances');
    expect(table.rows).toEqual([['checkout', 'o1', 'completed', 1]]);
    expect((await e.readOnlySql('write', 'SELECT COUNT(*) FROM saga_processed')).rows).toEqual([[4]]);
    // Every event of the flow carries the checkout's correlation id.
    const order = await e.readStream('order-o1');
    expect(new Set(order.map((ev) => ev.metadata.correlationId))).toEqual(new Set(['cmd-2']));
    expect((await e.query({ type: 'GetCheckout', params: { orderId: 'o1' } })).data).toMatchObject({
      status: 'confirmed',
      holdingStock: 1,
      holdingPayment: 1,
    });
    expect(await stockOf(e)).toBe(3);
  });

  it('a declined card is compensated: the stock is released and the checkout cancelled', async () => {
    const e = await withKeyboard();
    await e.execute(checkout('o1', 2, DECLINING_CARD));
    await e.runUntilIdle();
    expect(recordsOf(e.trace, 'saga.stepped').at(-1)).toMatchObject({
      cause: 'PaymentDeclined',
      to: 'compensated',
      commands: ['ReleaseStock', 'CancelCheckout'],
      done: true,
    });
    expect(await stockOf(e)).toBe(5);
    expect((await e.query({ type: 'GetCheckout', params: { orderId: 'o1' } })).data).toMatchObject({
      status: 'cancelled',
      holdingStock: 0,
      reason: 'payment declined: the card was declined',
    });
  });

  it('the payment gateway fails with the seeded probability, reproducibly', async () => {
    const outcomes = async (seed: number): Promise<string[]> => {
      const e = await withKeyboard({ sagas: { failureProbability: 0.5 } }, seed, 100);
      for (let i = 0; i < 12; i++) e.submit({ kind: 'command', command: checkout(`o${i}`) });
      await e.runUntilIdle();
      return (await e.sagaInstances()).map((s) => `${s.sagaId}:${s.status}`);
    };
    const a = await outcomes(3);
    expect(a.filter((s) => s.endsWith('compensated')).length).toBeGreaterThan(0);
    expect(a.filter((s) => s.endsWith('completed')).length).toBeGreaterThan(0);
    expect(await outcomes(3)).toEqual(a);
  });

  it('refused reservations cancel the checkout (nothing to compensate)', async () => {
    const e = await withKeyboard({}, 1, 1);
    e.submit({ kind: 'command', command: checkout('o1') });
    e.submit({ kind: 'command', command: checkout('o2') });
    await e.runUntilIdle();
    const statuses = (await e.sagaInstances()).map((s) => s.status).sort();
    expect(statuses).toEqual(['cancelled', 'completed']);
    expect(recordsOf(e.trace, 'saga.commandRefused').some((r) => r.code === 'OutOfStock')).toBe(true);
    expect(await stockOf(e)).toBe(0);
  });

  it('is idempotent under duplicate delivery', async () => {
    const e = await withKeyboard({ bus: { duplicateProbability: 1, latencyMs: 5, jitterMs: 5 } });
    await e.execute(checkout('o1'));
    await e.runUntilIdle();
    expect(recordsOf(e.trace, 'saga.duplicateSkipped').length).toBeGreaterThanOrEqual(4);
    expect(recordsOf(e.trace, 'saga.commandSent')).toHaveLength(3);
    expect((await e.sagaInstances())[0]!.status).toBe('completed');
    expect(await stockOf(e)).toBe(4);
  });

  it('times out in virtual time and compensates; a charge that lands later is refunded', async () => {
    const e = await withKeyboard({ bus: { latencyMs: 100, jitterMs: 0 }, sagas: { timeoutMs: 1000 } });
    await e.execute(checkout('o1'));
    // Once the saga waits for the payment, the network gets slower than its patience.
    while (!recordsOf(e.trace, 'saga.stepped').some((s) => s.to === 'charging')) await e.step();
    e.configure({ bus: { latencyMs: 3000 } });
    await e.runUntilIdle();
    const timedOut = recordsOf(e.trace, 'saga.timedOut');
    expect(timedOut).toEqual([expect.objectContaining({ sagaId: 'o1', name: 'charge' })]);
    const scheduled = recordsOf(e.trace, 'saga.timeoutScheduled').find((t) => t.name === 'charge')!;
    expect(timedOut[0]!.at).toBe(scheduled.dueAt);
    expect(scheduled.dueAt - scheduled.at).toBe(1000);
    const payment = await e.readStream('payment-o1');
    expect(payment.map((p) => p.type)).toEqual(['PaymentCharged', 'PaymentRefunded']);
    expect(await stockOf(e)).toBe(5);
    expect((await e.query({ type: 'GetCheckout', params: { orderId: 'o1' } })).data).toMatchObject({
      status: 'cancelled',
      holdingStock: 0,
      holdingPayment: 0,
    });
  });

  it('a reservation that lands after the saga gave up is released', async () => {
    const e = await withKeyboard({ bus: { latencyMs: 600, jitterMs: 0 }, sagas: { timeoutMs: 500 } });
    await e.execute(checkout('o1'));
    await e.runUntilIdle();
    expect(recordsOf(e.trace, 'saga.timedOut')).toEqual([expect.objectContaining({ name: 'reserve' })]);
    expect((await e.sagaInstances())[0]).toMatchObject({ status: 'compensated', state: { reason: 'the stock reservation timed out' } });
    expect(await stockOf(e)).toBe(5);
    expect((await e.readStream('order-o1')).map((ev) => ev.type)).toEqual(['CheckoutStarted', 'CheckoutCancelled']);
  });
});
