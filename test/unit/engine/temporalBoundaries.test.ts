// Temporal queries at their exact boundaries. "As of position p" and "as of
// time t" include the event AT p and every event recorded AT t: a `<` where a
// `<=` belongs drops exactly that event, so every case below asks at an
// event's own position or recorded time, the stream's last one included, and
// checks the answer against the events folded by hand.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine/engine.ts';
import { bankingEngine } from './helpers.ts';

const open = (accountId: string) => ({ type: 'OpenAccount', data: { accountId, owner: accountId.toUpperCase(), overdraftLimitCents: 0 } });
const deposit = (accountId: string, amountCents: number) => ({ type: 'Deposit', data: { accountId, amountCents } });
const transfer = (transferId: string, from: string, to: string, amountCents: number) => ({
  type: 'Transfer',
  data: { transferId, fromAccountId: from, toAccountId: to, amountCents },
});
const balanceOf = (state: unknown): number => (state as { balanceCents: number }).balanceCents;

/**
 * Every command takes 10 virtual ms, so the log is:
 * pos 1 t=10 account-a opened · pos 2 t=20 a +5 · pos 3 t=30 account-b opened ·
 * pos 4 t=40 a +7 · pos 5+6 t=50 transfer a→b 3 (both legs at the same time) · pos 7 t=60 b +11.
 */
async function history(settings: Parameters<typeof bankingEngine>[0] = {}): Promise<Engine> {
  const e = await bankingEngine({ costs: { commandMs: 10, projectMs: 0, queryMs: 0 }, ...settings });
  for (const c of [open('a'), deposit('a', 5), open('b'), deposit('a', 7), transfer('t1', 'a', 'b', 3), deposit('b', 11)]) {
    const r = await e.execute(c);
    expect(r.ok).toBe(true);
  }
  const log = await e.readAll(1, 100);
  expect(log.map((x) => [x.position, x.streamId, x.type, x.metadata.recordedAt])).toEqual([
    [1, 'account-a', 'AccountOpened', 10],
    [2, 'account-a', 'MoneyDeposited', 20],
    [3, 'account-b', 'AccountOpened', 30],
    [4, 'account-a', 'MoneyDeposited', 40],
    [5, 'account-a', 'TransferSent', 50],
    [6, 'account-b', 'TransferReceived', 50],
    [7, 'account-b', 'MoneyDeposited', 60],
  ]);
  return e;
}

describe('aggregateAt at its boundaries', () => {
  it("as of exactly the stream's last position includes that event", async () => {
    const e = await history();
    // account-a's last event is at position 5; account-b's at 7 (the head).
    expect(await e.aggregateAt('account-a', { position: 5 })).toMatchObject({ version: 4, position: 5, recordedAt: 50 });
    expect(balanceOf((await e.aggregateAt('account-a', { position: 5 })).state)).toBe(5 + 7 - 3);
    const b = await e.aggregateAt('account-b', { position: 7 });
    expect(b).toMatchObject({ version: 3, position: 7, recordedAt: 60, eventsFolded: 3 });
    expect(balanceOf(b.state)).toBe(3 + 11);
    // One before: the event is not there yet.
    expect(await e.aggregateAt('account-b', { position: 6 })).toMatchObject({ version: 2, position: 6 });
    expect(balanceOf((await e.aggregateAt('account-b', { position: 6 })).state)).toBe(3);
    e.close();
  });

  it("as of exactly an event's position in the middle of the log includes it", async () => {
    const e = await history();
    const a = await e.aggregateAt('account-a', { position: 2 });
    expect(a).toMatchObject({ version: 2, position: 2, recordedAt: 20 });
    expect(balanceOf(a.state)).toBe(5);
    // Position 3 belongs to another stream: account-a still stands at its event 2.
    expect(await e.aggregateAt('account-a', { position: 3 })).toMatchObject({ version: 2, position: 2 });
    expect(await e.aggregateAt('account-a', { position: 1 })).toMatchObject({ version: 1, position: 1, recordedAt: 10 });
    e.close();
  });

  it("as of exactly an event's recorded time includes it, and every other event recorded then", async () => {
    const e = await history();
    expect(await e.aggregateAt('account-a', { at: 20 })).toMatchObject({ version: 2, position: 2, recordedAt: 20 });
    expect(await e.aggregateAt('account-a', { at: 19 })).toMatchObject({ version: 1, position: 1 });
    // Both legs of the transfer were recorded at t=50: as of 50, each side holds its leg.
    const sender = await e.aggregateAt('account-a', { at: 50 });
    expect(sender).toMatchObject({ version: 4, position: 5, recordedAt: 50 });
    expect(balanceOf(sender.state)).toBe(9);
    const receiver = await e.aggregateAt('account-b', { at: 50 });
    expect(receiver).toMatchObject({ version: 2, position: 6, recordedAt: 50 });
    expect(balanceOf(receiver.state)).toBe(3);
    // The last event of the log, at its own time.
    const last = await e.aggregateAt('account-b', { at: 60 });
    expect(last).toMatchObject({ version: 3, position: 7, recordedAt: 60 });
    expect(balanceOf(last.state)).toBe(14);
    expect(await e.aggregateAt('account-b', { at: 59 })).toMatchObject({ version: 2, position: 6 });
    e.close();
  });

  it("as of exactly the stream's last version includes it", async () => {
    const e = await history();
    const a = await e.aggregateAt('account-a', { version: 4 });
    expect(a).toMatchObject({ version: 4, position: 5, eventsFolded: 4 });
    expect(balanceOf(a.state)).toBe(9);
    expect(balanceOf((await e.aggregateAt('account-a', { version: 2 })).state)).toBe(5);
    e.close();
  });

  it('a snapshot taken exactly at the asked version is used, with nothing left to fold', async () => {
    const e = await history({ snapshots: { every: 2 } });
    // account-a: snapshots at versions 2 and 4.
    const at4 = await e.aggregateAt('account-a', { position: 5 });
    expect(at4).toMatchObject({ version: 4, eventsFolded: 0, snapshot: { version: 4, used: true } });
    expect(balanceOf(at4.state)).toBe(9);
    const at2 = await e.aggregateAt('account-a', { at: 20 });
    expect(at2).toMatchObject({ version: 2, eventsFolded: 0, snapshot: { version: 2, used: true } });
    expect(balanceOf(at2.state)).toBe(5);
    const at3 = await e.aggregateAt('account-a', { version: 3 });
    expect(at3).toMatchObject({ version: 3, eventsFolded: 1, snapshot: { version: 2, used: true } });
    expect(balanceOf(at3.state)).toBe(12);
    e.close();
  });
});

