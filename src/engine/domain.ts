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

/**
 * How a domain declares one of its events or commands, Emmett style: each
 * domain writes its unions once (`type AccountEvent = AccountOpened | …`) and
 * every spec, decider, projection, saga and test is checked against them.
 */
export type DomainEvent<T extends string, D extends object> = Readonly<{ type: T; data: D }>;
export type DomainCommand<T extends string, D extends object> = Readonly<{ type: T; data: D }>;

/** The member of union `M` named `T`. */
export type MessageOf<M extends Message, T extends M['type']> = Extract<M, { type: T }>;

/** A business rule said no. Not an exception: an ordinary result. `Code` is the decider's union of codes. */
export interface Rejection<Code extends string = string> {
  code: Code;
  message: string;
}

export type Decision<E, Code extends string = string> = readonly E[] | Rejection<Code>;

export function isRejection<E, Code extends string>(d: Decision<E, Code>): d is Rejection<Code> {
  return !Array.isArray(d);
}

export function reject<const Code extends string>(code: Code, message: string): Rejection<Code> {
  return { code, message };
}

/**
 * The Decider pattern as a domain writes it: pure functions, no I/O.
 * `decide` never throws for a business rule and refuses only with a code of
 * `R`; `evolve` never fails (events are facts). `initialState` is a factory,
 * so no two folds (or two engines) ever share a state object. States must be
 * plain JSON so they can be shown and posted between workers.
 */
export interface Decider<S, C extends Message, E extends Message, R extends string = string> {
  initialState: () => S;
  decide(command: C, state: S): Decision<E, R>;
  evolve(state: S, event: E): S;
}

/**
 * The decider as the engine runs it: `initialState` reads a fresh state each
 * time (defineAggregate turns the factory into a getter), so a fold may start
 * from it without a copy.
 */
export interface RunningDecider<S = unknown, C extends Message = Message, E extends Message = Message, R extends string = string> {
  readonly initialState: S;
  decide(command: C, state: S): Decision<E, R>;
  evolve(state: S, event: E): S;
}

interface AggregateHeader {
  name: string;
  /** Streams of this aggregate are named `${streamPrefix}${id}`. */
  streamPrefix: string;
  description: string;
  /**
   * Version of the state shape that `evolve` produces (default 1). Snapshots
   * record it; a snapshot taken under another version is ignored, never trusted.
   */
  stateVersion?: number;
}

/** What a domain writes to declare an aggregate. */
export interface AggregateSpec<S, C extends Message, E extends Message, R extends string = string> extends AggregateHeader {
  decider: Decider<S, C, E, R>;
}

/**
 * An aggregate as the engine holds it. With the default parameters it is the
 * erased shape a domain lists; defineAggregate's result keeps its unions (and
 * is assignable to the erased shape) so given/when/then stays typed.
 */
export interface AggregateDefinition<
  S = unknown,
  C extends Message = Message,
  E extends Message = Message,
  R extends string = string,
> extends AggregateHeader {
  decider: RunningDecider<S, C, E, R>;
}

