import { beforeAll, describe, expect, it } from 'vitest';
import { ProjectionStateError, UnknownProjectionError } from '../../../src/engine/errors.ts';
import { ProjectionRunner } from '../../../src/engine/read/projectionRunner.ts';
import type { SqlJsStatic } from '../../../src/engine/sqlite.ts';
import { recordsOf } from '../../../src/engine/vocabulary/trace.ts';
import type { EventEnvelope } from '../../../src/engine/vocabulary/envelope.ts';
import { banking } from '../../../src/domain/banking/index.ts';
import type { ProjectionDefinition } from '../../../src/engine/domain.ts';
import { INSTANT, bankingEngine, commerceEngine, dumpReadModel, liveDumps, replayedFromScratch, sqlJs } from './helpers.ts';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await sqlJs();
});

const GUARDS = { dedupe: true, ordering: true };
const balanceDef = banking.projections.find((p) => p.name === 'balance')!;

let pos = 0;
function env(streamId: string, version: number, type: string, data: Record<string, unknown>): EventEnvelope {
  return {
    position: ++pos,
    streamId,
    version,
    type,
    schemaVersion: 1,
    data,
    metadata: { commandId: `c${pos}`, correlationId: `c${pos}`, causationId: `c${pos}`, recordedAt: pos },
  };
}

function accountEvents(): EventEnvelope[] {
  pos = 0;
  return [
    env('account-a', 1, 'AccountOpened', { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 }),
    env('account-a', 2, 'MoneyDeposited', { accountId: 'a', amountCents: 100 }),
    env('account-a', 3, 'MoneyWithdrawn', { accountId: 'a', amountCents: 30 }),
    env('account-a', 4, 'MoneyDeposited', { accountId: 'a', amountCents: 5 }),
  ];
}

const balanceOf = (r: ProjectionRunner): unknown => r.sql.get('SELECT balance_cents AS b FROM account_balances')?.['b'];

