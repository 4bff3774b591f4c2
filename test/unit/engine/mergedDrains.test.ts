// Merged drains: live applies of distinct projections due at the same virtual
// instant share one read-side round trip (applyBatches). The trace, the step
// count and the recorded script must be exactly those of one round trip per
// apply: the same script is run against a read side that offers
// applyBatches and one that does not, and both are compared byte for byte,
// under bus faults, pauses, crashes, rebuilds, shadow builds and queries.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DomainDefinition } from '../../../src/engine/domain.ts';
import { createEngine, type Engine } from '../../../src/engine/engine.ts';
import { EngineError } from '../../../src/engine/errors.ts';
import type { Intent, ProjectionAction } from '../../../src/engine/vocabulary/intent.ts';
import type { ApplyBatchRequest } from '../../../src/engine/vocabulary/projection.ts';
import { ReadSide, type ReadSidePort } from '../../../src/engine/readSide.ts';
import { replayScript } from '../../../src/engine/script.ts';
import type { SettingsPatch } from '../../../src/engine/settings.ts';
import { banking } from '../../../src/domain/banking/index.ts';
import { commerce } from '../../../src/domain/commerce/index.ts';
import { social } from '../../../src/domain/social/index.ts';
import { sqlJs } from './helpers.ts';

/** How the engine reached the read side. */
interface RoundTrips {
  /** Calls that applied live batches: applyBatch or applyBatches. */
  applyCalls: number;
  /** Batches applied through those calls. */
  batches: number;
  /** applyBatches calls that carried more than one batch. */
  merged: number;
  /** Size of every applyBatches call, with the step the engine was at when it was made. */
  groups: { step: number; size: number }[];
}

/**
 * A ReadSide behind a port that counts what the engine asks of it; without
 * `merging` the port has no applyBatches, as an adapter written before it.
 * `during` runs inside an applyBatches call, while the round trip is in flight.
 */
async function countingSide(domain: DomainDefinition, merging: boolean, during?: (requests: ApplyBatchRequest[]) => void) {
  const side = new ReadSide(await sqlJs(), domain);
  const counts: RoundTrips = { applyCalls: 0, batches: 0, merged: 0, groups: [] };
  let engine: Engine | undefined;
  const port: Record<string, unknown> = {};
  // Every method along the prototype chain (ReadSide and the ReadModelsHost it extends), as the worker exposes them.
  const names = new Set<string>();
  for (let proto: object | null = ReadSide.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) names.add(name);
  }
  for (const name of names) {
    const fn = (side as unknown as Record<string, unknown>)[name];
    if (name === 'constructor' || typeof fn !== 'function') continue;
    port[name] = (...args: unknown[]) => (fn as (...a: unknown[]) => unknown).apply(side, args);
  }
  port['applyBatch'] = async (req: ApplyBatchRequest) => {
    counts.applyCalls++;
    counts.batches++;
    during?.([req]);
    return side.applyBatch(req);
  };
  if (merging) {
    port['applyBatches'] = async (requests: ApplyBatchRequest[]) => {
      counts.applyCalls++;
      counts.batches += requests.length;
      if (requests.length > 1) counts.merged++;
      counts.groups.push({ step: engine?.position().step ?? -1, size: requests.length });
      during?.(requests);
      // A real round trip: the answer comes back later.
      await new Promise((resolve) => setTimeout(resolve, 0));
      return side.applyBatches(requests);
    };
  } else delete port['applyBatches'];
  return {
    port: port as unknown as ReadSidePort,
    counts,
    side,
    attach(e: Engine) {
      engine = e;
    },
  };
}

async function engineWith(
  domain: DomainDefinition,
  settings: SettingsPatch,
  merging: boolean,
  seed = 3,
  during?: (requests: ApplyBatchRequest[]) => void,
) {
  const read = await countingSide(domain, merging, during);
  const engine = createEngine({ sql: await sqlJs(), domain, seed, settings, read: read.port });
  read.attach(engine);
  return { engine, counts: read.counts, close: () => (engine.close(), read.side.close()) };
}

