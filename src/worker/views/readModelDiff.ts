// Two branches' read models side by side: each projection's tables at the
// branches' current points, rows matched by their first column (the read
// model's key, as the divergence check matches them), and what differs.
import { diffTables, type TableRows } from './divergence.ts';

/** Every read-model table of every projection (checkpoint tables left out), as read-only SQL answered it. */
export type ReadModelSnapshot = Record<string, Record<string, TableRows>>;

export interface RowDifference {
  /** The table and the row's key, e.g. "products KB-42". */
  subject: string;
  /** The column that differs, or 'row' when the row is in one branch only. */
  field: string;
  current: string | number | null;
  other: string | number | null;
}

export interface ProjectionDiff {
  projection: string;
  /** Rows in this branch's and the other branch's tables. */
  rows: { current: number; other: number };
  /** Rows that differ (present in one branch only, or with a different value). */
  differences: number;
  /** The first few differences, to show. */
  examples: RowDifference[];
  /** False when a table had more rows than a read returns: it was not compared. */
  complete: boolean;
}

const rowCount = (tables: Record<string, TableRows> | undefined): number =>
  Object.values(tables ?? {}).reduce((n, t) => n + t.rows.length, 0);

/** Per projection of either branch: how its read model differs between `current` and `other`. */
export function diffReadModels(current: ReadModelSnapshot, other: ReadModelSnapshot, examples = 3): ProjectionDiff[] {
  const names = [...new Set([...Object.keys(current), ...Object.keys(other)])];
  return names.map((projection) => {
    const mine = current[projection] ?? {};
    const theirs = other[projection] ?? {};
    const complete = ![...Object.values(mine), ...Object.values(theirs)].some((t) => t.truncated);
    // Tables on one side only (a different code version) compare as empty on the other.
    const pad = (t: Record<string, TableRows>, like: Record<string, TableRows>) => {
      const out = { ...t };
      for (const [name, table] of Object.entries(like)) out[name] ??= { columns: table.columns, rows: [], truncated: false };
      return out;
    };
    const found = diffTables(projection, pad(mine, theirs), pad(theirs, mine), 0);
    const list: RowDifference[] = found.map((d) => ({
      subject: d.subject,
      field: d.field,
      current: d.field === 'row' ? (d.readModel === 'missing' ? 'absent' : 'present') : d.readModel,
      other: d.field === 'row' ? (d.events === 'missing' ? 'absent' : 'present') : d.events,
    }));
    return {
      projection,
      rows: { current: rowCount(mine), other: rowCount(theirs) },
      differences: new Set(list.map((d) => d.subject)).size,
      examples: list.slice(0, examples),
      complete,
    };
  });
}
