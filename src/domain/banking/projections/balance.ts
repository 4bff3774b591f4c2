// Current balance per account, the number a banking app shows first.
import type { ProjectionDefinition, QuerySpec } from '../../../engine/index.ts';
import { accountIdField } from '../commands.ts';

const SIGN: Record<string, number> = { MoneyDeposited: 1, TransferReceived: 1, MoneyWithdrawn: -1, TransferSent: -1 };

export const balance: ProjectionDefinition = {
  name: 'balance',
  description: 'Balance view: one row per account with its balance and what is still available.',
  schema: [
    `CREATE TABLE account_balances (
      account_id             TEXT PRIMARY KEY,
      owner                  TEXT    NOT NULL,
      balance_cents          INTEGER NOT NULL,
      overdraft_limit_cents  INTEGER NOT NULL,
      movements              INTEGER NOT NULL,
      updated_at             INTEGER NOT NULL
    )`,
  ],
  handles: ['AccountOpened', 'MoneyDeposited', 'MoneyWithdrawn', 'TransferSent', 'TransferReceived'],
  apply(db, event) {
    const d = event.data;
    if (event.type === 'AccountOpened') {
      db.run(
        `INSERT INTO account_balances (account_id, owner, balance_cents, overdraft_limit_cents, movements, updated_at)
         VALUES (?, ?, 0, ?, 0, ?) ON CONFLICT (account_id) DO NOTHING`,
        [d['accountId'] as string, d['owner'] as string, d['overdraftLimitCents'] as number, event.metadata.recordedAt],
      );
      return;
    }
    const sign = SIGN[event.type];
    if (sign === undefined) return;
    db.run(
      'UPDATE account_balances SET balance_cents = balance_cents + ?, movements = movements + 1, updated_at = ? WHERE account_id = ?',
      [sign * (d['amountCents'] as number), event.metadata.recordedAt, d['accountId'] as string],
    );
  },
};

const COLUMNS = `account_id AS accountId, owner, balance_cents AS balanceCents, overdraft_limit_cents AS overdraftLimitCents,
  balance_cents + overdraft_limit_cents AS availableCents, movements, updated_at AS updatedAt`;

export const balanceQueries: QuerySpec[] = [
  {
    type: 'GetBalance',
    projection: 'balance',
    description: 'Balance and available funds of one account (null until the projection has seen it).',
    fields: [accountIdField],
    run: (db, p) => db.get(`SELECT ${COLUMNS} FROM account_balances WHERE account_id = ?`, [p['accountId'] as string]) ?? null,
  },
  {
    type: 'ListAccounts',
    projection: 'balance',
    description: 'Every account with its balance.',
    fields: [],
    run: (db) => db.all(`SELECT ${COLUMNS} FROM account_balances ORDER BY account_id`),
  },
];
