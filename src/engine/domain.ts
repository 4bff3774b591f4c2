// What a domain folder implements: aggregates as deciders, command specs,
// event specs, projections and queries. The engine imports no domain; a
// domain imports only these types (and validation's FieldSpec).
import type { FieldSpec } from './validation.ts';
import type { EventEnvelope } from './vocabulary/envelope.ts';
import type { SqlParams, SqlRow } from './sqlite.ts';

/** A command or an event: a name plus plain JSON data. */
export interface Message<T extends string = string, D = Record<string, unknown>> {
  type: T;
  data: D;
}

/** A business rule said no. Not an exception: an ordinary result. */
export interface Rejection {
  code: string;
  message: string;
}

export type Decision<E> = readonly E[] | Rejection;

export function isRejection<E>(d: Decision<E>): d is Rejection {
  return !Array.isArray(d);
}

export function reject(code: string, message: string): Rejection {
  return { code, message };
}

/**
 * The Decider pattern: pure functions, no I/O. `decide` never throws for a
 * business rule; `evolve` never fails (events are facts). States must be
 * plain JSON so they can be shown and posted between workers.
 */
export interface Decider<S, C extends Message, E extends Message> {
  initialState: S;
  decide(command: C, state: S): Decision<E>;
  evolve(state: S, event: E): S;
}

export interface AggregateDefinition<S = unknown, C extends Message = Message, E extends Message = Message> {
  name: string;
  /** Streams of this aggregate are named `${streamPrefix}${id}`. */
  streamPrefix: string;
  description: string;
  decider: Decider<S, C, E>;
  /**
   * Version of the state shape that `evolve` produces (default 1). Snapshots
   * record it; a snapshot taken under another version is ignored, never trusted.
   */
  stateVersion?: number;
}

/** Erase an aggregate's precise types so a domain can list its aggregates together. */
export function defineAggregate<S, C extends Message, E extends Message>(
  def: AggregateDefinition<S, C, E>,
): AggregateDefinition {
  return def as unknown as AggregateDefinition;
}

/** One stream a command touches, and the aggregate command decided on it. */
export interface Route {
  aggregate: string;
  streamId: string;
  command: Message;
}

export interface CommandSpec {
  type: string;
  description: string;
  fields: readonly FieldSpec[];
  /**
   * The stream(s) to load and the command each aggregate decides. Several
   * routes are decided independently and appended in one transaction:
   * either all append or none does.
   */
  route(data: Record<string, unknown>): Route[];
  /** Ids worth returning to the caller (e.g. the order id). */
  ids?(data: Record<string, unknown>): Record<string, string>;
}

export interface EventSpec {
  type: string;
  aggregate: string;
  /** The current schema version: what deciders write and what every reader sees (older events are upcast). */
  schemaVersion: number;
  description: string;
}

/**
 * Turns the payload of `eventType` at `fromVersion` into its shape at
 * `fromVersion + 1`. Upcasters chain (V1 → V2 → V3) and are applied when
 * events are read, so the store keeps what was written and every reader
 * (deciders, projections, sagas) sees the current shape.
 */
export interface Upcaster {
  eventType: string;
  fromVersion: number;
  description: string;
  upcast(data: Record<string, unknown>): Record<string, unknown>;
}

/** What a projection handler and a query get: a small SQL helper over its own read store. */
export interface ReadStoreDb {
  run(sql: string, params?: SqlParams): void;
  get(sql: string, params?: SqlParams): SqlRow | undefined;
  all(sql: string, params?: SqlParams): SqlRow[];
}

/** The code of a projection: what a new version (a shadow build) replaces. */
export interface ProjectionCode {
  description: string;
  /** DDL run on a fresh read store. */
  schema: readonly string[];
  /** Event types it reacts to; other events only move its checkpoint. */
  handles: readonly string[];
  /** Apply one event. Runs inside the batch transaction with the checkpoint. */
  apply(db: ReadStoreDb, event: EventEnvelope): void;
}

/** Feed strategies measured by the engine (rows written per event, rows read per query). */
export type FanOutStrategy = 'push' | 'pull' | 'hybrid';

export interface ProjectionDefinition extends ProjectionCode {
  name: string;
  /**
   * Other versions of this projection's code, by name, that a shadow
   * (blue/green) rebuild can build beside the live one. They must keep the
   * tables and columns the projection's queries read. The definition itself
   * is the version called 'current'.
   */
  variants?: Record<string, ProjectionCode>;
  /** A feed projection: the engine meters rows written per event and rows read per query and traces them as feed.* records. */
  fanOut?: FanOutStrategy;
}

export interface QuerySpec {
  type: string;
  projection: string;
  description: string;
  fields: readonly FieldSpec[];
  /** Reads only its projection's read store and returns plain JSON. */
  run(db: ReadStoreDb, params: Record<string, unknown>): unknown;
}

/** What a saga reacts to: an event of the log, the refusal of one of its commands, or the end of a wait. */
export type SagaMessage = Message & { position?: number };

export interface SagaContext {
  /** Virtual time now. */
  now: number;
  /**
   * A number in [0, 1) derived from the engine's seed, the saga instance and
   * `key`: the same run always draws the same value (and a redelivered event
   * draws the same value again).
   */
  random(key: string): number;
  settings: { failureProbability: number; timeoutMs: number };
}

export interface SagaCommand {
  /** Names the step; the commandId is derived from it, so a resend is idempotent. */
  key: string;
  type: string;
  data: Record<string, unknown>;
}

export interface SagaReaction<S> {
  state: S;
  /** Where the flow stands, shown in traces and stored with the state. */
  status: string;
  commands?: SagaCommand[];
  /** Start a wait (replacing any running one), or cancel it with null. */
  timeout?: { name: string; afterMs: number } | null;
  /** The flow has finished (its outcome is the status). */
  done?: boolean;
}

/**
 * A process manager: a multi-step flow across aggregates, driven by events.
 * Its functions are pure; the engine persists the state (one row per
 * instance, with the positions already handled, so a duplicate delivery is
 * skipped), sends the commands with derived commandIds and runs the timeouts
 * in virtual time.
 */
export interface SagaDefinition<S = unknown> {
  name: string;
  description: string;
  /** Event types it listens to. */
  handles: readonly string[];
  /** Event types that may start a new instance. */
  startsWith: readonly string[];
  /** The instance an event belongs to (undefined: none). */
  correlate(event: Message): string | undefined;
  initialState: S;
  /** React to an event; undefined means nothing to do. */
  react(state: S, event: SagaMessage, ctx: SagaContext): SagaReaction<S> | undefined;
  /** A wait ran out. */
  onTimeout(state: S, timeout: string, ctx: SagaContext): SagaReaction<S> | undefined;
  /** One of its commands was refused (a business rule, or a technical failure after the resends). */
  onRejected(state: S, command: SagaCommand, rejection: Rejection, ctx: SagaContext): SagaReaction<S> | undefined;
}

/** Erase a saga's state type so a domain can list its sagas together. */
export function defineSaga<S>(def: SagaDefinition<S>): SagaDefinition {
  return def as unknown as SagaDefinition;
}

export interface DomainDefinition {
  name: string;
  title: string;
  description: string;
  aggregates: readonly AggregateDefinition[];
  commands: readonly CommandSpec[];
  events: readonly EventSpec[];
  projections: readonly ProjectionDefinition[];
  queries: readonly QuerySpec[];
  /** Schema evolution: how older event payloads become the current shape. */
  upcasters?: readonly Upcaster[];
  /** Process managers driven by this domain's events. */
  sagas?: readonly SagaDefinition[];
}
