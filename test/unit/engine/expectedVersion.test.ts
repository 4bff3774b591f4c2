// The client's expected version: "I edited version 5; refuse if it changed".
// A stale expectation fails the command with a ConcurrencyError naming both
// versions, is never retried by the engine, and never hides the first result
// of a command that already succeeded.
import { describe, expect, it } from 'vitest';
import { ConcurrencyError, InvalidIntentError } from '../../../src/engine/errors.ts';
import { replayScript } from '../../../src/engine/script.ts';
import { recordsOf } from '../../../src/engine/vocabulary/trace.ts';
import { commerce } from '../../../src/domain/commerce/index.ts';
import { INSTANT, bankingEngine, commerceEngine, sqlJs } from './helpers.ts';

const addKb = { type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 5000, stock: 3 } };
const restock = { type: 'RestockProduct', data: { sku: 'KB', quantity: 1 } };
const price = (priceCents: number, expectedVersion?: number, commandId?: string) => ({
  type: 'ChangePrice',
  data: { sku: 'KB', priceCents },
  ...(expectedVersion !== undefined ? { expectedVersion } : {}),
  ...(commandId !== undefined ? { commandId } : {}),
});

/** What the engine did for one command, in trace order. */
const recordsFor = (trace: readonly { type: string; commandId?: string }[], commandId: string): string[] =>
  trace.filter((r) => r.commandId === commandId).map((r) => r.type);

