// The append-only log in sql.js: one row per event, a global position, a
// version unique per stream, and a table of handled commandIds. Triggers make
// UPDATE and DELETE on events fail, so the log really is append-only.
import type { SqlDb, SqlValue } from '../sqlite.ts';
import type { EventEnvelope } from './envelope.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position        INTEGER PRIMARY KEY,
  stream_id       TEXT    NOT NULL,
  stream_version  INTEGER NOT NULL,
  event_type      TEXT    NOT NULL,
  schema_version  INTEGER NOT NULL,
  payload         TEXT    NOT NULL,
  command_id      TEXT    NOT NULL,
  correlation_id  TEXT    NOT NULL,
  causation_id    TEXT    NOT NULL,
  session_id      TEXT,
  recorded_at     INTEGER NOT NULL,
  UNIQUE (stream_id, stream_version)
);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only: a recorded event cannot be changed'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only: a recorded event cannot be deleted'); END;
CREATE TABLE IF NOT EXISTS processed_commands (
  command_id    TEXT PRIMARY KEY,
  command_type  TEXT    NOT NULL,
  result        TEXT    NOT NULL,
  recorded_at   INTEGER NOT NULL
) WITHOUT ROWID;
`;

const COLUMNS =
  'position, stream_id, stream_version, event_type, schema_version, payload, command_id, correlation_id, causation_id, session_id, recorded_at';

export interface StreamInfo {
  streamId: string;
  version: number;
  lastPosition: number;
}

export class EventStore {
  readonly sql: SqlDb;
  #head: number;

  constructor(sql: SqlDb) {
    this.sql = sql;
    sql.exec(SCHEMA);
    this.#head = Number(sql.get('SELECT COALESCE(MAX(position), 0) AS head FROM events')?.['head'] ?? 0);
  }

  /** Position of the last event appended (0 when empty). */
  get head(): number {
    return this.#head;
  }

  streamVersion(streamId: string): number {
    return Number(this.sql.rows('SELECT MAX(stream_version) FROM events WHERE stream_id = ?', [streamId])[0]?.[0] ?? 0);
  }

  readStream(streamId: string, fromVersion = 1): EventEnvelope[] {
    return this.sql
      .rows(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version`, [
        streamId,
        fromVersion,
      ])
      .map(toEnvelope);
  }

  /** Just what a decider needs to fold a stream: cheaper than full envelopes. */
  loadStream(streamId: string): { version: number; type: string; data: Record<string, unknown> }[] {
    return this.sql
      .rows('SELECT stream_version, event_type, payload FROM events WHERE stream_id = ? ORDER BY stream_version', [streamId])
      .map((r) => ({ version: r[0] as number, type: r[1] as string, data: JSON.parse(r[2] as string) as Record<string, unknown> }));
  }

  readAll(fromPosition: number, limit: number): EventEnvelope[] {
    return this.sql
      .rows(`SELECT ${COLUMNS} FROM events WHERE position >= ? ORDER BY position LIMIT ?`, [fromPosition, limit])
      .map(toEnvelope);
  }

  listStreams(): StreamInfo[] {
    return this.sql
      .all(
        'SELECT stream_id, MAX(stream_version) AS version, MAX(position) AS last FROM events GROUP BY stream_id ORDER BY stream_id',
      )
      .map((r) => ({ streamId: String(r['stream_id']), version: Number(r['version']), lastPosition: Number(r['last']) }));
  }

  /**
   * Insert events; the caller holds the transaction and has checked versions.
   * Positions continue from the head. The UNIQUE (stream_id, stream_version)
   * constraint is the last line of defence against a lost update.
   */
  insert(events: Omit<EventEnvelope, 'position'>[]): EventEnvelope[] {
    const out: EventEnvelope[] = [];
    let position = this.#head;
    for (const e of events) {
      position++;
      const m = e.metadata;
      this.sql.run(`INSERT INTO events (${COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)`, [
        position,
        e.streamId,
        e.version,
        e.type,
        e.schemaVersion,
        JSON.stringify(e.data),
        m.commandId,
        m.correlationId,
        m.causationId,
        m.sessionId ?? null,
        m.recordedAt,
      ]);
      out.push({ position, ...e });
    }
    return out;
  }

  /** Call after COMMIT so a rolled-back insert never moves the head. */
  committed(events: readonly EventEnvelope[]): void {
    const last = events[events.length - 1];
    if (last) this.#head = last.position;
  }

  findCommand(commandId: string): string | undefined {
    const row = this.sql.rows('SELECT result FROM processed_commands WHERE command_id = ?', [commandId])[0];
    return row ? String(row[0]) : undefined;
  }

  recordCommand(commandId: string, commandType: string, resultJson: string, at: number): void {
    this.sql.run('INSERT INTO processed_commands (command_id, command_type, result, recorded_at) VALUES (?,?,?,?)', [
      commandId,
      commandType,
      resultJson,
      at,
    ]);
  }
}

// Row in COLUMNS order → envelope.
function toEnvelope(r: SqlValue[]): EventEnvelope {
  const metadata: EventEnvelope['metadata'] = {
    commandId: r[6] as string,
    correlationId: r[7] as string,
    causationId: r[8] as string,
    recordedAt: r[10] as number,
  };
  if (r[9] !== null && r[9] !== undefined) metadata.sessionId = r[9] as string;
  return {
    position: r[0] as number,
    streamId: r[1] as string,
    version: r[2] as number,
    type: r[3] as string,
    schemaVersion: r[4] as number,
    data: JSON.parse(r[5] as string) as Record<string, unknown>,
    metadata,
  };
}