/** Faulty bus, small batches, 1 ms per event, more events than the projections keep up with: their applies fall on the same instants. */
const BUSY: SettingsPatch = {
  bus: { latencyMs: 10, jitterMs: 6, duplicateProbability: 0.2, dropProbability: 0.1, redeliveryMs: 15, reorder: true },
  costs: { commandMs: 1, projectMs: 1, queryMs: 1 },
  projection: { batchSize: 2, replayBatchSize: 4 },
};

const order = (i: number): Intent => ({
  kind: 'command',
  command: { type: 'PlaceOrder', data: { orderId: `o${i}`, customerId: `c${i % 3}`, sku: i % 2 ? 'KB' : 'MS', quantity: 1 } },
  sessionId: `s${i % 2}`,
});

/** A session with every kind of disruption, driven through advance, step, dispatch and runUntilIdle. */
async function shopSession(engine: Engine): Promise<void> {
  engine.submit({ kind: 'command', command: { type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 500 } } });
  engine.submit({ kind: 'command', command: { type: 'AddProduct', data: { sku: 'MS', name: 'Mouse', priceCents: 40, stock: 500 } } });
  await engine.advance(30);
  let n = 0;
  for (let ms = 0; ms < 120; ms++) {
    // Two orders per millisecond: about as dense as 1,000 events/s and more.
    engine.submit(order(n++));
    engine.submit(order(n++));
    if (ms === 20) engine.controlProjection('pause', 'orderSummary');
    if (ms === 35) engine.configure({ bus: { latencyMs: 4, jitterMs: 9 } });
    if (ms === 40) engine.controlProjection('crash', 'catalogue');
    if (ms === 50) engine.controlProjection('resume', 'orderSummary');
    if (ms === 55)
      engine.submit({
        kind: 'query',
        query: { type: 'GetCustomerOrders', params: { customerId: 'c1' } },
        sessionId: 's1',
        consistency: { strategy: 'readYourWrites' },
      });
    if (ms === 60) engine.controlProjection('resume', 'catalogue');
    if (ms === 70) engine.controlProjection('shadowRebuild', 'catalogue', 'withRevenue');
    if (ms === 80) engine.controlProjection('rebuild', 'customerOrders');
    if (ms === 90)
      engine.submit({
        kind: 'query',
        query: { type: 'ListCatalogue', params: {} },
        sessionId: 's0',
        consistency: { strategy: 'optimistic' },
      });
    if (ms === 95)
      engine.submit({
        kind: 'query',
        query: { type: 'GetOrderSummary', params: { orderId: 'o4' } },
        consistency: { strategy: 'poll', pollIntervalMs: 3, timeoutMs: 40 },
      });
    if (ms % 17 === 0) for (let i = 0; i < 5; i++) await engine.step();
    else await engine.advance(1);
  }
  await engine.execute({ type: 'CancelOrder', data: { orderId: 'o3', sku: 'KB' } }, { sessionId: 's1' });
  await engine.query(
    { type: 'GetOrderSummary', params: { orderId: 'o3' } },
    { sessionId: 's1', consistency: { strategy: 'readYourWrites' } },
  );
  await engine.runUntilIdle();
}

