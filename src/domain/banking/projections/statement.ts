// A bank statement: one line per movement with the running balance after it.
// Lines are keyed by (account, stream version), so a replayed line is not
// written twice; the running balance is the projection's own state.
import { defineProjection, defineQuery, type QuerySpec } from '../../../engine/index.ts';
import { accountIdField } from '../commands.ts';
import { BANKING_EVENTS, type AccountOpened, type BankingEvent } from '../events.ts';

/** The statement line of a movement (every event but the opening is one). */
function line(e: Exclude<BankingEvent, AccountOpened>): { amount: number; description: string; counterparty: string | null } {
  switch (e.type) {
    case 'MoneyDeposited':
      return { amount: e.data.amountCents, description: 'Deposit', counterparty: null };
    case 'MoneyWithdrawn':
      return { amount: -e.data.amountCents, description: 'Withdrawal', counterparty: null };
    case 'TransferSent':
      return {
        amount: -e.data.amountCents,
        description: `Transfer ${e.data.transferId} to ${e.data.toAccountId}`,
        counterparty: e.data.toAccountId,
      };
    case 'TransferReceived':
      return {
        amount: e.data.amountCents,
        description: `Transfer ${e.data.transferId} from ${e.data.fromAccountId}`,
        counterparty: e.data.fromAccountId,
      };
  }
}

export const statement = defineProjection<BankingEvent>()({
  name: 'statement',
  description: 'Statement view: every movement of an account with the balance after it.',
  schema: [
    `CREATE TABLE statement_lines (
      account_id           TEXT    NOT NULL,
      line                 INTEGER NOT NULL,
      at                   INTEGER NOT NULL,
      description          TEXT    NOT NULL,
      amount_cents         INTEGER NOT NULL,
      balance_after_cents  INTEGER NOT NULL,
      counterparty         TEXT,
      PRIMARY KEY (account_id, line)
    )`,
    `CREATE TABLE statement_accounts (
      account_id     TEXT PRIMARY KEY,
      owner          TEXT    NOT NULL,
      balance_cents  INTEGER NOT NULL
    )`,
  ],
  handles: BANKING_EVENTS,
  apply(db, event) {
    const accountId = event.data.accountId;
    if (event.type === 'AccountOpened') {
      db.run('INSERT INTO statement_accounts (account_id, owner, balance_cents) VALUES (?, ?, 0) ON CONFLICT (account_id) DO NOTHING', [
        accountId,
        event.data.owner,
      ]);
      return;
    }
    const l = line(event);
    const current = Number(
      db.get('SELECT balance_cents FROM statement_accounts WHERE account_id = ?', [accountId])?.['balance_cents'] ?? 0,
    );
    const after = current + l.amount;
    db.run(
      `INSERT INTO statement_lines (account_id, line, at, description, amount_cents, balance_after_cents, counterparty)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, line) DO NOTHING`,
      [accountId, event.version, event.metadata.recordedAt, l.description, l.amount, after, l.counterparty],
    );
    db.run('UPDATE statement_accounts SET balance_cents = ? WHERE account_id = ?', [after, accountId]);
  },
});

export const statementQueries: QuerySpec[] = [
  defineQuery<{ accountId: string; limit?: number }>({
    type: 'GetStatement',
    projection: 'statement',
    description: 'The latest movements of one account, newest first, with the balance after each.',
    fields: [
      accountIdField,
      { name: 'limit', kind: 'integer', description: 'How many lines', example: 20, min: 1, max: 500, required: false },
    ],
    run: (db, p) => {
      const accountId = p.accountId;
      const account =
        db.get('SELECT account_id AS accountId, owner, balance_cents AS balanceCents FROM statement_accounts WHERE account_id = ?', [
          accountId,
        ]) ?? null;
      const lines = db.all(
        `SELECT line, at, description, amount_cents AS amountCents, balance_after_cents AS balanceAfterCents, counterparty
         FROM statement_lines WHERE account_id = ? ORDER BY line DESC LIMIT ?`,
        [accountId, p.limit ?? 50],
      );
      return { account, lines };
    },
  }),
];
