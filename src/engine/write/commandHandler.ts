// Command handling, split in the two moments a real handler has:
//   load:   read the stream(s), fold events into state (no lock taken);
//   append: in ONE transaction: decide on the loaded state, record the
//           commandId with its result (the PRIMARY KEY refuses a repeat,
//           which then returns the first result), insert the events at
//           loaded version + 1 (optimistic concurrency: the UNIQUE
//           (stream_id, stream_version) constraint refuses the insert if
//           another command wrote first). Letting the constraints do the
//           checks keeps the happy path at two inserts, like a bare loop.
// Between the two, virtual time passes (settings.costs.commandMs), which is
// how two commands on the same stream come to conflict.
import type { AggregateDefinition, DomainDefinition, Message, Route } from '../domain.ts';
import { isRejection } from '../domain.ts';
import type { Rejection } from '../domain.ts';
import type { CommandAccepted } from '../results.ts';
import type { EventEnvelope } from './envelope.ts';
import type { EventStore } from './eventStore.ts';

export interface LoadRequest {
  commandId: string;
  commandType: string;
  data: Record<string, unknown>;
  idempotency: boolean;
}

export interface LoadedStream {
  streamId: string;
  aggregate: string;
  /** Version the decision is based on: the expected version at append. */
  version: number;
  /** Aggregate state folded from the stream (plain JSON). */
  state: unknown;
}

export type LoadOutcome =
  | { kind: 'duplicate'; result: CommandAccepted }
  | { kind: 'loaded'; streams: LoadedStream[] };

export interface AppendRequest {
  commandId: string;
  commandType: string;
  data: Record<string, unknown>;
  correlationId: string;
  sessionId?: string;
  /** Virtual time of the append, recorded on every event. */
  at: number;
  idempotency: boolean;
  loaded: LoadedStream[];
  attempts: number;
}

export interface DecidedEvent {
  streamId: string;
  eventType: string;
}

export type AppendOutcome =
  | { kind: 'duplicate'; result: CommandAccepted }
  | { kind: 'rejected'; rejection: Rejection }
  | { kind: 'conflict'; decided: DecidedEvent[]; streamId: string; expectedVersion: number; actualVersion: number }
  | { kind: 'appended'; decided: DecidedEvent[]; result: CommandAccepted; events: EventEnvelope[] };

export class CommandHandler {
  readonly store: EventStore;
  readonly domain: DomainDefinition;
  #aggregates: Map<string, AggregateDefinition>;
  #schemaVersions: Map<string, number>;

  constructor(store: EventStore, domain: DomainDefinition) {
    this.store = store;
    this.domain = domain;
    this.#aggregates = new Map(domain.aggregates.map((a) => [a.name, a]));
    this.#schemaVersions = new Map(domain.events.map((e) => [e.type, e.schemaVersion]));
  }

  routes(commandType: string, data: Record<string, unknown>): Route[] {
    const spec = this.domain.commands.find((c) => c.type === commandType);
    if (!spec) throw new Error(`command '${commandType}' reached the write side without validation`);
    const routes = spec.route(data);
    const seen = new Set<string>();
    for (const r of routes) {
      if (seen.has(r.streamId)) throw new Error(`command '${commandType}' routes twice to stream '${r.streamId}'`);
      seen.add(r.streamId);
    }
    return routes;
  }

  load(req: LoadRequest): LoadOutcome {
    // The commandId is not looked up here: the append transaction does it,
    // before deciding, so there is exactly one authoritative check.
    const streams = this.routes(req.commandType, req.data).map((route) => {
      const aggregate = this.#aggregate(route.aggregate);
      let state = aggregate.decider.initialState;
      let version = 0;
      for (const e of this.store.loadStream(route.streamId)) {
        state = aggregate.decider.evolve(state, e);
        version = e.version;
      }
      return { streamId: route.streamId, aggregate: route.aggregate, version, state };
    });
    return { kind: 'loaded', streams };
  }

