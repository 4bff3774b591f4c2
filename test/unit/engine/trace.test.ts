import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine/engine.ts';
import { replayScript } from '../../../src/engine/script.ts';
import type { SettingsPatch } from '../../../src/engine/settings.ts';
import { recordsOf } from '../../../src/engine/vocabulary/trace.ts';
import { commerce } from '../../../src/domain/commerce/index.ts';
import { commerceEngine, sqlJs } from './helpers.ts';

const FAULTY: SettingsPatch = {
  bus: {
    latencyMs: 10,
    jitterMs: 25,
    duplicateProbability: 0.3,
    dropProbability: 0.2,
    redeliveryMs: 30,
    reorder: true,
    orderedPartitions: false,
  },
  costs: { commandMs: 3, projectMs: 2, queryMs: 1 },
};

/** A session mixing every kind of intent and every way of driving time. */
async function session(seed: number): Promise<Engine> {
  const e = await commerceEngine(FAULTY, seed);
  await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 6 } });
  await e.execute({ type: 'AddProduct', data: { sku: 'MS', name: 'Mouse', priceCents: 40, stock: 3 } });
  for (let i = 0; i < 5; i++) {
    e.submit({
      kind: 'command',
      command: { type: 'PlaceOrder', data: { orderId: `o${i}`, customerId: `c${i % 2}`, sku: i % 2 ? 'KB' : 'MS', quantity: 1 } },
    });
  }
  await e.step();
  await e.step();
  e.controlProjection('pause', 'orderSummary');
  await e.advance(15);
  await e.query({ type: 'ListCatalogue', params: {} }, { sessionId: 'tab-2' });
  e.configure({ bus: { latencyMs: 4 } });
  e.controlProjection('crash', 'catalogue');
  await e.advance(7);
  e.controlProjection('resume', 'orderSummary');
  await e.execute({ type: 'CancelOrder', data: { orderId: 'o1', sku: 'KB' } });
  await e.advance(40);
  e.controlProjection('resume', 'catalogue');
  e.controlProjection('rebuild', 'customerOrders');
  await e.runUntilIdle();
  await e.query({ type: 'GetCustomerOrders', params: { customerId: 'c1' } });
  return e;
}

const EVERY_INTENT: SettingsPatch = {
  ...FAULTY,
  snapshots: { every: 3 },
  delivery: 'outbox',
  faults: { publishFailureProbability: 0.2 },
  sagas: { failureProbability: 0.4, timeoutMs: 300 },
  sync: { mode: 'hybrid', projections: ['orderSummary'] },
};

/** A session using every kind of intent: strategies, sessions, subscriptions, temporal queries, imports, faults, shadow builds, sagas. */
async function session2(seed: number): Promise<Engine> {
  const e = await commerceEngine(EVERY_INTENT, seed);
  await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 6 } }, { sessionId: 'ann' });
  await e.dispatch({
    kind: 'import',
    events: [
      { streamId: 'product-OLD', type: 'ProductAdded', schemaVersion: 1, data: { sku: 'OLD', name: 'Old', priceCents: 5, stock: 4 } },
    ],
  });
  e.submit({ kind: 'session', sessionId: 'bob', consistency: { strategy: 'readYourWrites', via: 'writeSide' } });
  for (let i = 0; i < 4; i++) {
    e.submit({
      kind: 'command',
      command: {
        type: 'Checkout',
        data: { orderId: `k${i}`, customerId: 'bob', sku: i % 2 ? 'KB' : 'OLD', quantity: 1, card: '4242424242424242' },
      },
      sessionId: 'bob',
    });
    e.submit({
      kind: 'command',
      command: { type: 'PlaceOrder', data: { orderId: `o${i}`, customerId: 'ann', sku: 'KB', quantity: 1 } },
      sessionId: 'ann',
    });
  }
  e.submit({
    kind: 'query',
    query: { type: 'GetProduct', params: { sku: 'KB' } },
    sessionId: 'ann',
    consistency: { strategy: 'optimistic' },
  });
  e.submit({ kind: 'fault', fault: 'publishCrash', stage: 'afterPublish' });
  e.submit({ kind: 'subscribe', projection: 'catalogue', position: 5 });
  await e.step();
  e.submit({ kind: 'projection', action: 'shadowRebuild', name: 'catalogue', variant: 'withRevenue' });
  await e.advance(20);
  e.submit({
    kind: 'query',
    query: { type: 'GetProduct', params: { sku: 'KB' } },
    sessionId: 'ann',
    consistency: { strategy: 'poll', pollIntervalMs: 7 },
  });
  e.submit({ kind: 'query', query: { type: 'GetCheckout', params: { orderId: 'k1' } }, sessionId: 'bob' });
  e.submit({ kind: 'query', query: { type: 'ListCatalogue' }, sessionId: 'ann', consistency: { strategy: 'staleWhileRevalidate' } });
  e.submit({ kind: 'query', query: { type: 'ListCatalogue' }, sessionId: 'ann', consistency: { strategy: 'push', token: 4 } });
  e.submit({ kind: 'aggregateAt', streamId: 'product-KB', asOf: { position: 3 } });
  e.submit({ kind: 'projectionAt', projection: 'catalogue', asOf: { at: 10 } });
  await e.advance(30);
  e.submit({ kind: 'query', query: { type: 'ListCatalogue' }, sessionId: 'ann', consistency: { strategy: 'staleWhileRevalidate' } });
  await e.runUntilIdle();
  e.submit({ kind: 'projection', action: 'compare', name: 'catalogue' });
  e.submit({ kind: 'projection', action: 'flip', name: 'catalogue' });
  e.submit({ kind: 'configure', settings: { snapshots: { stateVersions: { Product: 2 } } } });
  e.submit({ kind: 'command', command: { type: 'RestockProduct', data: { sku: 'KB', quantity: 3 } }, sessionId: 'ann' });
  e.submit({
    kind: 'query',
    query: { type: 'GetProduct', params: { sku: 'KB' } },
    sessionId: 'ann',
    consistency: { strategy: 'token', token: 1000, timeoutMs: 50 },
  });
  await e.advance(5);
  e.submit({ kind: 'projection', action: 'rollback', name: 'catalogue' });
  await e.runUntilIdle();
  return e;
}

