// The coordinator. It owns the virtual clock, the scheduler, the seeded
// generator, the bus and the trace, and drives the write side and the read
// side through ports that exchange only plain data (in the browser each
// side lives in its own worker). Everything that happens is a scheduled
// task; every task appends trace records; intents are recorded with the
// step at which they arrived, so a script replays to the identical trace.
import type { DomainDefinition, Rejection, SagaCommand } from './domain.ts';
import {
  ConcurrencyError,
  EngineError,
  InvalidIntentError,
  InvalidPayloadError,
  InvalidSettingError,
  NotQuiescentError,
  ProjectionStateError,
  ReadModelUnavailableError,
  UnknownCommandError,
  UnknownProjectionError,
  UnknownQueryError,
  UnsupportedError,
} from './errors.ts';
import { EventBus, type Delivery } from './bus/eventBus.ts';
import { VirtualClock } from './clock.ts';
import {
  CONSISTENCY_STRATEGIES,
  PROJECTION_ACTIONS,
  type AsOf,
  type CommandInput,
  type ConsistencyOptions,
  type ImportedEventInput,
  type Intent,
  type ProjectionAction,
  type QueryInput,
  type ScriptEntry,
} from './vocabulary/intent.ts';
import type { ApplyBatchRequest, BatchOutcome, Comparison, ProjectionCounters } from './vocabulary/projection.ts';
import type { QueryAnswer } from './read/readModels.ts';
import { ReadSide, type ReadModelsPort, type ReadSidePort } from './readSide.ts';
import type { SqlResult } from './readOnlySql.ts';
import type { AnswerSource, CommandAccepted, CommandResult, ProjectionStatus, QueryConsistency, QueryResult } from './vocabulary/results.ts';
import { SeededRng } from './rng.ts';
import { Scheduler } from './scheduler.ts';
import {
  DEFAULT_SETTINGS,
  applySettingsPatch,
  cloneSettings,
  guardsFor,
  syncProjections,
  type EngineSettings,
  type ProjectionGuards,
  type SeparationLevel,
  type SettingsPatch,
} from './settings.ts';
import type { SqlJsStatic } from './sqlite.ts';
import { Trace, type TraceBody, type TraceListener, type TraceRecord } from './vocabulary/trace.ts';
import { validatePayload } from './validation.ts';
import type { AggregateAtResult, LoadedStream, SnapshotPolicy } from './write/commandHandler.ts';
import type { EventEnvelope } from './vocabulary/envelope.ts';
import type { StreamInfo } from './write/eventStore.ts';
import type { SagaInstance, SagaOutcome } from './write/sagaStore.ts';
import { Upcasting } from './write/upcasting.ts';
import { WriteSide, type WriteSidePort } from './writeSide.ts';

export interface EngineOptions {
  domain: DomainDefinition;
  seed: number;
  settings?: SettingsPatch;
  /** The initialised sql.js module; used to build both sides in-process. */
  sql?: SqlJsStatic;
  /** Or the sides themselves (e.g. proxies to workers). */
  write?: WriteSidePort;
  read?: ReadSidePort;
  /** Keep only the latest N trace records in memory (listeners still get all). */
  traceLimit?: number;
}

export interface ShadowInfo {
  variant: string;
  /** candidate: built beside the live store, waiting to take over; previous: the version a flip replaced, kept for a rollback. */
  role: 'candidate' | 'previous';
  /** building: still replaying history; caughtUp: it reached the head once and now follows the log. */
  status: 'building' | 'caughtUp';
  position: number;
  lagEvents: number;
  events: number;
}

export interface ProjectionInfo {
  name: string;
  status: ProjectionStatus;
  /** Watermark: every event up to here is reflected. */
  position: number;
  headPosition: number;
  lagEvents: number;
  lagMs: number;
  /** Delivered but not yet applied. */
  inbox: number;
  /** Held by the bus during a pause. */
  heldByBus: number;
  counters: ProjectionCounters;
  guards: ProjectionGuards;
  /** How it is fed now: through the bus, or inside every command. */
  mode: 'async' | 'sync';
  /** The version of its code answering queries ('current' unless a shadow build was flipped in). */
  variant: string;
  /** The store beside the live one (shadow build), if any. */
  shadow: ShadowInfo | null;
}

export interface EngineStatus {
  at: number;
  step: number;
  pendingTasks: number;
  headPosition: number;
  projections: ProjectionInfo[];
  separationLevel: SeparationLevel;
  delivery: EngineSettings['delivery'];
  /** Positions whose publication was lost (dual write under a fault): no read model will get them through the bus. */
  lostPositions: number[];
}

export interface SubscriptionReceipt {
  subscriptionId: string;
  projection: string;
  position: number;
}

export interface ShadowComparison extends Comparison {
  projection: string;
}

export interface ProjectionAtResult {
  projection: string;
  asOf: { position: number } | { at: number };
  /** The log position the state was rebuilt to. */
  position: number;
  /** The query's answer on that state, when a query was given. */
  data?: unknown;
  /** Every table of the projection as of then, when no query was given. */
  tables?: Record<string, { columns: string[]; rows: unknown[][]; truncated: boolean }>;
}

export interface ImportResult {
  commandId: string;
  events: { position: number; streamId: string; version: number; eventType: string; storedSchemaVersion: number }[];
}

export interface SessionInfo {
  sessionId: string;
  /** Consistency token of the session's last accepted write (0: none). */
  lastWrite: number;
  consistency: ConsistencyOptions | null;
}

export interface FaultInfo {
  fault: 'publishCrash';
  stage: 'beforePublish' | 'afterPublish';
  /** Crashes armed in total. */
  armed: number;
}

export type SubmitReceipt =
  | { kind: 'command'; commandId: string }
  | { kind: 'query'; queryId: string }
  | { kind: 'configure'; settings: EngineSettings }
  | { kind: 'projection'; projection: ProjectionInfo }
  | { kind: 'session'; session: SessionInfo }
  | { kind: 'subscribe'; subscription: SubscriptionReceipt }
  | { kind: 'aggregateAt'; requestId: string }
  | { kind: 'projectionAt'; requestId: string }
  | { kind: 'import'; commandId: string }
  | { kind: 'fault'; fault: FaultInfo };

export type DispatchResult =
  | CommandResult
  | QueryResult
  | EngineSettings
  | ProjectionInfo
  | ShadowComparison
  | SessionInfo
  | SubscriptionReceipt
  | AggregateAtResult
  | ProjectionAtResult
  | ImportResult
  | FaultInfo;

interface CommandRun {
  commandId: string;
  commandType: string;
  data: Record<string, unknown>;
  correlationId: string;
  sessionId: string | undefined;
  receivedAt: number;
  attempts: number;
  done: boolean;
  result?: CommandResult;
  error?: EngineError;
  /** Submitted by the engine itself (a saga): not recorded in the script. */
  internal?: boolean;
  /** The events it appended. */
  events?: EventEnvelope[];
  onDone?: (run: CommandRun) => void;
}

interface QueryRun {
  queryId: string;
  type: string;
  projection: string;
  params: Record<string, unknown>;
  sessionId: string | undefined;
  done: boolean;
  result?: QueryResult;
  error?: EngineError;
  /** Explicit options, else the session's default at arrival. */
  explicit: ConsistencyOptions | undefined;
  consistency: ConsistencyOptions;
  receivedAt: number;
  required: number | null;
  sessionWrite: number;
  waitedMs: number;
  polls: number;
  timedOut: boolean;
  resumed: boolean;
}

interface Request<T> {
  done: boolean;
  result?: T;
  error?: EngineError;
}

interface ShadowProcess {
  gen: number;
  variant: string;
  role: 'candidate' | 'previous';
  status: 'building' | 'caughtUp';
  cursor: number;
  watermark: number;
  events: number;
  busy: boolean;
  scheduled: boolean;
  pendingSwap?: 'flip' | 'rollback';
}

interface ProjectionProcess {
  name: string;
  status: ProjectionStatus;
  inbox: EventEnvelope[];
  busy: boolean;
  drainScheduled: boolean;
  crashArmed: boolean;
  watermark: number;
  counters: ProjectionCounters;
  /** Next position to read when catching up or rebuilding. */
  cursor: number;
  rebuilt: number;
  variant: string;
  shadow: ShadowProcess | undefined;
}

interface Session {
  id: string;
  lastWrite: number;
  consistency: ConsistencyOptions | null;
  runs: CommandRun[];
  cache: Map<string, { data: unknown; position: number; at: number }>;
}

interface Waiter {
  projection: string;
  target: number;
  fire: () => void | Promise<void>;
}

interface OptimisticWatch {
  queryId: string;
  projection: string;
  type: string;
  params: Record<string, unknown>;
  data: unknown;
  runs: CommandRun[];
  rolledBack: Set<string>;
  at: number;
  sessionId: string | undefined;
}

const SAGA_PREFIX = 'saga:';

/**
 * The merge part of a `projection.apply` task: its read-side request and what
 * to do with the outcome. Applies of distinct projections due at the same
 * instant share one round trip (see #stepNow): building a request reads
 * nothing that handling another projection's outcome can change, and any
 * task that handling schedules runs after the whole group anyway.
 */
interface LiveApply {
  projection: string;
  request(): ApplyBatchRequest;
  applied(outcome: BatchOutcome): void;
}

export function createEngine(options: EngineOptions): Engine {
  return new Engine(options);
}

export class Engine {
  readonly domain: DomainDefinition;
  readonly seed: number;
  readonly clock = new VirtualClock();
  readonly scheduler: Scheduler<LiveApply>;
  readonly rng: SeededRng;
  readonly #trace: Trace;
  readonly #write: WriteSidePort;
  readonly #read: ReadSidePort;
  readonly #bus: EventBus;
  readonly #owned: { close(): void }[] = [];
  #settings: EngineSettings;
  /** Where the read models live now (the sides were told). */
  #level: SeparationLevel;
  #projections = new Map<string, ProjectionProcess>();
  #sagaNames = new Map<string, Set<string>>();
  #head = 0;
  /** recordedAt of each position (index = position), for lag in ms. */
  #appendedAt: number[] = [0];
  #commandSeq = 0;
  #querySeq = 0;
  #requestSeq = 0;
  #subscriptionSeq = 0;
  #importSeq = 0;
  #shadowGen = 0;
  #script: ScriptEntry[] = [];
  #inStep = false;
  #deferred: (() => void)[] = [];
  #stepChain: Promise<unknown> = Promise.resolve();
  /** Side work (a change of separation level) every later step waits for. */
  #pendingSides: Promise<unknown> = Promise.resolve();
  #sessions = new Map<string, Session>();
  #waiters: Waiter[] = [];
  #watches: OptimisticWatch[] = [];
  #faults: ('beforePublish' | 'afterPublish')[] = [];
  #faultsArmed = 0;
  #lost: number[] = [];
  #relayScheduled = false;
  #relayAttempts = 0;
  #sagaTimers = new Map<string, { key: string; handle: number }>();
  /** Outbox mode: the projections that already got an event synchronously, until the relay publishes it. */
  #syncedAt = new Map<number, string[]>();

