// The Account aggregate: the consistency boundary for a balance. The
// invariant is that a balance never drops below minus its overdraft limit.
// A transfer touches two accounts: each side is decided by its own account,
// and both are appended in one transaction (or neither is).
import { defineAggregate, reject, type Decision, type DomainCommand } from '../../engine/index.ts';
import type { AccountEvent } from './events.ts';

export type AccountState = {
  opened: boolean;
  accountId: string;
  owner: string;
  overdraftLimitCents: number;
  balanceCents: number;
  /** Transfer ids already booked on this account, to refuse a replayed transfer. */
  transfers: Record<string, true>;
};

export type AccountCommand =
  | DomainCommand<'OpenAccount', { accountId: string; owner: string; overdraftLimitCents: number }>
  | DomainCommand<'Deposit', { accountId: string; amountCents: number }>
  | DomainCommand<'Withdraw', { accountId: string; amountCents: number }>
  | DomainCommand<'SendTransfer', { transferId: string; accountId: string; toAccountId: string; amountCents: number }>
  | DomainCommand<'ReceiveTransfer', { transferId: string; accountId: string; fromAccountId: string; amountCents: number }>;

/** Every reason an account refuses a command. */
export type AccountRejection = 'AccountAlreadyOpen' | 'AccountNotFound' | 'InsufficientFunds' | 'SameAccount' | 'DuplicateTransfer';

const initialState = (): AccountState => ({
  opened: false,
  accountId: '',
  owner: '',
  overdraftLimitCents: 0,
  balanceCents: 0,
  transfers: {},
});

const euros = (cents: number): string => `${(cents / 100).toFixed(2)}`;

function decide(command: AccountCommand, state: AccountState): Decision<AccountEvent, AccountRejection> {
  if (command.type === 'OpenAccount') {
    if (state.opened) return reject('AccountAlreadyOpen', `Account ${command.data.accountId} is already open.`);
    return [{ type: 'AccountOpened', data: { ...command.data } }];
  }
  if (!state.opened) return reject('AccountNotFound', `There is no open account ${command.data.accountId}.`);
  const floor = -state.overdraftLimitCents;
  switch (command.type) {
    case 'Deposit':
      return [{ type: 'MoneyDeposited', data: { accountId: state.accountId, amountCents: command.data.amountCents } }];
    case 'Withdraw':
      if (state.balanceCents - command.data.amountCents < floor) {
        return reject(
          'InsufficientFunds',
          `Withdrawing ${euros(command.data.amountCents)} would take account ${state.accountId} to ` +
            `${euros(state.balanceCents - command.data.amountCents)}, below its limit of ${euros(floor)}.`,
        );
      }
      return [{ type: 'MoneyWithdrawn', data: { accountId: state.accountId, amountCents: command.data.amountCents } }];
    case 'SendTransfer': {
      const d = command.data;
      if (d.toAccountId === state.accountId) return reject('SameAccount', 'A transfer needs two different accounts.');
      if (state.transfers[d.transferId]) return reject('DuplicateTransfer', `Transfer ${d.transferId} was already booked.`);
      if (state.balanceCents - d.amountCents < floor) {
        return reject(
          'InsufficientFunds',
          `Sending ${euros(d.amountCents)} would take account ${state.accountId} to ${euros(state.balanceCents - d.amountCents)}, ` +
            `below its limit of ${euros(floor)}.`,
        );
      }
      return [{ type: 'TransferSent', data: { ...d } }];
    }
    case 'ReceiveTransfer': {
      const d = command.data;
      if (state.transfers[d.transferId]) return reject('DuplicateTransfer', `Transfer ${d.transferId} was already booked.`);
      return [{ type: 'TransferReceived', data: { ...d } }];
    }
  }
}

function evolve(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountOpened':
      return {
        ...initialState(),
        opened: true,
        accountId: event.data.accountId,
        owner: event.data.owner,
        overdraftLimitCents: event.data.overdraftLimitCents,
      };
    case 'MoneyDeposited':
      return { ...state, balanceCents: state.balanceCents + event.data.amountCents };
    case 'MoneyWithdrawn':
      return { ...state, balanceCents: state.balanceCents - event.data.amountCents };
    case 'TransferSent':
      return {
        ...state,
        balanceCents: state.balanceCents - event.data.amountCents,
        transfers: { ...state.transfers, [event.data.transferId]: true },
      };
    case 'TransferReceived':
      return {
        ...state,
        balanceCents: state.balanceCents + event.data.amountCents,
        transfers: { ...state.transfers, [event.data.transferId]: true },
      };
  }
}

export const accountStream = (accountId: string): string => `account-${accountId}`;

export const Account = defineAggregate<AccountState, AccountCommand, AccountEvent, AccountRejection>({
  name: 'Account',
  streamPrefix: 'account-',
  description: 'A bank account with an overdraft limit. Its balance never goes below minus the limit.',
  decider: { initialState, decide, evolve },
});