describe('merged drains', () => {
  it('give the byte-identical trace, position and script of one round trip per apply, with far fewer round trips', async () => {
    const sequential = await engineWith(commerce, BUSY, false);
    const merged = await engineWith(commerce, BUSY, true);
    await shopSession(sequential.engine);
    await shopSession(merged.engine);

    const trace = JSON.stringify(merged.engine.trace);
    expect(merged.engine.trace.length).toBeGreaterThan(3000);
    expect(trace).toBe(JSON.stringify(sequential.engine.trace));
    expect(merged.engine.position()).toEqual(sequential.engine.position());
    expect(merged.engine.recordedScript()).toEqual(sequential.engine.recordedScript());
    // The same batches were applied, in fewer calls.
    expect(merged.counts.batches).toBe(sequential.counts.batches);
    expect(sequential.counts.applyCalls).toBe(sequential.counts.batches);
    expect(merged.counts.merged).toBeGreaterThan(100);
    expect(merged.counts.applyCalls).toBeLessThan(sequential.counts.applyCalls * 0.75);
    // The disruptions really happened.
    for (const type of [
      'projection.paused',
      'projection.crashed',
      'projection.caughtUp',
      'projection.rebuildFinished',
      'projection.shadowCaughtUp',
      'bus.duplicated',
      'bus.dropped',
      'query.reconciled',
    ]) {
      expect(trace, type).toContain(`"type":"${type}"`);
    }

    // The recorded script replays to the same trace, with or without merging.
    const replayed = await replayScript(await sqlJs(), commerce, 3, BUSY, merged.engine.recordedScript(), merged.engine.position());
    expect(JSON.stringify(replayed.trace)).toBe(trace);
    replayed.close();
    sequential.close();
    merged.close();
  });

  it('runToStep stops inside a group where step() would, and a step there is one task', async () => {
    const probe = await engineWith(commerce, BUSY, true);
    await shopSession(probe.engine);
    const group = probe.counts.groups.find((g) => g.size >= 3)!;
    expect(group).toBeDefined();
    // group.step is the group's first task (counted before the round trip): stop right after it.
    const stop = group.step;
    const sequential = await engineWith(commerce, BUSY, false);
    const merged = await engineWith(commerce, BUSY, true);
    for (const e of [sequential.engine, merged.engine]) {
      await e.replay(probe.engine.recordedScript().filter((entry) => (entry.step ?? 0) <= stop));
      await e.runToStep(stop);
    }
    expect(merged.engine.position()).toEqual({ at: sequential.engine.position().at, step: stop });
    expect(JSON.stringify(merged.engine.trace)).toBe(JSON.stringify(sequential.engine.trace));
    // The rest of the group is still queued: one step runs one of its tasks, alone.
    const before = merged.counts.applyCalls;
    await merged.engine.step();
    await sequential.engine.step();
    expect(merged.counts.applyCalls).toBe(before + 1);
    expect(merged.counts.groups.at(-1)?.step).not.toBe(stop + 1);
    expect(JSON.stringify(merged.engine.trace)).toBe(JSON.stringify(sequential.engine.trace));
    for (const x of [probe, sequential, merged]) x.close();
  });

  it('an intent that arrives while a merged round trip is in flight takes effect after the group, and replays there', async () => {
    let arrived = false;
    let engine: Engine | undefined;
    const during = (requests: ApplyBatchRequest[]): void => {
      // A learner's click, delivered while the read worker is busy with several batches.
      if (arrived || requests.length < 3 || !engine) return;
      arrived = true;
      engine.configure({ bus: { dropProbability: 0.5 } });
      engine.submit({ kind: 'command', command: { type: 'RestockProduct', data: { sku: 'KB', quantity: 7 } } });
    };
    const live = await engineWith(commerce, BUSY, true, 3, during);
    engine = live.engine;
    await shopSession(live.engine);
    expect(arrived).toBe(true);
    const script = live.engine.recordedScript();
    const landed = script.find((e) => e.intent.kind === 'configure' && JSON.stringify(e.intent).includes('0.5'))!;
    const group = live.counts.groups.find((g) => g.size >= 3)!;
    // Recorded at the group's end: its first step plus the rest of its tasks.
    expect(landed.step).toBe(group.step + group.size - 1);

    const expected = JSON.stringify(live.engine.trace);
    for (const merging of [true, false]) {
      const again = await engineWith(commerce, BUSY, merging);
      await again.engine.replay(script);
      await again.engine.runToStep(live.engine.position().step);
      expect(JSON.stringify(again.engine.trace), `replay with merging ${merging}`).toBe(expected);
      expect(again.engine.position()).toEqual(live.engine.position());
      again.close();
    }
    live.close();
  });

  it('a read side that fails a merged call fails its first task only: the others stay queued, as with one call per apply', async () => {
    const probe = await engineWith(commerce, BUSY, true);
    await shopSession(probe.engine);
    const group = probe.counts.groups.find((g) => g.size >= 3)!;
    probe.close();
    // The read worker dies on the call made at that step, merged or not.
    const failing = (engine: () => Engine | undefined) => {
      let failed = false;
      return () => {
        if (!failed && engine()?.position().step === group.step) {
          failed = true;
          throw new Error('read worker died');
        }
      };
    };
    let sequentialEngine: Engine | undefined;
    let mergedEngine: Engine | undefined;
    const sequential = await engineWith(
      commerce,
      BUSY,
      false,
      3,
      failing(() => sequentialEngine),
    );
    const merged = await engineWith(
      commerce,
      BUSY,
      true,
      3,
      failing(() => mergedEngine),
    );
    sequentialEngine = sequential.engine;
    mergedEngine = merged.engine;
    for (const e of [sequential.engine, merged.engine]) {
      await expect(shopSession(e)).rejects.toThrow('read worker died');
      expect(e.position().step).toBe(group.step);
    }
    // The rest of the group is back in the queue, due now, unstarted.
    expect(merged.engine.scheduler.peekLabels(group.size - 1)).toEqual(Array(group.size - 1).fill(`${merged.engine.now}:projection.apply`));
    expect(JSON.stringify(merged.engine.trace)).toBe(JSON.stringify(sequential.engine.trace));
    await sequential.engine.runUntilIdle();
    await merged.engine.runUntilIdle();
    expect(JSON.stringify(merged.engine.trace)).toBe(JSON.stringify(sequential.engine.trace));
    expect(merged.engine.position()).toEqual(sequential.engine.position());
    sequential.close();
    merged.close();
  });

  it('under random faults, disruptions, loads and commit intervals, merging never changes the trace (every domain)', async () => {
    const domains = [commerce, banking, social];
    const settings = fc.record({
      latencyMs: fc.integer({ min: 0, max: 20 }),
      jitterMs: fc.integer({ min: 0, max: 20 }),
      duplicateProbability: fc.constantFrom(0, 0.2, 0.5),
      dropProbability: fc.constantFrom(0, 0.1, 0.4),
      reorder: fc.boolean(),
      projectMs: fc.integer({ min: 0, max: 3 }),
      projectRowMs: fc.constantFrom(0, 0, 1),
      batchSize: fc.integer({ min: 1, max: 5 }),
      commitIntervalMs: fc.constantFrom(0, 0, 3, 10),
      level2: fc.boolean(),
      sync: fc.constantFrom('async' as const, 'async' as const, 'hybrid' as const),
    });
    const action = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('burst' as const), n: fc.integer({ min: 1, max: 6 }) }) },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 6 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('step' as const), n: fc.integer({ min: 1, max: 7 }) }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('projection' as const),
          action: fc.constantFrom<ProjectionAction>('pause', 'resume', 'crash', 'crash', 'rebuild', 'shadowRebuild', 'flip', 'dropShadow'),
          index: fc.integer({ min: 0, max: 3 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('query' as const), index: fc.integer({ min: 0, max: 9 }) }) },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }),
        settings,
        fc.array(action, { minLength: 5, maxLength: 40 }),
        fc.integer({ min: 1, max: 1000 }),
        async (d, s, actions, seed) => {
          const domain = domains[d]!;
          const names = domain.projections.map((p) => p.name);
          const patch: SettingsPatch = {
            bus: {
              latencyMs: s.latencyMs,
              jitterMs: s.jitterMs,
              duplicateProbability: s.duplicateProbability,
              dropProbability: s.dropProbability,
              redeliveryMs: 7,
              reorder: s.reorder,
            },
            costs: { commandMs: 1, projectMs: s.projectMs, projectRowMs: s.projectRowMs, queryMs: 1 },
            projection: { batchSize: s.batchSize, replayBatchSize: 3, commitIntervalMs: s.commitIntervalMs },
            // Social's feeds cannot share one database (separation level 2 fails to create them).
            separationLevel: s.level2 && domain !== social ? 2 : 3,
            sync: { mode: s.sync, projections: s.sync === 'hybrid' ? names.slice(0, 1) : [] },
          };
          const results: { trace: string; position: unknown; script: unknown; calls: number; merged: number }[] = [];
          for (const merging of [false, true]) {
            const x = await engineWith(domain, patch, merging, seed);
            const e = x.engine;
            let n = 0;
            for (const c of setupOf(domain)) e.submit({ kind: 'command', command: c });
            for (const a of actions) {
              try {
                if (a.kind === 'burst') for (let i = 0; i < a.n; i++) e.submit({ kind: 'command', command: commandOf(domain, n++) });
                else if (a.kind === 'advance') await e.advance(a.ms);
                else if (a.kind === 'step') for (let i = 0; i < a.n; i++) await e.step();
                else if (a.kind === 'projection') e.controlProjection(a.action, names[a.index % names.length]!);
                else {
                  const q = domain.queries[a.index % domain.queries.length]!;
                  const params = Object.fromEntries(q.fields.filter((f) => f.required !== false).map((f) => [f.name, f.example]));
                  e.submit({ kind: 'query', query: { type: q.type, params } });
                }
              } catch (err) {
                if (!(err instanceof EngineError) || err.code !== 'PROJECTION_STATE') throw err;
              }
            }
            await e.runUntilIdle();
            results.push({
              trace: JSON.stringify(e.trace),
              position: e.position(),
              script: e.recordedScript(),
              calls: x.counts.applyCalls,
              merged: x.counts.merged,
            });
            x.close();
          }
          const [off, on] = results as [(typeof results)[0], (typeof results)[0]];
          expect(on.trace).toBe(off.trace);
          expect(on.position).toEqual(off.position);
          expect(on.script).toEqual(off.script);
          expect(on.calls).toBeLessThanOrEqual(off.calls);
          mergedSomewhere ||= on.merged > 0;
        },
      ),
      { numRuns: 80 },
    );
    expect(mergedSomewhere).toBe(true);
  });
});

