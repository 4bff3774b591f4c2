import { describe, expect, it } from 'vitest';
import { given } from '../../src/engine/testing/givenWhenThen.ts';
import { Account } from '../../src/domain/banking/account.ts';
import { commands } from '../../src/domain/banking/commands.ts';

const opened = (limit = 0) => ({ type: 'AccountOpened', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: limit } });
const deposited = (n: number) => ({ type: 'MoneyDeposited', data: { accountId: 'a', amountCents: n } });
const withdraw = (n: number) => ({ type: 'Withdraw', data: { accountId: 'a', amountCents: n } });

describe('Account aggregate', () => {
  it('opens once', () => {
    given(Account).when({ type: 'OpenAccount', data: opened().data }).then([opened()]);
    given(Account, [opened()]).when({ type: 'OpenAccount', data: opened().data }).thenRejects('AccountAlreadyOpen');
  });

  it('deposit and withdraw need an open account', () => {
    given(Account).when({ type: 'Deposit', data: { accountId: 'a', amountCents: 1 } }).thenRejects('AccountNotFound');
    given(Account).when(withdraw(1)).thenRejects('AccountNotFound');
  });

  it('the balance never goes below minus the overdraft limit', () => {
    given(Account, [opened(), deposited(100)]).when(withdraw(100)).then([{ type: 'MoneyWithdrawn', data: { accountId: 'a', amountCents: 100 } }]);
    const msg = given(Account, [opened(), deposited(100)]).when(withdraw(101)).thenRejects('InsufficientFunds');
    expect(msg).toContain('below its limit');
    given(Account, [opened(50), deposited(100)]).when(withdraw(150)).then([{ type: 'MoneyWithdrawn', data: { accountId: 'a', amountCents: 150 } }]);
    given(Account, [opened(50), deposited(100)]).when(withdraw(151)).thenRejects('InsufficientFunds');
  });

  it('each side of a transfer is decided by its own account', () => {
    const send = { type: 'SendTransfer', data: { transferId: 't1', accountId: 'a', toAccountId: 'b', amountCents: 60 } };
    given(Account, [opened(), deposited(100)]).when(send).then([{ type: 'TransferSent', data: send.data }]);
    given(Account, [opened(), deposited(50)]).when(send).thenRejects('InsufficientFunds');
    given(Account, [opened(), deposited(100), { type: 'TransferSent', data: send.data }]).when(send).thenRejects('DuplicateTransfer');
    const receive = { type: 'ReceiveTransfer', data: { transferId: 't1', accountId: 'a', fromAccountId: 'b', amountCents: 60 } };
    given(Account, [opened()]).when(receive).then([{ type: 'TransferReceived', data: receive.data }]);
    given(Account).when(receive).thenRejects('AccountNotFound');
  });

  it('Transfer routes to two streams, or one when both sides are the same account', () => {
    const transfer = commands.find((c) => c.type === 'Transfer')!;
    expect(transfer.route({ transferId: 't', fromAccountId: 'a', toAccountId: 'b', amountCents: 1 }).map((r) => [r.streamId, r.command.type])).toEqual([
      ['account-a', 'SendTransfer'],
      ['account-b', 'ReceiveTransfer'],
    ]);
    expect(transfer.route({ transferId: 't', fromAccountId: 'a', toAccountId: 'a', amountCents: 1 })).toHaveLength(1);
  });
});
