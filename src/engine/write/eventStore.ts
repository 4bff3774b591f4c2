// The append-only log in sql.js: one row per event, a global position, a
// version unique per stream, and a table of handled commandIds. Triggers make
// UPDATE and DELETE on events fail, so the log really is append-only.
import type { SqlDb, SqlValue } from '../sqlite.ts';
import type { EventEnvelope } from '../vocabulary/envelope.ts';
import type { Upcasting } from './upcasting.ts';

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
CREATE TABLE IF NOT EXISTS snapshots (
  stream_id      TEXT    NOT NULL,
  version        INTEGER NOT NULL,
  aggregate      TEXT    NOT NULL,
  state_version  INTEGER NOT NULL,
  state          TEXT    NOT NULL,
  recorded_at    INTEGER NOT NULL,
  PRIMARY KEY (stream_id, version)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox (
  position      INTEGER PRIMARY KEY,
  stream_id     TEXT    NOT NULL,
  event_type    TEXT    NOT NULL,
  enqueued_at   INTEGER NOT NULL,
  published_at  INTEGER,
  attempts      INTEGER NOT NULL DEFAULT 0
);
`;

/** An event as a decider folds it. */
export interface FoldEvent {
  version: number;
  type: string;
  data: Record<string, unknown>;
}

export interface SnapshotRow {
  version: number;
  aggregate: string;
  stateVersion: number;
  state: unknown;
}

const COLUMNS =
  'position, stream_id, stream_version, event_type, schema_version, payload, command_id, correlation_id, causation_id, session_id, recorded_at';
// Hot statements as whole constants: the statement cache is keyed by the
// text, and a text built on every call is hashed on every call.
const INSERT_EVENT = `INSERT INTO events (${COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)`;
const READ_ALL = `SELECT ${COLUMNS} FROM events WHERE position >= ? ORDER BY position LIMIT ?`;

// loadStream's statements: the payloads and the types (alone, or as
// 'Type:schemaVersion' tokens when upcasting may apply) of a stream, each
// joined into one text by SQLite, and the first and last versions; the
// filter is the whole stream or a range.
const LOAD_TYPED = `SELECT group_concat(payload, ','), group_concat(event_type, ','), min(stream_version), max(stream_version) FROM events`;
const LOAD_TYPED_WITH_SCHEMA = `SELECT group_concat(payload, ','), group_concat(event_type || ':' || schema_version, ','), min(stream_version), max(stream_version) FROM events`;
const LOAD_WHOLE = ' WHERE stream_id = ?';
const LOAD_RANGE = ' WHERE stream_id = ? AND stream_version > ? AND stream_version <= ?';
/** The same events row by row, in version order: the load's fallback when the versions have a gap. */
const LOAD_ROWS = 'SELECT stream_version, event_type, schema_version, payload FROM events';
const BY_VERSION = ' ORDER BY stream_version';

export interface StreamInfo {
  streamId: string;
  version: number;
  lastPosition: number;
}

export class EventStore {
  readonly sql: SqlDb;
  readonly upcasting: Upcasting | undefined;
  #head: number;
  /** 'Type:version' tokens of loadStream, parsed once. */
  #tokens = new Map<string, { type: string; version: number }>();
  /** Some event type is past schema version 1 (see Upcasting.evolved). */
  readonly #evolved: boolean;
  readonly #loadWhole: string;
  readonly #loadRange: string;

  constructor(sql: SqlDb, upcasting?: Upcasting) {
    this.sql = sql;
    this.upcasting = upcasting;
    this.#evolved = upcasting?.evolved ?? false;
    const columns = this.#evolved ? LOAD_TYPED_WITH_SCHEMA : LOAD_TYPED;
    this.#loadWhole = columns + LOAD_WHOLE;
    this.#loadRange = columns + LOAD_RANGE;
    sql.exec(SCHEMA);
    this.#head = Number(sql.get('SELECT COALESCE(MAX(position), 0) AS head FROM events')?.['head'] ?? 0);
  }

  /** loadStream's two statements (whole stream, range), for tests that check their query plan. */
  get loadStatements(): readonly [string, string] {
    return [this.#loadWhole, this.#loadRange];
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
      .rows(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version`, [streamId, fromVersion])
      .map((r) => this.#envelope(r));
  }

  /**
   * Just what a decider needs to fold a stream, cheaper than full envelopes:
   * the events after `afterVersion` (up to `upToVersion`) fetched as ONE row
   * (payloads joined by SQLite, parsed by one JSON.parse), upcast to the
   * current schema. The scan walks the UNIQUE (stream_id, stream_version)
   * index, so the rows come in version order (a test pins that plan), and
   * the versions are unique: n of them from afterVersion+1 to
   * afterVersion+n are exactly afterVersion+1, afterVersion+2, …, so they
   * need not cross from SQLite one by one. A gap (in an event store this
   * engine did not write) is read again row by row.
   * A command's load is the whole stream, so that case gets a statement with
   * one parameter, and schema versions are fetched only when the domain has
   * evolved an event type (each text SQLite builds per event costs).
   */
  loadStream(streamId: string, afterVersion = 0, upToVersion = Number.MAX_SAFE_INTEGER): FoldEvent[] {
    const joined = this.#joined(streamId, afterVersion, upToVersion);
    if (joined === undefined) return [];
    if (joined.rows !== undefined) return joined.rows;
    const { payloads, tokens } = joined;
    const n = payloads.length;
    const out = new Array<FoldEvent>(n);
    if (!this.#evolved) {
      for (let i = 0; i < n; i++) out[i] = { version: afterVersion + i + 1, type: tokens[i]!, data: payloads[i]! };
      return out;
    }
    for (let i = 0; i < n; i++) out[i] = this.#upcastToken(afterVersion + i + 1, tokens[i]!, payloads[i]!);
    return out;
  }

  /**
   * loadStream folded as it is read: `evolve` gets each event in version
   * order, and no array of them is kept (a command's load folds and drops
   * them, and each event object made at the call can stay off the heap).
   * Returns the state, the last version folded (afterVersion when none) and
   * how many events were folded.
   */
  foldStream<S>(
    streamId: string,
    evolve: (state: S, event: FoldEvent) => S,
    initial: S,
    afterVersion = 0,
    upToVersion = Number.MAX_SAFE_INTEGER,
  ): { state: S; version: number; folded: number } {
    const joined = this.#joined(streamId, afterVersion, upToVersion);
    let state = initial;
    if (joined === undefined) return { state, version: afterVersion, folded: 0 };
    if (joined.rows !== undefined) {
      for (const e of joined.rows) state = evolve(state, e);
      const last = joined.rows[joined.rows.length - 1];
      return { state, version: last ? last.version : afterVersion, folded: joined.rows.length };
    }
    const { payloads, tokens } = joined;
    const n = payloads.length;
    if (!this.#evolved) {
      for (let i = 0; i < n; i++) state = evolve(state, { version: afterVersion + i + 1, type: tokens[i]!, data: payloads[i]! });
    } else {
      for (let i = 0; i < n; i++) state = evolve(state, this.#upcastToken(afterVersion + i + 1, tokens[i]!, payloads[i]!));
    }
    return { state, version: afterVersion + n, folded: n };
  }

  /**
   * The one-row read behind loadStream and foldStream: the payloads parsed
   * and the type tokens split, or (a gap in the versions) the events read
   * row by row; undefined for no events.
   */
  #joined(
    streamId: string,
    afterVersion: number,
    upToVersion: number,
  ): { payloads: Record<string, unknown>[]; tokens: string[]; rows?: undefined } | { rows: FoldEvent[] } | undefined {
    const whole = afterVersion === 0 && upToVersion === Number.MAX_SAFE_INTEGER;
    const row = this.sql.first(whole ? this.#loadWhole : this.#loadRange, whole ? [streamId] : [streamId, afterVersion, upToVersion]);
    if (!row || row[0] === null) return undefined;
    const payloads = JSON.parse(`[${row[0] as string}]`) as Record<string, unknown>[];
    const n = payloads.length;
    if (row[2] !== afterVersion + 1 || row[3] !== afterVersion + n) {
      const rows = this.#loadByRows(
        whole ? LOAD_ROWS + LOAD_WHOLE + BY_VERSION : LOAD_ROWS + LOAD_RANGE + BY_VERSION,
        whole ? [streamId] : [streamId, afterVersion, upToVersion],
      );
      return rows.length === 0 ? undefined : { rows };
    }
    return { payloads, tokens: (row[1] as string).split(',') };
  }

  /** An event from its 'Type:schemaVersion' token (parsed once per token), upcast to the current schema. */
  #upcastToken(version: number, token: string, payload: Record<string, unknown>): FoldEvent {
    let t = this.#tokens.get(token);
    if (!t) {
      const at = token.lastIndexOf(':');
      t = { type: token.slice(0, at), version: Number(token.slice(at + 1)) };
      this.#tokens.set(token, t);
    }
    const up = this.upcasting!;
    const data = up.needsUpcast(t.type, t.version) ? up.upcast(t.type, t.version, payload) : payload;
    return { version, type: t.type, data };
  }

  /** loadStream row by row, for streams whose versions have a gap. */
  #loadByRows(sql: string, params: SqlValue[]): FoldEvent[] {
    const up = this.upcasting;
    return this.sql.rows(sql, params).map((r) => {
      const type = r[1] as string;
      const schemaVersion = r[2] as number;
      const payload = JSON.parse(r[3] as string) as Record<string, unknown>;
      const data = up !== undefined && up.needsUpcast(type, schemaVersion) ? up.upcast(type, schemaVersion, payload) : payload;
      return { version: r[0] as number, type, data };
    });
  }

  /** The stream loaded row by row (one row per event), kept as the bench's baseline for the one-row load. */
  loadStreamByRows(streamId: string): FoldEvent[] {
    return this.sql
      .rows('SELECT stream_version, event_type, payload FROM events WHERE stream_id = ? ORDER BY stream_version', [streamId])
      .map((r) => ({ version: r[0] as number, type: r[1] as string, data: JSON.parse(r[2] as string) as Record<string, unknown> }));
  }

  readAll(fromPosition: number, limit: number): EventEnvelope[] {
    return this.sql.rows(READ_ALL, [fromPosition, limit]).map((r) => this.#envelope(r));
  }

  /** Events at the given positions (any order in, position order out). */
  readPositions(positions: readonly number[]): EventEnvelope[] {
    if (positions.length === 0) return [];
    const list = [...positions].sort((a, b) => a - b);
    return this.sql
      .rows(`SELECT ${COLUMNS} FROM events WHERE position >= ? AND position <= ? ORDER BY position`, [list[0]!, list[list.length - 1]!])
      .map((r) => this.#envelope(r))
      .filter((e) => list.includes(e.position));
  }

  /** The last position recorded at or before virtual time `at` (0 if none). */
  positionAt(at: number): number {
    return Number(this.sql.rows('SELECT COALESCE(MAX(position), 0) FROM events WHERE recorded_at <= ?', [at])[0]?.[0] ?? 0);
  }

  /** The version `streamId` had once the log reached `position` (0 if it did not exist yet). */
  streamVersionAtPosition(streamId: string, position: number): number {
    return Number(
      this.sql.rows('SELECT COALESCE(MAX(stream_version), 0) FROM events WHERE stream_id = ? AND position <= ?', [
        streamId,
        position,
      ])[0]?.[0] ?? 0,
    );
  }

  // ── snapshots ──────────────────────────────────────────────────────────

  /** The latest snapshot of a stream at or below `maxVersion`. */
  latestSnapshot(streamId: string, maxVersion = Number.MAX_SAFE_INTEGER): SnapshotRow | undefined {
    const r = this.sql.rows(
      'SELECT version, aggregate, state_version, state FROM snapshots WHERE stream_id = ? AND version <= ? ORDER BY version DESC LIMIT 1',
      [streamId, maxVersion],
    )[0];
    if (!r) return undefined;
    return {
      version: r[0] as number,
      aggregate: r[1] as string,
      stateVersion: r[2] as number,
      state: JSON.parse(r[3] as string) as unknown,
    };
  }

  saveSnapshot(streamId: string, version: number, aggregate: string, stateVersion: number, state: unknown, at: number): void {
    this.sql.run(
      'INSERT OR REPLACE INTO snapshots (stream_id, version, aggregate, state_version, state, recorded_at) VALUES (?,?,?,?,?,?)',
      [streamId, version, aggregate, stateVersion, JSON.stringify(state), at],
    );
  }

  // ── outbox ─────────────────────────────────────────────────────────────

  /** Inside the append transaction: the events join the outbox. */
  enqueue(events: readonly EventEnvelope[], at: number): void {
    for (const e of events) {
      this.sql.run('INSERT INTO outbox (position, stream_id, event_type, enqueued_at) VALUES (?,?,?,?)', [
        e.position,
        e.streamId,
        e.type,
        at,
      ]);
    }
  }

  /** Unpublished outbox entries, oldest first, as envelopes; counts the attempt. */
  outboxPending(limit: number): EventEnvelope[] {
    const positions = this.sql
      .rows('SELECT position FROM outbox WHERE published_at IS NULL ORDER BY position LIMIT ?', [limit])
      .map((r) => r[0] as number);
    if (positions.length === 0) return [];
    this.sql.transaction(() => {
      for (const p of positions) this.sql.run('UPDATE outbox SET attempts = attempts + 1 WHERE position = ?', [p]);
    });
    return this.readPositions(positions);
  }

  outboxMarkPublished(positions: readonly number[], at: number): void {
    this.sql.transaction(() => {
      for (const p of positions) this.sql.run('UPDATE outbox SET published_at = ? WHERE position = ? AND published_at IS NULL', [at, p]);
    });
  }

  outboxBacklog(): number {
    return Number(this.sql.rows('SELECT COUNT(*) FROM outbox WHERE published_at IS NULL')[0]?.[0] ?? 0);
  }

  listStreams(): StreamInfo[] {
    return this.sql
      .all('SELECT stream_id, MAX(stream_version) AS version, MAX(position) AS last FROM events GROUP BY stream_id ORDER BY stream_id')
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
      this.sql.run(INSERT_EVENT, [
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
      const stored: EventEnvelope = {
        position,
        streamId: e.streamId,
        version: e.version,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: e.data,
        metadata: m,
      };
      if (e.upcastFrom !== undefined) stored.upcastFrom = e.upcastFrom;
      out.push(stored);
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

  #envelope(r: SqlValue[]): EventEnvelope {
    const e = toEnvelope(r);
    const up = this.upcasting;
    if (up !== undefined && up.needsUpcast(e.type, e.schemaVersion)) {
      e.data = up.upcast(e.type, e.schemaVersion, e.data);
      e.upcastFrom = e.schemaVersion;
      e.schemaVersion = up.currentVersion(e.type)!;
    }
    return e;
  }
}

// Row in COLUMNS order → envelope (as stored).
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
