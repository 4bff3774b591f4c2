// Sync strategies (async, synchronous, hybrid projections) and separation
// levels 1–3, each runnable with the same domains.
import { describe, expect, it } from 'vitest';
import { InvalidSettingError, ReadModelUnavailableError } from '../../../src/engine/errors.ts';
import { SEPARATION_PRESETS, applySettingsPatch, DEFAULT_SETTINGS, syncProjections } from '../../../src/engine/settings.ts';
import { recordsOf } from '../../../src/engine/vocabulary/trace.ts';
import { bankingEngine, commerceEngine, dumpReadModel, liveDumps, replayedFromScratch } from './helpers.ts';

const SLOW_BUS = { bus: { latencyMs: 200, jitterMs: 0 }, costs: { commandMs: 2, projectMs: 3, queryMs: 0 } };
const open = { type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } };
const deposit = (amountCents: number) => ({ type: 'Deposit', data: { accountId: 'a', amountCents } });
const balance = { type: 'GetBalance', params: { accountId: 'a' } };

describe('projection sync modes', () => {
  it('synchronous projections are current when the command returns, and their cost shows in its latency', async () => {
    const latency = async (mode: 'async' | 'sync' | 'hybrid'): Promise<{ durations: number[]; balance: unknown; statement: unknown }> => {
      const e = await bankingEngine({ ...SLOW_BUS, sync: { mode, projections: ['balance'] } });
      await e.execute(open);
      await e.execute(deposit(10));
      const b = await e.query(balance);
      const s = await e.query({ type: 'GetStatement', params: { accountId: 'a' } });
      return {
        durations: recordsOf(e.trace, 'command.completed').map((r) => r.durationMs),
        balance: b.data,
        statement: (s.data as { lines: unknown[] }).lines.length,
      };
    };
    const async = await latency('async');
    const sync = await latency('sync');
    const hybrid = await latency('hybrid');
    expect(async.durations).toEqual([2, 2]);
    // One event, projectMs 3, per synchronous projection.
    expect(sync.durations).toEqual([8, 8]);
    expect(hybrid.durations).toEqual([5, 5]);
    expect(async.balance).toBeNull();
    expect(sync.balance).toMatchObject({ balanceCents: 10 });
    expect(sync.statement).toBe(1);
    expect(hybrid.balance).toMatchObject({ balanceCents: 10 });
    expect(hybrid.statement).toBe(0);
  });

  it('the bus carries events only to the asynchronous projections; every read model still converges', async () => {
    const e = await bankingEngine({ ...SLOW_BUS, sync: { mode: 'hybrid', projections: ['balance'] } });
    await e.execute(open);
    await e.execute(deposit(10));
    expect(recordsOf(e.trace, 'bus.published').map((r) => r.subscribers)).toEqual([['statement'], ['statement']]);
    expect(
      recordsOf(e.trace, 'projection.applied')
        .filter((r) => r.mode === 'sync')
        .map((r) => r.projection),
    ).toEqual(['balance', 'balance']);
    expect(recordsOf(e.trace, 'command.projected')[0]).toMatchObject({
      projections: ['balance'],
      events: 1,
      costMs: 3,
      sameTransaction: false,
    });
    expect(e.projectionInfo('balance').mode).toBe('sync');
    expect(e.projectionInfo('statement').mode).toBe('async');
    await e.runUntilIdle();
    expect(await liveDumps(e)).toEqual(await replayedFromScratch(e));
  });

  it('with synchronous projections a read-store outage blocks writes', async () => {
    const e = await bankingEngine({ sync: { mode: 'sync' } });
    await e.execute(open);
    e.controlProjection('pause', 'balance');
    await expect(e.execute(deposit(10))).rejects.toBeInstanceOf(ReadModelUnavailableError);
    expect(recordsOf(e.trace, 'command.failed').at(-1)).toMatchObject({ code: 'READ_MODEL_UNAVAILABLE' });
    expect(e.headPosition).toBe(1);
    e.controlProjection('resume', 'balance');
    await e.execute(deposit(10));
    expect(e.headPosition).toBe(2);
  });

  it('syncProjections resolves the mode to projection names', () => {
    const names = ['balance', 'statement'];
    expect(syncProjections(DEFAULT_SETTINGS, names)).toEqual([]);
    expect(syncProjections(applySettingsPatch(DEFAULT_SETTINGS, { sync: { mode: 'sync' } }, names), names)).toEqual(names);
    expect(
      syncProjections(applySettingsPatch(DEFAULT_SETTINGS, { sync: { mode: 'hybrid', projections: ['statement'] } }, names), names),
    ).toEqual(['statement']);
    expect(() => applySettingsPatch(DEFAULT_SETTINGS, { sync: { projections: ['nope'] } }, names)).toThrow(/list of projection names/);
    expect(() => applySettingsPatch(DEFAULT_SETTINGS, { sync: { mode: 'sometimes' } }, names)).toThrow(/one of: async, sync, hybrid/);
  });
});

