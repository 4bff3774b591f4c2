// Does a read model say what its events say? The coordinator replays the
// projection's reference code ('current') over events 1..W in a scratch store
// (ReadModels.projectionAt, nothing traced or recorded) and compares the
// tables with the live store at the same watermark W. Differences become
// Divergences for the picture ("products KB-42: stock 72, the events say 61").
//
// Cost, and why it is affordable: one check reads W events from the local
// event store and applies them to a fresh sql.js database (about 1–2 ms per
// 100 events here), plus one SELECT per table on the live store. It runs only
// after new records settled, at most every `minGapMs` of real time and never
// more than `dutyCycle` of the time (a check that took 40 ms waits 800 ms),
// and not at all past `maxEvents` (a projection further along is not checked:
// its last result stays, and a fresh run has none).
//
// When a comparison is sound: only at a watermark W the live store cannot be
// ahead of. A live projection is compared when it has caught up to the head
// (events applied out of order above W would otherwise look like differences);
// a paused or crashed one when the bus does not reorder. The watermark is read
// before and after the live tables: if it moved, the round is skipped.
import type { Divergence } from './architecture.ts';
import type { EventEnvelope, ProjectionInfo, SqlResult } from '../../engine/index.ts';

type Cell = string | number | null;
export interface TableRows {
  columns: string[];
  rows: Cell[][] | unknown[][];
  truncated: boolean;
}

/** What the check reads from the running engine. */
export interface DivergenceSource {
  projections(): readonly ProjectionInfo[];
  head(): number;
  reorder(): boolean;
  /** Read-only SQL on a projection's live store. */
  liveSql(projection: string, sql: string): Promise<SqlResult>;
  /** Events 1..upTo of the log. */
  events(upTo: number): EventEnvelope[] | Promise<EventEnvelope[]>;
  /** The projection's reference code replayed over `events` in a scratch store: its tables. */
  replay(projection: string, events: EventEnvelope[]): Record<string, TableRows>;
}

export interface DivergenceOptions {
  minGapMs?: number;
  dutyCycle?: number;
  maxEvents?: number;
  /** Divergences listed per projection (the rest are counted in one more entry). */
  perProjection?: number;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

export class DivergenceCheck {
  readonly #source: DivergenceSource;
  readonly #minGapMs: number;
  readonly #dutyCycle: number;
  readonly maxEvents: number;
  readonly #perProjection: number;
  /** The latest sound result per projection. */
  readonly #found = new Map<string, Divergence[]>();
  #nextAt = 0;
  #running = false;
  /** Real ms the last check took (tests and the bench read it). */
  lastCostMs = 0;
  checks = 0;

  constructor(source: DivergenceSource, options: DivergenceOptions = {}) {
    this.#source = source;
    this.#minGapMs = options.minGapMs ?? 1000;
    this.#dutyCycle = options.dutyCycle ?? 0.05;
    this.maxEvents = options.maxEvents ?? 20_000;
    this.#perProjection = options.perProjection ?? 4;
  }

