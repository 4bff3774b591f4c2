// The reference solution, played by the tests: the row remembers the stream
// version it reflects, and only a newer event moves it.
export const idempotentBalanceSolution = `export const schema = [
  \`CREATE TABLE account_balances (
    account_id            TEXT PRIMARY KEY,
    owner                 TEXT    NOT NULL,
    balance_cents         INTEGER NOT NULL,
    overdraft_limit_cents INTEGER NOT NULL,
    movements             INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    version               INTEGER NOT NULL
  )\`,
];

export const handles = ['AccountOpened', 'MoneyDeposited', 'MoneyWithdrawn'];

export function apply(db, event) {
  const d = event.data;
  if (event.type === 'AccountOpened') {
    db.run(
      \`INSERT INTO account_balances (account_id, owner, balance_cents, overdraft_limit_cents, movements, updated_at, version)
       VALUES (?, ?, 0, ?, 0, ?, ?) ON CONFLICT (account_id) DO NOTHING\`,
      [d.accountId, d.owner, d.overdraftLimitCents, event.metadata.recordedAt, event.version],
    );
    return;
  }
  const sign = event.type === 'MoneyDeposited' ? 1 : -1;
  // Only an event newer than the row moves it: a second delivery changes nothing.
  db.run(
    \`UPDATE account_balances
     SET balance_cents = balance_cents + ?, movements = movements + 1, updated_at = ?, version = ?
     WHERE account_id = ? AND version < ?\`,
    [sign * d.amountCents, event.metadata.recordedAt, event.version, d.accountId, event.version],
  );
}
`;
