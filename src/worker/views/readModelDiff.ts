// Two branches' read models side by side: each projection's tables at the
// branches' current points, rows matched by their first column (the read
// model's key, as the divergence check matches them; here a key may hold
// several rows, as a customer's orders do), and what differs.
import type { TableRows } from './divergence.ts';

/** Every read-model table of every projection (checkpoint tables left out), as read-only SQL answered it. */
export type ReadModelSnapshot = Record<string, Record<string, TableRows>>;

export interface RowDifference {
  /** The table and the row's key, e.g. "products KB-42". */
  subject: string;
  /** The column that differs; 'row' when the key is in one branch only; 'rows' when it holds a different number of rows. */
  field: string;
  current: string | number | null;
  other: string | number | null;
}

export interface ProjectionDiff {
  projection: string;
  /** Rows in this branch's and the other branch's tables. */
  rows: { current: number; other: number };
  /** Keys whose rows differ (in one branch only, or with other values). */
  differences: number;
  /** The first few differences, to show. */
  examples: RowDifference[];
  /** False when a table had more rows than a read returns: it was not compared. */
  complete: boolean;
}

const rowCount = (tables: Record<string, TableRows> | undefined): number =>
  Object.values(tables ?? {}).reduce((n, t) => n + t.rows.length, 0);

type Cell = string | number | null;
const show = (v: unknown): Cell => (v === null || v === undefined ? null : typeof v === 'number' ? v : String(v));

/** A table's rows grouped by their first column (a key may hold several rows: a customer's orders). */
function byKey(t: TableRows | undefined): Map<string, unknown[][]> {
  const m = new Map<string, unknown[][]>();
  for (const row of (t?.rows ?? []) as unknown[][]) {
    const key = JSON.stringify(row[0] ?? null);
    const list = m.get(key);
    if (list) list.push(row);
    else m.set(key, [row]);
  }
  return m;
}

/** What differs in one table: one entry per differing column of a key with one row each side, else one for the key. */
function diffTable(table: string, mine: TableRows | undefined, theirs: TableRows | undefined): RowDifference[][] {
  const a = byKey(mine);
  const b = byKey(theirs);
  const columns = mine?.columns ?? theirs?.columns ?? [];
  const out: RowDifference[][] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const here = a.get(key) ?? [];
    const there = b.get(key) ?? [];
    const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
    if (JSON.stringify(sorted(here)) === JSON.stringify(sorted(there))) continue;
    const subject = `${table} ${String(JSON.parse(key) ?? 'null')}`;
    if (here.length === 0 || there.length === 0) {
      out.push([
        { subject, field: 'row', current: here.length > 0 ? 'present' : 'absent', other: there.length > 0 ? 'present' : 'absent' },
      ]);
    } else if (here.length === 1 && there.length === 1) {
      const fields: RowDifference[] = [];
      for (let c = 1; c < columns.length; c++)
        if (JSON.stringify(here[0]![c] ?? null) !== JSON.stringify(there[0]![c] ?? null))
          fields.push({ subject, field: columns[c]!, current: show(here[0]![c]), other: show(there[0]![c]) });
      out.push(fields);
    } else {
      out.push([{ subject, field: 'rows', current: here.length, other: there.length }]);
    }
  }
  return out;
}

/**
 * Per projection of either branch: how its read model differs between
 * `current` and `other`. Rows are matched by their first column (the read
 * model's key); a key whose rows are not the same in both counts once.
 */
export function diffReadModels(current: ReadModelSnapshot, other: ReadModelSnapshot, examples = 3): ProjectionDiff[] {
  const names = [...new Set([...Object.keys(current), ...Object.keys(other)])];
  return names.map((projection) => {
    const mine = current[projection] ?? {};
    const theirs = other[projection] ?? {};
    const complete = ![...Object.values(mine), ...Object.values(theirs)].some((t) => t.truncated);
    // Tables on one side only (another code version) compare as empty on the other.
    const found = [...new Set([...Object.keys(mine), ...Object.keys(theirs)])].flatMap((t) => diffTable(t, mine[t], theirs[t]));
    return {
      projection,
      rows: { current: rowCount(mine), other: rowCount(theirs) },
      differences: found.length,
      examples: found.flat().slice(0, examples),
      complete,
    };
  });
}
