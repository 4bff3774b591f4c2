// The banking commands as clients send them, with their field specs.
import type { CommandSpec, Route } from '../../engine/index.ts';
import { idField, type FieldSpec } from '../../engine/index.ts';
import { accountStream, type AccountCommand } from './account.ts';

const id = idField;

export const accountIdField = id('accountId', 'Account number', 'acc-1');
const amountField: FieldSpec = {
  name: 'amountCents',
  kind: 'integer',
  description: 'Amount in cents',
  example: 2500,
  min: 1,
  max: 100_000_000,
};

const onAccount =
  (type: AccountCommand['type']) =>
  (data: Record<string, unknown>): Route[] => [
    { aggregate: 'Account', streamId: accountStream(String(data['accountId'])), command: { type, data } },
  ];

export const commands: CommandSpec[] = [
  {
    type: 'OpenAccount',
    description: 'Open an account with an overdraft limit (0 = no overdraft).',
    fields: [
      accountIdField,
      { name: 'owner', kind: 'string', description: 'Account holder', example: 'Ada Lovelace', max: 80 },
      {
        name: 'overdraftLimitCents',
        kind: 'integer',
        description: 'How far below zero the balance may go, in cents',
        example: 0,
        min: 0,
        max: 10_000_000,
      },
    ],
    route: onAccount('OpenAccount'),
    ids: (d) => ({ accountId: String(d['accountId']) }),
  },
  {
    type: 'Deposit',
    description: 'Pay money into an account.',
    fields: [accountIdField, amountField],
    route: onAccount('Deposit'),
    ids: (d) => ({ accountId: String(d['accountId']) }),
  },
  {
    type: 'Withdraw',
    description: 'Take money out; refused if the balance would fall below minus the overdraft limit.',
    fields: [accountIdField, amountField],
    route: onAccount('Withdraw'),
    ids: (d) => ({ accountId: String(d['accountId']) }),
  },
  {
    type: 'Transfer',
    description: 'Move money between two accounts: both sides are appended in one transaction, or neither is.',
    fields: [
      id('transferId', 'Id chosen by the client, so a retry names the same transfer', 't-1'),
      id('fromAccountId', 'Account to debit', 'acc-1'),
      id('toAccountId', 'Account to credit', 'acc-2'),
      amountField,
    ],
    route: (d) => {
      const from = String(d['fromAccountId']);
      const to = String(d['toAccountId']);
      const transferId = String(d['transferId']);
      const amountCents = d['amountCents'];
      const send: Route = {
        aggregate: 'Account',
        streamId: accountStream(from),
        command: { type: 'SendTransfer', data: { transferId, accountId: from, toAccountId: to, amountCents } },
      };
      // Same account on both sides: route once, and the sender refuses it.
      if (from === to) return [send];
      return [
        send,
        {
          aggregate: 'Account',
          streamId: accountStream(to),
          command: { type: 'ReceiveTransfer', data: { transferId, accountId: to, fromAccountId: from, amountCents } },
        },
      ];
    },
    ids: (d) => ({ transferId: String(d['transferId']) }),
  },
];