let mergedSomewhere = false;

function setupOf(domain: DomainDefinition) {
  if (domain === commerce)
    return ['A', 'B'].map((sku) => ({ type: 'AddProduct', data: { sku, name: `P${sku}`, priceCents: 100, stock: 40 } }));
  if (domain === banking)
    return ['a', 'b'].flatMap((id) => [{ type: 'OpenAccount', data: { accountId: id, owner: id, overdraftLimitCents: 50 } }]);
  return ['u1', 'u2', 'u3'].map((userId) => ({ type: 'RegisterUser', data: { userId, name: userId } }));
}

function commandOf(domain: DomainDefinition, i: number) {
  if (domain === commerce) {
    return i % 5 === 4
      ? {
          type: 'Checkout',
          data: { orderId: `k${i}`, customerId: 'cy', sku: 'A', quantity: 1, card: i % 3 ? '4242424242424242' : '4000000000000002' },
        }
      : { type: 'PlaceOrder', data: { orderId: `o${i}`, customerId: `c${i % 3}`, sku: i % 2 ? 'A' : 'B', quantity: 1 } };
  }
  if (domain === banking) {
    return i % 3 === 0
      ? { type: 'Transfer', data: { transferId: `t${i}`, fromAccountId: 'a', toAccountId: 'b', amountCents: 5 } }
      : { type: 'Deposit', data: { accountId: i % 2 ? 'a' : 'b', amountCents: 10 } };
  }
  return i % 4 === 0
    ? { type: 'Follow', data: { followerId: `u${(i % 3) + 1}`, followeeId: `u${((i + 1) % 3) + 1}` } }
    : { type: 'PublishPost', data: { userId: `u${(i % 3) + 1}`, postId: `p${i}`, text: `post ${i}` } };
}
