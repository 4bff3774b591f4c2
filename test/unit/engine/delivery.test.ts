// Dual write versus transactional outbox, under the same fault: the process
// dies between the commit and the publish.
import { describe, expect, it } from 'vitest';
import { InvalidIntentError } from '../../../src/engine/errors.ts';
import { recordsOf } from '../../../src/engine/vocabulary/trace.ts';
import { bankingEngine, liveDumps, replayedFromScratch } from './helpers.ts';

const open = { type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } };
const deposit = (amountCents: number) => ({ type: 'Deposit', data: { accountId: 'a', amountCents } });
const balance = { type: 'GetBalance', params: { accountId: 'a' } };

describe('dual write', () => {
  it('a crash between commit and publish loses the event for good: the read model diverges', async () => {
    const e = await bankingEngine({ delivery: 'dualWrite' });
    await e.execute(open);
    await e.execute(deposit(10));
    e.injectFault('beforePublish');
    await e.execute(deposit(20));
    await e.execute(deposit(40));
    await e.runUntilIdle();
    expect(recordsOf(e.trace, 'fault.armed')).toHaveLength(1);
    expect(recordsOf(e.trace, 'publish.lost')).toEqual([expect.objectContaining({ positions: [3] })]);
    expect(e.status().lostPositions).toEqual([3]);
    // The event store has all four events; the read model stops at the hole.
    expect(e.headPosition).toBe(4);
    const b = await e.query(balance);
    expect(b.position).toBe(2);
    expect(b.data).toMatchObject({ balanceCents: 10 });
    // The later deposit is held forever behind the missing version.
    expect(e.projectionInfo('balance').counters.held).toBe(1);
    expect(await liveDumps(e)).not.toEqual(await replayedFromScratch(e));
    // Time does not heal it.
    await e.advance(60_000);
    expect((await e.query(balance)).position).toBe(2);
    // A token query for the lost write waits and answers stale.
    const stale = await e.query(balance, { consistency: { strategy: 'token', token: 3, timeoutMs: 1000 } });
    expect(stale.consistency).toMatchObject({ stale: true, timedOut: true });
  });

  it('with a failure probability, some publishes are lost (seeded, reproducible)', async () => {
    const run = async (): Promise<number[]> => {
      const e = await bankingEngine({ faults: { publishFailureProbability: 0.3 } }, 11);
      await e.execute(open);
      for (let i = 0; i < 20; i++) await e.execute(deposit(1));
      return e.status().lostPositions;
    };
    const lost = await run();
    expect(lost.length).toBeGreaterThan(0);
    expect(await run()).toEqual(lost);
  });
});