describe('projection runner', () => {
  it('applies a batch and its checkpoint in one transaction', () => {
    const r = new ProjectionRunner(SQL, balanceDef);
    const out = r.applyBatch(accountEvents(), 'live', GUARDS, 4);
    expect(out.crashed).toBe(false);
    expect(balanceOf(r)).toBe(75);
    expect(r.sql.get('SELECT watermark FROM checkpoint')).toEqual({ watermark: 4 });
    expect(r.sql.get('SELECT version FROM stream_checkpoints WHERE stream_id = ?', ['account-a'])).toEqual({ version: 4 });
    expect(out.drafts.at(-1)).toEqual({
      type: 'projection.checkpointed',
      projection: 'balance',
      watermark: 4,
      headPosition: 4,
      lagEvents: 0,
      events: 4,
    });
    expect(r.counters).toMatchObject({ applied: 4, duplicatesSkipped: 0 });
  });

  it('skips a duplicate delivery and counts it', () => {
    const r = new ProjectionRunner(SQL, balanceDef);
    const evs = accountEvents();
    r.applyBatch(evs, 'live', GUARDS, 4);
    const out = r.applyBatch([evs[1]!, evs[3]!], 'live', GUARDS, 4);
    expect(balanceOf(r)).toBe(75);
    expect(r.counters.duplicatesSkipped).toBe(2);
    expect(out.drafts.filter((d) => d.type === 'projection.duplicateSkipped')).toHaveLength(2);
  });

  it('holds an event that arrives before its predecessor, then applies both in order', () => {
    const r = new ProjectionRunner(SQL, balanceDef);
    const [open, dep, wd, dep2] = accountEvents();
    r.applyBatch([open!, dep!], 'live', GUARDS, 4);
    const early = r.applyBatch([dep2!], 'live', GUARDS, 4);
    expect(early.drafts.map((d) => d.type)).toEqual(['projection.gapDetected', 'projection.held', 'projection.checkpointed']);
    expect(early.drafts[0]).toMatchObject({ expectedVersion: 3, receivedVersion: 4 });
    expect(balanceOf(r)).toBe(100);
    expect(r.watermark).toBe(2);
    expect(r.counters.held).toBe(1);
    const late = r.applyBatch([wd!], 'live', GUARDS, 4);
    expect(late.drafts.filter((d) => d.type === 'projection.applied').map((d) => (d as { version: number }).version)).toEqual([3, 4]);
    expect(balanceOf(r)).toBe(75);
    expect(r.watermark).toBe(4);
    expect(r.counters.held).toBe(0);
  });

  it('the watermark waits for every lower position, even on other streams', () => {
    const r = new ProjectionRunner(SQL, balanceDef);
    pos = 0;
    const a1 = env('account-a', 1, 'AccountOpened', { accountId: 'a', owner: 'A', overdraftLimitCents: 0 });
    const b1 = env('account-b', 1, 'AccountOpened', { accountId: 'b', owner: 'B', overdraftLimitCents: 0 });
    const a2 = env('account-a', 2, 'MoneyDeposited', { accountId: 'a', amountCents: 1 });
    r.applyBatch([a1, a2], 'live', GUARDS, 3);
    expect(r.watermark).toBe(1);
    r.applyBatch([b1], 'live', GUARDS, 3);
    expect(r.watermark).toBe(3);
  });

  it('a crash mid-batch rolls everything back; the next attempt applies each event once', () => {
    const r = new ProjectionRunner(SQL, balanceDef);
    const evs = accountEvents();
    r.applyBatch(evs.slice(0, 1), 'live', GUARDS, 4);
    const crashed = r.applyBatch(evs.slice(1), 'live', GUARDS, 4, 2);
    expect(crashed).toMatchObject({ crashed: true, rolledBack: 2, reason: 'requested', watermark: 1 });
    expect(balanceOf(r)).toBe(0);
    expect(r.counters.applied).toBe(1);
    r.applyBatch(evs, 'catchUp', GUARDS, 4);
    expect(balanceOf(r)).toBe(75);
    expect(r.counters).toMatchObject({ applied: 4, duplicatesSkipped: 1 });
  });

  it('a handler that throws takes the projection down like a crash, with the reason', () => {
    const poison: ProjectionDefinition = {
      ...balanceDef,
      apply(db, e) {
        if (e.type === 'MoneyWithdrawn') throw new Error('cannot handle withdrawals');
        balanceDef.apply(db, e);
      },
    };
    const r = new ProjectionRunner(SQL, poison);
    const out = r.applyBatch(accountEvents(), 'live', GUARDS, 4);
    expect(out.crashed).toBe(true);
    expect(out.reason).toContain('cannot handle withdrawals');
    expect(r.watermark).toBe(0);
  });

  it('guards off: without dedupe a duplicate is applied twice', () => {
    const r = new ProjectionRunner(SQL, balanceDef);
    const evs = accountEvents();
    r.applyBatch(evs, 'live', { dedupe: false, ordering: true }, 4);
    r.applyBatch([evs[1]!], 'live', { dedupe: false, ordering: true }, 4);
    expect(balanceOf(r)).toBe(175);
  });

  it('guards off: without ordering an early event is applied and the late one is then lost as a "duplicate"', () => {
    const r = new ProjectionRunner(SQL, balanceDef);
    const [open, dep, wd, dep2] = accountEvents();
    const g = { dedupe: true, ordering: false };
    r.applyBatch([open!, dep!, dep2!], 'live', g, 4);
    r.applyBatch([wd!], 'live', g, 4);
    expect(balanceOf(r)).toBe(105);
    expect(r.watermark).toBe(4);
  });

  it('rebuild fills a fresh store and swaps it in', () => {
    const r = new ProjectionRunner(SQL, balanceDef);
    const evs = accountEvents();
    r.applyBatch(evs, 'live', { dedupe: false, ordering: true }, 4);
    r.applyBatch(evs, 'live', { dedupe: false, ordering: true }, 4);
    expect(balanceOf(r)).toBe(150);
    r.startRebuild();
    r.rebuildBatch(evs.slice(0, 2), GUARDS);
    expect(balanceOf(r)).toBe(150);
    r.rebuildBatch(evs.slice(2), GUARDS);
    r.finishRebuild();
    expect(balanceOf(r)).toBe(75);
    expect(r.watermark).toBe(4);
  });
});

