import { describe, expect, it } from 'vitest';
import { given } from '../../../src/engine/testing/givenWhenThen.ts';
import { Account, type AccountCommand } from '../../../src/domain/banking/account.ts';
import { commands } from '../../../src/domain/banking/commands.ts';
import type { AccountOpened, MoneyDeposited, TransferReceived, TransferSent } from '../../../src/domain/banking/events.ts';
import { bankingEngine, INSTANT } from '../engine/helpers.ts';

const opened = (limit = 0): AccountOpened => ({
  type: 'AccountOpened',
  data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: limit },
});
const deposited = (n: number): MoneyDeposited => ({ type: 'MoneyDeposited', data: { accountId: 'a', amountCents: n } });
const withdraw = (n: number): AccountCommand => ({ type: 'Withdraw', data: { accountId: 'a', amountCents: n } });

describe('Account aggregate', () => {
  it('opens once', () => {
    given(Account).when({ type: 'OpenAccount', data: opened().data }).then([opened()]);
    given(Account, [opened()]).when({ type: 'OpenAccount', data: opened().data }).thenRejects('AccountAlreadyOpen');
  });

  it('deposit and withdraw need an open account', () => {
    given(Account)
      .when({ type: 'Deposit', data: { accountId: 'a', amountCents: 1 } })
      .thenRejects('AccountNotFound');
    given(Account).when(withdraw(1)).thenRejects('AccountNotFound');
  });

  it('the balance never goes below minus the overdraft limit', () => {
    given(Account, [opened(), deposited(100)])
      .when(withdraw(100))
      .then([{ type: 'MoneyWithdrawn', data: { accountId: 'a', amountCents: 100 } }]);
    const msg = given(Account, [opened(), deposited(100)])
      .when(withdraw(101))
      .thenRejects('InsufficientFunds');
    expect(msg).toContain('below its limit');
    given(Account, [opened(50), deposited(100)])
      .when(withdraw(150))
      .then([{ type: 'MoneyWithdrawn', data: { accountId: 'a', amountCents: 150 } }]);
    given(Account, [opened(50), deposited(100)])
      .when(withdraw(151))
      .thenRejects('InsufficientFunds');
  });

  it('each side of a transfer is decided by its own account', () => {
    const send = { type: 'SendTransfer', data: { transferId: 't1', accountId: 'a', toAccountId: 'b', amountCents: 60 } } as const;
    const sent: TransferSent = { type: 'TransferSent', data: send.data };
    given(Account, [opened(), deposited(100)])
      .when(send)
      .then([sent]);
    given(Account, [opened(), deposited(50)])
      .when(send)
      .thenRejects('InsufficientFunds');
    given(Account, [opened(), deposited(100), sent])
      .when(send)
      .thenRejects('DuplicateTransfer');
    const receive = { type: 'ReceiveTransfer', data: { transferId: 't1', accountId: 'a', fromAccountId: 'b', amountCents: 60 } } as const;
    const received: TransferReceived = { type: 'TransferReceived', data: receive.data };
    given(Account, [opened()]).when(receive).then([received]);
    given(Account).when(receive).thenRejects('AccountNotFound');
  });

  it('the receiving side refuses a transfer id it has already booked, whoever sends it', () => {
    const receive = { type: 'ReceiveTransfer', data: { transferId: 't1', accountId: 'a', fromAccountId: 'c', amountCents: 60 } } as const;
    const booked: TransferReceived = {
      type: 'TransferReceived',
      data: { transferId: 't1', accountId: 'a', fromAccountId: 'b', amountCents: 60 },
    };
    expect(given(Account, [opened(), booked]).when(receive).thenRejects('DuplicateTransfer')).toContain('t1');
    // An id this account sent under counts as booked too.
    const sent: TransferSent = { type: 'TransferSent', data: { transferId: 't1', accountId: 'a', toAccountId: 'b', amountCents: 10 } };
    given(Account, [opened(), deposited(100), sent])
      .when(receive)
      .thenRejects('DuplicateTransfer');
  });

  it('Transfer routes to two streams, or one when both sides are the same account', () => {
    const transfer = commands.find((c) => c.type === 'Transfer')!;
    expect(
      transfer.route({ transferId: 't', fromAccountId: 'a', toAccountId: 'b', amountCents: 1 }).map((r) => [r.streamId, r.command.type]),
    ).toEqual([
      ['account-a', 'SendTransfer'],
      ['account-b', 'ReceiveTransfer'],
    ]);
    expect(transfer.route({ transferId: 't', fromAccountId: 'a', toAccountId: 'a', amountCents: 1 })).toHaveLength(1);
  });

  it('a transfer id reused by another sender is refused by the receiver, and neither side is appended', async () => {
    const e = await bankingEngine(INSTANT);
    try {
      for (const accountId of ['a', 'b', 'c']) {
        expect((await e.execute({ type: 'OpenAccount', data: { accountId, owner: accountId, overdraftLimitCents: 0 } })).ok).toBe(true);
        expect((await e.execute({ type: 'Deposit', data: { accountId, amountCents: 100 } })).ok).toBe(true);
      }
      expect(
        (await e.execute({ type: 'Transfer', data: { transferId: 't1', fromAccountId: 'a', toAccountId: 'c', amountCents: 10 } })).ok,
      ).toBe(true);
      const head = e.headPosition;
      // b has never seen t1, so only c's own check can refuse it.
      const again = await e.execute({
        type: 'Transfer',
        data: { transferId: 't1', fromAccountId: 'b', toAccountId: 'c', amountCents: 10 },
      });
      expect(again).toMatchObject({ ok: false, rejection: { code: 'DuplicateTransfer' } });
      expect(e.headPosition).toBe(head);
      await e.runUntilIdle();
      const balance = async (accountId: string) =>
        ((await e.query({ type: 'GetBalance', params: { accountId } })).data as { balanceCents: number }).balanceCents;
      expect([await balance('a'), await balance('b'), await balance('c')]).toEqual([90, 100, 110]);
    } finally {
      e.close();
    }
  });
});
