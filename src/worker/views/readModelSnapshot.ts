// A branch's read models as they are now, for the compare panel
// (readModelDiff.ts): in the coordinator worker, where sql.js runs. Kept apart
// from the diff, which the page runs, so the page bundle does not take the
// engine's read-model host.
import { ReadModels, type DomainDefinition, type SqlJsStatic, type SqlResult } from '../../engine/index.ts';
import type { TableRows } from './divergence.ts';
import type { ReadModelSnapshot } from './readModelDiff.ts';

/** Each projection's own tables (checkpoints left out), per domain: named once, from an empty scratch store. */
const tableNames = new WeakMap<DomainDefinition, Record<string, string[]>>();

function tablesOf(sql: SqlJsStatic, domain: DomainDefinition): Record<string, string[]> {
  let names = tableNames.get(domain);
  if (!names) {
    const scratch = new ReadModels(sql, domain);
    try {
      names = Object.fromEntries(
        domain.projections.map((p) => [p.name, Object.keys(scratch.projectionAt({ projection: p.name, events: [] }).tables ?? {})]),
      );
    } finally {
      scratch.close();
    }
    tableNames.set(domain, names);
  }
  return names;
}

/** Every projection's read-model tables as `liveSql` answers now. */
export async function readModelSnapshot(
  sql: SqlJsStatic,
  domain: DomainDefinition,
  liveSql: (projection: string, sqlText: string) => Promise<SqlResult>,
): Promise<ReadModelSnapshot> {
  const out: ReadModelSnapshot = {};
  for (const [projection, tables] of Object.entries(tablesOf(sql, domain))) {
    const rows: Record<string, TableRows> = {};
    for (const t of tables) {
      const r = await liveSql(projection, `SELECT * FROM "${t.replace(/"/g, '""')}"`);
      rows[t] = { columns: r.columns, rows: r.rows, truncated: r.truncated };
    }
    out[projection] = rows;
  }
  return out;
}