async function shop(settings = {}) {
  const e = await commerceEngine({ bus: { latencyMs: 5, jitterMs: 0 }, costs: { commandMs: 1, projectMs: 2, queryMs: 0 }, ...settings });
  await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 50 } });
  return e;
}
const order = (i: number) => ({
  kind: 'command' as const,
  command: { type: 'PlaceOrder', data: { orderId: `o${i}`, customerId: `c${i % 3}`, sku: 'KB', quantity: 1 } },
});

describe('projections in the engine', () => {
  it('crash while a batch is in flight: it rolls back, the inbox is lost, resume catches up from the checkpoint', async () => {
    const e = await shop({ costs: { commandMs: 0, projectMs: 2, queryMs: 0 } });
    await e.runUntilIdle();
    // Ten orders at one instant: delivered together 5 ms later, one batch of 10 taking 20 ms.
    for (let i = 0; i < 10; i++) e.submit(order(i));
    await e.advance(6);
    expect(e.projectionInfo('catalogue').inbox).toBe(0);
    expect(e.projectionInfo('catalogue').status).toBe('live');
    e.controlProjection('crash', 'catalogue');
    await e.advance(100);
    const crashed = recordsOf(e.trace, 'projection.crashed')[0]!;
    expect(crashed).toMatchObject({ projection: 'catalogue', reason: 'requested' });
    expect(crashed.rolledBack).toBe(5);
    expect(e.projectionInfo('catalogue')).toMatchObject({ status: 'crashed', inbox: 0 });
    // While it is down, new deliveries are discarded: the event store still has them.
    await e.execute(order(10).command);
    await e.advance(20);
    expect(recordsOf(e.trace, 'bus.discarded').length).toBe(1);
    const stale = await e.query({ type: 'GetProduct', params: { sku: 'KB' } });
    expect(stale.status).toBe('crashed');
    expect(stale.lagEvents).toBeGreaterThan(0);
    e.controlProjection('resume', 'catalogue');
    await e.runUntilIdle();
    expect(recordsOf(e.trace, 'projection.catchUpStarted')).toHaveLength(1);
    expect(recordsOf(e.trace, 'projection.caughtUp')).toHaveLength(1);
    expect(e.projectionInfo('catalogue')).toMatchObject({ status: 'live', position: 12, lagEvents: 0 });
    const product = await e.query({ type: 'GetProduct', params: { sku: 'KB' } });
    expect(product.data).toMatchObject({ stock: 39, unitsSold: 11 });
    // Nothing applied twice: each position appears at most once among applied records.
    const applied = recordsOf(e.trace, 'projection.applied')
      .filter((r) => r.projection === 'catalogue')
      .map((r) => r.position);
    expect(new Set(applied).size).toBe(applied.length);
    expect(await liveDumps(e)).toEqual(await replayedFromScratch(e));
  });

  it('crash while idle takes effect at once', async () => {
    const e = await shop();
    await e.runUntilIdle();
    const info = e.controlProjection('crash', 'orderSummary');
    expect(info.status).toBe('crashed');
    await e.execute(order(1).command);
    await e.runUntilIdle();
    expect(e.projectionInfo('orderSummary').position).toBe(1);
    e.controlProjection('resume', 'orderSummary');
    await e.runUntilIdle();
    expect((await e.query({ type: 'GetOrderSummary', params: { orderId: 'o1' } })).data).toMatchObject({
      status: 'placed',
      totalCents: 100,
    });
  });

  it('rebuild replays from position 0 into a fresh store while the old one keeps answering', async () => {
    const e = await shop({ projection: { replayBatchSize: 3 } });
    for (let i = 0; i < 8; i++) await e.execute(order(i).command);
    await e.runUntilIdle();
    const before = await liveDumps(e);
    e.controlProjection('rebuild', 'customerOrders');
    expect(e.projectionInfo('customerOrders').status).toBe('rebuilding');
    await e.advance(3);
    const during = await e.query({ type: 'GetCustomerOrders', params: { customerId: 'c1' } });
    expect(during.status).toBe('rebuilding');
    expect((during.data as { orders: unknown[] }).orders).toHaveLength(3);
    await e.runUntilIdle();
    expect(recordsOf(e.trace, 'projection.rebuildProgress').map((r) => r.events)).toEqual([3, 3, 3]);
    expect(recordsOf(e.trace, 'projection.rebuildFinished')[0]).toMatchObject({ watermark: 9, events: 9 });
    expect(await liveDumps(e)).toEqual(before);
  });

  it('rebuild repairs a read model corrupted with the dedupe guard off', async () => {
    const e = await shop({ bus: { latencyMs: 5, jitterMs: 0, duplicateProbability: 1 }, projections: { catalogue: { dedupe: false } } });
    for (let i = 0; i < 4; i++) await e.execute(order(i).command);
    await e.runUntilIdle();
    const wrong = await e.query({ type: 'GetProduct', params: { sku: 'KB' } });
    expect((wrong.data as { stock: number }).stock).toBeLessThan(46);
    e.configure({ projections: { catalogue: { dedupe: true } } });
    e.controlProjection('rebuild', 'catalogue');
    await e.runUntilIdle();
    expect((await e.query({ type: 'GetProduct', params: { sku: 'KB' } })).data).toMatchObject({ stock: 46 });
  });

  it('refuses actions that make no sense in the current state', async () => {
    const e = await shop();
    expect(() => e.controlProjection('resume', 'catalogue')).toThrow(ProjectionStateError);
    e.controlProjection('pause', 'catalogue');
    expect(() => e.controlProjection('pause', 'catalogue')).toThrow(/already|paused/);
    expect(() => e.controlProjection('rebuild', 'catalogue')).toThrow(ProjectionStateError);
    expect(() => e.controlProjection('crash', 'catalogue')).toThrow(ProjectionStateError);
    expect(() => e.controlProjection('pause', 'nope')).toThrow(UnknownProjectionError);
    expect(() => e.controlProjection('explode' as never, 'catalogue')).toThrow(/pause, resume, crash, rebuild/);
  });

  it('status shows position, lag in events and ms, and counters', async () => {
    const e = await bankingEngine({ ...INSTANT, bus: { latencyMs: 100, jitterMs: 0 } });
    await e.execute({ type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } });
    await e.advance(40);
    const info = e.projectionInfo('balance');
    expect(info).toMatchObject({ position: 0, headPosition: 1, lagEvents: 1, lagMs: 40, status: 'live' });
    await e.runUntilIdle();
    expect(e.projectionInfo('balance')).toMatchObject({ position: 1, lagEvents: 0, lagMs: 0, counters: { applied: 1 } });
  });

  it('each projection has its own read store', async () => {
    const e = await shop();
    await e.runUntilIdle();
    const tables = async (store: string) =>
      (await e.readOnlySql(store, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")).rows.map((r) => r[0]);
    expect(await tables('catalogue')).toEqual(['catalogue', 'checkpoint', 'stream_checkpoints']);
    expect(await tables('orderSummary')).toEqual(['checkpoint', 'order_lines', 'order_summary', 'stream_checkpoints']);
    expect(await tables('write')).toEqual(['events', 'outbox', 'processed_commands', 'saga_instances', 'saga_processed', 'snapshots']);
    expect(await dumpReadModel((s) => e.readOnlySql('catalogue', s))).toContain('Keyboard');
  });
});
