// The fault "crash after the read-model commit, before the checkpoint": what
// happens to a projection that saves its checkpoint in a transaction of its
// own. The engine keeps rows and checkpoint in one transaction; this fault
// shows why, by simulating the other design.
import { describe, expect, it } from 'vitest';
import { InvalidIntentError } from '../../../src/engine/errors.ts';
import { recordsOf } from '../../../src/engine/vocabulary/trace.ts';
import { commerceEngine, liveDumps, replayedFromScratch } from './helpers.ts';

const order = (i: number) => ({ type: 'PlaceOrder', data: { orderId: `o${i}`, customerId: 'c1', sku: 'KB', quantity: 1 } });

async function shop() {
  const e = await commerceEngine({ bus: { latencyMs: 5, jitterMs: 0 }, costs: { commandMs: 0, projectMs: 1, queryMs: 0 } });
  await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 50 } });
  await e.runUntilIdle();
  return e;
}

describe('a crash between the read-model commit and the checkpoint', () => {
  it('keeps the rows, forgets the checkpoint, and resuming applies the same events twice', async () => {
    const e = await shop();
    const info = e.controlProjection('crash', 'catalogue', undefined, 'beforeCheckpoint');
    // Armed, not crashed: it strikes inside the next batch, when there are rows to commit.
    expect(info.status).toBe('live');
    for (let i = 0; i < 3; i++) e.submit({ kind: 'command', command: order(i) });
    await e.runUntilIdle();

    const crashed = recordsOf(e.trace, 'projection.crashed').filter((r) => r.projection === 'catalogue');
    expect(crashed).toHaveLength(1);
    expect(crashed[0]).toMatchObject({
      reason: 'crashed after committing the read-model rows, before saving the checkpoint',
      rolledBack: 0,
      committedWithoutCheckpoint: 3,
      watermark: 1,
    });
    expect(recordsOf(e.trace, 'projection.crashRequested').at(-1)).toMatchObject({
      projection: 'catalogue',
      crashPoint: 'beforeCheckpoint',
    });
    // The rows were committed: the read model already shows the three orders...
    const before = await e.readOnlySql('catalogue', 'SELECT stock, units_sold FROM catalogue');
    expect(before.rows).toEqual([[47, 3]]);
    // ...while its checkpoint still says position 1.
    expect(e.projectionInfo('catalogue')).toMatchObject({ status: 'crashed', position: 1 });

    e.controlProjection('resume', 'catalogue');
    await e.runUntilIdle();
    expect(e.projectionInfo('catalogue')).toMatchObject({ status: 'live', position: 4 });
    // Catch-up started from the checkpoint and applied positions 2-4 again: dedupe could not help,
    // because the per-stream versions it checks were part of the checkpoint that was never saved.
    const applied = recordsOf(e.trace, 'projection.applied')
      .filter((r) => r.projection === 'catalogue' && r.position > 1)
      .map((r) => r.position);
    expect(applied).toEqual([2, 3, 4, 2, 3, 4]);
    const after = await e.readOnlySql('catalogue', 'SELECT stock, units_sold FROM catalogue');
    expect(after.rows).toEqual([[44, 6]]);
    const replay = await replayedFromScratch(e);
    const live = await liveDumps(e);
    expect(live['catalogue']).not.toEqual(replay['catalogue']);
    // Projections that were not hit stay equal to a replay.
    expect(live['orderSummary']).toEqual(replay['orderSummary']);
  });

  it('the default crash point rolls back rows and checkpoint together, so resuming converges', async () => {
    const e = await shop();
    for (let i = 0; i < 3; i++) e.submit({ kind: 'command', command: order(i) });
    await e.advance(6);
    e.controlProjection('crash', 'catalogue');
    await e.runUntilIdle();
    e.controlProjection('resume', 'catalogue');
    await e.runUntilIdle();
    const after = await e.readOnlySql('catalogue', 'SELECT stock, units_sold FROM catalogue');
    expect(after.rows).toEqual([[47, 3]]);
    expect((await liveDumps(e))['catalogue']).toEqual((await replayedFromScratch(e))['catalogue']);
  });

  it('replays byte for byte from the recorded script', async () => {
    const e = await shop();
    e.controlProjection('crash', 'catalogue', undefined, 'beforeCheckpoint');
    for (let i = 0; i < 3; i++) e.submit({ kind: 'command', command: order(i) });
    await e.runUntilIdle();
    e.controlProjection('resume', 'catalogue');
    await e.runUntilIdle();
    const again = await commerceEngine({ bus: { latencyMs: 5, jitterMs: 0 }, costs: { commandMs: 0, projectMs: 1, queryMs: 0 } });
    await again.replay(e.recordedScript());
    await again.runUntilIdle();
    expect(JSON.stringify(again.trace)).toBe(JSON.stringify(e.trace));
  });

  it('refuses a crash point on another action, or an unknown one', async () => {
    const e = await shop();
    await expect(e.dispatch({ kind: 'projection', action: 'pause', name: 'catalogue', crashPoint: 'beforeCheckpoint' })).rejects.toThrow(
      InvalidIntentError,
    );
    expect(() => e.controlProjection('crash', 'catalogue', undefined, 'sometime' as never)).toThrow(/midBatch or beforeCheckpoint/);
  });
});
