// Comparing two versions of a read model (the live store and a shadow
// build), table by table, row by row: what a blue/green flip would change.
import type { ProjectionCode } from '../domain.ts';
import type { SqlDb, SqlJsStatic, SqlRow } from '../sqlite.ts';
import type { Comparison, TableDiff } from '../vocabulary/projection.ts';
import { tablesOf } from './readStoreTables.ts';

/** One side of a comparison: a store, the code that built it and how far it got. */
export interface ComparedStore {
  sql: SqlDb;
  code: ProjectionCode;
  variant: string;
  watermark: number;
}

/** Rows that differ between the live store and the other one, table by table (keyed by primary key). */
export function compareStores(sqlJs: SqlJsStatic, live: ComparedStore, other: ComparedStore): Comparison {
  const liveTables = tablesOf(sqlJs, live.code);
  const otherTables = new Set(tablesOf(sqlJs, other.code));
  const tables: TableDiff[] = [];
  for (const table of liveTables) {
    if (!otherTables.has(table)) continue;
    const info = live.sql.all(`PRAGMA table_info("${table}")`);
    const otherColumns = new Set(other.sql.all(`PRAGMA table_info("${table}")`).map((c) => String(c['name'])));
    // Only the columns both versions have are compared (a new version may add some).
    const columns = info.map((c) => String(c['name'])).filter((c) => otherColumns.has(c));
    const pk = info
      .filter((c) => Number(c['pk']) > 0 && otherColumns.has(String(c['name'])))
      .sort((a, b) => Number(a['pk']) - Number(b['pk']))
      .map((c) => String(c['name']));
    const keyOf = (r: SqlRow): string => JSON.stringify(pk.length > 0 ? pk.map((k) => r[k] ?? null) : r);
    const select = `SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}"`;
    const index = (db: SqlDb): Map<string, SqlRow> => {
      const m = new Map<string, SqlRow>();
      for (const r of db.all(select)) m.set(keyOf(r), r);
      return m;
    };
    const liveRows = index(live.sql);
    const otherRows = index(other.sql);
    const diff: TableDiff = { table, changed: 0, onlyLive: 0, onlyOther: 0, samples: [] };
    const sample = (key: string, l: SqlRow | undefined, r: SqlRow | undefined): void => {
      if (diff.samples.length < 3) diff.samples.push({ key, live: l ?? null, other: r ?? null });
    };
    for (const [key, row] of [...liveRows].sort(byKey)) {
      const twin = otherRows.get(key);
      if (!twin) {
        diff.onlyLive++;
        sample(key, row, undefined);
      } else if (JSON.stringify(twin) !== JSON.stringify(row)) {
        diff.changed++;
        sample(key, row, twin);
      }
    }
    for (const [key, row] of [...otherRows].sort(byKey)) {
      if (!liveRows.has(key)) {
        diff.onlyOther++;
        sample(key, undefined, row);
      }
    }
    tables.push(diff);
  }
  return {
    liveVariant: live.variant,
    otherVariant: other.variant,
    livePosition: live.watermark,
    otherPosition: other.watermark,
    differingRows: tables.reduce((n, t) => n + t.changed + t.onlyLive + t.onlyOther, 0),
    tables,
  };
}

function byKey(a: [string, SqlRow], b: [string, SqlRow]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
