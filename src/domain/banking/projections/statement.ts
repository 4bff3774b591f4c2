// A bank statement: one line per movement with the running balance after it.
// Lines are keyed by (account, stream version), so a replayed line is not
// written twice; the running balance is the projection's own state.
import type { ProjectionDefinition, QuerySpec } from '../../../engine/index.ts';
import { accountIdField } from '../commands.ts';

function line(type: string, d: Record<string, unknown>): { amount: number; description: string; counterparty: string | null } | undefined {
  const amount = d['amountCents'] as number;
  switch (type) {
    case 'MoneyDeposited':
      return { amount, description: 'Deposit', counterparty: null };
    case 'MoneyWithdrawn':
      return { amount: -amount, description: 'Withdrawal', counterparty: null };
    case 'TransferSent':
      return { amount: -amount, description: `Transfer ${String(d['transferId'])} to ${String(d['toAccountId'])}`, counterparty: d['toAccountId'] as string };
    case 'TransferReceived':
      return { amount, description: `Transfer ${String(d['transferId'])} from ${String(d['fromAccountId'])}`, counterparty: d['fromAccountId'] as string };
    default:
      return undefined;
  }
}

export const statement: ProjectionDefinition = {
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
  handles: ['AccountOpened', 'MoneyDeposited', 'MoneyWithdrawn', 'TransferSent', 'TransferReceived'],
  apply(db, event) {
    const d = event.data;
    const accountId = d['accountId'] as string;
    if (event.type === 'AccountOpened') {
      db.run('INSERT INTO statement_accounts (account_id, owner, balance_cents) VALUES (?, ?, 0) ON CONFLICT (account_id) DO NOTHING', [
        accountId,
        d['owner'] as string,
      ]);
      return;
    }
    const l = line(event.type, d);
    if (!l) return;
    const current = Number(db.get('SELECT balance_cents FROM statement_accounts WHERE account_id = ?', [accountId])?.['balance_cents'] ?? 0);
    const after = current + l.amount;
    db.run(
      `INSERT INTO statement_lines (account_id, line, at, description, amount_cents, balance_after_cents, counterparty)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, line) DO NOTHING`,
      [accountId, event.version, event.metadata.recordedAt, l.description, l.amount, after, l.counterparty],
    );
    db.run('UPDATE statement_accounts SET balance_cents = ? WHERE account_id = ?', [after, accountId]);
  },
};

export const statementQueries: QuerySpec[] = [
  {
    type: 'GetStatement',
    projection: 'statement',
    description: 'The latest movements of one account, newest first, with the balance after each.',
    fields: [accountIdField, { name: 'limit', kind: 'integer', description: 'How many lines', example: 20, min: 1, max: 500, required: false }],
    run: (db, p) => {
      const accountId = p['accountId'] as string;
      const account =
        db.get('SELECT account_id AS accountId, owner, balance_cents AS balanceCents FROM statement_accounts WHERE account_id = ?', [accountId]) ?? null;
      const lines = db.all(
        `SELECT line, at, description, amount_cents AS amountCents, balance_after_cents AS balanceAfterCents, counterparty
         FROM statement_lines WHERE account_id = ? ORDER BY line DESC LIMIT ?`,
        [accountId, (p['limit'] as number | undefined) ?? 50],
      );
      return { account, lines };
    },
  },
];