describe('trace', () => {
  it('every intent kind: the same seed and script give a byte-identical trace; the recorded script replays it', async () => {
    const original = await session2(21);
    const again = await session2(21);
    expect(JSON.stringify(again.trace)).toBe(JSON.stringify(original.trace));
    const text = JSON.stringify(original.trace);
    for (const type of [
      'events.imported',
      'snapshot.taken',
      'snapshot.loaded',
      'snapshot.ignored',
      'outbox.relayed',
      'outbox.relayCrashed',
      'fault.armed',
      'query.optimistic',
      'query.polled',
      'query.fromWriteSide',
      'query.cacheHit',
      'query.revalidated',
      'query.waited',
      'subscription.notified',
      'temporal.aggregate',
      'temporal.projection',
      'projection.shadowCaughtUp',
      'projection.compared',
      'projection.flipped',
      'projection.rolledBack',
      'saga.started',
      'saga.finished',
      'command.projected',
      'session.configured',
    ]) {
      expect(text).toContain(`"type":"${type}"`);
    }
    const script = original.recordedScript();
    expect(new Set(script.map((s) => s.intent.kind))).toEqual(
      new Set(['command', 'import', 'session', 'query', 'fault', 'subscribe', 'projection', 'aggregateAt', 'projectionAt', 'configure']),
    );
    const replayed = await replayScript(await sqlJs(), commerce, 21, EVERY_INTENT, JSON.parse(JSON.stringify(script)));
    expect(JSON.stringify(replayed.trace)).toBe(text);
  });

  it('records every step of a command’s life, with ids and virtual times', async () => {
    const e = await commerceEngine({ bus: { latencyMs: 10, jitterMs: 0 }, costs: { commandMs: 2, projectMs: 1, queryMs: 1 } });
    await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 6 }, commandId: 'add' });
    await e.runUntilIdle();
    await e.query({ type: 'GetProduct', params: { sku: 'KB' } });
    const catalogueOnly = e.trace.filter((r) => !('projection' in r) || r.projection === 'catalogue');
    expect(catalogueOnly.map((r) => `${r.at} ${r.type}`)).toEqual([
      '0 command.received',
      '0 command.loaded',
      '2 command.decided',
      '2 events.appended',
      '2 bus.published',
      '2 command.completed',
      '12 bus.delivered',
      '13 projection.applied',
      '13 projection.checkpointed',
      '13 query.received',
      '14 query.executed',
    ]);
    expect(e.trace.map((r) => r.seq)).toEqual(e.trace.map((_, i) => i + 1));
    expect(recordsOf(e.trace, 'projection.applied')[0]).toMatchObject({
      commandId: 'add',
      position: 1,
      streamId: 'product-KB',
      version: 1,
    });
  });

  it('the same seed and script give a byte-identical trace; another seed does not', async () => {
    const a = JSON.stringify((await session(11)).trace);
    const b = JSON.stringify((await session(11)).trace);
    const c = JSON.stringify((await session(12)).trace);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    for (const type of [
      'bus.dropped',
      'bus.duplicated',
      'projection.crashed',
      'projection.rebuildFinished',
      'bus.held',
      'projection.caughtUp',
    ]) {
      expect(a).toContain(`"type":"${type}"`);
    }
  });

  it('a recorded script replays to the identical trace on a fresh engine', async () => {
    const original = await session(5);
    const script = original.recordedScript();
    expect(script.every((s) => typeof s.step === 'number')).toBe(true);
    expect(script.filter((s) => s.intent.kind === 'command').every((s) => s.intent.kind === 'command' && s.intent.command.commandId)).toBe(
      true,
    );
    const replayed = await replayScript(await sqlJs(), commerce, 5, FAULTY, JSON.parse(JSON.stringify(script)));
    expect(JSON.stringify(replayed.trace)).toBe(JSON.stringify(original.trace));
  });

  it('after a replay, the next command without an id gets a fresh id, not a duplicate of a replayed one', async () => {
    const original = await session(5);
    const replayed = await replayScript(await sqlJs(), commerce, 5, FAULTY, JSON.parse(JSON.stringify(original.recordedScript())));
    const before = recordsOf(replayed.trace, 'command.received').length;
    const result = await replayed.execute({ type: 'AddProduct', data: { sku: 'NEW-1', name: 'New', priceCents: 100, stock: 1 } });
    expect(result.ok && result.duplicate).toBe(false);
    expect(result.ok).toBe(true);
    expect(original.recordedScript().some((s) => s.intent.kind === 'command' && s.intent.command.commandId === result.commandId)).toBe(
      false,
    );
    expect(recordsOf(replayed.trace, 'command.received').length).toBe(before + 1);
  });

  it('replay can stop at exactly the point the original had reached', async () => {
    const e = await commerceEngine(FAULTY, 3);
    await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 6 } });
    e.submit({ kind: 'command', command: { type: 'PlaceOrder', data: { orderId: 'o1', customerId: 'c', sku: 'KB', quantity: 1 } } });
    await e.step();
    await e.advance(2);
    e.submit({ kind: 'command', command: { type: 'PlaceOrder', data: { orderId: 'o2', customerId: 'c', sku: 'KB', quantity: 1 } } });
    await e.step();
    const replayed = await replayScript(await sqlJs(), commerce, 3, FAULTY, e.recordedScript(), e.position());
    expect(JSON.stringify(replayed.trace)).toBe(JSON.stringify(e.trace));
    expect(replayed.position()).toEqual(e.position());
  });

  it('hand-written scripts (times only) are deterministic too', async () => {
    const script = [
      {
        at: 0,
        intent: {
          kind: 'command' as const,
          command: { type: 'AddProduct', data: { sku: 'KB', name: 'K', priceCents: 1, stock: 2 }, commandId: 'a' },
        },
      },
      {
        at: 5,
        intent: {
          kind: 'command' as const,
          command: { type: 'PlaceOrder', data: { orderId: 'o', customerId: 'c', sku: 'KB', quantity: 1 }, commandId: 'b' },
        },
      },
      { at: 9, intent: { kind: 'query' as const, query: { type: 'GetProduct', params: { sku: 'KB' } } } },
    ];
    const one = await replayScript(await sqlJs(), commerce, 1, FAULTY, script);
    const two = await replayScript(await sqlJs(), commerce, 1, FAULTY, script);
    expect(JSON.stringify(one.trace)).toBe(JSON.stringify(two.trace));
    expect(recordsOf(one.trace, 'command.received').map((r) => r.at)).toEqual([0, 5]);
  });

  it('step runs one task, advance moves time, runUntilIdle drains', async () => {
    const e = await commerceEngine({ bus: { latencyMs: 10, jitterMs: 0 } });
    e.submit({ kind: 'command', command: { type: 'AddProduct', data: { sku: 'KB', name: 'K', priceCents: 1, stock: 2 } } });
    expect(e.trace).toHaveLength(0);
    expect(await e.step()).toBe(true);
    expect(e.trace.map((r) => r.type)).toEqual(['command.received', 'command.loaded']);
    await e.advance(5);
    expect(e.now).toBe(5);
    expect(recordsOf(e.trace, 'events.appended')).toHaveLength(1);
    expect(recordsOf(e.trace, 'bus.delivered')).toHaveLength(0);
    await e.runUntilIdle();
    expect(e.status().pendingTasks).toBe(0);
    expect(await e.step()).toBe(false);
  });

  it('listeners receive records as they happen', async () => {
    const e = await commerceEngine();
    const seen: string[] = [];
    const off = e.onTrace((r) => seen.push(r.type));
    await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'K', priceCents: 1, stock: 2 } });
    off();
    await e.runUntilIdle();
    expect(seen[0]).toBe('command.received');
    expect(seen.length).toBeLessThan(e.trace.length);
  });
});
