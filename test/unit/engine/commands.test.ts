import { describe, expect, it } from 'vitest';
import {
  ConcurrencyError,
  InvalidPayloadError,
  UnknownCommandError,
  UnknownStreamError,
  InvalidIntentError,
} from '../../../src/engine/errors.ts';
import { recordsOf } from '../../../src/engine/vocabulary/trace.ts';
import { INSTANT, bankingEngine, commerceEngine } from './helpers.ts';

const addKb = { type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 5000, stock: 3 } };
const order = (orderId: string, quantity = 1, customerId = 'ada') => ({
  type: 'PlaceOrder',
  data: { orderId, customerId, sku: 'KB', quantity },
});

describe('command handling', () => {
  it('returns ids, versions and a consistency token — never read-model data', async () => {
    const e = await commerceEngine();
    await e.execute(addKb);
    const r = await e.execute({ ...order('o1'), commandId: 'place-1' });
    expect(r).toEqual({
      ok: true,
      commandId: 'place-1',
      commandType: 'PlaceOrder',
      correlationId: 'place-1',
      ids: { orderId: 'o1' },
      streams: [{ streamId: 'product-KB', version: 2 }],
      consistencyToken: 2,
      duplicate: false,
      attempts: 1,
    });
  });

  it('a rejected command gives a typed reason and appends nothing', async () => {
    const e = await commerceEngine();
    await e.execute(addKb);
    const r = await e.execute(order('o1', 4));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.rejection.code).toBe('OutOfStock');
    expect(r.rejection.message).toContain('Only 3');
    expect((await e.readAll()).length).toBe(1);
    expect(recordsOf(e.trace, 'command.rejected')).toHaveLength(1);
  });

  it('bad input throws typed errors and changes nothing', async () => {
    const e = await commerceEngine();
    await e.execute(addKb);
    const before = JSON.stringify(e.trace);
    await expect(e.execute({ type: 'BuyStuff', data: {} })).rejects.toBeInstanceOf(UnknownCommandError);
    await expect(e.execute({ type: 'BuyStuff', data: {} })).rejects.toThrow(/PlaceOrder/);
    await expect(e.execute({ type: 'PlaceOrder', data: { orderId: 'o1', sku: 'KB', quantity: 1 } })).rejects.toBeInstanceOf(
      InvalidPayloadError,
    );
    await expect(e.execute(order('o1', -1))).rejects.toThrow(/quantity/);
    await expect(e.execute({ ...order('o1'), commandId: '' })).rejects.toBeInstanceOf(InvalidIntentError);
    await expect(e.readStream('product-NOPE')).rejects.toBeInstanceOf(UnknownStreamError);
    expect(() => e.submit({ kind: 'teleport' } as never)).toThrow(InvalidIntentError);
    expect(JSON.stringify(e.trace)).toBe(before);
    expect((await e.readAll()).length).toBe(1);
    expect(e.recordedScript()).toHaveLength(1);
  });

  it('a repeated commandId returns the original result and appends nothing', async () => {
    const e = await bankingEngine(INSTANT);
    await e.execute({ type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } });
    const first = await e.execute({ type: 'Deposit', data: { accountId: 'a', amountCents: 100 }, commandId: 'dep-1' });
    const again = await e.execute({ type: 'Deposit', data: { accountId: 'a', amountCents: 100 }, commandId: 'dep-1' });
    expect(again).toEqual({ ...first, duplicate: true });
    expect((await e.readStream('account-a')).length).toBe(2);
    expect(recordsOf(e.trace, 'command.duplicate')).toHaveLength(1);
    await e.runUntilIdle();
    expect((await e.query({ type: 'GetBalance', params: { accountId: 'a' } })).data).toMatchObject({ balanceCents: 100 });
  });

  it('with idempotency off, a repeated command appends twice', async () => {
    const e = await bankingEngine({ ...INSTANT, idempotency: false });
    await e.execute({ type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } });
    await e.execute({ type: 'Deposit', data: { accountId: 'a', amountCents: 100 }, commandId: 'dep-1' });
    const again = await e.execute({ type: 'Deposit', data: { accountId: 'a', amountCents: 100 }, commandId: 'dep-1' });
    expect(again.ok && again.duplicate).toBe(false);
    await e.runUntilIdle();
    expect((await e.query({ type: 'GetBalance', params: { accountId: 'a' } })).data).toMatchObject({ balanceCents: 200 });
  });

  it('the idempotency record is in the same transaction: a concurrent duplicate appends once', async () => {
    const e = await bankingEngine({ costs: { commandMs: 5 } });
    await e.execute({ type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } });
    // Two copies of the same command in flight: both load before either appends.
    e.submit({ kind: 'command', command: { type: 'Deposit', data: { accountId: 'a', amountCents: 100 }, commandId: 'dup' } });
    e.submit({ kind: 'command', command: { type: 'Deposit', data: { accountId: 'a', amountCents: 100 }, commandId: 'dup' } });
    await e.runUntilIdle();
    expect((await e.readStream('account-a')).length).toBe(2);
    expect(recordsOf(e.trace, 'command.duplicate')).toHaveLength(1);
  });

  it('two commands on one stream interleave: the second conflicts and is retried', async () => {
    const e = await commerceEngine({ costs: { commandMs: 5 }, retry: { maxAttempts: 3, backoffMs: 2 } });
    await e.execute(addKb);
    e.submit({ kind: 'command', command: order('o1') });
    e.submit({ kind: 'command', command: order('o2') });
    await e.runUntilIdle();
    const conflicts = recordsOf(e.trace, 'command.conflict');
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ streamId: 'product-KB', expectedVersion: 1, actualVersion: 2, attempt: 1 });
    expect(recordsOf(e.trace, 'command.retried')).toHaveLength(1);
    expect((await e.readStream('product-KB')).map((x) => x.type)).toEqual(['ProductAdded', 'OrderPlaced', 'OrderPlaced']);
    const completed = recordsOf(e.trace, 'command.completed');
    expect(completed.map((c) => c.attempts)).toEqual([1, 1, 2]);
  });

  it('the retry re-decides on fresh state: the last unit is never sold twice', async () => {
    const e = await commerceEngine({ costs: { commandMs: 5 } });
    await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 5000, stock: 1 } });
    e.submit({ kind: 'command', command: order('o1') });
    e.submit({ kind: 'command', command: order('o2', 1, 'bob') });
    await e.runUntilIdle();
    expect(recordsOf(e.trace, 'command.rejected').map((r) => r.rejection.code)).toEqual(['OutOfStock']);
    expect((await e.readStream('product-KB')).length).toBe(2);
  });

  it('without retries a conflict is a ConcurrencyError and nothing is appended', async () => {
    const e = await commerceEngine({ costs: { commandMs: 5 }, retry: { maxAttempts: 1 } });
    await e.execute(addKb);
    e.submit({ kind: 'command', command: order('o1') });
    const second = e.execute(order('o2'));
    await expect(second).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(second).rejects.toThrow(/loaded at version 1 but is now at version 2/);
    expect(recordsOf(e.trace, 'command.failed')).toHaveLength(1);
    expect((await e.readStream('product-KB')).length).toBe(2);
  });

  it('a transfer appends to both accounts in one transaction', async () => {
    const e = await bankingEngine(INSTANT);
    await e.execute({ type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } });
    await e.execute({ type: 'OpenAccount', data: { accountId: 'b', owner: 'Bob', overdraftLimitCents: 0 } });
    await e.execute({ type: 'Deposit', data: { accountId: 'a', amountCents: 500 } });
    const r = await e.execute({ type: 'Transfer', data: { transferId: 't1', fromAccountId: 'a', toAccountId: 'b', amountCents: 200 } });
    expect(r).toMatchObject({
      ok: true,
      ids: { transferId: 't1' },
      streams: [
        { streamId: 'account-a', version: 3 },
        { streamId: 'account-b', version: 2 },
      ],
      consistencyToken: 5,
    });
    const appended = recordsOf(e.trace, 'events.appended').at(-1)!;
    expect(appended.events.map((x) => x.eventType)).toEqual(['TransferSent', 'TransferReceived']);
  });

  it('a transfer rejected by either side appends nothing', async () => {
    const e = await bankingEngine(INSTANT);
    await e.execute({ type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } });
    await e.execute({ type: 'Deposit', data: { accountId: 'a', amountCents: 500 } });
    const toNowhere = await e.execute({
      type: 'Transfer',
      data: { transferId: 't1', fromAccountId: 'a', toAccountId: 'ghost', amountCents: 200 },
    });
    expect(toNowhere).toMatchObject({ ok: false, rejection: { code: 'AccountNotFound' } });
    const tooMuch = await e.execute({ type: 'Transfer', data: { transferId: 't2', fromAccountId: 'a', toAccountId: 'a', amountCents: 1 } });
    expect(tooMuch).toMatchObject({ ok: false, rejection: { code: 'SameAccount' } });
    expect(e.headPosition).toBe(2);
  });

  it('a transfer conflicting on either stream is retried as a whole', async () => {
    const e = await bankingEngine({ costs: { commandMs: 4 } });
    await e.execute({ type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } });
    await e.execute({ type: 'OpenAccount', data: { accountId: 'b', owner: 'Bob', overdraftLimitCents: 0 } });
    await e.execute({ type: 'Deposit', data: { accountId: 'a', amountCents: 500 } });
    e.submit({ kind: 'command', command: { type: 'Deposit', data: { accountId: 'b', amountCents: 7 } } });
    e.submit({
      kind: 'command',
      command: { type: 'Transfer', data: { transferId: 't1', fromAccountId: 'a', toAccountId: 'b', amountCents: 100 }, commandId: 'tr' },
    });
    await e.runUntilIdle();
    // The transfer's debit side was fine; its credit side had moved on: nothing of it was appended, then the retry succeeded.
    expect(recordsOf(e.trace, 'command.conflict')).toEqual([expect.objectContaining({ commandId: 'tr', streamId: 'account-b' })]);
    expect((await e.readStream('account-b')).map((x) => x.type)).toEqual(['AccountOpened', 'MoneyDeposited', 'TransferReceived']);
    expect((await e.readStream('account-a')).map((x) => x.version)).toEqual([1, 2, 3]);
  });

  it('records causation and correlation on every event', async () => {
    const e = await commerceEngine(INSTANT);
    await e.execute({ ...addKb, commandId: 'add-kb', correlationId: 'checkout-7' }, { sessionId: 'tab-1' });
    const [event] = await e.readStream('product-KB');
    expect(event!.metadata).toEqual({
      commandId: 'add-kb',
      correlationId: 'checkout-7',
      causationId: 'add-kb',
      recordedAt: 0,
      sessionId: 'tab-1',
    });
  });
});
