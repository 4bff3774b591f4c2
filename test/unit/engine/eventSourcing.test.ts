// Event-sourcing mechanics: snapshots, temporal queries, schema evolution.
import { describe, expect, it } from 'vitest';
import type { DomainDefinition } from '../../../src/engine/domain.ts';
import { createEngine } from '../../../src/engine/engine.ts';
import { InvalidIntentError, UnknownStreamError, UpcasterMissingError } from '../../../src/engine/errors.ts';
import { snapshotMetrics } from '../../../src/engine/metrics.ts';
import { recordsOf } from '../../../src/engine/vocabulary/trace.ts';
import { Upcasting } from '../../../src/engine/write/upcasting.ts';
import { WriteSide } from '../../../src/engine/writeSide.ts';
import { commerce } from '../../../src/domain/commerce/index.ts';
import { INSTANT, bankingEngine, commerceEngine, liveDumps, replayedFromScratch, sqlJs } from './helpers.ts';

const open = { type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } };
const deposit = (amountCents: number) => ({ type: 'Deposit', data: { accountId: 'a', amountCents } });

describe('snapshots', () => {
  it('are taken every N events; a load is the snapshot plus the tail, and the saving is reported', async () => {
    const e = await bankingEngine({ ...INSTANT, snapshots: { every: 10 } });
    await e.execute(open);
    for (let i = 1; i <= 24; i++) await e.execute(deposit(i));
    expect(recordsOf(e.trace, 'snapshot.taken').map((r) => r.version)).toEqual([10, 20]);
    await e.execute(deposit(100));
    const loaded = recordsOf(e.trace, 'snapshot.loaded').at(-1)!;
    expect(loaded).toMatchObject({ streamId: 'account-a', snapshotVersion: 20, eventsFolded: 5, eventsSkipped: 20 });
    // The state from snapshot + tail decides exactly like a full fold.
    const a = await e.aggregateAt('account-a', { version: 26 });
    expect((a.state as { balanceCents: number }).balanceCents).toBe(300 + 100);
    const rows = await e.readOnlySql('write', 'SELECT stream_id, version, state_version FROM snapshots ORDER BY version');
    expect(rows.rows).toEqual([
      ['account-a', 10, 1],
      ['account-a', 20, 1],
    ]);
    expect(snapshotMetrics(e.trace)).toMatchObject({ taken: 2, ignored: 0 });
    expect(snapshotMetrics(e.trace).eventsSkipped).toBeGreaterThan(100);
  });

  it('cut the virtual load cost of a long stream (costs.loadEventMs)', async () => {
    const duration = async (every: number): Promise<number> => {
      const e = await bankingEngine({ ...INSTANT, costs: { commandMs: 0, loadEventMs: 1 }, snapshots: { every } });
      await e.execute(open);
      for (let i = 0; i < 60; i++) await e.execute(deposit(1));
      return recordsOf(e.trace, 'command.completed').at(-1)!.durationMs;
    };
    expect(await duration(0)).toBe(60);
    expect(await duration(25)).toBe(10);
  });

  it('a snapshot taken under another state version is ignored, not trusted, and replaced', async () => {
    const e = await bankingEngine({ ...INSTANT, snapshots: { every: 5 } });
    await e.execute(open);
    for (let i = 1; i <= 6; i++) await e.execute(deposit(1));
    // A new deployment changes the shape of Account's state.
    e.configure({ snapshots: { stateVersions: { Account: 2 } } });
    await e.execute(deposit(1));
    expect(recordsOf(e.trace, 'snapshot.ignored')).toEqual([
      expect.objectContaining({
        streamId: 'account-a',
        snapshotVersion: 5,
        snapshotStateVersion: 1,
        expectedStateVersion: 2,
        eventsFolded: 7,
      }),
    ]);
    // It folded the whole stream and took a fresh snapshot under version 2.
    expect(recordsOf(e.trace, 'snapshot.taken').at(-1)).toMatchObject({ version: 8, stateVersion: 2 });
    await e.execute(deposit(1));
    expect(recordsOf(e.trace, 'snapshot.loaded').at(-1)).toMatchObject({ snapshotVersion: 8, stateVersion: 2, eventsFolded: 0 });
    expect(() => e.configure({ snapshots: { stateVersions: { Nope: 2 } } })).toThrow(/aggregate names/);
  });
});