export function defineAggregate<S, C extends Message, E extends Message, R extends string = string>(
  spec: AggregateSpec<S, C, E, R>,
): AggregateDefinition<S, C, E, R> {
  const { initialState, decide, evolve } = spec.decider;
  return {
    ...spec,
    decider: {
      get initialState() {
        return initialState();
      },
      decide,
      evolve,
    },
  };
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

/** What the catalogue says about one event type (its name is the key it is filed under). */
export interface EventSpecBody {
  aggregate: string;
  /** The current schema version: what deciders write and what every reader sees (older events are upcast). */
  schemaVersion: number;
  description: string;
}

export interface EventSpec extends EventSpecBody {
  type: string;
}

/**
 * A domain's event catalogue, keyed by event type: declared with
 * `satisfies EventSpecs<MyEvent>`, a missing or an extra spec fails to compile.
 */
export type EventSpecs<E extends Message> = { readonly [T in E['type']]: EventSpecBody };

/** The event types a record is keyed by (a catalogue, a table of flags…), in its order: names written once, in the record. */
export function eventTypes<T extends string>(record: { readonly [K in T]: unknown }): T[] {
  return Object.keys(record) as T[];
}

/** The catalogue as the list a DomainDefinition holds. */
export function eventList<T extends string>(specs: { readonly [K in T]: EventSpecBody }): EventSpec[] {
  return eventTypes(specs).map((type) => ({ type, ...specs[type] }));
}

/**
 * Turns the payload of `eventType` at `fromVersion` into its shape at
 * `fromVersion + 1`. Upcasters chain (V1 → V2 → V3) and are applied when
 * events are read, so the store keeps what was written and every reader
 * (deciders, projections, sagas) sees the current shape.
 */
export interface Upcaster<T extends string = string> {
  eventType: T;
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

/** An envelope whose `type` narrows `data`: one member per event of `E` (a discriminated union). */
export type EnvelopeOf<E extends Message> = E extends Message
  ? Omit<EventEnvelope, 'type' | 'data'> & { readonly type: E['type']; readonly data: E['data'] }
  : never;

/** A projection's code as a domain writes it: `apply` sees only the events named in `handles`, typed. */
export interface TypedProjectionCode<E extends Message, H extends E['type']> {
  description: string;
  schema: readonly string[];
  handles: readonly H[];
  apply(db: ReadStoreDb, event: EnvelopeOf<MessageOf<E, H>>): void;
}

export interface TypedProjectionDefinition<E extends Message, H extends E['type']> extends TypedProjectionCode<E, H> {
  name: string;
  /** Other versions of its code, built with projectionCode<E>(). */
  variants?: Record<string, ProjectionCode>;
  fanOut?: FanOutStrategy;
}

// The engine applies an event only when its type is in `handles` (the
// projection runner filters), so the narrowed `apply` is sound once erased.

/** `defineProjection<MyEvent>()({ handles: ['A', 'B'], apply(db, e) { … e.data … } })`: erased for the engine. */
export function defineProjection<E extends Message>() {
  return <const H extends E['type']>(def: TypedProjectionDefinition<E, H>): ProjectionDefinition => def as unknown as ProjectionDefinition;
}

/** A variant's code (for `variants`), typed like defineProjection. */
export function projectionCode<E extends Message>() {
  return <const H extends E['type']>(code: TypedProjectionCode<E, H>): ProjectionCode => code as unknown as ProjectionCode;
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

export interface QuerySpec<P extends object = Record<string, unknown>> {
  type: string;
  projection: string;
  description: string;
  fields: readonly FieldSpec[];
  /** Reads only its projection's read store and returns plain JSON. `params` were validated against `fields`. */
  run(db: ReadStoreDb, params: P): unknown;
}

/** A query whose params have a declared shape (validated against `fields` before `run`): erased for the engine. */
export function defineQuery<P extends object>(spec: QuerySpec<P>): QuerySpec {
  return spec as unknown as QuerySpec;
}

/** What a saga reacts to: an event of the log (with its position when it came from the log). */
export type SagaMessage<E extends Message = Message> = E & { position?: number };

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

/** A saga command typed by a union of commands: `type` narrows `data`. */
export type SagaCommandOf<C extends Message> = C extends Message ? { key: string; type: C['type']; data: C['data'] } : never;

export interface SagaReaction<S, Cmd extends SagaCommand = SagaCommand> {
  state: S;
  /** Where the flow stands, shown in traces and stored with the state. */
  status: string;
  commands?: Cmd[];
  /** Start a wait (replacing any running one), or cancel it with null. */
  timeout?: { name: string; afterMs: number } | null;
  /** The flow has finished (its outcome is the status). */
  done?: boolean;
}

interface SagaHeader<T extends string> {
  name: string;
  description: string;
  /** Event types it listens to. */
  handles: readonly T[];
  /** Event types that may start a new instance. */
  startsWith: readonly T[];
}

/**
 * A process manager: a multi-step flow across aggregates, driven by events.
 * Its functions are pure; the engine persists the state (one row per
 * instance, with the positions already handled, so a duplicate delivery is
 * skipped), sends the commands with derived commandIds and runs the timeouts
 * in virtual time. `E` is the union of events it handles (the engine
 * delivers only those), `Cmd` what it may send. With the default parameters
 * it is the erased shape a domain lists.
 */
export interface SagaDefinition<S = unknown, E extends Message = Message, Cmd extends SagaCommand = SagaCommand> extends SagaHeader<
  E['type']
> {
  /** The instance an event belongs to (undefined: none). */
  correlate(event: E): string | undefined;
  /** A fresh state on every read (defineSaga turns the spec's factory into a getter). */
  readonly initialState: S;
  /** React to an event; undefined means nothing to do. */
  react(state: S, event: SagaMessage<E>, ctx: SagaContext): SagaReaction<S, Cmd> | undefined;
  /** A wait ran out. */
  onTimeout(state: S, timeout: string, ctx: SagaContext): SagaReaction<S, Cmd> | undefined;
  /** One of its commands was refused (a business rule, or a technical failure after the resends). */
  onRejected(state: S, command: Cmd, rejection: Rejection, ctx: SagaContext): SagaReaction<S, Cmd> | undefined;
}

/** What a domain writes to declare a saga: as SagaDefinition over the events it handles (`H`), with `initialState` a factory. */
export interface SagaSpec<S, E extends Message, H extends E['type'], Cmd extends SagaCommand>
  extends Omit<SagaDefinition<S, MessageOf<E, H>, Cmd>, 'initialState' | 'handles' | 'startsWith'>, SagaHeader<H> {
  initialState: () => S;
}

/**
 * `defineSaga<MyEvent, MyCommand, MyState>()({ handles: ['A', 'B'], … })`: the
 * saga's events are narrowed to the ones it handles, its commands to the
 * domain's commands. The result is assignable to the erased SagaDefinition.
 */
export function defineSaga<E extends Message, C extends Message, S>() {
  return <const H extends E['type']>(spec: SagaSpec<S, E, H, SagaCommandOf<C>>): SagaDefinition<S, MessageOf<E, H>, SagaCommandOf<C>> => {
    const { initialState } = spec;
    return {
      ...spec,
      get initialState() {
        return initialState();
      },
    };
  };
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