  append(req: AppendRequest): AppendOutcome {
    const routes = this.routes(req.commandType, req.data);
    const store = this.store;
    store.sql.run('BEGIN');
    try {
      // Decide every stream first: a rejection anywhere means nothing appends.
      const decisions: { route: Route; loaded: LoadedStream; events: readonly Message[] }[] = [];
      for (const [i, route] of routes.entries()) {
        const loaded = req.loaded[i];
        if (!loaded || loaded.streamId !== route.streamId) throw new Error('loaded streams do not match the routes');
        const decision = this.#aggregate(route.aggregate).decider.decide(route.command, loaded.state);
        if (isRejection(decision)) {
          // A repeat of a command that succeeded must get its first result, not today's verdict.
          const previous = req.idempotency ? store.findCommand(req.commandId) : undefined;
          store.sql.run('ROLLBACK');
          if (previous !== undefined) return { kind: 'duplicate', result: duplicateOf(previous) };
          return { kind: 'rejected', rejection: { code: decision.code, message: decision.message } };
        }
        decisions.push({ route, loaded, events: decision });
      }
      const decided = decisions.flatMap((d) => d.events.map((e) => ({ streamId: d.route.streamId, eventType: e.type })));
      const pending: Omit<EventEnvelope, 'position'>[] = [];
      const streams: { streamId: string; version: number }[] = [];
      for (const d of decisions) {
        // A stream that gets no new event is not protected by the UNIQUE
        // constraint, so its version is checked explicitly.
        if (d.events.length === 0) {
          const actual = store.streamVersion(d.route.streamId);
          if (actual !== d.loaded.version) return this.#conflict(decided, d.route.streamId, d.loaded.version);
        }
        let version = d.loaded.version;
        for (const e of d.events) {
          version++;
          const metadata: EventEnvelope['metadata'] = {
            commandId: req.commandId,
            correlationId: req.correlationId,
            causationId: req.commandId,
            recordedAt: req.at,
          };
          if (req.sessionId !== undefined) metadata.sessionId = req.sessionId;
          pending.push({
            streamId: d.route.streamId,
            version,
            type: e.type,
            schemaVersion: this.#schemaVersions.get(e.type) ?? 1,
            data: e.data,
            metadata,
          });
        }
        streams.push({ streamId: d.route.streamId, version });
      }
      const spec = this.domain.commands.find((c) => c.type === req.commandType);
      const result: CommandAccepted = {
        ok: true,
        commandId: req.commandId,
        commandType: req.commandType,
        correlationId: req.correlationId,
        ids: spec?.ids?.(req.data) ?? {},
        streams,
        // Positions continue from the head, so the token is known before inserting.
        consistencyToken: store.head + pending.length,
        duplicate: false,
        attempts: req.attempts,
      };
      if (req.idempotency) {
        try {
          store.recordCommand(req.commandId, req.commandType, JSON.stringify(result), req.at);
        } catch (e) {
          if (!/UNIQUE constraint failed: processed_commands\.command_id/.test(e instanceof Error ? e.message : '')) throw e;
          const previous = store.findCommand(req.commandId)!;
          store.sql.run('ROLLBACK');
          return { kind: 'duplicate', result: duplicateOf(previous) };
        }
      }
      let events: EventEnvelope[];
      try {
        events = store.insert(pending);
      } catch (e) {
        const clash = /UNIQUE constraint failed: events\.stream_id, events\.stream_version/.test(e instanceof Error ? e.message : '');
        if (!clash) throw e;
        // Someone appended to one of the streams since it was loaded. Roll
        // back our own partial inserts first, then see which stream moved.
        store.sql.run('ROLLBACK');
        for (const d of decisions) {
          const actualVersion = store.streamVersion(d.route.streamId);
          if (actualVersion !== d.loaded.version) {
            return { kind: 'conflict', decided, streamId: d.route.streamId, expectedVersion: d.loaded.version, actualVersion };
          }
        }
        throw e;
      }
      store.sql.run('COMMIT');
      store.committed(events);
      return { kind: 'appended', decided, result, events };
    } catch (e) {
      try {
        store.sql.run('ROLLBACK');
      } catch {
        // already rolled back by SQLite
      }
      throw e;
    }
  }

  /** Read the actual version (inside the transaction), then roll back. */
  #conflict(decided: DecidedEvent[], streamId: string, expectedVersion: number): AppendOutcome {
    const actualVersion = this.store.streamVersion(streamId);
    this.store.sql.run('ROLLBACK');
    return { kind: 'conflict', decided, streamId, expectedVersion, actualVersion };
  }

  #aggregate(name: string): AggregateDefinition {
    const a = this.#aggregates.get(name);
    if (!a) throw new Error(`route names unknown aggregate '${name}'`);
    return a;
  }
}

function duplicateOf(resultJson: string): CommandAccepted {
  return { ...(JSON.parse(resultJson) as CommandAccepted), duplicate: true };
}