describe('separation levels', () => {
  for (const level of [1, 2, 3] as const) {
    it(`level ${level} runs both domains and converges to a replay`, async () => {
      for (const make of [bankingEngine, commerceEngine]) {
        const e = await make({ ...SEPARATION_PRESETS[level], bus: { latencyMs: 5, jitterMs: 5, duplicateProbability: 0.3 } }, 7);
        // Levels 1 and 2 are fed synchronously: the read model is current when the command returns.
        const current = level !== 3;
        if (make === bankingEngine) {
          await e.execute(open);
          for (let i = 1; i <= 5; i++) await e.execute(deposit(i));
          const b = await e.query(balance);
          if (current) expect(b.data).toMatchObject({ balanceCents: 15 });
          else expect(b.position).toBeLessThan(6);
        } else {
          await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 3 } });
          await e.execute({ type: 'PlaceOrder', data: { orderId: 'o1', customerId: 'ada', sku: 'KB', quantity: 2 } });
          const p = await e.query({ type: 'GetProduct', params: { sku: 'KB' } });
          if (current) expect(p.data).toMatchObject({ stock: 1 });
          else expect(p.position).toBeLessThan(2);
        }
        e.controlProjection('rebuild', e.domain.projections[0]!.name);
        await e.runUntilIdle();
        expect(e.status().separationLevel).toBe(level);
        expect(await liveDumps(e)).toEqual(await replayedFromScratch(e));
      }
    });
  }

  it('level 1 keeps the read models in the event store database, updated in the command transaction', async () => {
    const e = await bankingEngine(SEPARATION_PRESETS[1]);
    await e.execute(open);
    const tables = (await e.readOnlySql('write', "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).rows.map(
      (r) => r[0],
    );
    expect(tables).toEqual(expect.arrayContaining(['events', 'account_balances', 'statement_lines', 'projection_checkpoints']));
    expect(recordsOf(e.trace, 'command.projected')[0]).toMatchObject({ sameTransaction: true });
    // A join across the write model and a read model: one database.
    const joined = await e.readOnlySql(
      'write',
      "SELECT e.event_type, b.balance_cents FROM events e JOIN account_balances b ON b.account_id = json_extract(e.payload, '$.accountId')",
    );
    expect(joined.rows).toEqual([['AccountOpened', 0]]);
    expect(await dumpReadModel((s) => e.readOnlySql('balance', s))).toContain('account_balances');
  });

  it('level 2 keeps every read model in one read database; level 3 gives each its own', async () => {
    const two = await bankingEngine(SEPARATION_PRESETS[2]);
    await two.execute(open);
    const inBalanceStore = (await two.readOnlySql('balance', "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).rows.map(
      (r) => r[0],
    );
    expect(inBalanceStore).toEqual(expect.arrayContaining(['account_balances', 'statement_lines']));
    const writeTables = (await two.readOnlySql('write', "SELECT name FROM sqlite_master WHERE type = 'table'")).rows.map((r) => r[0]);
    expect(writeTables).not.toContain('account_balances');
    const three = await bankingEngine();
    const own = (await three.readOnlySql('balance', "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).rows.map(
      (r) => r[0],
    );
    expect(own).toEqual(['account_balances', 'checkpoint', 'stream_checkpoints']);
  });

  it('the level is chosen before the first event', async () => {
    const e = await bankingEngine();
    expect(e.configure({ separationLevel: 2 }).separationLevel).toBe(2);
    await e.execute(open);
    expect((await e.readOnlySql('statement', "SELECT name FROM sqlite_master WHERE name = 'account_balances'")).rows).toHaveLength(1);
    expect(() => e.configure({ separationLevel: 1 })).toThrow(InvalidSettingError);
    expect(() => e.configure({ separationLevel: 4 as never })).toThrow(/one of: 1, 2, 3/);
  });
});
