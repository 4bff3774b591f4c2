// Query-side consistency strategies, with a slow bus so the read model lags.
import { describe, expect, it } from 'vitest';
import { InvalidIntentError, InvalidPayloadError } from '../../../src/engine/errors.ts';
import type { CommandAccepted } from '../../../src/engine/vocabulary/results.ts';
import { recordsOf } from '../../../src/engine/vocabulary/trace.ts';
import { queryStrategyMetrics } from '../../../src/engine/metrics.ts';
import { commerceEngine } from './helpers.ts';

const SLOW = { bus: { latencyMs: 500, jitterMs: 0 }, costs: { commandMs: 2, projectMs: 1, queryMs: 1 } };
const addKeyboard = { type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 5 } };
const getKeyboard = { type: 'GetProduct', params: { sku: 'KB' } };

describe('consistency strategies', () => {
  it('at 500 ms bus latency a plain read 10 ms after the command misses the write; read-your-writes does not', async () => {
    const e = await commerceEngine(SLOW);
    const cmd = (await e.execute(addKeyboard, { sessionId: 'ada' })) as CommandAccepted;
    await e.advance(10);
    const plain = await e.query(getKeyboard, { sessionId: 'ada' });
    expect(plain.data).toBeNull();
    expect(plain.consistency).toMatchObject({ strategy: 'eventual', source: 'readModel', sawOwnWrite: false, stale: true, waitedMs: 0 });
    expect(plain.lagEvents).toBe(1);
    expect(plain.lagMs).toBeGreaterThanOrEqual(10);

    const ryw = await e.query(getKeyboard, { sessionId: 'ada', consistency: { strategy: 'readYourWrites' } });
    expect(ryw.data).toMatchObject({ sku: 'KB', stock: 5 });
    expect(ryw.consistency).toMatchObject({
      strategy: 'readYourWrites',
      sawOwnWrite: true,
      stale: false,
      timedOut: false,
      requiredPosition: cmd.consistencyToken,
    });
    // It waited for the projection: the rest of the 500 ms.
    expect(ryw.consistency!.waitedMs).toBeGreaterThanOrEqual(480);
    const waited = recordsOf(e.trace, 'query.waited').at(-1)!;
    expect(waited).toMatchObject({ satisfied: true, target: 1 });
    // Another session never wrote: nothing to see, nothing to wait for.
    const other = await e.query(getKeyboard, { sessionId: 'bob', consistency: { strategy: 'readYourWrites' } });
    expect(other.consistency).toMatchObject({ sawOwnWrite: null, waitedMs: 0, requiredPosition: null });
  });

  it('read-your-writes from the write side answers at once, completing the read model from the event store', async () => {
    const e = await commerceEngine(SLOW);
    await e.execute(addKeyboard, { sessionId: 'ada' });
    const r = await e.query(getKeyboard, { sessionId: 'ada', consistency: { strategy: 'readYourWrites', via: 'writeSide' } });
    expect(r.data).toMatchObject({ sku: 'KB', stock: 5 });
    expect(r.consistency).toMatchObject({ source: 'writeSide', sawOwnWrite: true, waitedMs: 0, stale: false });
    expect(r.position).toBe(1);
    expect(recordsOf(e.trace, 'query.fromWriteSide')).toEqual([expect.objectContaining({ fromPosition: 1, toPosition: 1, events: 1 })]);
    // Nothing was kept: the read model itself has not seen the product yet.
    expect((await e.query(getKeyboard)).data).toBeNull();
  });

  it('the token query waits at least the bus latency, or answers stale after its timeout', async () => {
    const e = await commerceEngine(SLOW);
    const cmd = (await e.execute(addKeyboard)) as CommandAccepted;
    // Asked right after the command returned, at the instant of the append.
    const r = await e.query(getKeyboard, { consistency: { strategy: 'token', token: cmd.consistencyToken } });
    expect(r.data).not.toBeNull();
    expect(r.position).toBeGreaterThanOrEqual(cmd.consistencyToken);
    expect(r.consistency!.waitedMs).toBeGreaterThanOrEqual(500);

    const f = await commerceEngine(SLOW);
    const c2 = (await f.execute(addKeyboard)) as CommandAccepted;
    const stale = await f.query(getKeyboard, { consistency: { strategy: 'token', token: c2.consistencyToken, timeoutMs: 100 } });
    expect(stale.data).toBeNull();
    expect(stale.consistency).toMatchObject({ stale: true, timedOut: true, waitedMs: 100 });
    expect(recordsOf(f.trace, 'query.waited').at(-1)).toMatchObject({ satisfied: false, waitedMs: 100 });
  });

  it('polling counts the polls until the version appears', async () => {
    const e = await commerceEngine(SLOW);
    const cmd = (await e.execute(addKeyboard)) as CommandAccepted;
    const r = await e.query(getKeyboard, { consistency: { strategy: 'poll', token: cmd.consistencyToken, pollIntervalMs: 100 } });
    expect(r.data).not.toBeNull();
    // 500 ms of lag, one poll every 100 ms (+1 ms per query): about six polls.
    expect(r.consistency!.polls).toBeGreaterThanOrEqual(5);
    expect(r.consistency!.polls).toBeLessThanOrEqual(7);
    const polls = recordsOf(e.trace, 'query.polled');
    expect(polls).toHaveLength(r.consistency!.polls);
    expect(polls.at(-1)!.satisfied).toBe(true);
    expect(polls.slice(0, -1).every((p) => !p.satisfied)).toBe(true);
  });

  it('push: a subscription fires when the projection passes the position; the push query then reads', async () => {
    const e = await commerceEngine(SLOW);
    const cmd = (await e.execute(addKeyboard, { sessionId: 'ada' })) as CommandAccepted;
    const receipt = e.subscribe('catalogue', cmd.consistencyToken, { sessionId: 'ada' });
    expect(receipt).toEqual({ subscriptionId: 'sub-1', projection: 'catalogue', position: 1 });
    const r = await e.query(getKeyboard, { sessionId: 'ada', consistency: { strategy: 'push' } });
    expect(r.data).not.toBeNull();
    expect(recordsOf(e.trace, 'query.pushed')).toHaveLength(1);
    const notified = recordsOf(e.trace, 'subscription.notified');
    expect(notified.map((n) => n.subscriptionId)).toEqual(['sub-1', 'sub-2']);
    expect(notified[0]!.waitedMs).toBeGreaterThanOrEqual(490);
    // Subscribing to a position already passed fires at once.
    e.subscribe('catalogue', 1);
    await e.runUntilIdle();
    expect(recordsOf(e.trace, 'subscription.notified').at(-1)).toMatchObject({ subscriptionId: 'sub-3', waitedMs: 0 });
  });

  it('optimistic: the expected result at once, reconciled when the projection catches up', async () => {
    const e = await commerceEngine(SLOW);
    await e.execute(addKeyboard);
    await e.runUntilIdle();
    e.submit({
      kind: 'command',
      command: { type: 'PlaceOrder', data: { orderId: 'o1', customerId: 'ada', sku: 'KB', quantity: 2 } },
      sessionId: 'ada',
    });
    const r = await e.query(getKeyboard, { sessionId: 'ada', consistency: { strategy: 'optimistic' } });
    // Shown at once: the order is not even decided yet, the read model still says 5.
    expect(r.consistency).toMatchObject({ source: 'predicted', sawOwnWrite: true, waitedMs: 0 });
    expect(r.data).toMatchObject({ stock: 3, unitsSold: 2 });
    expect(r.optimistic).toEqual({ commandIds: ['cmd-2'], predictedEvents: 1, confirmedEvents: 0 });
    expect((await e.query(getKeyboard)).data).toMatchObject({ stock: 5 });
    await e.runUntilIdle();
    const reconciled = recordsOf(e.trace, 'query.reconciled');
    expect(reconciled).toHaveLength(1);
    // The stock was predicted right; only the update time differs.
    expect(reconciled[0]!.differences).not.toContain('stock');
    expect(reconciled[0]!.afterMs).toBeGreaterThanOrEqual(500);
    expect(recordsOf(e.trace, 'query.rolledBack')).toHaveLength(0);
  });

  it('optimistic: a command shown at once and then refused after a conflict is rolled back', async () => {
    const e = await commerceEngine({ bus: { latencyMs: 50, jitterMs: 0 }, costs: { commandMs: 5, projectMs: 1, queryMs: 1 } });
    await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 1 } });
    await e.runUntilIdle();
    // Two customers race for the last unit; both see their order go through at once.
    e.submit({
      kind: 'command',
      command: { type: 'PlaceOrder', data: { orderId: 'a', customerId: 'ann', sku: 'KB', quantity: 1 } },
      sessionId: 'ann',
    });
    e.submit({
      kind: 'command',
      command: { type: 'PlaceOrder', data: { orderId: 'b', customerId: 'bob', sku: 'KB', quantity: 1 } },
      sessionId: 'bob',
    });
    e.submit({ kind: 'query', query: getKeyboard, sessionId: 'ann', consistency: { strategy: 'optimistic' } });
    e.submit({ kind: 'query', query: getKeyboard, sessionId: 'bob', consistency: { strategy: 'optimistic' } });
    await e.runUntilIdle();
    const shown = recordsOf(e.trace, 'query.optimistic');
    expect(shown.map((s) => s.predictedEvents)).toEqual([1, 1]);
    // Bob lost the race: conflict, retry, then OutOfStock: the UI rolls his order back.
    expect(recordsOf(e.trace, 'command.conflict').map((c) => c.sessionId)).toEqual(['bob']);
    const rolledBack = recordsOf(e.trace, 'query.rolledBack');
    expect(rolledBack).toEqual([
      expect.objectContaining({ sessionId: 'bob', commandId: 'cmd-3', rejection: expect.objectContaining({ code: 'OutOfStock' }) }),
    ]);
    const reconciled = recordsOf(e.trace, 'query.reconciled');
    expect(reconciled.find((r) => r.sessionId === 'bob')!.differences).toContain('stock');
    expect(reconciled.find((r) => r.sessionId === 'ann')!.differences).not.toContain('stock');
  });

  it('stale-while-revalidate answers from the cache and refreshes it in the background', async () => {
    const e = await commerceEngine(SLOW);
    await e.execute(addKeyboard);
    await e.runUntilIdle();
    const swr = { sessionId: 'tab', consistency: { strategy: 'staleWhileRevalidate' as const } };
    const first = await e.query(getKeyboard, swr);
    expect(first.consistency!.source).toBe('readModel');
    await e.execute({ type: 'RestockProduct', data: { sku: 'KB', quantity: 4 } });
    await e.runUntilIdle();
    const second = await e.query(getKeyboard, swr);
    expect(second.consistency).toMatchObject({ source: 'cache', stale: false });
    expect(second.data).toMatchObject({ stock: 5 });
    expect(second.lagEvents).toBe(1);
    await e.runUntilIdle();
    expect(recordsOf(e.trace, 'query.revalidated').at(-1)).toMatchObject({ changed: true, position: 2 });
    expect((await e.query(getKeyboard, swr)).data).toMatchObject({ stock: 9 });
  });

  it('a session default strategy applies to its queries; bad options are typed errors before anything runs', async () => {
    const e = await commerceEngine(SLOW);
    e.setSessionConsistency('ada', { strategy: 'readYourWrites' });
    await e.execute(addKeyboard, { sessionId: 'ada' });
    const r = await e.query(getKeyboard, { sessionId: 'ada' });
    expect(r.consistency).toMatchObject({ strategy: 'readYourWrites', sawOwnWrite: true });
    expect(e.session('ada')).toEqual({ sessionId: 'ada', lastWrite: 1, consistency: { strategy: 'readYourWrites' } });
    const traced = e.trace.length;
    expect(() => e.submit({ kind: 'query', query: getKeyboard, consistency: { strategy: 'psychic' as never } })).toThrow(
      InvalidIntentError,
    );
    expect(() => e.submit({ kind: 'query', query: getKeyboard, consistency: { strategy: 'token', token: -1 } })).toThrow(
      InvalidPayloadError,
    );
    expect(() => e.submit({ kind: 'query', query: getKeyboard, consistency: { strategy: 'token', waitMs: 3 } as never })).toThrow(
      /no option 'waitMs'/,
    );
    expect(() => e.subscribe('nope', 1)).toThrow(/no projection called 'nope'/);
    expect(e.trace.length).toBe(traced);
    const m = queryStrategyMetrics(e.trace);
    expect(m).toEqual([expect.objectContaining({ strategy: 'readYourWrites', queries: 1, sawOwnWrite: 1, missedOwnWrite: 0 })]);
  });
});
