// A recorded run of every mechanism, compared byte for byte with a fixture
// committed before the engine was split into modules: any change of
// behaviour (a record more or less, another order, another value) fails
// here. Regenerate only for an intended change of behaviour:
//   RECORD_TRACE=1 npm run test:unit -- test/engine/recordedTrace.test.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine/engine.ts';
import { SEPARATION_PRESETS, type SettingsPatch } from '../../../src/engine/settings.ts';
import { social } from '../../../src/domain/social/index.ts';
import { bankingEngine, commerceEngine, engineFor, liveDumps } from './helpers.ts';

const FIXTURE = new URL('./fixtures/recorded-trace.json', import.meta.url);

interface Recorded {
  trace: unknown[];
  results: unknown[];
  readModels: Record<string, string>;
}

/** Keeps every answer the engine gave, so results are compared too, not only the trace. */
function recorder(e: Engine): { keep: (p: Promise<unknown> | (() => unknown)) => Promise<void>; done: () => Promise<Recorded> } {
  const results: unknown[] = [];
  return {
    /** Refusals are part of the record: an error is kept as its JSON. */
    keep: async (p: Promise<unknown> | (() => unknown)): Promise<void> => {
      try {
        results.push(await (typeof p === 'function' ? p() : p));
      } catch (err) {
        results.push({ error: err instanceof Error && 'toJSON' in err ? err : String(err) });
      }
    },
    done: async () => ({ trace: [...e.trace], results, readModels: await liveDumps(e) }),
  };
}

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

/** Commerce, level 3, outbox with relay crashes, snapshots, upcasting, sagas, every query strategy, shadow builds. */
async function commerceOutbox(): Promise<Recorded> {
  const e = await commerceEngine(
    {
      ...FAULTY,
      snapshots: { every: 3 },
      delivery: 'outbox',
      faults: { publishFailureProbability: 0.2 },
      sagas: { failureProbability: 0.4, timeoutMs: 300 },
      sync: { mode: 'hybrid', projections: ['orderSummary'] },
      retry: { maxAttempts: 2, backoffMs: 1 },
    },
    21,
  );
  const r = recorder(e);
  await r.keep(e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 6 } }, { sessionId: 'ann' }));
  await r.keep(
    e.dispatch({
      kind: 'import',
      events: [
        { streamId: 'product-OLD', type: 'ProductAdded', schemaVersion: 1, data: { sku: 'OLD', name: 'Old', priceCents: 5, stock: 4 } },
      ],
    }),
  );
  e.submit({ kind: 'session', sessionId: 'bob', consistency: { strategy: 'readYourWrites', via: 'writeSide' } });
  for (let i = 0; i < 4; i++) {
    e.submit({
      kind: 'command',
      command: {
        type: 'Checkout',
        data: {
          orderId: `k${i}`,
          customerId: 'bob',
          sku: i % 2 ? 'KB' : 'OLD',
          quantity: 1,
          card: i === 2 ? '4000000000000002' : '4242424242424242',
        },
      },
      sessionId: 'bob',
    });
    e.submit({
      kind: 'command',
      command: { type: 'PlaceOrder', data: { orderId: `o${i}`, customerId: 'ann', sku: 'KB', quantity: 1 } },
      sessionId: 'ann',
    });
  }
  // Concurrent orders on one stream: conflicts, a retry, and a rejection (out of stock).
  for (let i = 0; i < 4; i++)
    e.submit({ kind: 'command', command: { type: 'PlaceOrder', data: { orderId: `x${i}`, customerId: 'cy', sku: 'OLD', quantity: 2 } } });
  e.submit({ kind: 'command', command: { type: 'PlaceOrder', data: { orderId: 'bad', customerId: 'cy', sku: 'NONE', quantity: 1 } } });
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
  e.submit({ kind: 'query', query: { type: 'ListOrders' }, sessionId: 'ann', consistency: { strategy: 'readYourWrites' } });
  e.submit({ kind: 'query', query: { type: 'ListOrders' }, consistency: { strategy: 'eventual' } });
  e.submit({ kind: 'aggregateAt', streamId: 'product-KB', asOf: { position: 3 } });
  e.submit({ kind: 'aggregateAt', streamId: 'product-KB', asOf: { version: 2 } });
  e.submit({ kind: 'projectionAt', projection: 'catalogue', asOf: { at: 10 } });
  e.submit({ kind: 'projectionAt', projection: 'orderSummary', asOf: { position: 6 }, query: { type: 'ListOrders' } });
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
  await r.keep(e.compareShadow('catalogue'));
  await r.keep(() => e.controlProjection('dropShadow', 'catalogue'));
  await r.keep(e.sagaInstances());
  await r.keep(() => e.status());
  return r.done();
}

