// The tables of a projection's read store: which ones its DDL creates, and
// copying them from one database to another (a rebuilt store taking over).
import type { ProjectionCode } from '../domain.ts';
import { SqlDb, type SqlJsStatic, type SqlValue } from '../sqlite.ts';
import { CHECKPOINT_TABLES } from './checkpoint.ts';

const tableCache = new WeakMap<ProjectionCode, string[]>();

/** The tables a projection's DDL creates (read from a scratch database once). */
export function tablesOf(sqlJs: SqlJsStatic, code: ProjectionCode): string[] {
  let tables = tableCache.get(code);
  if (!tables) {
    const scratch = SqlDb.create(sqlJs);
    for (const ddl of code.schema) scratch.exec(ddl);
    tables = scratch.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((r) => String(r[0]));
    scratch.close();
    tableCache.set(code, tables);
  }
  return tables;
}

/** Copy every row of `tables` from one database to another (same DDL on both sides). */
export function copyTables(from: SqlDb, to: SqlDb, tables: readonly string[]): void {
  for (const table of tables) {
    if (CHECKPOINT_TABLES.includes(table)) continue;
    const rows = from.rows(`SELECT * FROM "${table}"`);
    to.run(`DELETE FROM "${table}"`);
    if (rows.length === 0) continue;
    const marks = rows[0]!.map(() => '?').join(', ');
    const insert = `INSERT INTO "${table}" VALUES (${marks})`;
    for (const r of rows) to.run(insert, r as SqlValue[]);
  }
}