  constructor(options: EngineOptions) {
    this.domain = options.domain;
    this.seed = options.seed;
    this.scheduler = new Scheduler<LiveApply>(this.clock);
    this.rng = new SeededRng(options.seed);
    this.#trace = new Trace(options.traceLimit);
    Upcasting.validate(options.domain);
    const names = options.domain.projections.map((p) => p.name);
    this.#settings = applySettingsPatch(DEFAULT_SETTINGS, options.settings ?? {}, names, this.#aggregateNames());
    this.#level = this.#settings.separationLevel;
    const level = this.#level;
    if (options.write) this.#write = options.write;
    else {
      if (!options.sql) throw new InvalidIntentError('createEngine needs either `sql` (the initialised sql.js module) or both sides.');
      const w = new WriteSide(options.sql, options.domain, { separationLevel: level });
      this.#owned.push(w);
      this.#write = w;
    }
    if (options.read) this.#read = options.read;
    else {
      if (!options.sql) throw new InvalidIntentError('createEngine needs either `sql` (the initialised sql.js module) or both sides.');
      const r = new ReadSide(options.sql, options.domain, { separationLevel: level });
      this.#owned.push(r);
      this.#read = r;
    }
    // Sides passed in were built for level 3 unless told otherwise.
    if (level !== 3 && (options.write || options.read)) this.#pendingSides = this.#tellSides(level, options.write !== undefined, options.read !== undefined);
    for (const name of names) {
      this.#projections.set(name, {
        name,
        status: 'live',
        inbox: [],
        busy: false,
        drainScheduled: false,
        crashArmed: false,
        watermark: 0,
        counters: { applied: 0, duplicatesSkipped: 0, ignored: 0, gapsDetected: 0, held: 0 },
        cursor: 1,
        rebuilt: 0,
        variant: 'current',
        shadow: undefined,
      });
    }
    for (const saga of options.domain.sagas ?? []) this.#sagaNames.set(SAGA_PREFIX + saga.name, new Set(saga.handles));
    this.#bus = new EventBus({
      scheduler: this.scheduler,
      rng: this.rng,
      trace: this.#trace,
      settings: () => this.#settings.bus,
      subscribers: [...names, ...this.#sagaNames.keys()],
      onDeliver: (d) => this.#onDeliver(d),
    });
  }

  // ── reading the engine ─────────────────────────────────────────────────

  get now(): number {
    return this.clock.now;
  }
  get settings(): EngineSettings {
    return cloneSettings(this.#settings);
  }
  /** Trace records kept in memory (all of them unless traceLimit was set). */
  get trace(): readonly TraceRecord[] {
    return this.#trace.records;
  }
  onTrace(listener: TraceListener): () => void {
    return this.#trace.onRecord(listener);
  }
  get headPosition(): number {
    return this.#head;
  }
  /** Where the simulation stands: replaying a script up to here gives the same trace. */
  position(): { at: number; step: number } {
    return { at: this.clock.now, step: this.scheduler.steps };
  }
  /** A copy of the recorded intents, from index `from` on (the script only grows). */
  recordedScript(from = 0): ScriptEntry[] {
    return JSON.parse(JSON.stringify(from > 0 ? this.#script.slice(from) : this.#script)) as ScriptEntry[];
  }
  /** How many intents are recorded, without copying them. */
  recordedCount(): number {
    return this.#script.length;
  }

  status(): EngineStatus {
    return {
      at: this.clock.now,
      step: this.scheduler.steps,
      pendingTasks: this.scheduler.pending,
      headPosition: this.#head,
      projections: [...this.#projections.values()].map((p) => this.#info(p)),
      separationLevel: this.#level,
      delivery: this.#settings.delivery,
      lostPositions: [...this.#lost],
    };
  }

  projectionInfo(name: string): ProjectionInfo {
    return this.#info(this.#projection(name));
  }

  /** A session's last write and default consistency strategy. */
  session(sessionId: string): SessionInfo {
    const s = this.#sessions.get(sessionId);
    return { sessionId, lastWrite: s?.lastWrite ?? 0, consistency: s?.consistency ?? null };
  }

  async readStream(streamId: string): Promise<EventEnvelope[]> {
    await this.#pendingSides;
    return this.#write.readStream(streamId);
  }
  async readAll(fromPosition = 1, limit = 1000): Promise<EventEnvelope[]> {
    await this.#pendingSides;
    return this.#write.readAll(fromPosition, limit);
  }
  async listStreams(): Promise<StreamInfo[]> {
    await this.#pendingSides;
    return this.#write.listStreams();
  }
  /** The sagas' persisted instances (state, status, running wait). */
  async sagaInstances(saga?: string): Promise<SagaInstance[]> {
    await this.#pendingSides;
    if (!this.#write.sagaInstances) return [];
    return this.#write.sagaInstances(saga);
  }

  /** Learner SQL, read-only: store is 'write' or a projection name. */
  async readOnlySql(store: string, sql: string): Promise<SqlResult> {
    await this.#pendingSides;
    if (store === 'write') return this.#write.readOnlySql(sql);
    if (!this.#projections.has(store)) throw new UnknownProjectionError(store, ['write', ...this.#projections.keys()]);
    if (this.#level === 1) return need(this.#write.readModelSql, 'read-model SQL at separation level 1').call(this.#write, store, sql);
    return this.#read.readOnlySql(store, sql);
  }

  /**
   * A copy of a store's SQLite file ('write' or a projection name), for
   * running learner SQL somewhere that can be stopped: sql.js cannot
   * interrupt a query, so an endless one would otherwise hang this engine.
   */
  async exportStore(store: 'write' | string): Promise<Uint8Array> {
    await this.#pendingSides;
    if (store !== 'write' && !this.#projections.has(store)) throw new UnknownProjectionError(store, ['write', ...this.#projections.keys()]);
    if (store === 'write' || this.#level === 1) return need(this.#write.exportStore, 'exporting a store').call(this.#write, store);
    return need(this.#read.exportStore, 'exporting a read store').call(this.#read, store);
  }

  // ── driving the engine ─────────────────────────────────────────────────

  /** Run a command to completion (the rest of the world keeps running meanwhile). */
  async execute(command: CommandInput, options: { sessionId?: string } = {}): Promise<CommandResult> {
    const intent: Intent = { kind: 'command', command, ...optionalSession(options.sessionId) };
    return (await this.dispatch(intent)) as CommandResult;
  }

  async query(query: QueryInput, options: { sessionId?: string; consistency?: ConsistencyOptions } = {}): Promise<QueryResult> {
    const intent: Intent = {
      kind: 'query',
      query,
      ...optionalSession(options.sessionId),
      ...(options.consistency !== undefined ? { consistency: options.consistency } : {}),
    };
    return (await this.dispatch(intent)) as QueryResult;
  }

  configure(settings: SettingsPatch): EngineSettings {
    const r = this.submit({ kind: 'configure', settings });
    return (r as { settings: EngineSettings }).settings;
  }

  controlProjection(action: ProjectionAction, name: string, variant?: string): ProjectionInfo {
    const r = this.submit({ kind: 'projection', action, name, ...(variant !== undefined ? { variant } : {}) });
    return (r as { projection: ProjectionInfo }).projection;
  }

  /** Set a session's default consistency strategy (null: eventual). */
  setSessionConsistency(sessionId: string, consistency: ConsistencyOptions | null): SessionInfo {
    const r = this.submit({ kind: 'session', sessionId, consistency });
    return (r as { session: SessionInfo }).session;
  }

  /** Push: a `subscription.notified` record when `projection` has reflected everything up to `position`. */
  subscribe(projection: string, position: number, options: { sessionId?: string } = {}): SubscriptionReceipt {
    const r = this.submit({ kind: 'subscribe', projection, position, ...optionalSession(options.sessionId) });
    return (r as { subscription: SubscriptionReceipt }).subscription;
  }

  async aggregateAt(streamId: string, asOf: AsOf): Promise<AggregateAtResult> {
    return (await this.dispatch({ kind: 'aggregateAt', streamId, asOf })) as AggregateAtResult;
  }

  async projectionAt(projection: string, asOf: { position: number } | { at: number }, query?: QueryInput): Promise<ProjectionAtResult> {
    return (await this.dispatch({ kind: 'projectionAt', projection, asOf, ...(query ? { query } : {}) })) as ProjectionAtResult;
  }

  async importEvents(events: ImportedEventInput[]): Promise<ImportResult> {
    return (await this.dispatch({ kind: 'import', events })) as ImportResult;
  }

  async compareShadow(name: string): Promise<ShadowComparison> {
    return (await this.dispatch({ kind: 'projection', action: 'compare', name })) as ShadowComparison;
  }

  /** Arm `count` crashes between commit and publish (see the fault intent). */
  injectFault(stage: 'beforePublish' | 'afterPublish' = 'beforePublish', count = 1): FaultInfo {
    const r = this.submit({ kind: 'fault', fault: 'publishCrash', stage, count });
    return (r as { fault: FaultInfo }).fault;
  }

  /**
   * The single entry for scripts, terminal and UI: submit, and for intents
   * that produce an answer (commands, queries, temporal queries, imports,
   * comparisons) run the simulation until it is there.
   */
  async dispatch(intent: Intent): Promise<DispatchResult> {
    if (intent?.kind === 'command') {
      const run = this.#submitCommand(intent.command, intent.sessionId);
      await this.#runUntil(() => run.done);
      if (run.error) throw run.error;
      return run.result!;
    }
    if (intent?.kind === 'query') {
      const run = this.#submitQuery(intent.query, intent.sessionId, intent.consistency);
      await this.#runUntil(() => run.done);
      if (run.error) throw run.error;
      return run.result!;
    }
    if (intent?.kind === 'aggregateAt' || intent?.kind === 'projectionAt' || intent?.kind === 'import' || (intent?.kind === 'projection' && intent.action === 'compare')) {
      const req = this.#submitRequest(intent);
      await this.#runUntil(() => req.done);
      if (req.error) throw req.error;
      return req.result as DispatchResult;
    }
    const receipt = this.submit(intent);
    switch (receipt.kind) {
      case 'configure':
        return receipt.settings;
      case 'projection':
        return receipt.projection;
      case 'session':
        return receipt.session;
      case 'subscribe':
        return receipt.subscription;
      case 'fault':
        return receipt.fault;
      default:
        throw new InvalidIntentError(`Intent '${receipt.kind}' has no answer.`);
    }
  }

  /** Validate and schedule at the current instant; nothing runs until time is driven. */
  submit(intent: Intent): SubmitReceipt {
    if (intent === null || typeof intent !== 'object') throw new InvalidIntentError('An intent must be an object with a `kind`.');
    switch (intent.kind) {
      case 'command':
        return { kind: 'command', commandId: this.#submitCommand(intent.command, intent.sessionId).commandId };
      case 'query':
        return { kind: 'query', queryId: this.#submitQuery(intent.query, intent.sessionId, intent.consistency).queryId };
      case 'configure':
        return { kind: 'configure', settings: this.#configure(intent.settings) };
      case 'projection':
        if (intent.action === 'compare') {
          this.#submitRequest(intent);
          return { kind: 'projection', projection: this.#info(this.#projection(intent.name)) };
        }
        return { kind: 'projection', projection: this.#control(intent.action, intent.name, intent.variant) };
      case 'session':
        return { kind: 'session', session: this.#configureSession(intent.sessionId, intent.consistency) };
      case 'subscribe':
        return { kind: 'subscribe', subscription: this.#subscribe(intent.projection, intent.position, intent.sessionId) };
      case 'aggregateAt':
        this.#submitRequest(intent);
        return { kind: 'aggregateAt', requestId: `req-${this.#requestSeq}` };
      case 'projectionAt':
        this.#submitRequest(intent);
        return { kind: 'projectionAt', requestId: `req-${this.#requestSeq}` };
      case 'import':
        this.#submitRequest(intent);
        return { kind: 'import', commandId: `import-${this.#importSeq}` };
      case 'fault':
        return { kind: 'fault', fault: this.#armFault(intent) };
      default:
        throw new InvalidIntentError(
          `Unknown intent kind '${String((intent as { kind?: unknown }).kind)}'. Use one of: command, query, configure, projection, session, subscribe, aggregateAt, projectionAt, import, fault.`,
        );
    }
  }

  /** Run the next scheduled task, alone. False when there is nothing to run. */
  async step(): Promise<boolean> {
    return (await this.stepMerged(1)) > 0;
  }

  /**
   * Run the next scheduled task; when it is a projection's live apply, run
   * with it the live applies of other projections right behind it, due at
   * the same instant, sending their batches to the read side in one round
   * trip (at most `maxSteps` tasks). Each task is one step and the trace is
   * the one step() would give, task by task. Returns the steps run, 0 when
   * idle.
   */
  stepMerged(maxSteps = Number.POSITIVE_INFINITY): Promise<number> {
    const next = this.#stepChain.then(() => this.#stepNow(maxSteps));
    this.#stepChain = next.catch(() => undefined);
    return next;
  }

  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.clock.now + ms);
  }

  /** Run every task due at or before `t`, then set the clock to `t`. */
  async advanceTo(t: number): Promise<void> {
    for (;;) {
      const next = this.scheduler.nextAt();
      if (next === undefined || next > t) break;
      await this.stepMerged();
    }
    if (t > this.clock.now) this.clock.set(t);
  }

  /** Run until nothing is scheduled (quiescence). */
  async runUntilIdle(maxSteps = 5_000_000): Promise<void> {
    let n = 0;
    for (;;) {
      const ran = await this.stepMerged(maxSteps - n);
      if (ran === 0) return;
      n += ran;
      if (n >= maxSteps) throw new NotQuiescentError(n);
    }
  }

  /** Replay recorded intents on this (fresh) engine. */
  async replay(script: readonly ScriptEntry[]): Promise<void> {
    for (const entry of script) {
      if (entry.step !== undefined) {
        await this.runToStep(entry.step);
        if (entry.at > this.clock.now) this.clock.set(entry.at);
      } else {
        await this.advanceTo(entry.at);
      }
      this.submit(entry.intent);
    }
  }

  /** Run exactly until `step` tasks have run in total. */
  async runToStep(step: number): Promise<void> {
    while (this.scheduler.steps < step) {
      // Never merges past `step`: a script's intent lands exactly there.
      if ((await this.stepMerged(step - this.scheduler.steps)) === 0) throw new InvalidIntentError(`The script expects step ${step}, but the simulation went idle at step ${this.scheduler.steps}.`);
    }
  }

  close(): void {
    for (const o of this.#owned) o.close();
  }

  // ── internals: stepping ────────────────────────────────────────────────

  async #stepNow(maxSteps: number): Promise<number> {
    await this.#pendingSides;
    this.#inStep = true;
    try {
      const host = this.#host();
      const applyBatches = host.applyBatches;
      if (maxSteps < 2 || typeof applyBatches !== 'function') return (await this.scheduler.step()) ? 1 : 0;
      return await this.scheduler.stepGroup(
        maxSteps,
        (part, taken) => !taken.some((t) => t.projection === part.projection),
        async (parts, begin) => {
          begin();
          // Every request is built as its task would build it: nothing in between could change it.
          const outcomes = await applyBatches.call(host, parts.map((part) => part.request()));
          parts.forEach((part, i) => {
            if (i > 0) begin();
            part.applied(outcomes[i]!);
          });
        },
      );
    } finally {
      this.#inStep = false;
      const deferred = this.#deferred;
      this.#deferred = [];
      for (const apply of deferred) apply();
    }
  }

  async #runUntil(isDone: () => boolean): Promise<void> {
    // A live apply never settles a command, query or request, so a merged group ends where step() would stop.
    while (!isDone()) {
      if ((await this.stepMerged()) === 0) {
        if (isDone()) return;
        throw new EngineError('NOT_QUIESCENT', 'The simulation went idle before the request completed.');
      }
    }
  }

  /** Intents that arrive while a task is mid-flight take effect right after it, at a step boundary. */
  #atBoundary(apply: () => void): void {
    if (this.#inStep) this.#deferred.push(apply);
    else apply();
  }

  #record(intent: Intent): void {
    this.#script.push({ at: this.clock.now, step: this.scheduler.steps, intent: JSON.parse(JSON.stringify(intent)) as Intent });
  }

  #emit(body: TraceBody): void {
    this.#trace.emit(this.clock.now, body);
  }

  /** Where read-model work goes: the write side at level 1, the read side otherwise. */
  #host(): ReadModelsPort {
    return this.#level === 1 ? (this.#write as ReadModelsPort) : this.#read;
  }

  #aggregateNames(): string[] {
    return this.domain.aggregates.map((a) => a.name);
  }

  #snapshotPolicy(): SnapshotPolicy | undefined {
    const s = this.#settings.snapshots;
    return s.every > 0 ? { every: s.every, stateVersions: { ...s.stateVersions } } : undefined;
  }

  async #tellSides(level: SeparationLevel, write = true, read = true): Promise<void> {
    if (write) await need(this.#write.setSeparationLevel, 'separation level').call(this.#write, level);
    if (read) await need(this.#read.setSeparationLevel, 'separation level').call(this.#read, level);
  }

  // ── commands ───────────────────────────────────────────────────────────

  #submitCommand(
    input: CommandInput,
    sessionId: string | undefined,
    internal?: { onDone: (run: CommandRun) => void },
  ): CommandRun {
    if (input === null || typeof input !== 'object' || typeof input.type !== 'string') {
      throw new InvalidIntentError('A command needs a `type` (e.g. "PlaceOrder") and `data`.');
    }
    const spec = this.domain.commands.find((c) => c.type === input.type);
    if (!spec) throw new UnknownCommandError(input.type, this.domain.commands.map((c) => c.type));
    const data = validatePayload(input.type, spec.fields, input.data ?? {});
    if (input.commandId !== undefined && (typeof input.commandId !== 'string' || input.commandId.length === 0)) {
      throw new InvalidIntentError('commandId must be a non-empty text when given.', { commandId: input.commandId });
    }
    // A replayed script carries the ids the engine assigned (cmd-<n>): keep the
    // counter past them, so the next command without an id gets a fresh one.
    const assigned = input.commandId === undefined ? null : /^cmd-(\d+)$/.exec(input.commandId);
    if (assigned) this.#commandSeq = Math.max(this.#commandSeq, Number(assigned[1]));
    const commandId = input.commandId ?? `cmd-${++this.#commandSeq}`;
    const correlationId = input.correlationId ?? commandId;
    const run: CommandRun = {
      commandId,
      commandType: spec.type,
      data,
      correlationId,
      sessionId,
      receivedAt: 0,
      attempts: 0,
      done: false,
    };
    if (internal) {
      run.internal = true;
      run.onDone = internal.onDone;
    }
    this.#atBoundary(() => {
      if (!internal) {
        const command: CommandInput = { type: spec.type, data, commandId };
        if (input.correlationId !== undefined) command.correlationId = input.correlationId;
        this.#record({ kind: 'command', command, ...optionalSession(sessionId) });
      }
      if (sessionId !== undefined) this.#sessionOf(sessionId).runs.push(run);
      run.receivedAt = this.clock.now;
      this.scheduler.schedule(this.clock.now, 'command', () => this.#attempt(run));
    });
    return run;
  }

  #ids(run: CommandRun): { commandId: string; correlationId: string; sessionId?: string } {
    return { commandId: run.commandId, correlationId: run.correlationId, ...optionalSession(run.sessionId) };
  }

  async #attempt(run: CommandRun): Promise<void> {
    run.attempts++;
    if (run.attempts === 1) this.#emit({ type: 'command.received', commandType: run.commandType, attempt: 1, ...this.#ids(run) });
    const idempotency = this.#settings.idempotency;
    const snapshots = this.#snapshotPolicy();
    const loaded = await this.#write.load({
      commandId: run.commandId,
      commandType: run.commandType,
      data: run.data,
      idempotency,
      ...(snapshots ? { snapshots } : {}),
    });
    if (loaded.kind === 'duplicate') return this.#duplicate(run, loaded.result);
    this.#emit({
      type: 'command.loaded',
      streams: loaded.streams.map((s) => ({ streamId: s.streamId, version: s.version })),
      attempt: run.attempts,
      ...this.#ids(run),
    });
    let folded = 0;
    for (const s of loaded.streams) {
      folded += s.eventsFolded ?? s.version;
      const snap = s.snapshot;
      if (!snap) continue;
      if (snap.used) {
        this.#emit({
          type: 'snapshot.loaded',
          streamId: s.streamId,
          snapshotVersion: snap.version,
          stateVersion: snap.stateVersion,
          eventsFolded: s.eventsFolded ?? 0,
          eventsSkipped: snap.version,
          ...this.#ids(run),
        });
      } else {
        this.#emit({
          type: 'snapshot.ignored',
          streamId: s.streamId,
          snapshotVersion: snap.version,
          snapshotStateVersion: snap.stateVersion,
          expectedStateVersion: snap.expectedStateVersion,
          eventsFolded: s.eventsFolded ?? 0,
          ...this.#ids(run),
        });
      }
    }
    const cost = this.#settings.costs.commandMs + this.#settings.costs.loadEventMs * folded;
    if (cost === 0) await this.#append(run, loaded.streams);
    else this.scheduler.schedule(this.clock.now + cost, 'command.append', () => this.#append(run, loaded.streams));
  }

  /** Projections updated inside commands now, and whether each may take a write. */
  #syncNames(): string[] {
    return syncProjections(this.#settings, [...this.#projections.keys()]);
  }

  async #append(run: CommandRun, streams: LoadedStream[]): Promise<void> {
    const sync = this.#syncNames();
    for (const name of sync) {
      const p = this.#projection(name);
      if (p.status !== 'live' && p.status !== 'rebuilding') {
        const error = new ReadModelUnavailableError(name, p.status);
        this.#emit({ type: 'command.failed', code: error.code, message: error.message, attempts: run.attempts, ...this.#ids(run) });
        run.error = error;
        return this.#finish(run);
      }
    }
    const snapshots = this.#snapshotPolicy();
    const inTransaction = this.#level === 1 && sync.length > 0;
    const outcome = await this.#write.append({
      commandId: run.commandId,
      commandType: run.commandType,
      data: run.data,
      correlationId: run.correlationId,
      ...optionalSession(run.sessionId),
      at: this.clock.now,
      idempotency: this.#settings.idempotency,
      loaded: streams,
      attempts: run.attempts,
      ...(snapshots ? { snapshots } : {}),
      ...(this.#settings.delivery === 'outbox' ? { outbox: true } : {}),
      ...(inTransaction ? { syncProjections: sync.map((projection) => ({ projection, guards: guardsFor(this.#settings, projection), ...this.#meter(projection) })) } : {}),
    });
    switch (outcome.kind) {
      case 'duplicate':
        return this.#duplicate(run, outcome.result);
      case 'rejected':
        this.#emit({ type: 'command.rejected', commandType: run.commandType, rejection: outcome.rejection, ...this.#ids(run) });
        run.result = {
          ok: false,
          commandId: run.commandId,
          commandType: run.commandType,
          correlationId: run.correlationId,
          rejection: outcome.rejection,
          attempts: run.attempts,
        };
        return this.#finish(run);
      case 'conflict': {
        this.#emit({ type: 'command.decided', events: outcome.decided, attempt: run.attempts, ...this.#ids(run) });
        this.#emit({
          type: 'command.conflict',
          streamId: outcome.streamId,
          expectedVersion: outcome.expectedVersion,
          actualVersion: outcome.actualVersion,
          attempt: run.attempts,
          ...this.#ids(run),
        });
        const retry = this.#settings.retry;
        if (run.attempts < retry.maxAttempts) {
          const retryAt = this.clock.now + retry.backoffMs;
          this.#emit({ type: 'command.retried', attempt: run.attempts + 1, retryAt, ...this.#ids(run) });
          this.scheduler.schedule(retryAt, 'command.retry', () => this.#attempt(run));
          return;
        }
        const error = new ConcurrencyError(outcome.streamId, outcome.expectedVersion, outcome.actualVersion, run.attempts);
        this.#emit({ type: 'command.failed', code: error.code, message: error.message, attempts: run.attempts, ...this.#ids(run) });
        run.error = error;
        return this.#finish(run);
      }
      case 'projectionFailed': {
        this.#emit({ type: 'command.decided', events: outcome.decided, attempt: run.attempts, ...this.#ids(run) });
        const p = this.#projection(outcome.projection);
        this.#setState(p, outcome.outcome);
        this.#markCrashed(p, outcome.outcome.rolledBack, outcome.reason);
        const error = new ReadModelUnavailableError(outcome.projection, `failing (${outcome.reason})`);
        this.#emit({ type: 'command.failed', code: error.code, message: error.message, attempts: run.attempts, ...this.#ids(run) });
        run.error = error;
        return this.#finish(run);
      }
      case 'appended': {
        this.#emit({ type: 'command.decided', events: outcome.decided, attempt: run.attempts, ...this.#ids(run) });
        const events = outcome.events;
        this.#emit({
          type: 'events.appended',
          causationId: run.commandId,
          events: events.map((e) => ({ position: e.position, streamId: e.streamId, version: e.version, eventType: e.type })),
          consistencyToken: outcome.result.consistencyToken,
          ...this.#ids(run),
        });
        for (const s of outcome.snapshots ?? []) this.#emit({ type: 'snapshot.taken', streamId: s.streamId, version: s.version, stateVersion: s.stateVersion, ...this.#ids(run) });
        this.#appended(events);
        run.events = events;
        // Level 1: the synchronous projections were applied in the command's transaction.
        for (const sp of outcome.projections ?? []) {
          const p = this.#projection(sp.projection);
          this.#setState(p, sp.outcome);
          for (const d of sp.outcome.drafts) this.#emit(d);
          this.#advanced(p);
        }
        this.#deliver(events, run.commandId);
        const complete = (): void => {
          this.#emit({
            type: 'command.completed',
            commandType: run.commandType,
            consistencyToken: outcome.result.consistencyToken,
            durationMs: this.clock.now - run.receivedAt,
            attempts: run.attempts,
            ...this.#ids(run),
          });
          run.result = outcome.result;
          this.#finish(run);
        };
        if (sync.length === 0) return complete();
        const costMs = this.#settings.costs.projectMs * events.length * sync.length;
        const project = async (): Promise<void> => {
          if (!inTransaction) await this.#applySync(sync, events);
          this.#emit({ type: 'command.projected', projections: sync, events: events.length, costMs, sameTransaction: inTransaction, ...this.#ids(run) });
          complete();
        };
        if (costMs === 0) return project();
        this.scheduler.schedule(this.clock.now + costMs, 'command.project', project);
        return;
      }
    }
  }

  #duplicate(run: CommandRun, result: CommandAccepted): void {
    this.#emit({ type: 'command.duplicate', commandType: run.commandType, consistencyToken: result.consistencyToken, ...this.#ids(run) });
    run.result = result;
    this.#finish(run);
  }

  /** A command is settled: sessions, optimistic answers and sagas learn of it. */
  #finish(run: CommandRun): void {
    run.done = true;
    if (run.sessionId !== undefined) {
      const s = this.#sessionOf(run.sessionId);
      if (run.result?.ok) s.lastWrite = Math.max(s.lastWrite, run.result.consistencyToken);
      // Keep only what an optimistic answer may still need: pending commands and writes not yet projected everywhere.
      const min = this.#minWatermark();
      s.runs = s.runs.filter((r) => !r.done || (r.result?.ok === true && !r.result.duplicate && r.result.consistencyToken > min));
    }
    for (const w of [...this.#watches]) {
      if (!w.runs.includes(run)) continue;
      if (!run.result?.ok) this.#finishWatchRun(w, run);
      this.#checkReconcile(w);
    }
    run.onDone?.(run);
  }

  /** The head moved: remember when, wake the shadow builds. */
  #appended(events: readonly EventEnvelope[]): void {
    for (const e of events) {
      this.#appendedAt[e.position] = e.metadata.recordedAt;
      this.#head = Math.max(this.#head, e.position);
    }
    this.#kickShadows();
  }

  #meter(projection: string): { meter?: boolean } {
    return this.#settings.costs.projectRowMs > 0 || this.domain.projections.find((p) => p.name === projection)?.fanOut !== undefined ? { meter: true } : {};
  }

  /** Levels 2 and 3: apply events to the synchronous projections (separate stores, after the commit). */
  async #applySync(names: readonly string[], events: EventEnvelope[]): Promise<void> {
    for (const name of names) {
      const p = this.#projection(name);
      const outcome = await this.#host().applyBatch({
        projection: name,
        events,
        mode: 'live',
        guards: guardsFor(this.#settings, name),
        headPosition: this.#head,
        label: 'sync',
        ...this.#meter(name),
      });
      this.#settle(p, outcome);
    }
  }

  /** A batch came back: record its state, then either the crash or what it applied. False when it crashed. */
  #settle(p: ProjectionProcess, outcome: BatchOutcome): boolean {
    this.#setState(p, outcome);
    if (outcome.crashed) {
      this.#markCrashed(p, outcome.rolledBack, outcome.reason);
      return false;
    }
    for (const d of outcome.drafts) this.#emit(d);
    this.#advanced(p);
    return true;
  }

  // ── delivery: dual write or outbox ──────────────────────────────────────

  /**
   * Who gets an event from the bus: sagas for the types they handle, and
   * every projection that did not already get it inside the command.
   */
  #wants(): ((subscriber: string, event: EventEnvelope) => boolean) | undefined {
    const sync = new Set(this.#syncNames());
    const synced = this.#syncedAt;
    // Everyone gets everything (part 1): no filter.
    if (this.#sagaNames.size === 0 && sync.size === 0 && synced.size === 0) return undefined;
    return (sub, e) => {
      const saga = this.#sagaNames.get(sub);
      if (saga) return saga.has(e.type);
      const at = synced.get(e.position);
      return at ? !at.includes(sub) : !sync.has(sub);
    };
  }

  #deliver(events: EventEnvelope[], commandId: string): void {
    if (events.length === 0) return;
    if (this.#settings.delivery === 'outbox') {
      const sync = this.#syncNames();
      for (const e of events) this.#syncedAt.set(e.position, sync);
      this.#kickRelay(this.#settings.outbox.relayDelayMs);
      return;
    }
    // Dual write: the commit is done; publishing is a separate step that a crash can prevent.
    const armed = this.#faults.shift();
    if (armed !== undefined || this.rng.chance(this.#settings.faults.publishFailureProbability)) {
      const positions = events.map((e) => e.position);
      this.#lost.push(...positions);
      this.#emit({
        type: 'publish.lost',
        commandId,
        positions,
        reason: 'the process died after the commit and before publishing: the events are stored but no subscriber will ever be told',
      });
      return;
    }
    this.#bus.publish(events, this.#wants());
  }

  #kickRelay(delayMs: number): void {
    if (this.#relayScheduled) return;
    this.#relayScheduled = true;
    this.scheduler.schedule(this.clock.now + delayMs, 'outbox.relay', () => this.#relay());
  }

  /** The outbox relay: publish what the outbox holds, then mark it published. */
  async #relay(): Promise<void> {
    this.#relayScheduled = false;
    const batch = this.#settings.outbox.relayBatchSize;
    const events = await need(this.#write.outboxPending, 'outbox').call(this.#write, batch);
    if (events.length === 0) return;
    const attempt = ++this.#relayAttempts;
    const positions = events.map((e) => e.position);
    let crash = this.#faults.shift();
    if (crash === undefined && this.rng.chance(this.#settings.faults.publishFailureProbability)) {
      crash = this.rng.chance(0.5) ? 'beforePublish' : 'afterPublish';
    }
    if (crash === 'afterPublish') this.#bus.publish(events, this.#wants());
    if (crash !== undefined) {
      const retryAt = this.clock.now + this.#settings.outbox.retryMs;
      this.#emit({ type: 'outbox.relayCrashed', positions, stage: crash, retryAt });
      // The outbox still lists them as unpublished: the next run sends them (again).
      this.#relayScheduled = true;
      this.scheduler.schedule(retryAt, 'outbox.relay', () => this.#relay());
      return;
    }
    this.#bus.publish(events, this.#wants());
    for (const position of positions) this.#syncedAt.delete(position);
    await need(this.#write.outboxMarkPublished, 'outbox').call(this.#write, positions, this.clock.now);
    this.#emit({ type: 'outbox.relayed', positions, attempt });
    if (events.length >= batch) this.#kickRelay(0);
  }

  #armFault(intent: Extract<Intent, { kind: 'fault' }>): FaultInfo {
    if (intent.fault !== 'publishCrash') throw new InvalidIntentError(`Unknown fault '${String(intent.fault)}'. Use publishCrash.`);
    const stage = intent.stage ?? 'beforePublish';
    if (stage !== 'beforePublish' && stage !== 'afterPublish') throw new InvalidIntentError(`A publishCrash stage is beforePublish or afterPublish, not '${String(stage)}'.`);
    const count = intent.count ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 1000) throw new InvalidIntentError('A fault count is a whole number from 1 to 1000.', { count });
    this.#atBoundary(() => {
      this.#record({ kind: 'fault', fault: 'publishCrash', stage, count });
      for (let i = 0; i < count; i++) this.#faults.push(stage);
      this.#faultsArmed += count;
      this.#emit({ type: 'fault.armed', fault: 'publishCrash', stage, count });
    });
    return { fault: 'publishCrash', stage, armed: this.#faultsArmed + count };
  }

  // ── queries ────────────────────────────────────────────────────────────

  #validateConsistency(c: unknown): ConsistencyOptions | undefined {
    if (c === undefined) return undefined;
    if (c === null || typeof c !== 'object') throw new InvalidIntentError('consistency must be an object such as { strategy: "readYourWrites" }.');
    const o = c as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (!['strategy', 'token', 'timeoutMs', 'pollIntervalMs', 'via'].includes(key)) {
        throw new InvalidIntentError(`consistency has no option '${key}' (options: strategy, token, timeoutMs, pollIntervalMs, via).`);
      }
    }
    if (!CONSISTENCY_STRATEGIES.includes(o['strategy'] as never)) {
      throw new InvalidIntentError(`Unknown consistency strategy ${JSON.stringify(o['strategy'] ?? null)}. Use one of: ${CONSISTENCY_STRATEGIES.join(', ')}.`);
    }
    const int = (key: string, min: number, max: number): void => {
      const v = o[key];
      if (v === undefined) return;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
        throw new InvalidPayloadError('consistency', key, v, `a whole number from ${min} to ${max}`);
      }
    };
    int('token', 0, Number.MAX_SAFE_INTEGER);
    int('timeoutMs', 0, 600_000);
    int('pollIntervalMs', 1, 60_000);
    if (o['via'] !== undefined && o['via'] !== 'wait' && o['via'] !== 'writeSide') {
      throw new InvalidPayloadError('consistency', 'via', o['via'], "'wait' or 'writeSide'");
    }
    return JSON.parse(JSON.stringify(o)) as ConsistencyOptions;
  }

  #submitQuery(input: QueryInput, sessionId: string | undefined, consistency: ConsistencyOptions | undefined): QueryRun {
    if (input === null || typeof input !== 'object' || typeof input.type !== 'string') {
      throw new InvalidIntentError('A query needs a `type` (e.g. "GetOrderSummary") and `params`.');
    }
    const spec = this.domain.queries.find((q) => q.type === input.type);
    if (!spec) throw new UnknownQueryError(input.type, this.domain.queries.map((q) => q.type));
    const params = validatePayload(input.type, spec.fields, input.params ?? {});
    const explicit = this.#validateConsistency(consistency);
    const run: QueryRun = {
      queryId: `qry-${++this.#querySeq}`,
      type: spec.type,
      projection: spec.projection,
      params,
      sessionId,
      done: false,
      explicit,
      consistency: explicit ?? { strategy: 'eventual' },
      receivedAt: 0,
      required: null,
      sessionWrite: 0,
      waitedMs: 0,
      polls: 0,
      timedOut: false,
      resumed: false,
    };
    this.#atBoundary(() => {
      this.#record({ kind: 'query', query: { type: spec.type, params }, ...optionalSession(sessionId), ...(explicit ? { consistency: explicit } : {}) });
      this.scheduler.schedule(this.clock.now, 'query', () => this.#receiveQuery(run));
    });
    return run;
  }

  async #receiveQuery(run: QueryRun): Promise<void> {
    const session = run.sessionId !== undefined ? this.#sessions.get(run.sessionId) : undefined;
    run.consistency = run.explicit ?? session?.consistency ?? { strategy: 'eventual' };
    run.receivedAt = this.clock.now;
    run.sessionWrite = session?.lastWrite ?? 0;
    const c = run.consistency;
    const sessionTarget = run.sessionWrite > 0 ? run.sessionWrite : null;
    run.required = c.strategy === 'token' || c.strategy === 'poll' || c.strategy === 'push' ? (c.token ?? sessionTarget) : sessionTarget;
    this.#emit({
      type: 'query.received',
      queryId: run.queryId,
      queryType: run.type,
      projection: run.projection,
      ...optionalSession(run.sessionId),
      strategy: c.strategy,
      requiredPosition: run.required,
    });
    try {
      switch (c.strategy) {
        case 'eventual':
          return this.#afterQueryCost(() => this.#answer(run, 'readModel'));
        case 'readYourWrites':
          if (c.via === 'writeSide') return this.#afterQueryCost(() => this.#answerFromWriteSide(run));
          return this.#waitFor(run);
        case 'token':
          return this.#waitFor(run);
        case 'poll':
          return this.#poll(run);
        case 'push':
          return this.#push(run);
        case 'optimistic':
          return this.#afterQueryCost(() => this.#answerOptimistic(run));
        case 'staleWhileRevalidate':
          return this.#staleWhileRevalidate(run);
      }
    } catch (e) {
      this.#queryFailed(run, e);
    }
  }

  #queryFailed(run: QueryRun, e: unknown): void {
    run.error = e instanceof EngineError ? e : new EngineError('SQL_ERROR', e instanceof Error ? e.message : String(e));
    run.done = true;
  }

  async #afterQueryCost(work: () => Promise<void> | void): Promise<void> {
    const cost = this.#settings.costs.queryMs;
    if (cost === 0) await work();
    else this.scheduler.schedule(this.clock.now + cost, 'query.run', work);
  }

  #timeoutOf(run: QueryRun): number {
    return run.consistency.timeoutMs ?? this.#settings.consistency.timeoutMs;
  }

  /** Token / read-your-writes: wait in virtual time until the read model passes the target, or time out. */
  async #waitFor(run: QueryRun): Promise<void> {
    const p = this.#projection(run.projection);
    const target = run.required;
    if (target === null || p.watermark >= target) return this.#afterQueryCost(() => this.#answer(run, 'readModel'));
    const timeoutAt = this.clock.now + this.#timeoutOf(run);
    this.#emit({ type: 'query.waiting', queryId: run.queryId, projection: run.projection, target, position: p.watermark, timeoutAt });
    const resume = (satisfied: boolean): Promise<void> | undefined => {
      if (run.resumed) return;
      run.resumed = true;
      this.scheduler.cancel(timer);
      this.#waiters = this.#waiters.filter((w) => w !== waiter);
      run.waitedMs = this.clock.now - run.receivedAt;
      run.timedOut = !satisfied;
      this.#emit({ type: 'query.waited', queryId: run.queryId, projection: run.projection, target, position: p.watermark, waitedMs: run.waitedMs, satisfied });
      return this.#afterQueryCost(() => this.#answer(run, 'readModel'));
    };
    const waiter: Waiter = { projection: run.projection, target, fire: () => resume(true) };
    this.#waiters.push(waiter);
    const timer = this.scheduler.schedule(timeoutAt, 'query.timeout', () => resume(false));
  }

  /** Polling: the client asks again and again (each poll a real query), counting the polls. */
  async #poll(run: QueryRun): Promise<void> {
    const target = run.required;
    const interval = run.consistency.pollIntervalMs ?? this.#settings.consistency.pollIntervalMs;
    const deadline = run.receivedAt + this.#timeoutOf(run);
    const once = async (): Promise<void> => {
      const answer = await this.#host().query(run.type, run.params);
      run.polls++;
      const satisfied = target === null || answer.position >= target;
      this.#emit({ type: 'query.polled', queryId: run.queryId, projection: run.projection, poll: run.polls, position: answer.position, target: target ?? 0, satisfied });
      if (satisfied || this.clock.now + interval > deadline) {
        run.waitedMs = this.clock.now - run.receivedAt;
        run.timedOut = !satisfied;
        return this.#answer(run, 'readModel', answer);
      }
      this.scheduler.schedule(this.clock.now + interval, 'query.poll', () => this.#afterQueryCost(once));
    };
    return this.#afterQueryCost(once);
  }

  /** Push: subscribe to the projection passing the target; ask when notified. */
  async #push(run: QueryRun): Promise<void> {
    const p = this.#projection(run.projection);
    const target = run.required;
    if (target === null || p.watermark >= target) return this.#afterQueryCost(() => this.#answer(run, 'readModel'));
    const subscriptionId = `sub-${++this.#subscriptionSeq}`;
    this.#emit({ type: 'subscription.created', subscriptionId, projection: run.projection, position: target, ...optionalSession(run.sessionId) });
    const timeoutAt = this.clock.now + this.#timeoutOf(run);
    const resume = (satisfied: boolean): Promise<void> | undefined => {
      if (run.resumed) return;
      run.resumed = true;
      this.scheduler.cancel(timer);
      this.#waiters = this.#waiters.filter((w) => w !== waiter);
      run.waitedMs = this.clock.now - run.receivedAt;
      run.timedOut = !satisfied;
      if (satisfied) {
        this.#emit({
          type: 'subscription.notified',
          subscriptionId,
          projection: run.projection,
          position: target,
          watermark: p.watermark,
          waitedMs: run.waitedMs,
          ...optionalSession(run.sessionId),
        });
        this.#emit({ type: 'query.pushed', queryId: run.queryId, projection: run.projection, subscriptionId, target, position: p.watermark, waitedMs: run.waitedMs });
      } else {
        this.#emit({ type: 'query.waited', queryId: run.queryId, projection: run.projection, target, position: p.watermark, waitedMs: run.waitedMs, satisfied: false });
      }
      return this.#afterQueryCost(() => this.#answer(run, 'readModel'));
    };
    const waiter: Waiter = { projection: run.projection, target, fire: () => resume(true) };
    this.#waiters.push(waiter);
    const timer = this.scheduler.schedule(timeoutAt, 'query.timeout', () => resume(false));
  }

  /** Read-your-writes from the write side: the events the read model lacks, applied on a scratch copy. */
  async #answerFromWriteSide(run: QueryRun): Promise<void> {
    const p = this.#projection(run.projection);
    const from = p.watermark + 1;
    const head = this.#head;
    if (run.required === null || p.watermark >= run.required || from > head) return this.#answer(run, 'readModel');
    const events = await this.#write.readAll(from, head - from + 1);
    this.#emit({ type: 'query.fromWriteSide', queryId: run.queryId, projection: run.projection, fromPosition: from, toPosition: head, events: events.length });
    const work = async (): Promise<void> => {
      const host = this.#host();
      const answer = await need(host.overlayQuery, 'overlay query').call(host, { type: run.type, params: run.params, events });
      await this.#answer(run, 'writeSide', { data: answer.data, position: head });
    };
    const cost = this.#settings.costs.projectMs * events.length;
    if (cost === 0) return work();
    this.scheduler.schedule(this.clock.now + cost, 'query.writeSide', work);
  }

  /** Optimistic UI: the read model plus what the session's outstanding commands will (probably) change. */
  async #answerOptimistic(run: QueryRun): Promise<void> {
    const session = run.sessionId !== undefined ? this.#sessions.get(run.sessionId) : undefined;
    const p = this.#projection(run.projection);
    if (!session) return this.#answer(run, 'readModel');
    session.runs = session.runs.filter((r) => !r.done || (r.result?.ok === true && r.result.consistencyToken > this.#minWatermark()));
    const outstanding = session.runs.filter((r) => !r.done || (r.result?.ok === true && !r.result.duplicate && r.result.consistencyToken > p.watermark));
    if (outstanding.length === 0) return this.#answer(run, 'readModel');
    const overlay: EventEnvelope[] = [];
    let predicted = 0;
    let confirmed = 0;
    let provisional = this.#head;
    for (const r of outstanding) {
      if (r.done) {
        const evs = (r.events ?? []).filter((e) => e.position > p.watermark);
        confirmed += evs.length;
        overlay.push(...evs);
        continue;
      }
      const snapshots = this.#snapshotPolicy();
      const guess = await need(this.#write.predict, 'prediction').call(this.#write, {
        commandType: r.commandType,
        data: r.data,
        ...(snapshots ? { snapshots } : {}),
      });
      if (guess.kind !== 'events') continue;
      for (const e of guess.events) {
        predicted++;
        overlay.push({
          position: ++provisional,
          streamId: e.streamId,
          version: e.version,
          type: e.type,
          schemaVersion: this.domain.events.find((s) => s.type === e.type)?.schemaVersion ?? 1,
          data: e.data,
          metadata: { commandId: r.commandId, correlationId: r.correlationId, causationId: r.commandId, recordedAt: this.clock.now },
        });
      }
    }
    overlay.sort((a, b) => a.position - b.position);
    const host = this.#host();
    const answer = await need(host.overlayQuery, 'overlay query').call(host, { type: run.type, params: run.params, events: overlay });
    const commandIds = outstanding.map((r) => r.commandId);
    this.#emit({
      type: 'query.optimistic',
      queryId: run.queryId,
      projection: run.projection,
      commandIds,
      predictedEvents: predicted,
      confirmedEvents: confirmed,
      position: p.watermark,
      ...optionalSession(run.sessionId),
    });
    const watch: OptimisticWatch = {
      queryId: run.queryId,
      projection: run.projection,
      type: run.type,
      params: run.params,
      data: answer.data,
      runs: outstanding,
      rolledBack: new Set(),
      at: this.clock.now,
      sessionId: run.sessionId,
    };
    this.#watches.push(watch);
    await this.#answer(run, 'predicted', { data: answer.data, position: p.watermark }, { commandIds, predictedEvents: predicted, confirmedEvents: confirmed });
    // Some of the commands may already be settled and projected.
    for (const r of outstanding) if (r.done && !r.result?.ok) this.#finishWatchRun(watch, r);
    this.#checkReconcile(watch);
  }

  #finishWatchRun(w: OptimisticWatch, run: CommandRun): void {
    if (w.rolledBack.has(run.commandId)) return;
    w.rolledBack.add(run.commandId);
    const rejection: Rejection = run.result && !run.result.ok ? run.result.rejection : { code: run.error?.code ?? 'FAILED', message: run.error?.message ?? 'The command failed.' };
    this.#emit({ type: 'query.rolledBack', queryId: w.queryId, projection: w.projection, commandId: run.commandId, rejection, afterMs: this.clock.now - w.at, ...optionalSession(w.sessionId) });
  }

  /** Once every command of an optimistic answer is settled and projected, compare the prediction with the truth. */
  #checkReconcile(w: OptimisticWatch): void {
    if (!this.#watches.includes(w)) return;
    if (w.runs.some((r) => !r.done)) return;
    const p = this.#projection(w.projection);
    const target = Math.max(0, ...w.runs.map((r) => (r.result?.ok ? r.result.consistencyToken : 0)));
    if (p.watermark < target) return;
    this.#watches = this.#watches.filter((x) => x !== w);
    this.scheduler.schedule(this.clock.now, 'query.reconcile', async () => {
      const real = await this.#host().query(w.type, w.params);
      const differences = diffPaths(w.data, real.data);
      this.#emit({
        type: 'query.reconciled',
        queryId: w.queryId,
        projection: w.projection,
        position: real.position,
        matched: differences.length === 0,
        differences,
        commandIds: w.runs.map((r) => r.commandId),
        afterMs: this.clock.now - w.at,
        ...optionalSession(w.sessionId),
      });
    });
  }

  /** Stale-while-revalidate: the session's cached answer now, a fresh read in the background. */
  async #staleWhileRevalidate(run: QueryRun): Promise<void> {
    const session = this.#sessionOf(run.sessionId ?? '');
    const key = `${run.type}|${JSON.stringify(run.params)}`;
    const cached = session.cache.get(key);
    if (!cached) {
      return this.#afterQueryCost(async () => {
        const answer = await this.#host().query(run.type, run.params);
        session.cache.set(key, { data: answer.data, position: answer.position, at: this.clock.now });
        await this.#answer(run, 'readModel', answer);
      });
    }
    this.#emit({ type: 'query.cacheHit', queryId: run.queryId, projection: run.projection, position: cached.position, cachedAt: cached.at, ageMs: this.clock.now - cached.at });
    await this.#answer(run, 'cache', { data: cached.data, position: cached.position });
    await this.#afterQueryCost(async () => {
      const fresh = await this.#host().query(run.type, run.params);
      const changed = JSON.stringify(fresh.data) !== JSON.stringify(cached.data);
      session.cache.set(key, { data: fresh.data, position: fresh.position, at: this.clock.now });
      this.#emit({ type: 'query.revalidated', queryId: run.queryId, projection: run.projection, position: fresh.position, changed });
    });
  }

  /** Build the result (reading the read model unless an answer is given) and trace it. */
  async #answer(
    run: QueryRun,
    source: AnswerSource,
    given?: QueryAnswer,
    optimistic?: { commandIds: string[]; predictedEvents: number; confirmedEvents: number },
  ): Promise<void> {
    try {
      const answer = given ?? (await this.#host().query(run.type, run.params));
      const head = this.#head;
      const position = source === 'writeSide' ? Math.min(answer.position, head) : answer.position;
      const lagEvents = Math.max(0, head - position);
      const lagMs = this.#lagMs(position);
      const required = run.required;
      let sawOwnWrite: boolean | null;
      if (source === 'predicted') sawOwnWrite = true;
      else if (run.sessionWrite === 0) sawOwnWrite = null;
      else sawOwnWrite = position >= run.sessionWrite;
      const consistency: QueryConsistency = {
        strategy: run.consistency.strategy,
        source,
        requiredPosition: required,
        waitedMs: run.waitedMs,
        polls: run.polls,
        timedOut: run.timedOut,
        stale: source === 'predicted' ? false : required !== null && position < required,
        sawOwnWrite,
      };
      this.#emit({
        type: 'query.executed',
        queryId: run.queryId,
        queryType: run.type,
        projection: run.projection,
        position,
        headPosition: head,
        lagEvents,
        lagMs,
        ...optionalSession(run.sessionId),
        strategy: consistency.strategy,
        source,
        waitedMs: consistency.waitedMs,
        polls: consistency.polls,
        stale: consistency.stale,
        sawOwnWrite,
      });
      const strategy = this.domain.projections.find((d) => d.name === run.projection)?.fanOut;
      if (strategy !== undefined && answer.rowsRead !== undefined) {
        this.#emit({ type: 'feed.read', queryId: run.queryId, projection: run.projection, strategy, rowsRead: answer.rowsRead });
      }
      const result: QueryResult = {
        ok: true,
        queryId: run.queryId,
        type: run.type,
        projection: run.projection,
        data: answer.data,
        position,
        headPosition: head,
        lagEvents,
        lagMs,
        status: this.#projection(run.projection).status,
        at: this.clock.now,
        consistency,
      };
      if (optimistic) result.optimistic = optimistic;
      if (answer.rowsRead !== undefined) result.rowsRead = answer.rowsRead;
      run.result = result;
    } catch (e) {
      run.error = e instanceof EngineError ? e : new EngineError('SQL_ERROR', e instanceof Error ? e.message : String(e));
    }
    run.done = true;
  }

  #lagMs(watermark: number): number {
    if (watermark >= this.#head) return 0;
    const oldest = this.#appendedAt[watermark + 1];
    return oldest === undefined ? 0 : this.clock.now - oldest;
  }

  #minWatermark(): number {
    let min = this.#head;
    for (const p of this.#projections.values()) min = Math.min(min, p.watermark);
    return min;
  }

  // ── sessions and subscriptions ──────────────────────────────────────────

  #sessionOf(id: string): Session {
    let s = this.#sessions.get(id);
    if (!s) this.#sessions.set(id, (s = { id, lastWrite: 0, consistency: null, runs: [], cache: new Map() }));
    return s;
  }

  #configureSession(sessionId: string, consistency: ConsistencyOptions | null): SessionInfo {
    if (typeof sessionId !== 'string' || sessionId.length === 0) throw new InvalidIntentError('A session intent needs a non-empty sessionId.');
    const c = consistency === null ? null : (this.#validateConsistency(consistency) ?? null);
    this.#atBoundary(() => {
      this.#record({ kind: 'session', sessionId, consistency: c });
      this.#sessionOf(sessionId).consistency = c;
      this.#emit({ type: 'session.configured', sessionId, consistency: c });
    });
    return { sessionId, lastWrite: this.#sessions.get(sessionId)?.lastWrite ?? 0, consistency: c };
  }

  #subscribe(projection: string, position: number, sessionId: string | undefined): SubscriptionReceipt {
    const p = this.#projection(projection);
    if (typeof position !== 'number' || !Number.isInteger(position) || position < 0) {
      throw new InvalidPayloadError('subscribe', 'position', position, 'a whole number from 0 (a consistency token)');
    }
    const subscriptionId = `sub-${++this.#subscriptionSeq}`;
    this.#atBoundary(() => {
      this.#record({ kind: 'subscribe', projection, position, ...optionalSession(sessionId) });
      const id = subscriptionId;
      const createdAt = this.clock.now;
      this.#emit({ type: 'subscription.created', subscriptionId: id, projection, position, ...optionalSession(sessionId) });
      const fire = (): void => {
        this.#emit({
          type: 'subscription.notified',
          subscriptionId: id,
          projection,
          position,
          watermark: p.watermark,
          waitedMs: this.clock.now - createdAt,
          ...optionalSession(sessionId),
        });
      };
      if (p.watermark >= position) this.scheduler.schedule(this.clock.now, 'subscription.notify', fire);
      else this.#waiters.push({ projection, target: position, fire });
    });
    return { subscriptionId, projection, position };
  }

  /** A projection's watermark moved: wake waiting queries, subscriptions and optimistic answers. */
  #advanced(p: ProjectionProcess): void {
    if (this.#waiters.length > 0) {
      const ready = this.#waiters.filter((w) => w.projection === p.name && w.target <= p.watermark);
      if (ready.length > 0) {
        this.#waiters = this.#waiters.filter((w) => !ready.includes(w));
        for (const w of ready) this.scheduler.schedule(this.clock.now, 'projection.notify', w.fire);
      }
    }
    for (const w of [...this.#watches]) if (w.projection === p.name) this.#checkReconcile(w);
  }

  #setState(p: ProjectionProcess, st: { watermark: number; counters: ProjectionCounters }): void {
    p.watermark = st.watermark;
    p.counters = st.counters;
  }

  // ── requests: temporal queries, imports, comparisons ────────────────────

  #submitRequest(intent: Extract<Intent, { kind: 'aggregateAt' | 'projectionAt' | 'import' | 'projection' }>): Request<unknown> {
    const req: Request<unknown> = { done: false };
    let work: () => Promise<unknown>;
    switch (intent.kind) {
      case 'aggregateAt': {
        const asOf = validateAsOf(intent.asOf, true);
        if (typeof intent.streamId !== 'string' || intent.streamId.length === 0) throw new InvalidIntentError('aggregateAt needs a streamId, e.g. "product-KB".');
        const streamId = intent.streamId;
        work = async () => {
          const snapshots = this.#snapshotPolicy();
          const r = await need(this.#write.aggregateAt, 'temporal query').call(this.#write, { streamId, ...asOf, ...(snapshots ? { snapshots } : {}) });
          this.#emit({
            type: 'temporal.aggregate',
            streamId,
            asOf,
            version: r.version,
            position: r.position,
            eventsFolded: r.eventsFolded,
            snapshotVersion: r.snapshot?.used ? r.snapshot.version : null,
          });
          return r;
        };
        this.#requestSeq++;
        this.#atBoundary(() => {
          this.#record({ kind: 'aggregateAt', streamId, asOf });
          this.#schedule(req, work);
        });
        return req;
      }
      case 'projectionAt': {
        this.#projection(intent.projection);
        const asOf = validateAsOf(intent.asOf, false) as { position: number } | { at: number };
        let query: { type: string; params: Record<string, unknown> } | undefined;
        if (intent.query !== undefined) {
          const spec = this.domain.queries.find((q) => q.type === intent.query?.type);
          if (!spec) throw new UnknownQueryError(String(intent.query?.type), this.domain.queries.map((q) => q.type));
          if (spec.projection !== intent.projection) throw new InvalidIntentError(`Query '${spec.type}' reads projection '${spec.projection}', not '${intent.projection}'.`);
          query = { type: spec.type, params: validatePayload(spec.type, spec.fields, intent.query.params ?? {}) };
        }
        const projection = intent.projection;
        work = async () => {
          const position = 'position' in asOf ? Math.min(asOf.position, this.#head) : await need(this.#write.positionAt, 'temporal query').call(this.#write, asOf.at);
          const events = position > 0 ? await this.#write.readAll(1, position) : [];
          const host = this.#host();
          const answer = await need(host.projectionAt, 'temporal query').call(host, { projection, events, ...(query ? { query } : {}) });
          this.#emit({ type: 'temporal.projection', projection, asOf, position, events: events.length, queryType: query?.type ?? null });
          const out: ProjectionAtResult = { projection, asOf, position };
          if (answer.data !== undefined) out.data = answer.data;
          if (answer.tables !== undefined) out.tables = answer.tables;
          return out;
        };
        this.#requestSeq++;
        this.#atBoundary(() => {
          this.#record({ kind: 'projectionAt', projection, asOf, ...(query ? { query } : {}) });
          this.#schedule(req, work);
        });
        return req;
      }
      case 'import': {
        const events = this.#validateImport(intent.events);
        const commandId = `import-${++this.#importSeq}`;
        work = async () => {
          const stored = await need(this.#write.importEvents, 'import').call(this.#write, {
            commandId,
            events,
            at: this.clock.now,
            ...(this.#settings.delivery === 'outbox' ? { outbox: true } : {}),
          });
          this.#emit({
            type: 'events.imported',
            commandId,
            events: stored.map((e) => ({ position: e.position, streamId: e.streamId, version: e.version, eventType: e.type })),
            upcast: stored.filter((e) => e.upcastFrom !== undefined).length,
          });
          this.#appended(stored);
          const sync = this.#syncNames();
          if (sync.length > 0) await this.#applySync(sync, stored);
          this.#deliver(stored, commandId);
          const result: ImportResult = {
            commandId,
            events: stored.map((e) => ({ position: e.position, streamId: e.streamId, version: e.version, eventType: e.type, storedSchemaVersion: e.upcastFrom ?? e.schemaVersion })),
          };
          return result;
        };
        this.#atBoundary(() => {
          this.#record({ kind: 'import', events });
          this.#schedule(req, work);
        });
        return req;
      }
      case 'projection': {
        const p = this.#projection(intent.name);
        if (!p.shadow) throw new ProjectionStateError(p.name, 'compare', 'without a shadow', 'Start one with shadowRebuild first.');
        work = async () => {
          const host = this.#host();
          const c = await need(host.shadowCompare, 'shadow compare').call(host, p.name);
          this.#emit({
            type: 'projection.compared',
            projection: p.name,
            liveVariant: c.liveVariant,
            otherVariant: c.otherVariant,
            livePosition: c.livePosition,
            otherPosition: c.otherPosition,
            differingRows: c.differingRows,
            tables: c.tables.map((t) => ({ table: t.table, changed: t.changed, onlyLive: t.onlyLive, onlyOther: t.onlyOther })),
          });
          const out: ShadowComparison = { projection: p.name, ...c };
          return out;
        };
        this.#atBoundary(() => {
          this.#record({ kind: 'projection', action: 'compare', name: p.name });
          this.#schedule(req, work);
        });
        return req;
      }
    }
  }

  #schedule(req: Request<unknown>, work: () => Promise<unknown>): void {
    this.scheduler.schedule(this.clock.now, 'request', async () => {
      try {
        req.result = await work();
      } catch (e) {
        req.error = e instanceof EngineError ? e : new EngineError('SQL_ERROR', e instanceof Error ? e.message : String(e));
      }
      req.done = true;
    });
  }

  #validateImport(events: unknown): ImportedEventInput[] {
    if (!Array.isArray(events) || events.length === 0 || events.length > 10_000) {
      throw new InvalidIntentError('An import needs a list of 1 to 10000 events { streamId, type, schemaVersion?, data }.');
    }
    return events.map((e: unknown, i) => {
      if (e === null || typeof e !== 'object') throw new InvalidIntentError(`Imported event ${i + 1} must be an object.`);
      const o = e as Record<string, unknown>;
      const where = `imported event ${i + 1}`;
      const spec = this.domain.events.find((s) => s.type === o['type']);
      if (!spec) throw new InvalidIntentError(`${where}: unknown event type ${JSON.stringify(o['type'] ?? null)}. Known: ${this.domain.events.map((s) => s.type).join(', ')}.`);
      const aggregate = this.domain.aggregates.find((a) => a.name === spec.aggregate);
      if (typeof o['streamId'] !== 'string' || !aggregate || !o['streamId'].startsWith(aggregate.streamPrefix) || o['streamId'].length <= aggregate.streamPrefix.length) {
        throw new InvalidIntentError(`${where}: ${spec.type} belongs to a stream named ${aggregate?.streamPrefix ?? ''}<id>, got ${JSON.stringify(o['streamId'] ?? null)}.`);
      }
      const sv = o['schemaVersion'];
      if (sv !== undefined && (typeof sv !== 'number' || !Number.isInteger(sv) || sv < 1 || sv > spec.schemaVersion)) {
        throw new InvalidIntentError(`${where}: ${spec.type} exists in schema versions 1 to ${spec.schemaVersion}, got ${JSON.stringify(sv)}.`);
      }
      const data = o['data'];
      if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new InvalidIntentError(`${where}: data must be an object.`);
      const out: ImportedEventInput = { streamId: o['streamId'], type: spec.type, data: JSON.parse(JSON.stringify(data)) as Record<string, unknown> };
      if (sv !== undefined) out.schemaVersion = sv as number;
      return out;
    });
  }

  // ── settings ───────────────────────────────────────────────────────────

  #configure(patch: SettingsPatch): EngineSettings {
    const names = [...this.#projections.keys()];
    const next = applySettingsPatch(this.#settings, patch, names, this.#aggregateNames());
    const levelChange = next.separationLevel !== this.#settings.separationLevel;
    if (levelChange && (this.#head > 0 || this.scheduler.pending > 0)) {
      throw new InvalidSettingError(
        'separationLevel',
        next.separationLevel,
        `a choice made before the first event (it decides where the read models live; the engine is at position ${this.#head}). Start a new session with the level in its settings`,
      );
    }
    this.#atBoundary(() => {
      this.#record({ kind: 'configure', settings: patch });
      const before = this.#settings;
      this.#settings = applySettingsPatch(this.#settings, patch, names, this.#aggregateNames());
      if (this.#settings.separationLevel !== before.separationLevel) {
        this.#level = this.#settings.separationLevel;
        this.#pendingSides = this.#tellSides(this.#level);
      }
      this.#emit({ type: 'settings.changed', changes: JSON.parse(JSON.stringify(patch)) as SettingsPatch });
    });
    return cloneSettings(next);
  }

  // ── projections ────────────────────────────────────────────────────────

  #projection(name: string): ProjectionProcess {
    const p = this.#projections.get(name);
    if (!p) throw new UnknownProjectionError(name, [...this.#projections.keys()]);
    return p;
  }

  #info(p: ProjectionProcess): ProjectionInfo {
    const s = p.shadow;
    return {
      name: p.name,
      status: p.status,
      position: p.watermark,
      headPosition: this.#head,
      lagEvents: Math.max(0, this.#head - p.watermark),
      lagMs: this.#lagMs(p.watermark),
      inbox: p.inbox.length,
      heldByBus: this.#bus.heldCount(p.name),
      counters: { ...p.counters },
      guards: guardsFor(this.#settings, p.name),
      mode: this.#syncNames().includes(p.name) ? 'sync' : 'async',
      variant: p.variant,
      shadow: s
        ? { variant: s.variant, role: s.role, status: s.status, position: s.watermark, lagEvents: Math.max(0, this.#head - s.watermark), events: s.events }
        : null,
    };
  }

  #control(action: ProjectionAction, name: string, variant?: string): ProjectionInfo {
    const p = this.#projection(name);
    const check = (allowed: ProjectionStatus[], hint: string): void => {
      if (!allowed.includes(p.status)) throw new ProjectionStateError(name, action, p.status, hint);
    };
    if (!PROJECTION_ACTIONS.includes(action)) {
      throw new InvalidIntentError(`Unknown projection action '${String(action)}'. Use ${PROJECTION_ACTIONS.join(', ')}.`);
    }
    if (variant !== undefined && action !== 'shadowRebuild') throw new InvalidIntentError(`Only shadowRebuild takes a variant (got one with ${action}).`);
    switch (action) {
      case 'pause':
        check(['live'], 'Only a live projection can be paused.');
        break;
      case 'resume':
        check(['paused', 'crashed'], 'Resume brings back a paused or crashed projection.');
        break;
      case 'crash':
        check(['live', 'catchingUp', 'rebuilding'], 'It is not running, so there is nothing to crash.');
        break;
      case 'rebuild':
        check(['live', 'crashed'], 'Wait until it is live (or crashed) before rebuilding.');
        break;
      case 'shadowRebuild': {
        if (p.shadow) throw new ProjectionStateError(name, action, `keeping a ${p.shadow.role} store`, 'Flip, roll back or drop it (dropShadow) first.');
        const known = ['current', ...Object.keys(this.domain.projections.find((d) => d.name === name)?.variants ?? {})];
        if (!known.includes(variant ?? 'current')) {
          throw new InvalidIntentError(`Projection '${name}' has no version '${String(variant)}'. Versions: ${known.join(', ')}.`, { variant, known });
        }
        break;
      }
      case 'flip':
        if (!p.shadow || p.shadow.role !== 'candidate') throw new ProjectionStateError(name, action, 'without a shadow build', 'Start one with shadowRebuild, let it catch up, then flip.');
        if (p.shadow.status !== 'caughtUp') throw new ProjectionStateError(name, action, 'with its shadow still building', 'Wait for projection.shadowCaughtUp.');
        check(['live', 'paused'], 'Flip a live projection.');
        break;
      case 'rollback':
        if (!p.shadow || p.shadow.role !== 'previous') throw new ProjectionStateError(name, action, 'without a previous version', 'Rollback undoes a flip; nothing was flipped.');
        if (p.shadow.status !== 'caughtUp') throw new ProjectionStateError(name, action, 'with the previous version behind', 'Wait until it has caught up.');
        check(['live', 'paused'], 'Roll back a live projection.');
        break;
      case 'dropShadow':
        if (!p.shadow) throw new ProjectionStateError(name, action, 'without a shadow', 'There is nothing to drop.');
        break;
      case 'compare':
        break;
    }
    this.#atBoundary(() => {
      this.#record({ kind: 'projection', action, name, ...(variant !== undefined ? { variant } : {}) });
      this.#applyControl(p, action, variant ?? 'current');
    });
    return this.#info(p);
  }

  #applyControl(p: ProjectionProcess, action: ProjectionAction, variant: string): void {
    const name = p.name;
    switch (action) {
      case 'pause':
        if (p.status !== 'live') return;
        p.status = 'paused';
        this.#bus.pause(name);
        this.#emit({ type: 'projection.paused', projection: name });
        return;
      case 'resume':
        if (p.status === 'paused') {
          p.status = 'live';
          this.#emit({ type: 'projection.resumed', projection: name, from: 'paused' });
          this.#bus.resume(name);
          this.#scheduleDrain(p);
        } else if (p.status === 'crashed') {
          p.status = 'catchingUp';
          p.cursor = 0;
          this.#bus.setDown(name, false);
          this.#emit({ type: 'projection.resumed', projection: name, from: 'crashed' });
          this.scheduler.schedule(this.clock.now, 'projection.catchUp', () => this.#catchUpStep(p));
        }
        return;
      case 'crash':
        if (p.status === 'crashed' || p.status === 'paused') return;
        this.#emit({ type: 'projection.crashRequested', projection: name });
        if (p.status === 'live' && !p.busy && !p.drainScheduled) {
          this.#markCrashed(p, 0);
          // The process dies idle: what it held only in memory is gone.
          this.scheduler.schedule(this.clock.now, 'projection.crash', async () => {
            const st = await this.#host().crash(name);
            p.watermark = st.watermark;
            p.counters = st.counters;
          });
        } else {
          p.crashArmed = true;
        }
        return;
      case 'rebuild':
        if (p.status !== 'live' && p.status !== 'crashed') return;
        if (p.status === 'crashed') this.#bus.setDown(name, false);
        p.status = 'rebuilding';
        p.cursor = 1;
        p.rebuilt = 0;
        this.#emit({ type: 'projection.rebuildStarted', projection: name, headPosition: this.#head });
        this.scheduler.schedule(this.clock.now, 'projection.rebuild', async () => {
          await this.#host().startRebuild(name);
          await this.#rebuildStep(p);
        });
        return;
      case 'shadowRebuild': {
        if (p.shadow) return;
        const gen = ++this.#shadowGen;
        p.shadow = { gen, variant, role: 'candidate', status: 'building', cursor: 1, watermark: 0, events: 0, busy: true, scheduled: false };
        this.#emit({ type: 'projection.shadowStarted', projection: name, variant, liveVariant: p.variant, headPosition: this.#head });
        this.scheduler.schedule(this.clock.now, 'projection.shadowStart', async () => {
          const host = this.#host();
          await need(host.shadowStart, 'shadow rebuild').call(host, name, variant);
          if (p.shadow?.gen !== gen) return;
          p.shadow.busy = false;
          await this.#shadowStep(p, gen);
        });
        return;
      }
      case 'flip':
      case 'rollback':
        if (!p.shadow) return;
        if (p.shadow.busy) p.shadow.pendingSwap = action;
        else this.scheduler.schedule(this.clock.now, `projection.${action}`, () => this.#swap(p, action));
        return;
      case 'dropShadow': {
        const s = p.shadow;
        if (!s) return;
        p.shadow = undefined;
        this.#emit({ type: 'projection.shadowDropped', projection: name, variant: s.variant, role: s.role });
        this.scheduler.schedule(this.clock.now, 'projection.shadowDrop', async () => {
          const host = this.#host();
          if (!p.shadow) await need(host.shadowDrop, 'shadow drop').call(host, name);
        });
        return;
      }
      case 'compare':
        return;
    }
  }

  // ── shadow (blue/green) builds ───────────────────────────────────────────

  #kickShadows(): void {
    for (const p of this.#projections.values()) {
      const s = p.shadow;
      if (!s || s.busy || s.scheduled) continue;
      s.scheduled = true;
      const gen = s.gen;
      this.scheduler.schedule(this.clock.now, 'projection.shadowTail', () => {
        if (p.shadow?.gen !== gen) return;
        p.shadow.scheduled = false;
        return this.#shadowStep(p, gen);
      });
    }
  }

  /** The other store reads the log from its cursor, in batches, over virtual time; then it follows the head. */
  async #shadowStep(p: ProjectionProcess, gen: number): Promise<void> {
    const s = p.shadow;
    if (!s || s.gen !== gen || s.busy) return;
    const events = s.cursor <= this.#head ? await this.#write.readAll(s.cursor, this.#settings.projection.replayBatchSize) : [];
    const last = events[events.length - 1];
    if (!last) {
      if (s.status === 'building') {
        s.status = 'caughtUp';
        this.#emit({ type: 'projection.shadowCaughtUp', projection: p.name, variant: s.variant, watermark: s.watermark });
      }
      if (s.pendingSwap) {
        const kind = s.pendingSwap;
        delete s.pendingSwap;
        await this.#swap(p, kind);
      }
      return;
    }
    s.busy = true;
    const apply = async (): Promise<void> => {
      if (p.shadow?.gen !== gen) return;
      const host = this.#host();
      const st = await need(host.shadowBatch, 'shadow rebuild').call(host, p.name, events);
      s.busy = false;
      s.cursor = last.position + 1;
      s.watermark = st.watermark;
      s.events += events.length;
      this.#emit({ type: 'projection.shadowProgress', projection: p.name, variant: s.variant, role: s.role, position: last.position, headPosition: this.#head, events: events.length });
      await this.#shadowStep(p, gen);
    };
    const cost = this.#settings.costs.projectMs * events.length;
    if (cost === 0) await apply();
    else this.scheduler.schedule(this.clock.now + cost, 'projection.shadowApply', apply);
  }

  /** Flip or roll back: bring the other store to the head, then swap it with the live one in one step. */
  async #swap(p: ProjectionProcess, kind: 'flip' | 'rollback'): Promise<void> {
    const s = p.shadow;
    if (!s) return;
    if (s.busy) {
      s.pendingSwap = kind;
      return;
    }
    const host = this.#host();
    let caughtUp = 0;
    if (s.cursor <= this.#head) {
      const rest = await this.#write.readAll(s.cursor, this.#head - s.cursor + 1);
      if (rest.length > 0) {
        const st = await need(host.shadowBatch, 'shadow rebuild').call(host, p.name, rest);
        s.watermark = st.watermark;
        s.cursor = rest[rest.length - 1]!.position + 1;
        caughtUp = rest.length;
      }
    }
    const from = p.variant;
    const st = await need(host.shadowSwap, 'shadow flip').call(host, p.name);
    const oldWatermark = p.watermark;
    p.watermark = st.watermark;
    p.counters = st.counters;
    p.variant = st.variant;
    s.variant = from;
    s.role = kind === 'flip' ? 'previous' : 'candidate';
    s.watermark = oldWatermark;
    s.cursor = oldWatermark + 1;
    s.status = oldWatermark >= this.#head ? 'caughtUp' : 'building';
    s.events = 0;
    this.#emit({ type: kind === 'flip' ? 'projection.flipped' : 'projection.rolledBack', projection: p.name, from, to: p.variant, watermark: p.watermark, caughtUpEvents: caughtUp });
    this.#advanced(p);
    this.#kickShadows();
  }

  #markCrashed(p: ProjectionProcess, rolledBack: number, reason = 'requested'): void {
    p.crashArmed = false;
    const lostInbox = p.inbox.length;
    p.inbox = [];
    p.status = 'crashed';
    this.#emit({ type: 'projection.crashed', projection: p.name, reason, rolledBack, lostInbox, watermark: p.watermark });
    this.#bus.setDown(p.name, true);
  }

  #onDeliver(d: Delivery): void {
    if (this.#sagaNames.has(d.projection)) {
      this.#sagaDeliver(d.projection.slice(SAGA_PREFIX.length), d.event);
      return;
    }
    const p = this.#projection(d.projection);
    p.inbox.push(d.event);
    this.#scheduleDrain(p);
  }

  #scheduleDrain(p: ProjectionProcess): void {
    if (p.busy || p.drainScheduled || p.status !== 'live' || p.inbox.length === 0) return;
    p.drainScheduled = true;
    // Scheduled (not run inline) so deliveries of the same instant share a batch.
    this.scheduler.schedule(this.clock.now, 'projection.drain', () => this.#drain(p));
  }

  async #drain(p: ProjectionProcess): Promise<void> {
    p.drainScheduled = false;
    if (p.busy || p.status !== 'live' || p.inbox.length === 0) {
      if (p.crashArmed && p.status === 'live' && !p.busy) this.#markCrashed(p, 0);
      return;
    }
    const batch = p.inbox.splice(0, this.#settings.projection.batchSize);
    p.busy = true;
    const cost = this.#settings.costs.projectMs * batch.length;
    const live = this.#liveApply(p, batch);
    const run = async (): Promise<void> => live.applied(await this.#host().applyBatch(live.request()));
    if (cost === 0) await run();
    else this.scheduler.schedule(this.clock.now + cost, 'projection.apply', run, live);
  }

  #liveApply(p: ProjectionProcess, batch: EventEnvelope[]): LiveApply {
    return {
      projection: p.name,
      request: () => ({
        projection: p.name,
        events: batch,
        mode: 'live',
        guards: guardsFor(this.#settings, p.name),
        headPosition: this.#head,
        ...this.#failAfter(p, batch.length),
        ...this.#meter(p.name),
      }),
      applied: (outcome) => this.#appliedLive(p, outcome),
    };
  }

  #appliedLive(p: ProjectionProcess, outcome: BatchOutcome): void {
    // Busy until here (not only until the request left): nothing reads it in between, and a merged group may be put back unstarted.
    p.busy = false;
    if (this.#settle(p, outcome)) this.#afterRows(p, outcome);
  }

  /** Writing rows takes time too (costs.projectRowMs): the projection stays busy before its next batch. */
  #afterRows(p: ProjectionProcess, outcome: BatchOutcome): void {
    const extra = this.#settings.costs.projectRowMs * (outcome.rowsWritten ?? 0);
    if (extra <= 0) return this.#scheduleDrain(p);
    p.busy = true;
    this.scheduler.schedule(this.clock.now + extra, 'projection.rows', () => {
      p.busy = false;
      if (p.crashArmed && p.status === 'live') return this.#markCrashed(p, 0);
      this.#scheduleDrain(p);
    });
  }

  #failAfter(p: ProjectionProcess, n: number): { failAfter?: number } {
    return p.crashArmed ? { failAfter: Math.floor(n / 2) } : {};
  }

  /** After a crash: read the event store from the checkpoint, in batches, then go live. */
  async #catchUpStep(p: ProjectionProcess): Promise<void> {
    if (p.status !== 'catchingUp') return;
    if (p.cursor === 0) {
      const st = await this.#host().state(p.name);
      this.#setState(p, st);
      p.cursor = st.watermark + 1;
      this.#emit({ type: 'projection.catchUpStarted', projection: p.name, fromPosition: p.cursor, headPosition: this.#head });
    }
    await this.#replayFromStore(p, 'projection.catchUpApply', {
      finish: async () => {
        p.status = 'live';
        this.#emit({ type: 'projection.caughtUp', projection: p.name, watermark: p.watermark });
      },
      apply: async (events) => {
        const outcome = await this.#host().applyBatch({
          projection: p.name,
          events,
          mode: 'catchUp',
          guards: guardsFor(this.#settings, p.name),
          headPosition: this.#head,
          ...this.#failAfter(p, events.length),
          ...this.#meter(p.name),
        });
        this.#setState(p, outcome);
        if (outcome.crashed) {
          this.#markCrashed(p, outcome.rolledBack, outcome.reason);
          return false;
        }
        for (const d of outcome.drafts) this.#emit(d);
        this.#advanced(p);
        return true;
      },
      next: () => this.#catchUpStep(p),
    });
  }

  /** Replay from position 0 into a fresh store, batch by batch, then swap it in. */
  async #rebuildStep(p: ProjectionProcess): Promise<void> {
    if (p.status !== 'rebuilding') return;
    await this.#replayFromStore(p, 'projection.rebuildApply', {
      finish: async () => {
        const st = await this.#host().finishRebuild(p.name);
        this.#setState(p, st);
        p.status = 'live';
        this.#emit({ type: 'projection.rebuildFinished', projection: p.name, watermark: p.watermark, events: p.rebuilt });
      },
      apply: async (events) => {
        const outcome = await this.#host().rebuildBatch({
          projection: p.name,
          events,
          guards: guardsFor(this.#settings, p.name),
          ...this.#failAfter(p, events.length),
        });
        if (outcome.crashed) {
          const st = await this.#host().state(p.name);
          this.#setState(p, st);
          this.#markCrashed(p, 0, outcome.reason);
          return false;
        }
        p.rebuilt += events.length;
        const last = events[events.length - 1]!;
        this.#emit({ type: 'projection.rebuildProgress', projection: p.name, position: last.position, headPosition: this.#head, events: events.length });
        return true;
      },
      next: () => this.#rebuildStep(p),
    });
  }

  /**
   * One step of reading the event store from the projection's cursor (catch-up and rebuild):
   * an empty batch finishes and goes live; otherwise the batch is applied after its virtual
   * cost (projectMs per event), then the next step runs unless the apply crashed.
   */
  async #replayFromStore(
    p: ProjectionProcess,
    task: string,
    step: { finish: () => Promise<void>; apply: (events: EventEnvelope[]) => Promise<boolean>; next: () => Promise<void> },
  ): Promise<void> {
    const events = await this.#write.readAll(p.cursor, this.#settings.projection.replayBatchSize);
    const last = events[events.length - 1];
    if (!last) {
      await step.finish();
      this.#advanced(p);
      this.#scheduleDrain(p);
      return;
    }
    p.cursor = last.position + 1;
    p.busy = true;
    const apply = async (): Promise<void> => {
      p.busy = false;
      if (await step.apply(events)) await step.next();
    };
    const cost = this.#settings.costs.projectMs * events.length;
    if (cost === 0) await apply();
    else this.scheduler.schedule(this.clock.now + cost, task, apply);
  }

  // ── sagas ────────────────────────────────────────────────────────────────

  #sagaEnv(): { seed: number; at: number; settings: { failureProbability: number; timeoutMs: number } } {
    const s = this.#settings.sagas;
    return { seed: this.seed, at: this.clock.now, settings: { failureProbability: s.failureProbability, timeoutMs: s.timeoutMs } };
  }

  #sagaDeliver(saga: string, event: EventEnvelope): void {
    const work = async (): Promise<void> => {
      const outcome = await need(this.#write.sagaHandle, 'saga').call(this.#write, { saga, event, ...this.#sagaEnv() });
      this.#sagaOutcome(saga, outcome, { trigger: 'event', cause: event.type, position: event.position });
    };
    const cost = this.#settings.costs.projectMs;
    this.scheduler.schedule(this.clock.now + cost, 'saga.handle', work);
  }

  #sagaOutcome(saga: string, outcome: SagaOutcome, why: { trigger: 'event' | 'timeout' | 'rejection'; cause: string; position: number | null }): void {
    if (outcome.kind === 'duplicate') {
      this.#emit({ type: 'saga.duplicateSkipped', saga, sagaId: outcome.sagaId, position: why.position ?? 0 });
      return;
    }
    if (outcome.kind === 'ignored') {
      if (why.trigger !== 'timeout') this.#emit({ type: 'saga.ignored', saga, sagaId: outcome.sagaId, position: why.position, reason: outcome.reason });
      return;
    }
    if (outcome.started) {
      this.#emit({ type: 'saga.started', saga, sagaId: outcome.sagaId, position: why.position ?? 0, eventType: why.cause, correlationId: outcome.correlationId });
    }
    if (why.trigger === 'timeout') this.#emit({ type: 'saga.timedOut', saga, sagaId: outcome.sagaId, name: why.cause });
    this.#emit({
      type: 'saga.stepped',
      saga,
      sagaId: outcome.sagaId,
      trigger: why.trigger,
      cause: why.cause,
      position: why.position,
      from: outcome.from,
      to: outcome.to,
      commands: outcome.commands.map((c) => c.type),
      done: outcome.done,
    });
    // The running wait.
    const key = `${saga}|${outcome.sagaId}`;
    const known = this.#sagaTimers.get(key);
    const wanted = outcome.timeout ? `${outcome.timeout.name}@${outcome.timeout.at}` : null;
    if (known && known.key !== wanted) {
      this.scheduler.cancel(known.handle);
      this.#sagaTimers.delete(key);
    }
    if (outcome.timeout && wanted !== null && known?.key !== wanted) {
      const t = outcome.timeout;
      const sagaId = outcome.sagaId;
      const handle = this.scheduler.schedule(t.at, 'saga.timeout', async () => {
        this.#sagaTimers.delete(key);
        const o = await need(this.#write.sagaTimeout, 'saga').call(this.#write, { saga, sagaId, name: t.name, dueAt: t.at, ...this.#sagaEnv() });
        this.#sagaOutcome(saga, o, { trigger: 'timeout', cause: t.name, position: null });
      });
      this.#sagaTimers.set(key, { key: wanted, handle });
      this.#emit({ type: 'saga.timeoutScheduled', saga, sagaId, name: t.name, dueAt: t.at });
    }
    for (const c of outcome.commands) this.#sagaSend(saga, outcome.sagaId, outcome.correlationId, c, 1);
    if (outcome.done && outcome.from !== outcome.to) this.#emit({ type: 'saga.finished', saga, sagaId: outcome.sagaId, status: outcome.to });
  }

  /** Send a saga's command with a derived commandId: resending it is harmless (idempotency). */
  #sagaSend(saga: string, sagaId: string, correlationId: string, command: SagaCommand, attempt: number): void {
    const commandId = `${saga}-${sagaId}-${command.key}`;
    const refuse = async (rejection: Rejection): Promise<void> => {
      const o = await need(this.#write.sagaRejected, 'saga').call(this.#write, { saga, sagaId, command, rejection, ...this.#sagaEnv() });
      this.#sagaOutcome(saga, o, { trigger: 'rejection', cause: `${command.type}: ${rejection.code}`, position: null });
    };
    this.#emit({ type: 'saga.commandSent', saga, sagaId, commandId, commandType: command.type, attempt });
    try {
      this.#submitCommand({ type: command.type, data: command.data, commandId, correlationId }, undefined, {
        onDone: (run) => {
          if (run.result?.ok) return;
          if (run.result && !run.result.ok) {
            this.#emit({ type: 'saga.commandRefused', saga, sagaId, commandId, commandType: command.type, code: run.result.rejection.code, willRetry: false });
            // Handled in a task of its own, after the command's.
            this.scheduler.schedule(this.clock.now, 'saga.rejected', () => refuse((run.result as { rejection: Rejection }).rejection));
            return;
          }
          const code = run.error?.code ?? 'FAILED';
          const retry = attempt <= this.#settings.sagas.maxRetries;
          this.#emit({ type: 'saga.commandRefused', saga, sagaId, commandId, commandType: command.type, code, willRetry: retry });
          if (retry) {
            this.scheduler.schedule(this.clock.now + this.#settings.sagas.retryMs * attempt, 'saga.resend', () => this.#sagaSend(saga, sagaId, correlationId, command, attempt + 1));
          } else {
            this.scheduler.schedule(this.clock.now, 'saga.rejected', () => refuse({ code, message: run.error?.message ?? 'The command failed.' }));
          }
        },
      });
    } catch (e) {
      // A saga that builds an invalid command: treated as a refusal.
      const err = e instanceof EngineError ? e : new EngineError('INVALID_INTENT', String(e));
      this.#emit({ type: 'saga.commandRefused', saga, sagaId, commandId, commandType: command.type, code: err.code, willRetry: false });
      this.scheduler.schedule(this.clock.now, 'saga.rejected', () => refuse({ code: err.code, message: err.message }));
    }
  }
}