/** Banking, level 1 (read models in the write database, sync), dual write losing events, pause / crash / resume / rebuild, shadow drop. */
async function bankingLevel1(): Promise<Recorded> {
  const e = await bankingEngine(
    {
      ...SEPARATION_PRESETS[1],
      delivery: 'dualWrite',
      bus: { latencyMs: 4, jitterMs: 6, duplicateProbability: 0.2 },
      costs: { commandMs: 2, projectMs: 1, queryMs: 1 },
    },
    7,
  );
  const r = recorder(e);
  await r.keep(e.execute({ type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } }, { sessionId: 's' }));
  await r.keep(e.execute({ type: 'OpenAccount', data: { accountId: 'b', owner: 'Bob', overdraftLimitCents: 50 } }));
  await r.keep(e.execute({ type: 'Deposit', data: { accountId: 'a', amountCents: 100 } }));
  await r.keep(e.execute({ type: 'Withdraw', data: { accountId: 'a', amountCents: 500 } }));
  await r.keep(
    e.execute({ type: 'Transfer', data: { transferId: 't1', fromAccountId: 'a', toAccountId: 'b', amountCents: 30 } }, { sessionId: 's' }),
  );
  await r.keep(e.execute({ type: 'Deposit', data: { accountId: 'a', amountCents: 1 }, commandId: 'dup' }));
  await r.keep(e.execute({ type: 'Deposit', data: { accountId: 'a', amountCents: 1 }, commandId: 'dup' }));
  await r.keep(
    e.query({ type: 'GetBalance', params: { accountId: 'a' } }, { sessionId: 's', consistency: { strategy: 'readYourWrites' } }),
  );
  await r.keep(() => e.controlProjection('pause', 'statement'));
  await r.keep(e.execute({ type: 'Deposit', data: { accountId: 'b', amountCents: 5 } }));
  await r.keep(() => e.controlProjection('resume', 'statement'));
  await r.keep(() => e.controlProjection('crash', 'balance'));
  await r.keep(e.execute({ type: 'Deposit', data: { accountId: 'b', amountCents: 6 } }));
  await r.keep(() => e.controlProjection('resume', 'balance'));
  await r.keep(() => e.controlProjection('rebuild', 'statement'));
  await r.keep(() => e.controlProjection('shadowRebuild', 'balance'));
  await e.runUntilIdle();
  await r.keep(() => e.controlProjection('dropShadow', 'balance'));
  await r.keep(e.aggregateAt('account-a', { version: 2 }));
  await r.keep(e.projectionAt('balance', { position: 3 }, { type: 'GetBalance', params: { accountId: 'a' } }));
  await r.keep(e.query({ type: 'ListAccounts' }));
  return r.done();
}

/** Banking, async dual write with a fault: the lost event holds the read model behind the hole. */
async function bankingDualWriteLoss(): Promise<Recorded> {
  const e = await bankingEngine(
    { delivery: 'dualWrite', faults: { publishFailureProbability: 0.3 }, bus: { latencyMs: 3, jitterMs: 3 } },
    11,
  );
  const r = recorder(e);
  await r.keep(e.execute({ type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } }));
  await r.keep(() => e.injectFault('beforePublish'));
  await r.keep(() => e.controlProjection('pause', 'statement'));
  for (let i = 0; i < 8; i++) await r.keep(e.execute({ type: 'Deposit', data: { accountId: 'a', amountCents: i + 1 } }));
  await r.keep(() => e.controlProjection('crash', 'statement'));
  await e.advance(2);
  await r.keep(() => e.controlProjection('resume', 'statement'));
  await e.runUntilIdle();
  await r.keep(
    e.query({ type: 'GetBalance', params: { accountId: 'a' } }, { consistency: { strategy: 'token', token: 3, timeoutMs: 100 } }),
  );
  await r.keep(() => e.controlProjection('crash', 'balance'));
  await r.keep(() => e.controlProjection('resume', 'balance'));
  await e.runUntilIdle();
  await r.keep(e.query({ type: 'GetStatement', params: { accountId: 'a' } }));
  await r.keep(() => e.status());
  return r.done();
}

