// Commit ticks (projection.commitIntervalMs): a live batch is committed at the
// first multiple of the interval at or after the instant it is ready (its
// drain + its cost), never earlier and less than one interval later; the
// projections' batches of one tick reach the read side in one round trip, so
// at a high rate far fewer round trips are made; runs stay deterministic and
// replayable; and the read models still equal a replay from scratch.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commerce } from '../../../src/domain/commerce/index.ts';
import { banking } from '../../../src/domain/banking/index.ts';
import type { DomainDefinition } from '../../../src/engine/domain.ts';
import { createEngine, type Engine } from '../../../src/engine/engine.ts';
import { ReadSide, type ReadSidePort } from '../../../src/engine/readSide.ts';
import { replayScript } from '../../../src/engine/script.ts';
import { batchCostMs, commitInstant, DEFAULT_SETTINGS, type SettingsPatch } from '../../../src/engine/settings.ts';
import type { Intent } from '../../../src/engine/vocabulary/intent.ts';
import type { ApplyBatchRequest } from '../../../src/engine/vocabulary/projection.ts';
import { liveDumps, replayedFromScratch, sqlJs } from './helpers.ts';

/** One live batch as the read side saw it: the instant it was committed, its projection and its events' positions. */
interface LiveBatch {
  at: number;
  projection: string;
  positions: number[];
}

