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
import type { AggregateDefinition, CommandSpec, DomainDefinition, Message, Route } from '../domain.ts';
import { isRejection } from '../domain.ts';
import type { Rejection } from '../domain.ts';
import { InvalidIntentError, UnknownStreamError } from '../errors.ts';
import type { ApplyBatchRequest, BatchOutcome } from '../vocabulary/projection.ts';
import type { CommandAccepted } from '../vocabulary/results.ts';
import type { ProjectionGuards } from '../settings.ts';
import type { EventEnvelope } from '../vocabulary/envelope.ts';
import type { EventStore } from './eventStore.ts';

/** Snapshot policy handed to the write side with each load and append. */
export interface SnapshotPolicy {
  /** Every N events of a stream (0 = snapshots off: none read, none taken). */
  every: number;
  /** State version per aggregate name (default: the aggregate's stateVersion, or 1). */
  stateVersions: Record<string, number>;
}

/** What a load found about snapshots for one stream. */
export interface SnapshotUse {
  /** Stream version the snapshot was taken at. */
  version: number;
  stateVersion: number;
  /** False when it was taken under another state version and therefore ignored. */
  used: boolean;
  /** The state version the current code expects. */
  expectedStateVersion: number;
}

export interface LoadRequest {
  commandId: string;
  commandType: string;
  data: Record<string, unknown>;
  idempotency: boolean;
  snapshots?: SnapshotPolicy;
}

export interface LoadedStream {
  streamId: string;
  aggregate: string;
  /** Version the decision is based on: the expected version at append. */
  version: number;
  /** Aggregate state folded from the stream (plain JSON). */
  state: unknown;
  /** Events folded to get the state (the tail after a snapshot, or the whole stream). */
  eventsFolded?: number;
  /** The snapshot found for the stream, used or ignored. */
  snapshot?: SnapshotUse;
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
  snapshots?: SnapshotPolicy;
  /** Outbox delivery: the events also join the outbox, in the same transaction. */
  outbox?: boolean;
  /** Separation level 1: projections updated inside this transaction (the write side hosts them). */
  syncProjections?: { projection: string; guards: ProjectionGuards; meter?: boolean }[];
}

export interface SnapshotTaken {
  streamId: string;
  version: number;
  stateVersion: number;
}

export interface DecidedEvent {
  streamId: string;
  eventType: string;
}

export type AppendOutcome =
  | { kind: 'duplicate'; result: CommandAccepted }
  | { kind: 'rejected'; rejection: Rejection }
  | { kind: 'conflict'; decided: DecidedEvent[]; streamId: string; expectedVersion: number; actualVersion: number }
  | {
      kind: 'appended';
      decided: DecidedEvent[];
      result: CommandAccepted;
      events: EventEnvelope[];
      snapshots?: SnapshotTaken[];
      /** Level 1 synchronous projections, applied in the command's transaction. */
      projections?: { projection: string; outcome: BatchOutcome }[];
    }
  /** A synchronous projection failed inside the transaction: everything was rolled back. */
  | { kind: 'projectionFailed'; decided: DecidedEvent[]; projection: string; reason: string; outcome: BatchOutcome };

export type PredictOutcome =
  | { kind: 'events'; events: { streamId: string; version: number; type: string; data: Record<string, unknown> }[] }
  | { kind: 'rejected'; rejection: Rejection };

export interface AggregateAtRequest {
  streamId: string;
  /** One of: the stream as it stood at a global position, at a virtual time, or at one of its versions. */
  position?: number;
  at?: number;
  version?: number;
  snapshots?: SnapshotPolicy;
}

export interface AggregateAtResult {
  streamId: string;
  aggregate: string;
  /** Stream version reached (0: the stream did not exist yet). */
  version: number;
  /** Global position and virtual time of that version's event (0 when none). */
  position: number;
  recordedAt: number;
  state: unknown;
  eventsFolded: number;
  snapshot: SnapshotUse | null;
}

export interface ImportedEvent {
  streamId: string;
  type: string;
  /** Schema version the payload is in (default: the current one). */
  schemaVersion?: number;
  data: Record<string, unknown>;
}

export interface ImportRequest {
  commandId: string;
  events: ImportedEvent[];
  at: number;
  outbox?: boolean;
}