describe('temporal queries', () => {
  it("an aggregate's state as of a position, a virtual time or a version", async () => {
    const e = await bankingEngine({ costs: { commandMs: 10, projectMs: 0, queryMs: 0 } });
    await e.execute(open); // t=10, position 1
    await e.execute(deposit(5)); // t=20, position 2
    await e.execute({ type: 'OpenAccount', data: { accountId: 'b', owner: 'Bob', overdraftLimitCents: 0 } }); // position 3
    await e.execute(deposit(7)); // t=40, position 4
    const byPosition = await e.aggregateAt('account-a', { position: 3 });
    expect(byPosition).toMatchObject({ version: 2, position: 2, eventsFolded: 2, snapshot: null });
    expect((byPosition.state as { balanceCents: number }).balanceCents).toBe(5);
    expect(((await e.aggregateAt('account-a', { at: 15 })).state as { balanceCents: number }).balanceCents).toBe(0);
    expect((await e.aggregateAt('account-a', { version: 3 })).recordedAt).toBe(40);
    expect(await e.aggregateAt('account-a', { position: 0 })).toMatchObject({
      version: 0,
      state: expect.objectContaining({ opened: false }),
    });
    expect(recordsOf(e.trace, 'temporal.aggregate')).toHaveLength(4);
    await expect(e.aggregateAt('account-zz', { position: 1 })).rejects.toBeInstanceOf(UnknownStreamError);
    expect(() => e.submit({ kind: 'aggregateAt', streamId: 'account-a', asOf: { when: 3 } as never })).toThrow(InvalidIntentError);
  });

  it("a projection's state as of a position: its tables, or one query's answer", async () => {
    const e = await bankingEngine(INSTANT);
    await e.execute(open);
    await e.execute(deposit(5));
    await e.execute(deposit(7));
    await e.runUntilIdle();
    const then = await e.projectionAt('balance', { position: 2 }, { type: 'GetBalance', params: { accountId: 'a' } });
    expect(then).toMatchObject({ position: 2, data: expect.objectContaining({ balanceCents: 5 }) });
    const tables = await e.projectionAt('statement', { position: 3 });
    expect(tables.tables!['statement_lines']!.rows).toHaveLength(2);
    // The live read model is untouched.
    expect((await e.query({ type: 'GetBalance', params: { accountId: 'a' } })).data).toMatchObject({ balanceCents: 12 });
    expect(recordsOf(e.trace, 'temporal.projection').map((r) => [r.position, r.queryType])).toEqual([
      [2, 'GetBalance'],
      [3, null],
    ]);
    expect(() =>
      e.submit({
        kind: 'projectionAt',
        projection: 'balance',
        asOf: { position: 1 },
        query: { type: 'GetStatement', params: { accountId: 'a' } },
      }),
    ).toThrow(/reads projection 'statement'/);
  });
});

describe('schema evolution (upcasting)', () => {
  const v1Product = {
    streamId: 'product-OLD',
    type: 'ProductAdded',
    schemaVersion: 1,
    data: { sku: 'OLD', name: 'Typewriter', priceCents: 900, stock: 2 },
  };

  it('a store holding version 1 events replays into the version 2 projection; deciders see version 2', async () => {
    const e = await commerceEngine(INSTANT);
    const imported = await e.importEvents([v1Product]);
    expect(imported.events).toEqual([
      { position: 1, streamId: 'product-OLD', version: 1, eventType: 'ProductAdded', storedSchemaVersion: 1 },
    ]);
    await e.execute({ type: 'AddProduct', data: { sku: 'NEW', name: 'Tablet', priceCents: 500, stock: 1, category: 'tablets' } });
    await e.execute({ type: 'PlaceOrder', data: { orderId: 'o1', customerId: 'ada', sku: 'OLD', quantity: 1 } });
    await e.runUntilIdle();
    expect((await e.query({ type: 'GetProduct', params: { sku: 'OLD' } })).data).toMatchObject({ category: 'uncategorised', stock: 1 });
    // The store keeps what was written; readers get the upcast shape.
    expect((await e.readOnlySql('write', 'SELECT schema_version, payload FROM events WHERE position = 1')).rows).toEqual([
      [1, '{"sku":"OLD","name":"Typewriter","priceCents":900,"stock":2}'],
    ]);
    const [first] = await e.readStream('product-OLD');
    expect(first).toMatchObject({ schemaVersion: 2, upcastFrom: 1, data: { category: 'uncategorised' } });
    // A rebuild replays the old event into the new projection.
    e.controlProjection('rebuild', 'catalogue');
    await e.runUntilIdle();
    expect(await liveDumps(e)).toEqual(await replayedFromScratch(e));
    expect(recordsOf(e.trace, 'events.imported')[0]).toMatchObject({ upcast: 1 });
  });

  it('a missing upcaster is a typed error naming the event type and the versions', async () => {
    const v3: DomainDefinition = {
      ...commerce,
      events: commerce.events.map((ev) => (ev.type === 'ProductAdded' ? { ...ev, schemaVersion: 3 } : ev)),
    };
    const sql = await sqlJs();
    let error: unknown;
    try {
      createEngine({ sql, domain: v3, seed: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UpcasterMissingError);
    expect((error as UpcasterMissingError).details).toMatchObject({
      eventType: 'ProductAdded',
      fromVersion: 1,
      toVersion: 3,
      missingFrom: 2,
      missingTo: 3,
    });
    expect((error as Error).message).toMatch(/'ProductAdded'.*version 1.*version 3.*version 2 into version 3/);
    expect(() => new WriteSide(sql, v3)).toThrow(UpcasterMissingError);
    // The same error when reading, for an upcasting without validation.
    expect(() => new Upcasting(v3).upcast('ProductAdded', 1, {})).toThrow(/version 2 into version 3/);
  });

  it('imports are validated before anything is recorded', async () => {
    const e = await commerceEngine(INSTANT);
    expect(() => e.submit({ kind: 'import', events: [{ ...v1Product, schemaVersion: 3 }] })).toThrow(/schema versions 1 to 2/);
    expect(() => e.submit({ kind: 'import', events: [{ ...v1Product, type: 'Nope' }] })).toThrow(/unknown event type/);
    expect(() => e.submit({ kind: 'import', events: [{ ...v1Product, streamId: 'account-1' }] })).toThrow(/product-<id>/);
    expect(() => e.submit({ kind: 'import', events: [] })).toThrow(InvalidIntentError);
    expect(e.trace).toHaveLength(0);
    expect(e.recordedScript()).toEqual([]);
  });
});