/** A ReadSide behind a port that counts the calls that apply live batches and notes each batch. */
async function observedSide(domain: DomainDefinition) {
  const side = new ReadSide(await sqlJs(), domain);
  const seen = { applyCalls: 0, batches: [] as LiveBatch[] };
  let engine: Engine | undefined;
  const note = (requests: readonly ApplyBatchRequest[]): void => {
    for (const r of requests) {
      if (r.mode !== 'live' || r.label !== undefined) continue; // catch-up and synchronous batches are not committed on ticks
      seen.batches.push({ at: engine!.now, projection: r.projection, positions: r.events.map((e) => e.position) });
    }
  };
  const port = new Proxy(side, {
    get(target, key) {
      if (key === 'applyBatch')
        return (req: ApplyBatchRequest) => {
          if (req.mode === 'live' && req.label === undefined) seen.applyCalls++;
          note([req]);
          return target.applyBatch(req);
        };
      if (key === 'applyBatches')
        return (requests: ApplyBatchRequest[]) => {
          seen.applyCalls++;
          note(requests);
          return target.applyBatches(requests);
        };
      const value = (target as unknown as Record<string | symbol, unknown>)[key];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as unknown as ReadSidePort;
  return {
    port,
    seen,
    side,
    attach(e: Engine) {
      engine = e;
    },
  };
}

async function observedEngine(domain: DomainDefinition, settings: SettingsPatch, seed = 7) {
  const read = await observedSide(domain);
  const engine = createEngine({ sql: await sqlJs(), domain, seed, settings, read: read.port });
  read.attach(engine);
  return { engine, seen: read.seen, close: () => (engine.close(), read.side.close()) };
}

const products = (n: number): Intent[] =>
  Array.from({ length: n }, (_, i) => ({
    kind: 'command',
    command: { type: 'AddProduct', data: { sku: `P${i}`, name: `Product ${i}`, priceCents: 100 + i, stock: 1_000_000 } },
  }));

const order = (i: number, skus: number): Intent => ({
  kind: 'command',
  command: { type: 'PlaceOrder', data: { orderId: `o${i}`, customerId: `c${i % 7}`, sku: `P${i % skus}`, quantity: 1 } },
});

describe('commitInstant', () => {
  const at = (interval: number, readyAt: number) =>
    commitInstant({ projection: { ...DEFAULT_SETTINGS.projection, commitIntervalMs: interval } }, readyAt);

  it('is the ready instant itself without an interval, else the first multiple at or after it', () => {
    expect(at(0, 13)).toBe(13);
    expect(at(0, 13.5)).toBe(13.5);
    expect(at(5, 10)).toBe(10);
    expect(at(5, 11)).toBe(15);
    expect(at(5, 0)).toBe(0);
    expect(at(3, 0.1 + 0.2)).toBe(3);
    // 0.3 / 0.1 is 2.9999999999999996 in floating point: the guard keeps the instant at or after readyAt.
    expect(at(1, 1e15 + 0.5)).toBeGreaterThanOrEqual(1e15 + 0.5);
  });

  it('is a multiple of the interval, at or after the ready instant and less than one interval later', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (i, whole, frac) => {
          for (const ready of [whole, whole + frac]) {
            const t = at(i, ready);
            expect(t % i).toBe(0);
            expect(t).toBeGreaterThanOrEqual(ready);
            // The multiple before it is below the ready instant (t - ready would round 1 - 1e-17 up to 1).
            expect(t - i).toBeLessThan(ready);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('projection.commitIntervalMs', () => {
  it('commits every live batch on the first tick at or after it is ready (drain + cost), one round trip per tick', async () => {
    const settings = fc.record({
      latencyMs: fc.integer({ min: 0, max: 20 }),
      jitterMs: fc.integer({ min: 0, max: 20 }),
      commandMs: fc.integer({ min: 0, max: 3 }),
      projectMs: fc.constantFrom(0, 0.3, 1, 2),
      projectBatchMs: fc.integer({ min: 0, max: 5 }),
      batchSize: fc.integer({ min: 1, max: 12 }),
      interval: fc.constantFrom(0, 1, 3, 7, 10, 25),
    });
    const action = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('burst' as const), n: fc.integer({ min: 1, max: 8 }) }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 30 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('checkout' as const), card: fc.boolean() }) },
    );
    await fc.assert(
      fc.asyncProperty(
        settings,
        fc.array(action, { minLength: 3, maxLength: 30 }),
        fc.integer({ min: 1, max: 1000 }),
        async (s, actions, seed) => {
          // No duplicates, drops or reordering: each event reaches each projection once, so its delivery instant is known.
          const patch: SettingsPatch = {
            bus: { latencyMs: s.latencyMs, jitterMs: s.jitterMs },
            costs: { commandMs: s.commandMs, projectMs: s.projectMs, projectBatchMs: s.projectBatchMs },
            projection: { batchSize: s.batchSize, commitIntervalMs: s.interval },
          };
          const x = await observedEngine(commerce, patch, seed);
          const e = x.engine;
          for (const p of products(3)) e.submit(p);
          let n = 0;
          for (const a of actions) {
            if (a.kind === 'burst') for (let i = 0; i < a.n; i++) e.submit(order(n++, 3));
            else if (a.kind === 'advance') await e.advance(a.ms);
            else
              e.submit({
                kind: 'command',
                command: {
                  type: 'Checkout',
                  data: {
                    orderId: `k${n++}`,
                    customerId: 'cy',
                    sku: 'P0',
                    quantity: 1,
                    card: a.card ? '4242424242424242' : '4000000000000002',
                  },
                },
              });
          }
          await e.runUntilIdle();

          const delivered = new Map<string, number>();
          for (const r of e.trace) if (r.type === 'bus.delivered') delivered.set(`${r.projection}@${r.position}`, r.at);
          const lastCommit = new Map<string, number>();
          expect(x.seen.batches.length).toBeGreaterThan(0);
          for (const b of x.seen.batches) {
            // The drain that took this batch ran when its first event arrived, or when the previous batch committed if it was queued then.
            const drainedAt = Math.max(lastCommit.get(b.projection) ?? 0, delivered.get(`${b.projection}@${b.positions[0]}`)!);
            const ready = drainedAt + batchCostMs(e.settings, b.positions.length);
            expect(b.at, JSON.stringify({ ...b, ready })).toBeGreaterThanOrEqual(ready);
            if (s.interval === 0) expect(b.at).toBe(ready);
            else {
              expect(b.at % s.interval).toBe(0);
              expect(b.at - ready).toBeLessThan(s.interval);
            }
            lastCommit.set(b.projection, b.at);
          }
          // The batches committed on one tick share one round trip, whatever else the bus, commands and sagas had due
          // at that instant (a batch costs at least 1 ms here, so a projection commits at most once per tick).
          if (s.interval > 0 && batchCostMs(e.settings, 1) > 0)
            expect(x.seen.applyCalls).toBe(new Set(x.seen.batches.map((b) => b.at)).size);
          // Every event reached every read model once: the read models equal a replay from scratch.
          expect(await liveDumps(e)).toEqual(await replayedFromScratch(e));
          x.close();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('adds less than one interval of lag to an event that finds its projection idle', async () => {
    // Deposits 60 ms apart: every projection is idle when each arrives, with or without an interval.
    const appliedAt = async (interval: number) => {
      const x = await observedEngine(banking, {
        bus: { latencyMs: 10, jitterMs: 10 },
        costs: { commandMs: 2, projectMs: 1, projectBatchMs: 3 },
        projection: { commitIntervalMs: interval },
      });
      x.engine.submit({
        kind: 'command',
        command: { type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } },
      });
      for (let i = 0; i < 40; i++) {
        await x.engine.advance(60 + (i % 7));
        x.engine.submit({ kind: 'command', command: { type: 'Deposit', data: { accountId: 'a', amountCents: 10 + i } } });
      }
      await x.engine.runUntilIdle();
      const out = new Map<string, number>();
      for (const r of x.engine.trace) if (r.type === 'projection.applied') out.set(`${r.projection}@${r.position}`, r.at);
      x.close();
      return out;
    };
    const now = await appliedAt(0);
    expect(now.size).toBe(82);
    for (const interval of [1, 5, 10, 50]) {
      const ticked = await appliedAt(interval);
      expect([...ticked.keys()].sort()).toEqual([...now.keys()].sort());
      let delayed = 0;
      for (const [key, at] of ticked) {
        const extra = at - now.get(key)!;
        expect(extra, key).toBeGreaterThanOrEqual(0);
        expect(extra, key).toBeLessThan(interval);
        expect(at % interval).toBe(0);
        if (extra > 0) delayed++;
      }
      if (interval > 1) expect(delayed).toBeGreaterThan(0);
    }
  });

  it('with four projections at 5,000 events/s, a 10 ms interval at least halves the read-side round trips per event', async () => {
    const perEvent = async (interval: number) => {
      const x = await observedEngine(commerce, {
        costs: { projectMs: 0.1, projectBatchMs: 4 },
        projection: { commitIntervalMs: interval },
      });
      const e = x.engine;
      for (const p of products(20)) e.submit(p);
      await e.runUntilIdle();
      let n = 0;
      for (let ms = 0; ms < 400; ms++) {
        for (let i = 0; i < 5; i++) e.submit(order(n++, 20));
        await e.advance(1);
      }
      await e.runUntilIdle();
      const events = e.headPosition - 20;
      const live = e.status().projections.every((p) => p.status === 'live' && p.position === e.headPosition);
      const result = { calls: x.seen.applyCalls / events, batches: x.seen.batches.length / events, events, live };
      x.close();
      return result;
    };
    // At most one round trip per tick: 0.02 per event at 10 ms (a 5 ms tick allows 0.04, against about 0.085 without).
    const off = await perEvent(0);
    const on = await perEvent(10);
    expect(off.events).toBeGreaterThan(1900);
    expect(on.events).toBe(off.events);
    expect(off.live && on.live).toBe(true);
    // Without an interval batches of different projections rarely end on the same instant; with one they all end on ticks.
    expect(on.calls * 2, JSON.stringify({ off, on })).toBeLessThanOrEqual(off.calls);
    expect(on.calls).toBeLessThanOrEqual(on.batches / 3);
  });

  it('gives the same trace for the same seed and script, replayable from the recorded script, merged or not', async () => {
    const patch: SettingsPatch = {
      bus: { latencyMs: 8, jitterMs: 12, duplicateProbability: 0.2, dropProbability: 0.1, redeliveryMs: 9, reorder: true },
      costs: { commandMs: 1, projectMs: 0.5, projectBatchMs: 2 },
      projection: { batchSize: 4, commitIntervalMs: 6 },
    };
    const session = async (e: Engine) => {
      for (const p of products(3)) e.submit(p);
      let n = 0;
      for (let ms = 0; ms < 150; ms++) {
        e.submit(order(n++, 3));
        if (ms % 3 === 0) e.submit(order(n++, 3));
        if (ms === 40) e.controlProjection('pause', 'orderSummary');
        if (ms === 55) e.controlProjection('crash', 'catalogue');
        if (ms === 70) e.controlProjection('resume', 'orderSummary');
        if (ms === 80) e.controlProjection('resume', 'catalogue');
        if (ms === 90) e.configure({ projection: { commitIntervalMs: 11 } });
        if (ms === 100) e.controlProjection('rebuild', 'customerOrders');
        if (ms === 120) e.configure({ projection: { commitIntervalMs: 0 } });
        if (ms === 130) e.configure({ projection: { commitIntervalMs: 4 } });
        if (ms % 13 === 0) for (let i = 0; i < 4; i++) await e.step();
        else await e.advance(1);
      }
      await e.runUntilIdle();
    };
    const a = await observedEngine(commerce, patch, 11);
    const b = await observedEngine(commerce, patch, 11);
    await session(a.engine);
    await session(b.engine);
    const trace = JSON.stringify(a.engine.trace);
    expect(trace).toContain('"type":"projection.crashed"');
    expect(trace).toContain('"type":"projection.rebuildFinished"');
    expect(JSON.stringify(b.engine.trace)).toBe(trace);
    expect(b.engine.position()).toEqual(a.engine.position());
    // Replayed from the recorded script on a fresh engine: the same trace.
    const replayed = await replayScript(await sqlJs(), commerce, 11, patch, a.engine.recordedScript(), a.engine.position());
    expect(JSON.stringify(replayed.trace)).toBe(trace);
    expect(await liveDumps(a.engine)).toEqual(await replayedFromScratch(a.engine));
    replayed.close();
    a.close();
    b.close();
  });
});