/** Read models in the event store's database (level 1), updated inside the command's transaction. */
export interface InTransactionProjections {
  applyBatch(req: ApplyBatchRequest, inTransaction: boolean): BatchOutcome;
}

export class CommandHandler {
  readonly store: EventStore;
  readonly domain: DomainDefinition;
  /** Read models hosted in this database (separation level 1). */
  readModels: InTransactionProjections | undefined;
  #aggregates: Map<string, AggregateDefinition>;
  #schemaVersions: Map<string, number>;
  #commands: Map<string, CommandSpec>;

  constructor(store: EventStore, domain: DomainDefinition) {
    this.store = store;
    this.domain = domain;
    this.#aggregates = new Map(domain.aggregates.map((a) => [a.name, a]));
    this.#schemaVersions = new Map(domain.events.map((e) => [e.type, e.schemaVersion]));
    this.#commands = new Map(domain.commands.map((c) => [c.type, c]));
  }

  routes(commandType: string, data: Record<string, unknown>): Route[] {
    return this.#routes(this.#spec(commandType), data);
  }

  #spec(commandType: string): CommandSpec {
    const spec = this.#commands.get(commandType);
    if (!spec) throw new Error(`command '${commandType}' reached the write side without validation`);
    return spec;
  }

  #routes(spec: CommandSpec, data: Record<string, unknown>): Route[] {
    const routes = spec.route(data);
    for (let i = 1; i < routes.length; i++) {
      for (let j = 0; j < i; j++) {
        if (routes[i]!.streamId === routes[j]!.streamId) throw new Error(`command '${spec.type}' routes twice to stream '${routes[i]!.streamId}'`);
      }
    }
    return routes;
  }

  load(req: LoadRequest): LoadOutcome {
    // The commandId is not looked up here: the append transaction does it,
    // before deciding, so there is exactly one authoritative check.
    const streams = this.routes(req.commandType, req.data).map((route) => this.#fold(route.streamId, route.aggregate, req.snapshots));
    return { kind: 'loaded', streams };
  }

  /** Decide without appending: the events a command would append right now (an optimistic UI's prediction). */
  predict(req: { commandType: string; data: Record<string, unknown>; snapshots?: SnapshotPolicy }): PredictOutcome {
    const out: Extract<PredictOutcome, { kind: 'events' }>['events'] = [];
    for (const route of this.routes(req.commandType, req.data)) {
      const loaded = this.#fold(route.streamId, route.aggregate, req.snapshots);
      const decision = this.#aggregate(route.aggregate).decider.decide(route.command, loaded.state);
      if (isRejection(decision)) return { kind: 'rejected', rejection: { code: decision.code, message: decision.message } };
      let version = loaded.version;
      for (const e of decision) out.push({ streamId: route.streamId, version: ++version, type: e.type, data: e.data as Record<string, unknown> });
    }
    return { kind: 'events', events: out };
  }

  /** A temporal query: the aggregate's state as it stood at a position, a virtual time or a version. */
  aggregateAt(req: AggregateAtRequest): AggregateAtResult {
    const current = this.store.streamVersion(req.streamId);
    if (current === 0) throw new UnknownStreamError(req.streamId);
    const aggregate = this.aggregateOf(req.streamId);
    let target = current;
    if (req.version !== undefined) target = Math.min(req.version, current);
    else if (req.position !== undefined) target = this.store.streamVersionAtPosition(req.streamId, req.position);
    else if (req.at !== undefined) target = this.store.streamVersionAtPosition(req.streamId, this.store.positionAt(req.at));
    const folded = this.#fold(req.streamId, aggregate.name, req.snapshots, target);
    const last = target > 0 ? this.store.readStream(req.streamId, target)[0] : undefined;
    return {
      streamId: req.streamId,
      aggregate: aggregate.name,
      version: folded.version,
      position: last?.position ?? 0,
      recordedAt: last?.metadata.recordedAt ?? 0,
      state: folded.state,
      eventsFolded: folded.eventsFolded ?? folded.version,
      snapshot: folded.snapshot ?? null,
    };
  }

  /** The aggregate a stream belongs to, by its prefix. */
  aggregateOf(streamId: string): AggregateDefinition {
    let best: AggregateDefinition | undefined;
    for (const a of this.#aggregates.values()) {
      if (streamId.startsWith(a.streamPrefix) && (!best || a.streamPrefix.length > best.streamPrefix.length)) best = a;
    }
    if (!best) {
      throw new InvalidIntentError(
        `Stream '${streamId}' belongs to no aggregate of this domain (streams start with: ${[...this.#aggregates.values()].map((a) => a.streamPrefix).join(', ')}).`,
      );
    }
    return best;
  }

  /** The state version snapshots of `aggregate` must carry to be trusted. */
  stateVersion(aggregate: string, policy: SnapshotPolicy | undefined): number {
    return policy?.stateVersions[aggregate] ?? this.#aggregates.get(aggregate)?.stateVersion ?? 1;
  }

  /**
   * Legacy import: append events as they were written by an older system
   * (any schema version from 1 to the current one), at the end of their
   * streams, in one transaction. No decider runs: this is history, not a
   * command. Returns them as readers see them (upcast).
   */
  importEvents(req: ImportRequest): EventEnvelope[] {
    const next = new Map<string, number>();
    const pending: Omit<EventEnvelope, 'position'>[] = [];
    for (const e of req.events) {
      const spec = this.domain.events.find((s) => s.type === e.type);
      if (!spec) throw new InvalidIntentError(`Unknown event type '${e.type}'.`);
      const aggregate = this.aggregateOf(e.streamId);
      if (aggregate.name !== spec.aggregate) {
        throw new InvalidIntentError(`Event '${e.type}' belongs to ${spec.aggregate} streams, not to '${e.streamId}'.`);
      }
      const version = (next.get(e.streamId) ?? this.store.streamVersion(e.streamId)) + 1;
      next.set(e.streamId, version);
      pending.push({
        streamId: e.streamId,
        version,
        type: e.type,
        schemaVersion: e.schemaVersion ?? spec.schemaVersion,
        data: e.data,
        metadata: { commandId: req.commandId, correlationId: req.commandId, causationId: req.commandId, recordedAt: req.at },
      });
    }
    const events = this.store.sql.transaction(() => {
      const inserted = this.store.insert(pending);
      if (req.outbox) this.store.enqueue(inserted, req.at);
      return inserted;
    });
    this.store.committed(events);
    const up = this.store.upcasting;
    return events.map((e) => {
      if (!up || !up.needsUpcast(e.type, e.schemaVersion)) return e;
      return { ...e, data: up.upcast(e.type, e.schemaVersion, e.data), upcastFrom: e.schemaVersion, schemaVersion: up.currentVersion(e.type)! };
    });
  }

  /** Fold a stream (from its latest trusted snapshot when the policy allows) up to `upTo`. */
  #fold(streamId: string, aggregateName: string, policy: SnapshotPolicy | undefined, upTo = Number.MAX_SAFE_INTEGER): LoadedStream {
    const aggregate = this.#aggregate(aggregateName);
    let state = aggregate.decider.initialState;
    let version = 0;
    let snapshot: SnapshotUse | undefined;
    if (policy !== undefined && policy.every > 0) {
      const found = this.store.latestSnapshot(streamId, upTo);
      if (found) {
        const expected = this.stateVersion(aggregateName, policy);
        const used = found.stateVersion === expected && found.aggregate === aggregateName;
        snapshot = { version: found.version, stateVersion: found.stateVersion, used, expectedStateVersion: expected };
        if (used) {
          state = found.state;
          version = found.version;
        }
      }
    }
    const tail = this.store.loadStream(streamId, version, upTo);
    const evolve = aggregate.decider.evolve;
    for (const e of tail) state = evolve(state, e);
    if (tail.length > 0) version = tail[tail.length - 1]!.version;
    const loaded: LoadedStream = { streamId, aggregate: aggregateName, version, state };
    if (policy !== undefined && policy.every > 0) {
      loaded.eventsFolded = tail.length;
      if (snapshot) loaded.snapshot = snapshot;
    }
    return loaded;
  }

  append(req: AppendRequest): AppendOutcome {
    const spec = this.#spec(req.commandType);
    const routes = this.#routes(spec, req.data);
    const store = this.store;
    store.sql.run('BEGIN');
    try {
      // Decide every stream first: a rejection anywhere means nothing appends.
      const decisions: StreamVerdict[] = [];
      for (let i = 0; i < routes.length; i++) {
        const route = routes[i]!;
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
      const decided: DecidedEvent[] = [];
      const pending: Omit<EventEnvelope, 'position'>[] = [];
      const streams: { streamId: string; version: number }[] = [];
      for (const d of decisions) {
        const streamId = d.route.streamId;
        // A stream that gets no new event is not protected by the UNIQUE
        // constraint, so its version is checked explicitly.
        if (d.events.length === 0) {
          const actual = store.streamVersion(streamId);
          if (actual !== d.loaded.version) return this.#conflict(decisions, streamId, d.loaded.version);
        }
        let version = d.loaded.version;
        for (const e of d.events) {
          decided.push({ streamId, eventType: e.type });
          const metadata: EventEnvelope['metadata'] = {
            commandId: req.commandId,
            correlationId: req.correlationId,
            causationId: req.commandId,
            recordedAt: req.at,
          };
          if (req.sessionId !== undefined) metadata.sessionId = req.sessionId;
          pending.push({ streamId, version: ++version, type: e.type, schemaVersion: this.#schemaVersions.get(e.type) ?? 1, data: e.data, metadata });
        }
        streams.push({ streamId, version });
      }
      const result: CommandAccepted = {
        ok: true,
        commandId: req.commandId,
        commandType: req.commandType,
        correlationId: req.correlationId,
        ids: spec.ids?.(req.data) ?? {},
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
      if (req.outbox) store.enqueue(events, req.at);
      const snapshots = this.#takeSnapshots(decisions, req);
      let projections: { projection: string; outcome: BatchOutcome }[] | undefined;
      if (req.syncProjections && req.syncProjections.length > 0) {
        const models = this.readModels;
        if (!models) throw new Error('synchronous projections in the write transaction need separation level 1');
        projections = [];
        const head = events[events.length - 1]?.position ?? store.head;
        for (const sp of req.syncProjections) {
          const outcome = models.applyBatch(
            { projection: sp.projection, events, mode: 'live', guards: sp.guards, headPosition: head, label: 'sync', ...(sp.meter ? { meter: true } : {}) },
            true,
          );
          if (outcome.crashed) {
            store.sql.run('ROLLBACK');
            return { kind: 'projectionFailed', decided, projection: sp.projection, reason: outcome.reason ?? 'failed', outcome };
          }
          projections.push({ projection: sp.projection, outcome });
        }
      }
      store.sql.run('COMMIT');
      store.committed(events);
      const out: AppendOutcome = { kind: 'appended', decided, result, events };
      if (snapshots.length > 0) out.snapshots = snapshots;
      if (projections) out.projections = projections;
      return out;
    } catch (e) {
      try {
        store.sql.run('ROLLBACK');
      } catch {
        // already rolled back by SQLite
      }
      throw e;
    }
  }

  /** Inside the append transaction: snapshot every stream that moved `every` events past its last snapshot. */
  #takeSnapshots(decisions: StreamVerdict[], req: AppendRequest): SnapshotTaken[] {
    const policy = req.snapshots;
    const taken: SnapshotTaken[] = [];
    if (policy === undefined || policy.every <= 0) return taken;
    for (const d of decisions) {
      if (d.events.length === 0) continue;
      const newVersion = d.loaded.version + d.events.length;
      const base = d.loaded.snapshot?.used ? d.loaded.snapshot.version : 0;
      if (newVersion - base < policy.every) continue;
      const aggregate = this.#aggregate(d.route.aggregate);
      let state = d.loaded.state;
      for (const e of d.events) state = aggregate.decider.evolve(state, e);
      const stateVersion = this.stateVersion(aggregate.name, policy);
      this.store.saveSnapshot(d.route.streamId, newVersion, aggregate.name, stateVersion, state, req.at);
      taken.push({ streamId: d.route.streamId, version: newVersion, stateVersion });
    }
    return taken;
  }

  /** Read the actual version (inside the transaction), then roll back. */
  #conflict(decisions: StreamVerdict[], streamId: string, expectedVersion: number): AppendOutcome {
    const decided = decisions.flatMap((d) => d.events.map((e) => ({ streamId: d.route.streamId, eventType: e.type })));
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

/** One stream's verdict inside an append. */
interface StreamVerdict {
  route: Route;
  loaded: LoadedStream;
  events: readonly Message[];
}

function duplicateOf(resultJson: string): CommandAccepted {
  return { ...(JSON.parse(resultJson) as CommandAccepted), duplicate: true };
}
