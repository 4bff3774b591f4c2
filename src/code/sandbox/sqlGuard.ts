// Learner SQL runs on the projection's own read store, which also holds the
// engine's checkpoint tables (written in the same transaction as the rows).
// The learner's code may touch its own tables only: no checkpoints, no
// SQLite internals, no transaction control or attached databases.

const FORBIDDEN_TABLE = /\b(checkpoint|stream_checkpoints|projection_checkpoints|projection_stream_checkpoints|sqlite_\w+)\b/i;
const FORBIDDEN_STATEMENT = /^\s*(attach|detach|pragma|vacuum|begin|commit|end|rollback|savepoint|release|reindex|analyze)\b/i;

/** The reason a statement is refused, or null when it may run. */
export function refusedSql(sql: string): string | null {
  const statement = FORBIDDEN_STATEMENT.exec(sql);
  if (statement) {
    return `${statement[1]!.toUpperCase()} is refused: the engine runs your apply inside its own transaction; use SELECT, INSERT, UPDATE, DELETE and CREATE on your own tables`;
  }
  const table = FORBIDDEN_TABLE.exec(sql);
  if (table)
    return `${table[1]} belongs to the engine (it keeps the checkpoint in the same transaction as your rows); your code may use only its own tables`;
  return null;
}
