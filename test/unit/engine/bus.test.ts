import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine/engine.ts';
import type { SettingsPatch } from '../../../src/engine/settings.ts';
import { recordsOf } from '../../../src/engine/vocabulary/trace.ts';
import { bankingEngine, liveDumps, replayedFromScratch } from './helpers.ts';

/** Open a few accounts and make deposits, submitted together so they overlap. */
async function workload(settings: SettingsPatch, seed = 1, accounts = 4, deposits = 40): Promise<Engine> {
  const e = await bankingEngine({ costs: { commandMs: 0, projectMs: 0, queryMs: 0 }, ...settings }, seed);
  for (let a = 0; a < accounts; a++) {
    e.submit({ kind: 'command', command: { type: 'OpenAccount', data: { accountId: `a${a}`, owner: `O${a}`, overdraftLimitCents: 0 } } });
  }
  await e.advance(1);
  for (let i = 0; i < deposits; i++) {
    e.submit({ kind: 'command', command: { type: 'Deposit', data: { accountId: `a${i % accounts}`, amountCents: i + 1 } } });
    await e.advance(1);
  }
  await e.runUntilIdle();
  return e;
}

function firstDeliveries(e: Engine, projection: string) {
  return recordsOf(e.trace, 'bus.delivered').filter((d) => d.projection === projection && !d.duplicate && d.attempt === 1);
}