describe('transactional outbox', () => {
  it('survives the same fault: the relay publishes again and the read model is complete', async () => {
    const e = await bankingEngine({ delivery: 'outbox', outbox: { relayDelayMs: 5, retryMs: 30 } });
    await e.execute(open);
    await e.execute(deposit(10));
    e.injectFault('beforePublish');
    await e.execute(deposit(20));
    await e.execute(deposit(40));
    await e.runUntilIdle();
    expect(recordsOf(e.trace, 'publish.lost')).toHaveLength(0);
    expect(recordsOf(e.trace, 'outbox.relayCrashed')).toEqual([expect.objectContaining({ stage: 'beforePublish' })]);
    expect((await e.query(balance)).data).toMatchObject({ balanceCents: 70 });
    expect(await liveDumps(e)).toEqual(await replayedFromScratch(e));
    // The outbox table shows every event published.
    const outbox = await e.readOnlySql('write', 'SELECT position, published_at IS NOT NULL, attempts FROM outbox ORDER BY position');
    expect(outbox.rows.every((r) => r[1] === 1)).toBe(true);
    expect(outbox.rows.some((r) => Number(r[2]) > 1)).toBe(true);
  });

  it('a crash after publishing and before marking sends the events twice; dedupe absorbs them', async () => {
    const e = await bankingEngine({ delivery: 'outbox', bus: { latencyMs: 1, jitterMs: 0 } });
    await e.execute(open);
    e.injectFault('afterPublish');
    await e.execute(deposit(10));
    await e.runUntilIdle();
    expect(recordsOf(e.trace, 'outbox.relayCrashed')).toEqual([expect.objectContaining({ stage: 'afterPublish' })]);
    expect(recordsOf(e.trace, 'projection.duplicateSkipped').length).toBeGreaterThan(0);
    expect((await e.query(balance)).data).toMatchObject({ balanceCents: 10 });
    expect(await liveDumps(e)).toEqual(await replayedFromScratch(e));
  });

  it('a burst larger than the relay batch drains completely: the relay runs again until the outbox is empty', async () => {
    const e = await bankingEngine({
      delivery: 'outbox',
      outbox: { relayDelayMs: 5, relayBatchSize: 2 },
      costs: { commandMs: 0, projectMs: 0, queryMs: 0 },
    });
    // Six events committed before the relay's first run: three batches of two.
    e.submit({ kind: 'command', command: { ...open, commandId: 'c0' } });
    for (let i = 1; i <= 5; i++) e.submit({ kind: 'command', command: { ...deposit(i), commandId: `c${i}` } });
    await e.runUntilIdle();
    expect(e.headPosition).toBe(6);
    expect(recordsOf(e.trace, 'outbox.relayed').map((r) => r.positions)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(recordsOf(e.trace, 'bus.published').map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6]);
    const outbox = await e.readOnlySql('write', 'SELECT position FROM outbox WHERE published_at IS NULL');
    expect(outbox.rows).toEqual([]);
    for (const p of e.status().projections) expect([p.name, p.position]).toEqual([p.name, 6]);
    expect((await e.query(balance)).data).toMatchObject({ balanceCents: 15, movements: 5 });
    expect(await liveDumps(e)).toEqual(await replayedFromScratch(e));
  });

  it('a later burst while the relay is idle drains too, batch by batch', async () => {
    const e = await bankingEngine({
      delivery: 'outbox',
      outbox: { relayDelayMs: 5, relayBatchSize: 2 },
      costs: { commandMs: 0, projectMs: 0, queryMs: 0 },
    });
    await e.execute(open);
    await e.runUntilIdle();
    // A second burst once the relay went idle: an account, three deposits and a two-event transfer (positions 2 to 7).
    await e.execute({ type: 'OpenAccount', data: { accountId: 'b', owner: 'Bob', overdraftLimitCents: 0 } });
    for (let i = 1; i <= 3; i++) e.submit({ kind: 'command', command: { ...deposit(10), commandId: `d${i}` } });
    e.submit({
      kind: 'command',
      command: { type: 'Transfer', data: { transferId: 't1', fromAccountId: 'a', toAccountId: 'b', amountCents: 4 }, commandId: 't1' },
    });
    await e.runUntilIdle();
    expect(e.headPosition).toBe(7);
    expect(recordsOf(e.trace, 'bus.published').map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(recordsOf(e.trace, 'outbox.relayed').every((r) => r.positions.length <= 2)).toBe(true);
    for (const p of e.status().projections) expect([p.name, p.position, p.counters.held]).toEqual([p.name, 7, 0]);
    expect((await e.query(balance)).data).toMatchObject({ balanceCents: 26 });
    expect(await liveDumps(e)).toEqual(await replayedFromScratch(e));
  });

  it('publishing waits for the relay: the outbox adds its delay to the consistency window', async () => {
    const e = await bankingEngine({ delivery: 'outbox', outbox: { relayDelayMs: 40 }, bus: { latencyMs: 10, jitterMs: 0 } });
    await e.execute(open);
    const published = recordsOf(e.trace, 'bus.published');
    expect(published).toHaveLength(0);
    await e.runUntilIdle();
    const appended = recordsOf(e.trace, 'events.appended')[0]!;
    expect(recordsOf(e.trace, 'bus.published')[0]!.at - appended.at).toBe(40);
    expect(() => e.submit({ kind: 'fault', fault: 'meteor' as never })).toThrow(InvalidIntentError);
  });
});