describe('the client’s expected version', () => {
  it('an expectation that holds changes nothing: the command is decided and appended', async () => {
    const e = await commerceEngine(INSTANT);
    await e.execute(addKb);
    const r = await e.execute(price(4500, 1));
    expect(r).toMatchObject({ ok: true, streams: [{ streamId: 'product-KB', version: 2 }], attempts: 1 });
    expect(recordsOf(e.trace, 'command.staleVersion')).toEqual([]);
    expect(e.recordedScript().at(-1)!.intent).toMatchObject({ kind: 'command', command: { type: 'ChangePrice', expectedVersion: 1 } });
  });

  it('a stale expectation fails with a ConcurrencyError naming both versions, and is not retried', async () => {
    const e = await commerceEngine({ ...INSTANT, retry: { maxAttempts: 5, backoffMs: 1 } });
    await e.execute(addKb);
    for (let i = 0; i < 4; i++) await e.execute(restock);
    // The learner opened the form at version 5; two more writes land before the save.
    await e.execute(restock);
    await e.execute(restock);
    const stale = e.execute(price(4500, 5, 'edit-1'));
    await expect(stale).rejects.toBeInstanceOf(ConcurrencyError);
    const error = (await stale.catch((x: unknown) => x)) as ConcurrencyError;
    expect(error.message).toBe(
      'You edited product-KB at version 5, but it is now at version 7: someone changed it since. Reload it and decide again; nothing was appended.',
    );
    expect(error.code).toBe('CONCURRENCY');
    expect(error.details).toEqual({
      streamId: 'product-KB',
      expectedVersion: 5,
      actualVersion: 7,
      expectedBy: 'client',
      commandId: 'edit-1',
    });
    expect(error.expectedBy).toBe('client');
    // Checked at load: nothing decided, no retry, the failure traced with the same message.
    expect(recordsFor(e.trace, 'edit-1')).toEqual(['command.received', 'command.staleVersion', 'command.failed']);
    expect(recordsOf(e.trace, 'command.staleVersion')[0]).toMatchObject({
      streamId: 'product-KB',
      expectedVersion: 5,
      actualVersion: 7,
      stage: 'load',
      attempt: 1,
    });
    expect(recordsOf(e.trace, 'command.failed')[0]).toMatchObject({
      commandId: 'edit-1',
      code: 'CONCURRENCY',
      message: error.message,
      attempts: 1,
    });
    expect((await e.readStream('product-KB')).length).toBe(7);
  });

  it('0 means the stream must not exist yet: the first creation passes, the second is refused before deciding', async () => {
    const e = await commerceEngine(INSTANT);
    expect(await e.execute({ ...addKb, expectedVersion: 0 })).toMatchObject({
      ok: true,
      streams: [{ streamId: 'product-KB', version: 1 }],
    });
    const again = e.execute({ ...addKb, expectedVersion: 0, commandId: 'add-again' });
    await expect(again).rejects.toThrow(
      'You expected product-KB not to exist yet (version 0), but it is now at version 1: someone changed it since. Reload it and decide again; nothing was appended.',
    );
    // The decider's own refusal (the product exists) is never reached.
    expect(recordsOf(e.trace, 'command.rejected')).toEqual([]);
    expect(recordsFor(e.trace, 'add-again')).not.toContain('command.decided');
  });

  it('an expected version the stream never had is refused, saying it does not exist', async () => {
    const e = await commerceEngine(INSTANT);
    await expect(e.execute(price(4500, 3))).rejects.toThrow(
      'You edited product-KB at version 3, but it does not exist yet (version 0): version 3 was never written.',
    );
    await e.execute(addKb);
    await expect(e.execute(price(4500, 4))).rejects.toThrow(
      'You edited product-KB at version 4, but it is now at version 1: version 4 was never written.',
    );
    expect(e.headPosition).toBe(1);
  });

  it('a command that writes several streams refuses an expected version, before anything is recorded', async () => {
    const e = await bankingEngine(INSTANT);
    await e.execute({ type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } });
    await e.execute({ type: 'OpenAccount', data: { accountId: 'b', owner: 'Bob', overdraftLimitCents: 0 } });
    const before = JSON.stringify(e.trace);
    const script = e.recordedCount();
    const transfer = {
      type: 'Transfer',
      data: { transferId: 't1', fromAccountId: 'a', toAccountId: 'b', amountCents: 1 },
      expectedVersion: 1,
    };
    await expect(e.execute(transfer)).rejects.toBeInstanceOf(InvalidIntentError);
    await expect(e.execute(transfer)).rejects.toThrow(/writes 2 \(account-a, account-b\).*without an expected version/);
    expect(JSON.stringify(e.trace)).toBe(before);
    expect(e.recordedCount()).toBe(script);
    // The same command routed to one stream is about that stream: the expectation is checked, then the decider answers.
    const self = await e.execute({ ...transfer, data: { ...transfer.data, toAccountId: 'a' } });
    expect(self).toMatchObject({ ok: false, rejection: { code: 'SameAccount' } });
  });

  it('an expected version that is not a whole number from 0 is bad input', async () => {
    const e = await commerceEngine(INSTANT);
    await e.execute(addKb);
    const before = JSON.stringify(e.trace);
    for (const bad of [-1, 1.5, Number.NaN, '1', null]) {
      await expect(e.execute({ ...price(4500), expectedVersion: bad as number })).rejects.toThrow(
        /expectedVersion must be a whole number, 0 or more/,
      );
    }
    expect(JSON.stringify(e.trace)).toBe(before);
  });

  it('a repeat of a command that succeeded gets its first result, not a stale verdict caused by its own write', async () => {
    const e = await commerceEngine(INSTANT);
    await e.execute(addKb);
    const first = await e.execute(price(4500, 1, 'edit-1'));
    const repeat = await e.execute(price(4500, 1, 'edit-1'));
    expect(first).toMatchObject({ ok: true, duplicate: false });
    expect(repeat).toEqual({ ...first, duplicate: true });
    expect(recordsOf(e.trace, 'command.staleVersion')).toEqual([]);
    expect((await e.readStream('product-KB')).length).toBe(2);
    // A different command with the same stale expectation is refused.
    await expect(e.execute(price(4000, 1, 'edit-2'))).rejects.toBeInstanceOf(ConcurrencyError);
  });

  it('without idempotency a repeat is a new command, and its expectation is stale', async () => {
    const e = await commerceEngine({ ...INSTANT, idempotency: false });
    await e.execute(addKb);
    await e.execute(price(4500, 1, 'edit-1'));
    await expect(e.execute(price(4500, 1, 'edit-1'))).rejects.toThrow(/at version 1, but it is now at version 2/);
  });

  it('two copies in flight: the second sees the first one’s write at append and returns its result', async () => {
    const e = await commerceEngine({ costs: { commandMs: 5 } });
    await e.execute(addKb);
    e.submit({ kind: 'command', command: price(4500, 1, 'edit-1') });
    e.submit({ kind: 'command', command: price(4500, 1, 'edit-1') });
    await e.runUntilIdle();
    expect(recordsOf(e.trace, 'command.duplicate')).toHaveLength(1);
    expect(recordsOf(e.trace, 'command.staleVersion')).toEqual([]);
    expect(recordsOf(e.trace, 'command.failed')).toEqual([]);
    expect((await e.readStream('product-KB')).length).toBe(2);
  });

  it('a write racing in between load and append is caught at append, inside the transaction, without a retry', async () => {
    const e = await commerceEngine({ costs: { commandMs: 5 }, retry: { maxAttempts: 5, backoffMs: 1 } });
    await e.execute(addKb);
    // Both load product-KB at version 1; the restock appends first.
    e.submit({ kind: 'command', command: { ...restock, commandId: 'racer' } });
    const edit = e.execute(price(4500, 1, 'edit-1'));
    await expect(edit).rejects.toThrow('You edited product-KB at version 1, but it is now at version 2: someone changed it since.');
    await e.runUntilIdle();
    expect(recordsOf(e.trace, 'command.loaded').filter((r) => r.commandId === 'edit-1')[0]!.streams).toEqual([
      { streamId: 'product-KB', version: 1 },
    ]);
    expect(recordsOf(e.trace, 'command.staleVersion')).toMatchObject([
      { commandId: 'edit-1', expectedVersion: 1, actualVersion: 2, stage: 'append' },
    ]);
    // Not the engine's own conflict: no command.conflict, no command.retried.
    expect(recordsFor(e.trace, 'edit-1')).toEqual(['command.received', 'command.loaded', 'command.staleVersion', 'command.failed']);
    expect((await e.readStream('product-KB')).map((x) => x.type)).toEqual(['ProductAdded', 'ProductRestocked']);
  });

  it('a recorded script keeps the expectation: the replay fails the same command, byte for byte', async () => {
    const e = await commerceEngine({ costs: { commandMs: 5 } });
    await e.execute(addKb);
    e.submit({ kind: 'command', command: restock });
    e.submit({ kind: 'command', command: price(4500, 1) });
    await e.runUntilIdle();
    expect(recordsOf(e.trace, 'command.staleVersion')).toHaveLength(1);
    const replayed = await replayScript(await sqlJs(), commerce, e.seed, e.settings, e.recordedScript());
    expect(JSON.stringify(replayed.trace)).toBe(JSON.stringify(e.trace));
  });
});
