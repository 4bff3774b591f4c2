// Current balance per account, the number a banking app shows first.
import { defineProjection, defineQuery, type QuerySpec } from '../../../engine/index.ts';
import { accountIdField } from '../commands.ts';
import { BANKING_EVENTS, type AccountOpened, type BankingEvent } from '../events.ts';

/** How each movement moves the balance: every event but the opening is one. */
const SIGN: Record<Exclude<BankingEvent, AccountOpened>['type'], 1 | -1> = {
  MoneyDeposited: 1,
  TransferReceived: 1,
  MoneyWithdrawn: -1,
  TransferSent: -1,
};

export const balance = defineProjection<BankingEvent>()({
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
  handles: BANKING_EVENTS,
  apply(db, event) {
    if (event.type === 'AccountOpened') {
      const d = event.data;
      db.run(
        `INSERT INTO account_balances (account_id, owner, balance_cents, overdraft_limit_cents, movements, updated_at)
         VALUES (?, ?, 0, ?, 0, ?) ON CONFLICT (account_id) DO NOTHING`,
        [d.accountId, d.owner, d.overdraftLimitCents, event.metadata.recordedAt],
      );
      return;
    }
    db.run(
      'UPDATE account_balances SET balance_cents = balance_cents + ?, movements = movements + 1, updated_at = ? WHERE account_id = ?',
      [SIGN[event.type] * event.data.amountCents, event.metadata.recordedAt, event.data.accountId],
    );
  },
});

const COLUMNS = `account_id AS accountId, owner, balance_cents AS balanceCents, overdraft_limit_cents AS overdraftLimitCents,
  balance_cents + overdraft_limit_cents AS availableCents, movements, updated_at AS updatedAt`;

export const balanceQueries: QuerySpec[] = [
  defineQuery<{ accountId: string }>({
    type: 'GetBalance',
    projection: 'balance',
    description: 'Balance and available funds of one account (null until the projection has seen it).',
    fields: [accountIdField],
    run: (db, p) => db.get(`SELECT ${COLUMNS} FROM account_balances WHERE account_id = ?`, [p.accountId]) ?? null,
  }),
  {
    type: 'ListAccounts',
    projection: 'balance',
    description: 'Every account with its balance.',
    fields: [],
    run: (db) => db.all(`SELECT ${COLUMNS} FROM account_balances ORDER BY account_id`),
  },
];
