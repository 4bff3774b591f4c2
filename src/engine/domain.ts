// What a domain folder implements: aggregates as deciders, command specs,
// event specs, projections and queries. The engine imports no domain; a
// domain imports only these types (and validation's FieldSpec).
import type { FieldSpec } from './validation.ts';
import type { EventEnvelope } from './write/envelope.ts';
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
  schemaVersion: number;
  description: string;
}

/** What a projection handler and a query get: a small SQL helper over its own read store. */
export interface ReadStoreDb {
  run(sql: string, params?: SqlParams): void;
  get(sql: string, params?: SqlParams): SqlRow | undefined;
  all(sql: string, params?: SqlParams): SqlRow[];
}

export interface ProjectionDefinition {
  name: string;
  description: string;
  /** DDL run on a fresh read store. */
  schema: readonly string[];
  /** Event types it reacts to; other events only move its checkpoint. */
  handles: readonly string[];
  /** Apply one event. Runs inside the batch transaction with the checkpoint. */
  apply(db: ReadStoreDb, event: EventEnvelope): void;
}

export interface QuerySpec {
  type: string;
  projection: string;
  description: string;
  fields: readonly FieldSpec[];
  /** Reads only its projection's read store and returns plain JSON. */
  run(db: ReadStoreDb, params: Record<string, unknown>): unknown;
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
}
