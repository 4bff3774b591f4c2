// A branch's read models as they are now, for the compare panel
// (readModelDiff.ts): in the coordinator worker, where sql.js runs. Kept apart
// from the diff, which the page runs, so the page bundle does not take the
// engine's read-model host.
import { ReadModels, type DomainDefinition, type SqlJsStatic, type SqlResult } from '../../engine/index.ts';
import type { TableRows } from './divergence.ts';
import type { ReadModelSnapshot } from './readModelDiff.ts';

/** Every projection's read-model tables as `liveSql` answers now; the tables are the ones each projection's DDL creates. */
export async function readModelSnapshot(
  sql: SqlJsStatic,
  domain: DomainDefinition,
  liveSql: (projection: string, sqlText: string) => Promise<SqlResult>,
): Promise<ReadModelSnapshot> {
  // A scratch host names each projection's own tables (checkpoints left out), as on an empty store.
  const scratch = new ReadModels(sql, domain);
  const out: ReadModelSnapshot = {};
  try {
    for (const p of domain.projections) {
      const tables = Object.keys(scratch.projectionAt({ projection: p.name, events: [] }).tables ?? {});
      const rows: Record<string, TableRows> = {};
      for (const t of tables) {
        const r = await liveSql(p.name, `SELECT * FROM "${t.replace(/"/g, '""')}"`);
        rows[t] = { columns: r.columns, rows: r.rows, truncated: r.truncated };
      }
      out[p.name] = rows;
    }
  } finally {
    scratch.close();
  }
  return out;
}
