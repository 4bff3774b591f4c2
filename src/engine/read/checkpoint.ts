// Where a projection is in the log, stored in its own read store and written
// in the same transaction as the read-model rows, so the two never disagree:
//   - per stream: the highest version applied (dedupe and gap detection);
//   - the watermark: the highest position p such that every event at or
//     below p has been applied or was of no interest to this projection.
import type { SqlDb } from '../sqlite.ts';

const SCHEMA = `
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

export class Checkpoint {
  readonly db: SqlDb;
  /** Highest version applied per stream (cache of stream_checkpoints). */
  versions = new Map<string, number>();
  watermark = 0;
  /** Positions handled above the watermark, waiting for the ones below them. */
  #doneAbove = new Set<number>();
  #dirty = new Set<string>();
  #watermarkDirty = false;

  constructor(db: SqlDb) {
    this.db = db;
    db.exec(SCHEMA);
    this.reload();
  }

  /** Forget everything in memory and read what was committed. */
  reload(): void {
    this.versions = new Map(
      this.db.rows('SELECT stream_id, version FROM stream_checkpoints').map((r) => [String(r[0]), Number(r[1])]),
    );
    this.watermark = Number(this.db.rows('SELECT watermark FROM checkpoint WHERE id = 1')[0]?.[0] ?? 0);
    this.#doneAbove.clear();
    this.#dirty.clear();
    this.#watermarkDirty = false;
  }

  appliedVersion(streamId: string): number {
    return this.versions.get(streamId) ?? 0;
  }

  setVersion(streamId: string, version: number): void {
    this.versions.set(streamId, version);
    this.#dirty.add(streamId);
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
    for (const streamId of this.#dirty) {
      this.db.run(
        'INSERT INTO stream_checkpoints (stream_id, version) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version',
        [streamId, this.versions.get(streamId) ?? 0],
      );
    }
    this.#dirty.clear();
  }

  persistWatermark(): void {
    if (this.#watermarkDirty) this.db.run('UPDATE checkpoint SET watermark = ? WHERE id = 1', [this.watermark]);
    this.#watermarkDirty = false;
  }
}