  /** Every divergence found by the latest sound comparisons. */
  get list(): Divergence[] {
    return [...this.#found.values()].flat();
  }

  /** May a check start at real time `now` (ms)? */
  due(now: number): boolean {
    return !this.#running && now >= this.#nextAt;
  }

  /** Compare every projection that can be compared soundly now; resolves to the full list. */
  async run(now: () => number): Promise<Divergence[]> {
    if (this.#running) return this.list;
    this.#running = true;
    const started = now();
    try {
      const head = this.#source.head();
      const reorder = this.#source.reorder();
      let events: EventEnvelope[] | null = null;
      for (const p of this.#source.projections()) {
        if (p.status === 'rebuilding' || p.variant !== 'current' || p.position === 0 || p.position > this.maxEvents) {
          if (p.status === 'rebuilding' || p.position === 0) this.#found.delete(p.name);
          continue;
        }
        const settled = p.status === 'live' || p.status === 'catchingUp' ? p.position === head : !reorder;
        if (!settled) continue;
        const w = await this.#watermark(p.name);
        if (w !== p.position) continue;
        events ??= await this.#source.events(Math.min(head, this.maxEvents));
        const expected = this.#source.replay(p.name, events.slice(0, w));
        const live: Record<string, TableRows> = {};
        for (const table of Object.keys(expected))
          live[table] = await this.#source.liveSql(p.name, `SELECT * FROM "${table.replace(/"/g, '""')}"`);
        if ((await this.#watermark(p.name)) !== w) continue;
        this.#found.set(p.name, limit(diffTables(p.name, live, expected, w), this.#perProjection, p.name, w));
      }
      return this.list;
    } finally {
      this.checks++;
      this.lastCostMs = now() - started;
      this.#nextAt = started + Math.max(this.#minGapMs, this.lastCostMs / this.#dutyCycle);
      this.#running = false;
    }
  }

  async #watermark(projection: string): Promise<number | null> {
    // A projection alone in its store keeps `checkpoint`; shared stores keep one row per projection.
    try {
      const r = await this.#source.liveSql(
        projection,
        `SELECT watermark FROM projection_checkpoints WHERE projection = ${quote(projection)}`,
      );
      if (r.rows.length > 0) return Number(r.rows[0]![0]);
    } catch {
      // No shared checkpoint table in this store.
    }
    try {
      const r = await this.#source.liveSql(projection, 'SELECT watermark FROM checkpoint');
      return r.rows.length > 0 ? Number(r.rows[0]![0]) : null;
    } catch {
      return null;
    }
  }
}

function limit(list: Divergence[], n: number, projection: string, checkedAt: number): Divergence[] {
  if (list.length <= n) return list;
  const rest = list.length - (n - 1);
  return [
    ...list.slice(0, n - 1),
    { projection, subject: `and ${rest.toLocaleString('en-US')} more`, field: 'differences', readModel: null, events: null, checkedAt },
  ];
}

const show = (v: unknown): Cell => (v === null || v === undefined ? null : typeof v === 'number' ? v : String(v));

/**
 * The differences between a live store and a replay of its events, table by
 * table, rows matched by their first column (the read model's key).
 */
export function diffTables(
  projection: string,
  live: Record<string, TableRows>,
  expected: Record<string, TableRows>,
  checkedAt: number,
): Divergence[] {
  const out: Divergence[] = [];
  for (const [table, want] of Object.entries(expected)) {
    const have = live[table];
    if (!have || have.truncated || want.truncated) continue;
    const byKey = (t: TableRows) => {
      const m = new Map<string, unknown[]>();
      for (const row of t.rows as unknown[][]) m.set(JSON.stringify(row[0] ?? null), row);
      return m;
    };
    const liveRows = byKey(have);
    const wantRows = byKey(want);
    for (const [key, row] of wantRows) {
      const subject = `${table} ${String(row[0])}`;
      const got = liveRows.get(key);
      if (!got) {
        out.push({
          projection,
          subject,
          field: 'row',
          readModel: 'missing',
          events: 'present',
          cause: 'an event was not applied',
          checkedAt,
        });
        continue;
      }
      for (let c = 1; c < want.columns.length; c++) {
        const col = want.columns[c]!;
        const at = have.columns.indexOf(col);
        const a = at < 0 ? undefined : got[at];
        if (JSON.stringify(a ?? null) !== JSON.stringify(row[c] ?? null)) {
          out.push({ projection, subject, field: col, readModel: show(a), events: show(row[c]), checkedAt });
        }
      }
    }
    for (const [key, row] of liveRows) {
      if (!wantRows.has(key))
        out.push({
          projection,
          subject: `${table} ${String(row[0])}`,
          field: 'row',
          readModel: 'present',
          events: 'missing',
          cause: 'no event made this row',
          checkedAt,
        });
    }
  }
  return out;
}
