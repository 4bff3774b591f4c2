// What the terminal runs against: an async subset of the engine's public API
// plus session-level operations (time, reset, export/import). In
// the browser the sandbox's worker client implements it, so the terminal and
// the sandbox's controls drive the same engine and show the same state; in
// Node and in tests `createLocalBackend(engine)` (localBackend.ts) wraps an
// in-process Engine. Only plain data crosses this interface.
import type {
  ResultOf,
  DomainDefinition,
  EngineSettings,
  EngineStatus,
  EventEnvelope,
  FieldSpec,
  Intent,
  SqlResult,
  TraceRecord,
} from '../engine/index.ts';

import type { ClockState } from '../worker/protocol/coordinator.ts';
import type { TraceFilter } from '../worker/views/traceFilter.ts';
import type { Divergence } from '../worker/views/architecture.ts';

export type { ConsistencyOptions, ConsistencyStrategy } from '../engine/index.ts';
export type { ClockState, TraceFilter };

/**
 * What the terminal dispatches: the engine's own Intent. Queries carry the
 * consistency options at the intent's top level (`{ kind: 'query', query,
 * sessionId, consistency }`), projection intents include the shadow
 * (blue/green) actions. Plain JSON, passed through as is.
 */
export type TerminalIntent = Intent;

/** Plain-data description of the loaded domain: what completion, help and parsing need. */
export interface DomainCatalog {
  name: string;
  title: string;
  description: string;
  aggregates: { name: string; streamPrefix: string; description: string }[];
  commands: { type: string; description: string; fields: FieldSpec[] }[];
  queries: { type: string; projection: string; description: string; fields: FieldSpec[] }[];
  /** `variants`: other versions of its code a shadow rebuild can build ('current' is the definition itself). */
  projections: { name: string; description: string; variants: string[] }[];
  events: { type: string; aggregate: string; description: string }[];
}

/** Strip a DomainDefinition down to plain data (functions stay behind). */
export function catalogOf(domain: DomainDefinition): DomainCatalog {
  const fields = (fs: readonly FieldSpec[]): FieldSpec[] => fs.map((f) => JSON.parse(JSON.stringify(f)) as FieldSpec);
  return {
    name: domain.name,
    title: domain.title,
    description: domain.description,
    aggregates: domain.aggregates.map((a) => ({ name: a.name, streamPrefix: a.streamPrefix, description: a.description })),
    commands: domain.commands.map((c) => ({ type: c.type, description: c.description, fields: fields(c.fields) })),
    queries: domain.queries.map((q) => ({ type: q.type, projection: q.projection, description: q.description, fields: fields(q.fields) })),
    projections: domain.projections.map((p) => ({ name: p.name, description: p.description, variants: Object.keys(p.variants ?? {}) })),
    events: domain.events.map((e) => ({ type: e.type, aggregate: e.aggregate, description: e.description })),
  };
}

export interface StreamSummary {
  streamId: string;
  version: number;
  lastPosition: number;
}

export interface DomainInfo {
  name: string;
  title: string;
  description: string;
}

export interface ResetOptions {
  /** A new seed; the current one when omitted. */
  seed?: number;
  /** Another registered domain; the current one when omitted. */
  domain?: string;
  /** Back to default settings; otherwise the current settings are kept. */
  defaults?: boolean;
}

/** Where a fork left the session (`fork <seq>`, src/sandbox/fork.ts). */
export interface ForkOutcome {
  /** The record both branches share. */
  seq: number;
  /** Where the run now stands: the fork record's instant and step. */
  at: number;
  step: number;
  /** Recorded intents kept (before the record) and dropped (after it). */
  kept: number;
  dropped: number;
  /** The run now current and the one kept to compare, when the backend keeps one. */
  branch?: string;
  other?: string;
}

export interface TerminalBackend {
  /** The loaded domain as plain data. */
  catalog(): Promise<DomainCatalog>;
  /** Commands and queries run to completion; configure and projection intents apply at once. */
  dispatch<I extends TerminalIntent>(intent: I): Promise<ResultOf<I>>;
  status(): Promise<EngineStatus>;
  settings(): Promise<EngineSettings>;
  clock(): Promise<ClockState>;
  /**
   * Read-only SQL, enforced by SQLite: store is 'write' or a projection name.
   * A backend that can stop a long query rejects with an error whose code is
   * 'QUERY_STOPPED' and whose message says so.
   */
  readOnlySql(store: string, sql: string): Promise<SqlResult>;
  /** Stop a long-running read such as an SQL query (Ctrl+C); true when one was stopped. */
  interrupt?(): boolean;
  readStream(streamId: string): Promise<EventEnvelope[]>;
  readAll(fromPosition: number, limit: number): Promise<EventEnvelope[]>;
  listStreams(): Promise<StreamSummary[]>;
  trace(filter: TraceFilter): Promise<TraceRecord[]>;

  // time
  play(): Promise<void>;
  pause(): Promise<void>;
  setSpeed(speed: number): Promise<void>;
  /** Run up to n scheduled tasks; returns how many ran (fewer when the simulation went idle). */
  step(n: number): Promise<number>;
  advance(ms: number): Promise<void>;
  runUntilIdle(): Promise<void>;

  // session
  reset(options?: ResetOptions): Promise<void>;
  exportSession(): Promise<string>;
  /** Replace the session with an exported one; on any error the current session is left as it was. */
  importSession(text: string): Promise<void>;
  listDomains?(): Promise<DomainInfo[]>;
  /** Continue from trace record `seq`: replay the session up to it and drop what came after (a bad seq rejects, nothing changes). */
  fork?(seq: number): Promise<ForkOutcome>;
  /** Where this projection's read model disagrees with its events, as the sandbox last measured it (worker/views/divergence.ts). */
  divergences?(projection: string): Promise<Divergence[]>;
}