describe('projectionAt at its boundaries', () => {
  const balanceQuery = (accountId: string) => ({ type: 'GetBalance', params: { accountId } });

  it('as of exactly the head position includes the last event', async () => {
    const e = await history();
    const b = await e.projectionAt('balance', { position: 7 }, balanceQuery('b'));
    expect(b).toMatchObject({ position: 7, data: { balanceCents: 14, movements: 2, updatedAt: 60 } });
    const lines = (await e.projectionAt('statement', { position: 7 })).tables!['statement_lines']!;
    expect(lines.rows).toHaveLength(5);
    // Past the head is the head.
    expect(await e.projectionAt('balance', { position: 99 }, balanceQuery('b'))).toMatchObject({ position: 7, data: { balanceCents: 14 } });
    e.close();
  });

  it("as of exactly an event's position includes it", async () => {
    const e = await history();
    expect(await e.projectionAt('balance', { position: 2 }, balanceQuery('a'))).toMatchObject({
      position: 2,
      data: { balanceCents: 5, movements: 1 },
    });
    expect(await e.projectionAt('balance', { position: 1 }, balanceQuery('a'))).toMatchObject({
      position: 1,
      data: { balanceCents: 0, movements: 0 },
    });
    // The transfer's first leg alone: the sender paid, the receiver has not been credited yet.
    expect(await e.projectionAt('balance', { position: 5 }, balanceQuery('a'))).toMatchObject({ data: { balanceCents: 9 } });
    expect(await e.projectionAt('balance', { position: 5 }, balanceQuery('b'))).toMatchObject({ data: { balanceCents: 0 } });
    expect(await e.projectionAt('balance', { position: 6 }, balanceQuery('b'))).toMatchObject({ data: { balanceCents: 3 } });
    expect(await e.projectionAt('balance', { position: 0 }, balanceQuery('a'))).toMatchObject({ position: 0, data: null });
    e.close();
  });

  it("as of exactly an event's recorded time includes it, and every other event recorded then", async () => {
    const e = await history();
    expect(await e.projectionAt('balance', { at: 20 }, balanceQuery('a'))).toMatchObject({ position: 2, data: { balanceCents: 5 } });
    expect(await e.projectionAt('balance', { at: 19 }, balanceQuery('a'))).toMatchObject({ position: 1, data: { balanceCents: 0 } });
    // Both legs at t=50.
    expect(await e.projectionAt('balance', { at: 50 }, balanceQuery('b'))).toMatchObject({ position: 6, data: { balanceCents: 3 } });
    expect(await e.projectionAt('balance', { at: 60 }, balanceQuery('b'))).toMatchObject({ position: 7, data: { balanceCents: 14 } });
    expect(await e.projectionAt('balance', { at: 9 }, balanceQuery('a'))).toMatchObject({ position: 0, data: null });
    e.close();
  });
});
