// Process managers (sagas), persisted in the write store's database. Each
// instance is one row (status, state, the running wait); every event it
// handled is recorded by position in the same transaction as the new state,
// so a duplicate delivery is recognised and skipped. The saga's functions
// are pure; the commands they return are sent by the coordinator with
// commandIds derived from the instance and the step, so a resend is
// idempotent too.
import type { DomainDefinition, Rejection, SagaCommand, SagaContext, SagaDefinition, SagaReaction } from '../domain.ts';
import type { SqlDb } from '../sqlite.ts';
import type { EventEnvelope } from '../vocabulary/envelope.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS saga_instances (
  saga            TEXT    NOT NULL,
  saga_id         TEXT    NOT NULL,
  status          TEXT    NOT NULL,
  done            INTEGER NOT NULL,
  state           TEXT    NOT NULL,
  correlation_id  TEXT    NOT NULL,
  timeout_name    TEXT,
  timeout_at      INTEGER,
  started_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  PRIMARY KEY (saga, saga_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS saga_processed (
  saga      TEXT    NOT NULL,
  position  INTEGER NOT NULL,
  saga_id   TEXT    NOT NULL,
  at        INTEGER NOT NULL,
  PRIMARY KEY (saga, position)
) WITHOUT ROWID;
`;

export interface SagaEnv {
  /** The engine's seed: SagaContext.random derives from it. */
  seed: number;
  at: number;
  settings: { failureProbability: number; timeoutMs: number };
}

export type SagaOutcome =
  | { kind: 'duplicate'; sagaId: string }
  | { kind: 'ignored'; sagaId: string | null; reason: string }
  | {
      kind: 'handled';
      sagaId: string;
      started: boolean;
      from: string | null;
      to: string;
      done: boolean;
      correlationId: string;
      commands: SagaCommand[];
      /** The wait now running (null: none). */
      timeout: { name: string; at: number } | null;
    };

export interface SagaInstance {
  saga: string;
  sagaId: string;
  status: string;
  done: boolean;
  state: unknown;
  correlationId: string;
  timeout: { name: string; at: number } | null;
  startedAt: number;
  updatedAt: number;
}

interface Row {
  status: string;
  done: boolean;
  state: unknown;
  correlationId: string;
  timeoutName: string | null;
  timeoutAt: number | null;
}

export class SagaStore {
  readonly sql: SqlDb;
  readonly #sagas: Map<string, SagaDefinition>;

  constructor(sql: SqlDb, domain: DomainDefinition) {
    this.sql = sql;
    this.#sagas = new Map((domain.sagas ?? []).map((s) => [s.name, s]));
    if (this.#sagas.size > 0) sql.exec(SCHEMA);
  }

  /** An event delivered to a saga. */
  handle(req: SagaEnv & { saga: string; event: EventEnvelope }): SagaOutcome {
    const def = this.#def(req.saga);
    const event = req.event;
    const sagaId = def.correlate({ type: event.type, data: event.data });
    if (sagaId === undefined) return { kind: 'ignored', sagaId: null, reason: 'the event belongs to no instance' };
    return this.sql.transaction(() => {
      const seen = this.sql.rows('SELECT 1 FROM saga_processed WHERE saga = ? AND position = ?', [def.name, event.position]);
      if (seen.length > 0) return { kind: 'duplicate' as const, sagaId };
      const row = this.#load(def.name, sagaId);
      if (!row && !def.startsWith.includes(event.type)) {
        return { kind: 'ignored' as const, sagaId, reason: `no instance, and ${event.type} does not start one` };
      }
      this.sql.run('INSERT INTO saga_processed (saga, position, saga_id, at) VALUES (?,?,?,?)', [def.name, event.position, sagaId, req.at]);
      const state = row ? row.state : def.initialState;
      const reaction = def.react(state, { type: event.type, data: event.data, position: event.position }, this.#ctx(req, def.name, sagaId));
      const correlationId = row?.correlationId ?? event.metadata.correlationId;
      return this.#save(def.name, sagaId, row, reaction, correlationId, req.at);
    });
  }

  /** A wait ran out. Stale timers (the wait was cancelled or replaced) do nothing. */
  timeout(req: SagaEnv & { saga: string; sagaId: string; name: string; dueAt: number }): SagaOutcome {
    const def = this.#def(req.saga);
    return this.sql.transaction(() => {
      const row = this.#load(def.name, req.sagaId);
      if (!row || row.timeoutName !== req.name || row.timeoutAt !== req.dueAt) {
        return { kind: 'ignored' as const, sagaId: req.sagaId, reason: 'the wait was cancelled or replaced' };
      }
      const reaction = def.onTimeout(row.state, req.name, this.#ctx(req, def.name, req.sagaId));
      // The wait is over whatever the saga says.
      return this.#save(
        def.name,
        req.sagaId,
        row,
        reaction ?? { state: row.state, status: row.status, timeout: null },
        row.correlationId,
        req.at,
        true,
      );
    });
  }

  /** One of the saga's commands was refused. */
  rejected(req: SagaEnv & { saga: string; sagaId: string; command: SagaCommand; rejection: Rejection }): SagaOutcome {
    const def = this.#def(req.saga);
    return this.sql.transaction(() => {
      const row = this.#load(def.name, req.sagaId);
      if (!row) return { kind: 'ignored' as const, sagaId: req.sagaId, reason: 'no instance' };
      const reaction = def.onRejected(row.state, req.command, req.rejection, this.#ctx(req, def.name, req.sagaId));
      return this.#save(def.name, req.sagaId, row, reaction, row.correlationId, req.at);
    });
  }

  instances(saga?: string): SagaInstance[] {
    const rows =
      this.#sagas.size === 0
        ? []
        : this.sql.rows(
            `SELECT saga, saga_id, status, done, state, correlation_id, timeout_name, timeout_at, started_at, updated_at
           FROM saga_instances ${saga === undefined ? '' : 'WHERE saga = ?'} ORDER BY saga, saga_id`,
            saga === undefined ? undefined : [saga],
          );
    return rows.map((r) => ({
      saga: String(r[0]),
      sagaId: String(r[1]),
      status: String(r[2]),
      done: Number(r[3]) === 1,
      state: JSON.parse(String(r[4])) as unknown,
      correlationId: String(r[5]),
      timeout: r[6] === null ? null : { name: String(r[6]), at: Number(r[7]) },
      startedAt: Number(r[8]),
      updatedAt: Number(r[9]),
    }));
  }

  #def(name: string): SagaDefinition {
    const def = this.#sagas.get(name);
    if (!def) throw new Error(`no saga '${name}'`);
    return def;
  }

  #ctx(env: SagaEnv, saga: string, sagaId: string): SagaContext {
    return { now: env.at, random: (key) => seededUnit(`${env.seed}|${saga}|${sagaId}|${key}`), settings: { ...env.settings } };
  }

  #load(saga: string, sagaId: string): Row | undefined {
    const r = this.sql.rows(
      'SELECT status, done, state, correlation_id, timeout_name, timeout_at FROM saga_instances WHERE saga = ? AND saga_id = ?',
      [saga, sagaId],
    )[0];
    if (!r) return undefined;
    return {
      status: String(r[0]),
      done: Number(r[1]) === 1,
      state: JSON.parse(String(r[2])) as unknown,
      correlationId: String(r[3]),
      timeoutName: r[4] === null ? null : String(r[4]),
      timeoutAt: r[5] === null ? null : Number(r[5]),
    };
  }

  #save(
    saga: string,
    sagaId: string,
    row: Row | undefined,
    reaction: SagaReaction<unknown> | undefined,
    correlationId: string,
    at: number,
    clearTimeout = false,
  ): SagaOutcome {
    const from = row?.status ?? null;
    const r = reaction ?? { state: row?.state, status: row?.status ?? 'started' };
    let timeout: { name: string; at: number } | null =
      !clearTimeout && row && row.timeoutName !== null && row.timeoutAt !== null ? { name: row.timeoutName, at: row.timeoutAt } : null;
    if (r.timeout === null) timeout = null;
    else if (r.timeout !== undefined) timeout = { name: r.timeout.name, at: at + r.timeout.afterMs };
    const done = r.done ?? row?.done ?? false;
    this.sql.run(
      `INSERT INTO saga_instances (saga, saga_id, status, done, state, correlation_id, timeout_name, timeout_at, started_at, updated_at)
       VALUES (?,?,?,?,?,?,?,?,?,?)
       ON CONFLICT (saga, saga_id) DO UPDATE SET status = excluded.status, done = excluded.done, state = excluded.state,
         timeout_name = excluded.timeout_name, timeout_at = excluded.timeout_at, updated_at = excluded.updated_at`,
      [
        saga,
        sagaId,
        r.status,
        done ? 1 : 0,
        JSON.stringify(r.state ?? null),
        correlationId,
        timeout?.name ?? null,
        timeout?.at ?? null,
        at,
        at,
      ],
    );
    return {
      kind: 'handled',
      sagaId,
      started: row === undefined,
      from,
      to: r.status,
      done,
      correlationId,
      commands: r.commands ?? [],
      timeout,
    };
  }
}

/** A number in [0, 1) derived from a text (FNV-1a, then a murmur3 finaliser): the same text, the same number. */
export function seededUnit(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