function optionalSession(sessionId: string | undefined): { sessionId?: string } {
  return sessionId === undefined ? {} : { sessionId };
}

/** A port method, or a typed error saying the side does not offer it. */
function need<F>(fn: F | undefined, what: string): F {
  if (typeof fn !== 'function') throw new UnsupportedError(what);
  return fn;
}

/** Where two JSON values differ, as paths (e.g. "stock", "lines[0].status"); at most 20. */
export function diffPaths(a: unknown, b: unknown, path = '', out: string[] = []): string[] {
  if (out.length >= 20) return out;
  if (a === b) return out;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a) ? [...Array(Math.max(a.length, (b as unknown[]).length)).keys()].map(String) : [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const sub = Array.isArray(a) ? `${path}[${k}]` : path === '' ? k : `${path}.${k}`;
      diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], sub, out);
    }
    return out;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(path === '' ? '(value)' : path);
  return out;
}

function validateAsOf(asOf: unknown, allowVersion: boolean): AsOf {
  const keys = allowVersion ? ['position', 'at', 'version'] : ['position', 'at'];
  if (asOf === null || typeof asOf !== 'object') throw new InvalidIntentError(`asOf must be one of ${keys.map((k) => `{ ${k} }`).join(', ')}.`);
  const entries = Object.entries(asOf);
  if (entries.length !== 1 || !keys.includes(entries[0]![0])) throw new InvalidIntentError(`asOf must be exactly one of ${keys.map((k) => `{ ${k} }`).join(', ')}.`);
  const [key, value] = entries[0]!;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new InvalidPayloadError('asOf', key, value, 'a whole number from 0');
  return { [key]: value } as AsOf;
}
