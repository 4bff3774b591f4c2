// Poison events and the dead-letter queue: an event a projection's handler
// cannot apply (here a ProductAdded imported from an older system without its
// price) stops that projection for good unless dead-lettering is on; with it
// on, the event is parked in the store's dead_letters table, traced, and
// skipped, and the events behind it keep flowing.
import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_TABLE, deadLettersSql } from '../../../src/engine/index.ts';
import { InvalidSettingError } from '../../../src/engine/errors.ts';
import type { SettingsPatch } from '../../../src/engine/settings.ts';
import { recordsOf } from '../../../src/engine/vocabulary/trace.ts';
import { commerceEngine, INSTANT } from './helpers.ts';

const order = (i: number) => ({ type: 'PlaceOrder', data: { orderId: `o${i}`, customerId: 'c1', sku: 'KB', quantity: 1 } });
/** A payload the catalogue cannot store: an older producer left out the price. */
const POISON = { streamId: 'product-BAD', type: 'ProductAdded', data: { sku: 'BAD', name: 'Broken lamp', stock: 5, category: 'lamps' } };

async function shopWithPoison(settings: SettingsPatch = {}, seed = 1) {
  const e = await commerceEngine({ ...INSTANT, ...settings }, seed);
  await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 50 } });
  await e.importEvents([POISON]);
  for (let i = 0; i < 3; i++) await e.execute(order(i));
  await e.runUntilIdle();
  return e;
}

const stock = async (e: Awaited<ReturnType<typeof shopWithPoison>>) =>
  ((await e.query({ type: 'GetProduct', params: { sku: 'KB' } })).data as { stock: number }).stock;

describe('a poison event', () => {
  it('stops the projection that cannot apply it, and only that one, when dead-lettering is off (the default)', async () => {
    const e = await shopWithPoison();
    expect(e.settings.projection.deadLetter).toBe(false);
    const crashed = recordsOf(e.trace, 'projection.crashed');
    expect(crashed.map((r) => r.projection)).toEqual(['catalogue']);
    expect(crashed[0]!.reason).toMatch(/^the handler failed: /);
    expect(e.projectionInfo('catalogue')).toMatchObject({ status: 'crashed', position: 1 });
    expect(e.projectionInfo('orderSummary')).toMatchObject({ status: 'live', position: e.headPosition });
    // Resuming reads the same event back from the store and fails on it again: a consumer stuck on one event.
    e.controlProjection('resume', 'catalogue');
    await e.runUntilIdle();
    expect(recordsOf(e.trace, 'projection.crashed')).toHaveLength(2);
    expect(e.projectionInfo('catalogue').status).toBe('crashed');
    expect(recordsOf(e.trace, 'projection.deadLettered')).toEqual([]);
  });

  it('is parked and skipped with dead-lettering on: the events behind it are applied', async () => {
    const e = await shopWithPoison({ projection: { deadLetter: true } });
    expect(recordsOf(e.trace, 'projection.crashed')).toEqual([]);
    const parked = recordsOf(e.trace, 'projection.deadLettered');
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({
      projection: 'catalogue',
      position: 2,
      streamId: 'product-BAD',
      version: 1,
      eventType: 'ProductAdded',
    });
    expect(parked[0]!.reason).toMatch(/^the handler failed: /);
    // No applied record for the parked event; the orders behind it are applied and the checkpoint reaches the head.
    const applied = recordsOf(e.trace, 'projection.applied').filter((r) => r.projection === 'catalogue');
    expect(applied.map((r) => r.position)).toEqual([1, 3, 4, 5]);
    expect(e.projectionInfo('catalogue')).toMatchObject({ status: 'live', position: e.headPosition, lagEvents: 0 });
    expect(await stock(e)).toBe(47);
    // The queue is a table in the projection's own store, committed with its checkpoint.
    const rows = await e.readOnlySql('catalogue', deadLettersSql('catalogue'));
    expect(rows.rows).toEqual([[2, 'product-BAD', 1, 'ProductAdded', parked[0]!.reason]]);
    // The parked event left no row behind: its writes were undone, nothing else was.
    const bad = await e.readOnlySql('catalogue', "SELECT count(*) FROM catalogue WHERE sku = 'BAD'");
    expect(bad.rows).toEqual([[0]]);
  });

  it('gets a stopped projection moving: turn dead-lettering on, resume, and it parks the event it stopped on', async () => {
    const e = await shopWithPoison();
    e.configure({ projection: { deadLetter: true } });
    e.controlProjection('resume', 'catalogue');
    await e.runUntilIdle();
    expect(e.projectionInfo('catalogue')).toMatchObject({ status: 'live', position: e.headPosition });
    expect(recordsOf(e.trace, 'projection.deadLettered').map((r) => r.position)).toEqual([2]);
    expect(await stock(e)).toBe(47);
  });

  it('is parked again, identically, by a rebuild (the table goes with the rebuilt store)', async () => {
    const e = await shopWithPoison({ projection: { deadLetter: true } });
    const before = await e.readOnlySql('catalogue', `SELECT * FROM ${DEAD_LETTER_TABLE}`);
    e.controlProjection('rebuild', 'catalogue');
    await e.runUntilIdle();
    expect(e.projectionInfo('catalogue')).toMatchObject({ status: 'live', position: e.headPosition });
    expect((await e.readOnlySql('catalogue', `SELECT * FROM ${DEAD_LETTER_TABLE}`)).rows).toEqual(before.rows);
    expect(await stock(e)).toBe(47);
  });

  it.each([1, 2] as const)('is parked at separation level %i too, where the read models share a database', async (level) => {
    const e = await shopWithPoison({
      separationLevel: level,
      sync: { mode: level === 1 ? 'sync' : 'async' },
      projection: { deadLetter: true },
    });
    expect(recordsOf(e.trace, 'projection.crashed')).toEqual([]);
    expect(recordsOf(e.trace, 'projection.deadLettered').map((r) => [r.projection, r.position])).toEqual([['catalogue', 2]]);
    expect((await e.readOnlySql('catalogue', deadLettersSql('catalogue'))).rows).toHaveLength(1);
    expect((await e.readOnlySql('catalogue', deadLettersSql('orderSummary'))).rows).toEqual([]);
    expect(await stock(e)).toBe(47);
  });

  it('leaves a store that never parked anything without a dead-letter table', async () => {
    const e = await commerceEngine({ ...INSTANT, projection: { deadLetter: true } });
    await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 50 } });
    await e.runUntilIdle();
    const tables = await e.readOnlySql('catalogue', `SELECT count(*) FROM sqlite_master WHERE name = '${DEAD_LETTER_TABLE}'`);
    expect(tables.rows).toEqual([[0]]);
  });

  it('gives the same trace for the same seed', async () => {
    const settings: SettingsPatch = { bus: { latencyMs: 20, jitterMs: 30, reorder: true }, projection: { deadLetter: true } };
    const a = await shopWithPoison(settings, 7);
    const b = await shopWithPoison(settings, 7);
    expect(JSON.stringify(b.trace)).toBe(JSON.stringify(a.trace));
  });

  it('is a boolean setting', async () => {
    const e = await commerceEngine();
    expect(() => e.configure({ projection: { deadLetter: 'yes' as unknown as boolean } })).toThrow(InvalidSettingError);
  });
});
