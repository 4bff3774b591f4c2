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
// A client's expected version is checked at both moments: at load (no work
// for a stale form) and first thing in the transaction (a write that raced
// in between is caught). A repeat of a command that already succeeded gets
// its first result, never a stale verdict caused by its own write.
import type { DomainDefinition, Message, Route } from '../domain.ts';
import { isRejection } from '../domain.ts';
import type { Rejection } from '../domain.ts';
import type { ApplyBatchRequest, BatchOutcome } from '../vocabulary/projection.ts';
import type { CommandAccepted } from '../vocabulary/results.ts';
import type { ApplyGuards } from '../settings.ts';
import type { EventEnvelope } from '../vocabulary/envelope.ts';
import { AggregateStreams, type LoadedStream, type SnapshotPolicy } from './aggregateStreams.ts';
import type { EventStore } from './eventStore.ts';

export interface LoadRequest {
  commandId: string;
  commandType: string;
  data: Record<string, unknown>;
  idempotency: boolean;
  snapshots?: SnapshotPolicy;
  /** The client's expected version of the command's (single) stream. */
  expectedVersion?: number;
}

/** The client expected another version of the stream: nothing was decided. */
export interface StaleVersion {
  kind: 'stale';
  streamId: string;
  expectedVersion: number;
  actualVersion: number;
}

export type LoadOutcome = { kind: 'duplicate'; result: CommandAccepted } | { kind: 'loaded'; streams: LoadedStream[] } | StaleVersion;

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
  /** The client's expected version of the command's (single) stream, checked again inside the transaction. */
  expectedVersion?: number;
  /** Outbox delivery: the events also join the outbox, in the same transaction. */
  outbox?: boolean;
  /** Separation level 1: projections updated inside this transaction (the write side hosts them). */
  syncProjections?: { projection: string; guards: ApplyGuards; meter?: boolean }[];
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
  | StaleVersion
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

/** Read models in the event store's database (level 1), updated inside the command's transaction. */
export interface InTransactionProjections {
  applyBatch(req: ApplyBatchRequest, inTransaction: boolean): BatchOutcome;
}

export class CommandHandler {
  readonly store: EventStore;
  readonly domain: DomainDefinition;
  /** Read models hosted in this database (separation level 1). */
  readModels: InTransactionProjections | undefined;
  /** Routing and folding, shared with prediction, temporal queries and imports. */
  readonly streams: AggregateStreams;
  #schemaVersions: Map<string, number>;

  constructor(store: EventStore, domain: DomainDefinition) {
    this.store = store;
    this.domain = domain;
    this.streams = new AggregateStreams(store, domain);
    this.#schemaVersions = new Map(domain.events.map((e) => [e.type, e.schemaVersion]));
  }

  load(req: LoadRequest): LoadOutcome {
    // The commandId is not looked up here (the append transaction does it,
    // before deciding, so there is exactly one authoritative check), unless
    // a stale expected version would otherwise hide a first result.
    const routes = this.streams.routes(req.commandType, req.data);
    if (req.expectedVersion !== undefined) {
      const stale = this.#staleVersion(routes, req.expectedVersion, req.commandId, req.idempotency);
      if (stale) return stale;
    }
    const streams = routes.map((route) => this.streams.fold(route.streamId, route.aggregate, req.snapshots));
    return { kind: 'loaded', streams };
  }

  append(req: AppendRequest): AppendOutcome {
    const spec = this.streams.spec(req.commandType);
    const routes = this.streams.routesOf(spec, req.data);
    const store = this.store;
    store.sql.run('BEGIN');
    try {
      if (req.expectedVersion !== undefined) {
        const stale = this.#staleVersion(routes, req.expectedVersion, req.commandId, req.idempotency);
        if (stale) {
          store.sql.run('ROLLBACK');
          return stale;
        }
      }
      // Decide every stream first: a rejection anywhere means nothing appends.
      const decisions: StreamVerdict[] = [];
      for (let i = 0; i < routes.length; i++) {
        const route = routes[i]!;
        const loaded = req.loaded[i];
        if (!loaded || loaded.streamId !== route.streamId) throw new Error('loaded streams do not match the routes');
        const decision = this.streams.aggregate(route.aggregate).decider.decide(route.command, loaded.state);
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
          pending.push({
            streamId,
            version: ++version,
            type: e.type,
            schemaVersion: this.#schemaVersions.get(e.type) ?? 1,
            data: e.data,
            metadata,
          });
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
            {
              projection: sp.projection,
              events,
              mode: 'live',
              guards: sp.guards,
              headPosition: head,
              label: 'sync',
              ...(sp.meter ? { meter: true } : {}),
            },
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
      const aggregate = this.streams.aggregate(d.route.aggregate);
      let state = d.loaded.state;
      for (const e of d.events) state = aggregate.decider.evolve(state, e);
      const stateVersion = this.streams.stateVersion(aggregate.name, policy);
      this.store.saveSnapshot(d.route.streamId, newVersion, aggregate.name, stateVersion, state, req.at);
      taken.push({ streamId: d.route.streamId, version: newVersion, stateVersion });
    }
    return taken;
  }

  /**
   * The client's expectation against the stream's version now: undefined when
   * it holds; the first result when this commandId already succeeded (its own
   * write moved the stream); otherwise the stale verdict.
   */
  #staleVersion(
    routes: readonly Route[],
    expectedVersion: number,
    commandId: string,
    idempotency: boolean,
  ): StaleVersion | { kind: 'duplicate'; result: CommandAccepted } | undefined {
    const streamId = routes[0]?.streamId;
    if (routes.length !== 1 || streamId === undefined)
      throw new Error(`an expected version needs a command that writes one stream, not ${routes.length}`);
    const actualVersion = this.store.streamVersion(streamId);
    if (actualVersion === expectedVersion) return undefined;
    const previous = idempotency ? this.store.findCommand(commandId) : undefined;
    if (previous !== undefined) return { kind: 'duplicate', result: duplicateOf(previous) };
    return { kind: 'stale', streamId, expectedVersion, actualVersion };
  }

  /** Read the actual version (inside the transaction), then roll back. */
  #conflict(decisions: StreamVerdict[], streamId: string, expectedVersion: number): AppendOutcome {
    const decided = decisions.flatMap((d) => d.events.map((e) => ({ streamId: d.route.streamId, eventType: e.type })));
    const actualVersion = this.store.streamVersion(streamId);
    this.store.sql.run('ROLLBACK');
    return { kind: 'conflict', decided, streamId, expectedVersion, actualVersion };
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