describe('event bus', () => {
  it('delivers after the base latency to every subscriber', async () => {
    const e = await workload({ bus: { latencyMs: 30, jitterMs: 0 } }, 1, 2, 4);
    const delivered = recordsOf(e.trace, 'bus.delivered');
    expect(delivered.length).toBe(6 * 2);
    for (const d of delivered) expect(d.at - d.publishedAt).toBe(30);
  });

  it('jitter is drawn from the seed: same seed same times, another seed other times', async () => {
    const times = async (seed: number) =>
      recordsOf((await workload({ bus: { latencyMs: 10, jitterMs: 20, reorder: true } }, seed)).trace, 'bus.delivered').map(
        (d) => d.at - d.publishedAt,
      );
    const a = await times(1);
    expect(await times(1)).toEqual(a);
    expect(await times(2)).not.toEqual(a);
    for (const t of a) expect(t >= 10 && t <= 30).toBe(true);
    expect(new Set(a).size).toBeGreaterThan(5);
  });

  it('reorder off: each subscriber sees global order despite jitter', async () => {
    const e = await workload({ bus: { latencyMs: 5, jitterMs: 50, reorder: false } });
    for (const p of ['balance', 'statement']) {
      const positions = firstDeliveries(e, p).map((d) => d.position);
      expect(positions).toEqual([...positions].sort((x, y) => x - y));
    }
  });

  it('reorder on: streams overtake each other, order inside a stream is kept', async () => {
    const e = await workload({ bus: { latencyMs: 5, jitterMs: 50, reorder: true, orderedPartitions: true } });
    const ds = firstDeliveries(e, 'balance');
    const positions = ds.map((d) => d.position);
    expect(positions).not.toEqual([...positions].sort((x, y) => x - y));
    const byStream = new Map<string, number[]>();
    for (const d of ds) byStream.set(d.streamId, [...(byStream.get(d.streamId) ?? []), d.version]);
    for (const versions of byStream.values()) expect(versions).toEqual([...versions].sort((x, y) => x - y));
    expect(recordsOf(e.trace, 'projection.gapDetected')).toHaveLength(0);
  });

  it('reorder on over many more streams than the bus keeps times for: order inside each stream still holds', async () => {
    // 700 accounts written in turn: the bus forgets the streams whose last delivery has passed, again and again.
    const e = await workload({ bus: { latencyMs: 5, jitterMs: 400, reorder: true, orderedPartitions: true } }, 3, 700, 2100);
    const ds = firstDeliveries(e, 'balance');
    expect(ds).toHaveLength(2800);
    const byStream = new Map<string, number[]>();
    for (const d of ds) byStream.set(d.streamId, [...(byStream.get(d.streamId) ?? []), d.version]);
    expect(byStream.size).toBe(700);
    for (const versions of byStream.values()) expect(versions).toEqual([...versions].sort((x, y) => x - y));
    expect(recordsOf(e.trace, 'projection.gapDetected')).toHaveLength(0);
  });

  it('ordered partitions off: events of one stream overtake each other and projections hold the gaps', async () => {
    const e = await workload({ bus: { latencyMs: 5, jitterMs: 50, reorder: true, orderedPartitions: false } });
    const ds = firstDeliveries(e, 'statement');
    const outOfOrder = ds.some((d, i) => ds.slice(0, i).some((x) => x.streamId === d.streamId && x.version > d.version));
    expect(outOfOrder).toBe(true);
    expect(recordsOf(e.trace, 'projection.gapDetected').length).toBeGreaterThan(0);
    expect(recordsOf(e.trace, 'projection.held').length).toBeGreaterThan(0);
    expect(await liveDumps(e)).toEqual(await replayedFromScratch(e));
  });

  it('duplicates: a second copy arrives later and is skipped', async () => {
    const e = await workload({ bus: { latencyMs: 5, jitterMs: 0, duplicateProbability: 1 } }, 1, 2, 6);
    const n = e.headPosition;
    expect(recordsOf(e.trace, 'bus.duplicated')).toHaveLength(n * 2);
    expect(recordsOf(e.trace, 'bus.delivered').filter((d) => d.duplicate)).toHaveLength(n * 2);
    for (const p of e.status().projections) expect(p.counters.duplicatesSkipped).toBe(n);
    expect(await liveDumps(e)).toEqual(await replayedFromScratch(e));
  });

  it('drops: a lost delivery is redelivered (at-least-once), possibly more than once', async () => {
    const e = await workload({ bus: { latencyMs: 5, jitterMs: 0, dropProbability: 0.6, redeliveryMs: 40 } }, 3);
    const dropped = recordsOf(e.trace, 'bus.dropped');
    expect(dropped.length).toBeGreaterThan(10);
    for (const d of dropped) expect(d.redeliverAt - d.at).toBe(40);
    expect(recordsOf(e.trace, 'bus.delivered').some((d) => d.attempt >= 3)).toBe(true);
    for (const p of e.status().projections) expect(p.position).toBe(e.headPosition);
    expect(await liveDumps(e)).toEqual(await replayedFromScratch(e));
  });

  it('pause is an outage: the bus holds deliveries until resume, then hands them over in order', async () => {
    const e = await bankingEngine({ bus: { latencyMs: 5, jitterMs: 0 }, costs: { commandMs: 0, projectMs: 0, queryMs: 0 } });
    await e.execute({ type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } });
    await e.runUntilIdle();
    e.controlProjection('pause', 'balance');
    await e.execute({ type: 'Deposit', data: { accountId: 'a', amountCents: 10 } });
    await e.execute({ type: 'Deposit', data: { accountId: 'a', amountCents: 20 } });
    await e.advance(50);
    const stale = await e.query({ type: 'GetBalance', params: { accountId: 'a' } });
    expect(stale).toMatchObject({ position: 1, headPosition: 3, lagEvents: 2, status: 'paused', data: { balanceCents: 0 } });
    expect(stale.lagMs).toBeGreaterThan(0);
    expect(e.projectionInfo('balance').heldByBus).toBe(2);
    expect(recordsOf(e.trace, 'bus.held')).toHaveLength(2);
    expect(e.projectionInfo('statement').position).toBe(3);
    e.controlProjection('resume', 'balance');
    await e.runUntilIdle();
    expect(recordsOf(e.trace, 'bus.released')).toEqual([expect.objectContaining({ projection: 'balance', count: 2 })]);
    const fresh = await e.query({ type: 'GetBalance', params: { accountId: 'a' } });
    expect(fresh).toMatchObject({ position: 3, lagEvents: 0, lagMs: 0, status: 'live', data: { balanceCents: 30 } });
  });
});
