// Shadow (blue/green) rebuild: build a new version beside the live one,
// compare, flip with no moment where queries fail, roll back.
import { describe, expect, it } from 'vitest';
import { InvalidIntentError, ProjectionStateError } from '../../../src/engine/errors.ts';
import { SEPARATION_PRESETS } from '../../../src/engine/settings.ts';
import { recordsOf } from '../../../src/engine/vocabulary/trace.ts';
import { commerceEngine, liveDumps, replayedFromScratch } from './helpers.ts';

const getKeyboard = { type: 'GetProduct', params: { sku: 'KB' } };

async function shop(settings = {}) {
  const e = await commerceEngine({
    bus: { latencyMs: 5, jitterMs: 5 },
    costs: { commandMs: 1, projectMs: 2, queryMs: 1 },
    projection: { replayBatchSize: 2 },
    ...settings,
  });
  await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 9 } });
  for (let i = 1; i <= 4; i++)
    await e.execute({ type: 'PlaceOrder', data: { orderId: `o${i}`, customerId: 'ada', sku: 'KB', quantity: 1 } });
  await e.execute({ type: 'CancelOrder', data: { orderId: 'o2', sku: 'KB' } });
  await e.runUntilIdle();
  return e;
}

describe('shadow rebuild', () => {
  it('builds a version beside the live one, compares, flips, rolls back', async () => {
    const e = await shop();
    e.controlProjection('shadowRebuild', 'catalogue', 'ignoresCancellations');
    expect(e.projectionInfo('catalogue').shadow).toMatchObject({ variant: 'ignoresCancellations', role: 'candidate', status: 'building' });
    // Flipping before it caught up is refused.
    expect(() => e.controlProjection('flip', 'catalogue')).toThrow(ProjectionStateError);
    await e.runUntilIdle();
    expect(recordsOf(e.trace, 'projection.shadowProgress').length).toBeGreaterThanOrEqual(3);
    expect(recordsOf(e.trace, 'projection.shadowCaughtUp')).toHaveLength(1);
    const cmp = await e.compareShadow('catalogue');
    expect(cmp).toMatchObject({
      liveVariant: 'current',
      otherVariant: 'ignoresCancellations',
      differingRows: 1,
      livePosition: 6,
      otherPosition: 6,
    });
    expect(cmp.tables[0]).toMatchObject({ table: 'catalogue', changed: 1, onlyLive: 0, onlyOther: 0 });
    expect(cmp.tables[0]!.samples[0]).toMatchObject({ live: { stock: 6 }, other: { stock: 5 } });

    e.controlProjection('flip', 'catalogue');
    await e.runUntilIdle();
    expect(e.projectionInfo('catalogue')).toMatchObject({
      variant: 'ignoresCancellations',
      shadow: { role: 'previous', variant: 'current' },
    });
    expect((await e.query(getKeyboard)).data).toMatchObject({ stock: 5 });
    // The previous version keeps following the log, so a rollback is current too.
    await e.execute({ type: 'RestockProduct', data: { sku: 'KB', quantity: 10 } });
    await e.runUntilIdle();
    e.controlProjection('rollback', 'catalogue');
    await e.runUntilIdle();
    expect(e.projectionInfo('catalogue').variant).toBe('current');
    expect((await e.query(getKeyboard)).data).toMatchObject({ stock: 16 });
    expect(recordsOf(e.trace, 'projection.flipped')).toHaveLength(1);
    expect(recordsOf(e.trace, 'projection.rolledBack')).toEqual([expect.objectContaining({ from: 'ignoresCancellations', to: 'current' })]);
    e.controlProjection('dropShadow', 'catalogue');
    expect(e.projectionInfo('catalogue').shadow).toBeNull();
  });

  it('a flip under load never fails a query, and the flipped store equals a replay from scratch', async () => {
    const e = await shop({ bus: { latencyMs: 3, jitterMs: 8, duplicateProbability: 0.3, reorder: true } });
    e.controlProjection('shadowRebuild', 'catalogue');
    let n = 10;
    let flippedAt = -1;
    for (let round = 0; round < 40; round++) {
      if (round % 3 === 0)
        e.submit({
          kind: 'command',
          command: { type: 'PlaceOrder', data: { orderId: `x${n++}`, customerId: 'bob', sku: 'KB', quantity: 1 } },
        });
      e.submit({ kind: 'query', query: getKeyboard });
      const shadow = e.projectionInfo('catalogue').shadow;
      if (flippedAt < 0 && shadow?.status === 'caughtUp' && shadow.role === 'candidate') {
        e.controlProjection('flip', 'catalogue');
        flippedAt = round;
      }
      await e.advance(3);
    }
    await e.runUntilIdle();
    // Commands kept coming before and after the flip; every query was answered.
    expect(flippedAt).toBeGreaterThan(0);
    expect(flippedAt).toBeLessThan(35);
    expect(recordsOf(e.trace, 'query.executed')).toHaveLength(40);
    expect(recordsOf(e.trace, 'projection.flipped')).toHaveLength(1);
    expect(e.projectionInfo('catalogue')).toMatchObject({ status: 'live', position: e.headPosition, shadow: { role: 'previous' } });
    expect(await liveDumps(e)).toEqual(await replayedFromScratch(e));
    expect((await e.compareShadow('catalogue')).differingRows).toBe(0);
  });

  it('a new version that adds a column compares equal on the rows both versions have', async () => {
    const e = await shop();
    e.controlProjection('shadowRebuild', 'catalogue', 'withRevenue');
    await e.runUntilIdle();
    expect((await e.compareShadow('catalogue')).differingRows).toBe(0);
    e.controlProjection('flip', 'catalogue');
    await e.runUntilIdle();
    expect((await e.readOnlySql('catalogue', 'SELECT revenue_cents FROM catalogue')).rows).toEqual([[300]]);
  });

  it('works where the read models share a database (separation level 2)', async () => {
    const e = await shop(SEPARATION_PRESETS[2]);
    e.controlProjection('shadowRebuild', 'orderSummary');
    await e.runUntilIdle();
    expect((await e.compareShadow('orderSummary')).differingRows).toBe(0);
    e.controlProjection('flip', 'orderSummary');
    await e.runUntilIdle();
    expect(await liveDumps(e)).toEqual(await replayedFromScratch(e));
    e.controlProjection('rollback', 'orderSummary');
    await e.runUntilIdle();
    expect(await liveDumps(e)).toEqual(await replayedFromScratch(e));
  });

  it('refuses what makes no sense', async () => {
    const e = await shop();
    expect(() => e.controlProjection('shadowRebuild', 'catalogue', 'v9')).toThrow(InvalidIntentError);
    expect(() => e.controlProjection('shadowRebuild', 'catalogue', 'v9')).toThrow(/current, withRevenue, ignoresCancellations/);
    expect(() => e.controlProjection('rollback', 'catalogue')).toThrow(ProjectionStateError);
    expect(() => e.controlProjection('dropShadow', 'catalogue')).toThrow(ProjectionStateError);
    await expect(e.compareShadow('catalogue')).rejects.toBeInstanceOf(ProjectionStateError);
    expect(() => e.controlProjection('pause', 'catalogue', 'withRevenue')).toThrow(/Only shadowRebuild takes a variant/);
    e.controlProjection('shadowRebuild', 'catalogue');
    expect(() => e.controlProjection('shadowRebuild', 'catalogue')).toThrow(/dropShadow/);
  });
});
