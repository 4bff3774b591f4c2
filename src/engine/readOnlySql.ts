// Learner SQL against any store, read-only enforced by SQLite itself: each
// statement runs with `PRAGMA query_only=ON` set right before it, so a line
// like `PRAGMA query_only=OFF; DELETE …` cannot write. Afterwards we restore
// the connection: query_only off, any open transaction rolled back, any
// attached database detached, connection flags reset.
import type { Database, SqlValue } from 'sql.js';
import { EngineError, ReadOnlyError, SqlError } from './errors.ts';

export interface SqlResult {
  columns: string[];
  /** Rows of the last statement that returned columns. */
  rows: (string | number | null)[][];
  /** True when rows were cut at `maxRows`. */
  truncated: boolean;
  /** How many statements ran. */
  statements: number;
}

// Connection flags a learner could flip to change how the engine's own SQL
// behaves; their values are put back after every learner run.
const RESTORED_PRAGMAS = [
  'foreign_keys',
  'recursive_triggers',
  'reverse_unordered_selects',
  'ignore_check_constraints',
  'writable_schema',
  'defer_foreign_keys',
  'automatic_index',
  'cell_size_check',
] as const;

export function runReadOnlySql(db: Database, store: string, sqlText: string, maxRows = 1000): SqlResult {
  const saved = RESTORED_PRAGMAS.map((p) => [p, db.exec(`PRAGMA ${p}`)[0]?.values[0]?.[0] ?? 0] as const);
  let result: SqlResult = { columns: [], rows: [], truncated: false, statements: 0 };
  try {
    for (const stmt of db.iterateStatements(sqlText)) {
      try {
        db.run('PRAGMA query_only=ON');
        const columns = stmt.getColumnNames();
        const rows: (string | number | null)[][] = [];
        let truncated = false;
        while (stmt.step()) {
          if (rows.length >= maxRows) {
            truncated = true;
            break;
          }
          rows.push(stmt.get().map(plain));
        }
        result =
          columns.length > 0
            ? { columns, rows, truncated, statements: result.statements + 1 }
            : { ...result, statements: result.statements + 1 };
      } finally {
        stmt.free();
      }
    }
    return result;
  } catch (e) {
    if (e instanceof EngineError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    if (/readonly|read-only|query_only/i.test(message)) throw new ReadOnlyError(store, message);
    throw new SqlError(store, message);
  } finally {
    db.run('PRAGMA query_only=OFF');
    try {
      db.run('ROLLBACK');
    } catch {
      // no transaction was left open: nothing to undo
    }
    const attached = db.exec('PRAGMA database_list')[0]?.values ?? [];
    for (const row of attached) {
      const name = String(row[1]);
      if (name !== 'main' && name !== 'temp') db.run(`DETACH DATABASE "${name.replaceAll('"', '""')}"`);
    }
    for (const [pragma, value] of saved) db.run(`PRAGMA ${pragma}=${Number(value)}`);
    db.run('PRAGMA case_sensitive_like=OFF');
  }
}

function plain(v: SqlValue): string | number | null {
  if (v instanceof Uint8Array) return `<blob ${v.length} bytes>`;
  return v;
}