/** Social, level 2 (one read database), feeds push / pull / hybrid with a celebrity. */
async function socialLevel2(): Promise<Recorded> {
  const e = await engineFor(
    social,
    {
      ...SEPARATION_PRESETS[2],
      sync: { mode: 'hybrid', projections: ['feedPush'] },
      bus: { latencyMs: 2, jitterMs: 2 },
      costs: { projectMs: 1, projectRowMs: 1 },
    },
    3,
  );
  const r = recorder(e);
  await r.keep(e.execute({ type: 'ConfigureFeed', data: { celebrityThreshold: 5 } }));
  await r.keep(e.execute({ type: 'GainFollowers', data: { followeeId: 'star', prefix: 'fan', count: 8 } }));
  for (const f of ['fan1', 'fan2']) await r.keep(e.execute({ type: 'Follow', data: { followerId: f, followeeId: 'joe' } }));
  await r.keep(e.execute({ type: 'Follow', data: { followerId: 'joe', followeeId: 'joe' } }));
  await r.keep(e.execute({ type: 'PublishPost', data: { userId: 'star', postId: 'p1', text: 'Hello, fans' } }));
  await r.keep(e.execute({ type: 'PublishPost', data: { userId: 'joe', postId: 'p2', text: 'Hi' } }));
  await e.runUntilIdle();
  for (const q of ['GetFeedPush', 'GetFeedPull', 'GetFeedHybrid']) await r.keep(e.query({ type: q, params: { userId: 'fan1' } }));
  await r.keep(e.query({ type: 'GetFollowCounts', params: { userId: 'star' } }));
  return r.done();
}

/** Checkout sagas: a timeout that compensates, a charge that lands late and is refunded. */
async function sagaTimeouts(): Promise<Recorded> {
  const e = await commerceEngine({ bus: { latencyMs: 100, jitterMs: 0 }, sagas: { timeoutMs: 1000 } });
  const r = recorder(e);
  await r.keep(e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 5 } }));
  await r.keep(
    e.execute({ type: 'Checkout', data: { orderId: 'o1', customerId: 'ada', sku: 'KB', quantity: 1, card: '4242424242424242' } }),
  );
  for (let i = 0; i < 40; i++) await e.step();
  e.configure({ bus: { latencyMs: 3000 } });
  await e.runUntilIdle();
  e.configure({ bus: { latencyMs: 600 }, sagas: { timeoutMs: 500 } });
  await r.keep(
    e.execute({ type: 'Checkout', data: { orderId: 'o2', customerId: 'ada', sku: 'KB', quantity: 1, card: '4242424242424242' } }),
  );
  await e.runUntilIdle();
  await r.keep(e.sagaInstances());
  await r.keep(e.query({ type: 'ListCheckouts' }));
  return r.done();
}

async function recordAll(): Promise<string> {
  const sessions: Record<string, Recorded> = {
    commerceOutbox: await commerceOutbox(),
    bankingLevel1: await bankingLevel1(),
    bankingDualWriteLoss: await bankingDualWriteLoss(),
    socialLevel2: await socialLevel2(),
    sagaTimeouts: await sagaTimeouts(),
  };
  return `${JSON.stringify(sessions, null, 0).replaceAll('},{"seq"', '},\n{"seq"')}\n`;
}

describe('recorded trace', () => {
  it('every mechanism, run on fixed seeds, gives exactly the recorded trace, results and read models', async () => {
    const actual = await recordAll();
    if (process.env['RECORD_TRACE'] === '1' || !existsSync(FIXTURE)) {
      if (process.env['RECORD_TRACE'] !== '1') throw new Error(`missing fixture ${FIXTURE.pathname}: record it with RECORD_TRACE=1`);
      writeFileSync(FIXTURE, actual);
    }
    const expected = readFileSync(FIXTURE, 'utf8');
    // Compare line by line first so a failure shows the first differing record, then the whole text.
    const a = actual.split('\n');
    const x = expected.split('\n');
    const first = a.findIndex((line, i) => line !== x[i]);
    expect(first === -1 ? null : { line: first + 1, actual: a[first], expected: x[first] }).toBeNull();
    expect(actual).toBe(expected);
  });
});
