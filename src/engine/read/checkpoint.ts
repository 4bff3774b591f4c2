// Where a projection is in the log, stored in its own read store and written
// in the same transaction as the read-model rows, so the two never disagree:
//   - per stream: the highest version applied (dedupe and gap detection);
//   - the watermark: the highest position p such that every event at or
//     below p has been applied or was of no interest to this projection.
// A projection alone in its database keeps them in `checkpoint` and
// `stream_checkpoints`; projections sharing a database (separation levels 1
// and 2) keep them in `projection_checkpoints` and
// `projection_stream_checkpoints`, one row set per projection. Memory keeps
// the versions of the streams met lately, the table all of them.
import type { SqlDb } from '../sqlite.ts';
import { DEAD_LETTER_TABLE } from './deadLetters.ts';

const OWN_SCHEMA = `
CREATE TABLE IF NOT EXISTS checkpoint (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  watermark  INTEGER NOT NULL
);
INSERT OR IGNORE INTO checkpoint (id, watermark) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS stream_checkpoints (
  stream_id  TEXT PRIMARY KEY,
  version    INTEGER NOT NULL
);
`;

const SHARED_SCHEMA = `
CREATE TABLE IF NOT EXISTS projection_checkpoints (
  projection  TEXT PRIMARY KEY,
  watermark   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS projection_stream_checkpoints (
  projection  TEXT NOT NULL,
  stream_id   TEXT NOT NULL,
  version     INTEGER NOT NULL,
  PRIMARY KEY (projection, stream_id)
) WITHOUT ROWID;
`;

/** Tables that hold checkpoints (and parked events) rather than read-model rows. */
export const CHECKPOINT_TABLES: readonly string[] = [
  'checkpoint',
  'stream_checkpoints',
  'projection_checkpoints',
  'projection_stream_checkpoints',
  DEAD_LETTER_TABLE,
];

interface Statements {
  versions: string;
  version: string;
  watermark: string;
  upsertVersion: string;
  setWatermark: string;
  clear: string[];
  params: (string | number)[];
}

export class Checkpoint {
  readonly db: SqlDb;
  /** Projection name when the database is shared, undefined when the projection has it to itself. */
  readonly scope: string | undefined;
  /**
   * Streams kept in memory per checkpoint. A long run writes tens of thousands of streams: the rest are read
   * from the stream table when met again. Tests lower it to make every path evict.
   */
  static cacheLimit = 4096;
  /** Highest version applied per stream, for the streams met lately (the table has them all; changed ones stay until persisted). */
  #versions = new Map<string, number>();
  watermark = 0;
  /** Positions handled above the watermark, waiting for the ones below them. */
  #doneAbove = new Set<number>();
  #dirty = new Set<string>();
  #watermarkDirty = false;
  readonly #sql: Statements;

