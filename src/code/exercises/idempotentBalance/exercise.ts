// "Make this projection idempotent": the banking balance view, delivered at
// least once. The engine's own duplicate guard is off for it, so the code
// must itself make a second delivery change nothing.
import type { ExerciseInfo } from '../types.ts';
import { PROJECTION_API } from '../api.ts';

export const starter = `// The balance view: one row per account. The bus delivers at least once:
// under faults an event can arrive twice, and streams overtake each other.
// The engine's duplicate guard is switched off for this view, so apply must
// make a second delivery of the same event change nothing.

export const schema = [
  \`CREATE TABLE account_balances (
    account_id            TEXT PRIMARY KEY,
    owner                 TEXT    NOT NULL,
    balance_cents         INTEGER NOT NULL,
    overdraft_limit_cents INTEGER NOT NULL,
    movements             INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
  )\`,
];

export const handles = ['AccountOpened', 'MoneyDeposited', 'MoneyWithdrawn'];

/**
 * @param {Db} db           run / get / all on your own tables
 * @param {Envelope} event  { position, streamId, version, type, data, metadata }
 */
export function apply(db, event) {
  const d = event.data;
  if (event.type === 'AccountOpened') {
    db.run(
      \`INSERT INTO account_balances (account_id, owner, balance_cents, overdraft_limit_cents, movements, updated_at)
       VALUES (?, ?, 0, ?, 0, ?) ON CONFLICT (account_id) DO NOTHING\`,
      [d.accountId, d.owner, d.overdraftLimitCents, event.metadata.recordedAt],
    );
    return;
  }
  const sign = event.type === 'MoneyDeposited' ? 1 : -1;
  db.run(
    'UPDATE account_balances SET balance_cents = balance_cents + ?, movements = movements + 1, updated_at = ? WHERE account_id = ?',
    [sign * d.amountCents, event.metadata.recordedAt, d.accountId],
  );
}
`;

export const idempotentBalance: ExerciseInfo = {
  id: 'idempotent-balance',
  title: 'Make this projection idempotent',
  kind: 'projection',
  summary: 'The balance view double-counts when the bus delivers an event twice. Fix it in the projection itself.',
  brief: [
    'This is the banking balance view: one row per account with its balance, the number of movements and when it last changed. It runs live, fed by the bus.',
    "The bus delivers at least once. Under faults the same event arrives twice, and the streams of different accounts overtake each other. The engine's duplicate guard is switched off for this view: your apply must itself make a second delivery of an event change nothing.",
    'Within one account, events arrive in stream order (a duplicate may come later). Each envelope carries its streamId and its version in that stream.',
  ],
  checks: [
    'Examples: every event delivered twice; two accounts whose streams overtake each other.',
    'Property: random deposits and withdrawals on up to three accounts, under 30 % duplicates and reordering; your read model must equal a replay of the reference projection from the event store, row by row.',
  ],
  starter,
  lab: true,
  api: PROJECTION_API,
};