  constructor(db: SqlDb, scope?: string) {
    this.db = db;
    this.scope = scope;
    if (scope === undefined) {
      db.exec(OWN_SCHEMA);
      this.#sql = {
        versions: 'SELECT stream_id, version FROM stream_checkpoints',
        version: 'SELECT version FROM stream_checkpoints WHERE stream_id = ?',
        watermark: 'SELECT watermark FROM checkpoint WHERE id = 1',
        upsertVersion:
          'INSERT INTO stream_checkpoints (stream_id, version) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version',
        setWatermark: 'UPDATE checkpoint SET watermark = ? WHERE id = 1',
        clear: ['DELETE FROM stream_checkpoints', 'UPDATE checkpoint SET watermark = 0 WHERE id = 1'],
        params: [],
      };
    } else {
      db.exec(SHARED_SCHEMA);
      db.run('INSERT OR IGNORE INTO projection_checkpoints (projection, watermark) VALUES (?, 0)', [scope]);
      this.#sql = {
        versions: 'SELECT stream_id, version FROM projection_stream_checkpoints WHERE projection = ?',
        version: 'SELECT version FROM projection_stream_checkpoints WHERE projection = ? AND stream_id = ?',
        watermark: 'SELECT watermark FROM projection_checkpoints WHERE projection = ?',
        upsertVersion:
          'INSERT INTO projection_stream_checkpoints (projection, stream_id, version) VALUES (?, ?, ?) ON CONFLICT (projection, stream_id) DO UPDATE SET version = excluded.version',
        setWatermark: 'UPDATE projection_checkpoints SET watermark = ? WHERE projection = ?',
        clear: [
          'DELETE FROM projection_stream_checkpoints WHERE projection = ?',
          'UPDATE projection_checkpoints SET watermark = 0 WHERE projection = ?',
        ],
        params: [scope],
      };
    }
    this.reload();
  }

  /** Forget everything in memory and read what was committed. */
  reload(): void {
    const p = this.#sql.params;
    this.#versions.clear();
    this.watermark = Number(this.db.rows(this.#sql.watermark, p.length ? p : undefined)[0]?.[0] ?? 0);
    this.#doneAbove.clear();
    this.#dirty.clear();
    this.#watermarkDirty = false;
  }

  appliedVersion(streamId: string): number {
    const known = this.#versions.get(streamId);
    if (known !== undefined) return known;
    const row = this.db.first(this.#sql.version, this.scope !== undefined ? [this.scope, streamId] : [streamId]);
    const version = row ? Number(row[0]) : 0;
    this.#remember(streamId, version);
    return version;
  }

  setVersion(streamId: string, version: number): void {
    this.#remember(streamId, version);
    this.#dirty.add(streamId);
  }

  /** Every stream's version, committed or not (a flip copies them all). */
  allVersions(): Map<string, number> {
    const p = this.#sql.params;
    const all = new Map(this.db.rows(this.#sql.versions, p.length ? p : undefined).map((r) => [String(r[0]), Number(r[1])]));
    for (const id of this.#dirty) all.set(id, this.#versions.get(id)!);
    return all;
  }

  /** Keep a stream's version in memory; past the limit, forget the longest-known streams that are persisted. */
  #remember(streamId: string, version: number): void {
    this.#versions.set(streamId, version);
    if (this.#versions.size <= Checkpoint.cacheLimit) return;
    for (const id of this.#versions.keys()) {
      if (this.#versions.size <= Checkpoint.cacheLimit / 2) break;
      if (!this.#dirty.has(id) && id !== streamId) this.#versions.delete(id);
    }
  }

  /** Position handled (applied, skipped as duplicate, or of no interest). */
  markDone(position: number): void {
    if (position <= this.watermark) return;
    if (position === this.watermark + 1) {
      let w = position;
      while (this.#doneAbove.delete(w + 1)) w++;
      this.watermark = w;
      this.#watermarkDirty = true;
    } else {
      this.#doneAbove.add(position);
    }
  }

  /** Write what changed; call inside the batch transaction. */
  persist(): void {
    this.persistStreams();
    this.persistWatermark();
  }

  persistStreams(): void {
    const scoped = this.scope !== undefined;
    for (const streamId of this.#dirty) {
      const version = this.#versions.get(streamId) ?? 0;
      this.db.run(this.#sql.upsertVersion, scoped ? [this.scope!, streamId, version] : [streamId, version]);
    }
    this.#dirty.clear();
  }

  persistWatermark(): void {
    if (this.#watermarkDirty) {
      this.db.run(this.#sql.setWatermark, this.scope !== undefined ? [this.watermark, this.scope] : [this.watermark]);
    }
    this.#watermarkDirty = false;
  }

  /** Replace everything (memory and tables) with another checkpoint's committed state; call inside a transaction. */
  replaceWith(other: Checkpoint): void {
    for (const sql of this.#sql.clear) this.db.run(sql, this.#sql.params.length ? this.#sql.params : undefined);
    this.#versions = other.allVersions();
    this.watermark = other.watermark;
    this.#doneAbove.clear();
    this.#dirty = new Set(this.#versions.keys());
    this.#watermarkDirty = true;
    this.persist();
    this.#versions.clear(); // the table has them now: meet them again as they come
  }
}
