// The coordinator's shared context and the records it keeps per command,
// query, request, projection and session.
import { type Delivery, EventBus } from '../bus/eventBus.ts';
import { VirtualClock } from '../clock.ts';
import type { DomainDefinition } from '../domain.ts';
import { type EngineError, InvalidIntentError, UnknownProjectionError } from '../errors.ts';
import { type ReadModelsPort, ReadSide, type ReadSidePort } from '../readSide.ts';
import { SeededRng } from '../rng.ts';
import { Scheduler } from '../scheduler.ts';
import { applySettingsPatch, DEFAULT_SETTINGS, type EngineSettings, type SeparationLevel, syncProjections } from '../settings.ts';
import type { EventEnvelope } from '../vocabulary/envelope.ts';
import { validatePayload } from '../validation.ts';
import type { CommandInput, ConsistencyOptions, CrashPoint, Intent } from '../vocabulary/intent.ts';
import type { ApplyBatchRequest, BatchOutcome, ProjectionCounters } from '../vocabulary/projection.ts';
import type { CommandResult, ProjectionStatus, QueryResult } from '../vocabulary/results.ts';
import { Trace, type TraceBody } from '../vocabulary/trace.ts';
import type { SnapshotPolicy } from '../write/aggregateStreams.ts';
import { Upcasting } from '../write/upcasting.ts';
import { WriteSide, type WriteSidePort } from '../writeSide.ts';
import { AppendTimes } from './appendTimes.ts';
import type { EngineOptions } from './engineTypes.ts';
import { type CommandSource, ScriptLog } from './scriptLog.ts';

export interface CommandRun {
  commandId: string;
  commandType: string;
  data: Record<string, unknown>;
  correlationId: string;
  sessionId: string | undefined;
  /** The client's expected version of the command's one stream. */
  expectedVersion?: number;
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

export interface QueryRun {
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

export interface Request<T> {
  done: boolean;
  result?: T;
  error?: EngineError;
}

export interface ShadowProcess {
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

export interface ProjectionProcess {
  name: string;
  status: ProjectionStatus;
  inbox: EventEnvelope[];
  busy: boolean;
  drainScheduled: boolean;
  crashArmed: boolean;
  /** Where the armed crash strikes. */
  crashPoint: CrashPoint;
  watermark: number;
  counters: ProjectionCounters;
  /** Next position to read when catching up or rebuilding. */
  cursor: number;
  rebuilt: number;
  variant: string;
  shadow: ShadowProcess | undefined;
}

export interface Session {
  id: string;
  lastWrite: number;
  consistency: ConsistencyOptions | null;
  runs: CommandRun[];
  cache: Map<string, { data: unknown; position: number; at: number }>;
}

export interface Waiter {
  projection: string;
  target: number;
  fire: () => void | Promise<void>;
}

export interface OptimisticWatch {
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

export const SAGA_PREFIX = 'saga:';

/**
 * The merge part of a `projection.apply` task: its read-side request and what
 * to do with the outcome. Applies of distinct projections due at the same
 * instant share one round trip (see Stepping.stepNow): building a request reads
 * nothing that handling another projection's outcome can change, and any
 * task that handling schedules runs after the whole group anyway.
 */
export interface LiveApply {
  projection: string;
  request(): ApplyBatchRequest;
  applied(outcome: BatchOutcome): void;
}

/**
 * What every mechanism shares: time, chance, the trace, the settings, the
 * sides (ports), the head of the log, the projections' processes, sessions,
 * id counters. It imports no mechanism; mechanisms get it and each other.
 */
export class EngineContext {
  readonly domain: DomainDefinition;
  readonly seed: number;
  readonly clock = new VirtualClock();
  readonly scheduler: Scheduler<LiveApply>;
  readonly rng: SeededRng;
  readonly trace: Trace;
  readonly write: WriteSidePort;
  readonly read: ReadSidePort;
  readonly bus: EventBus;
  readonly owned: { close(): void }[] = [];
  settings: EngineSettings;
  /** Where the read models live now (the sides were told). */
  level: SeparationLevel;
  projections = new Map<string, ProjectionProcess>();
  sagaNames = new Map<string, Set<string>>();
  head = 0;
  /** recordedAt of each position (index = position), for lag in ms. */
  readonly appendedAt = new AppendTimes();
  commandSeq = 0;
  querySeq = 0;
  requestSeq = 0;
  subscriptionSeq = 0;
  importSeq = 0;
  shadowGen = 0;
  /** Every intent recorded, in order (load commands packed to a few bytes each). */
  readonly script: ScriptLog;
  inStep = false;
  deferred: (() => void)[] = [];
  stepChain: Promise<unknown> = Promise.resolve();
  /** Side work (a change of separation level) every later step waits for. */
  pendingSides: Promise<unknown> = Promise.resolve();
  sessions = new Map<string, Session>();
  waiters: Waiter[] = [];
  watches: OptimisticWatch[] = [];
  faults: ('beforePublish' | 'afterPublish')[] = [];
  faultsArmed = 0;
  lost: number[] = [];
  relayScheduled = false;
  relayAttempts = 0;
  sagaTimers = new Map<string, { key: string; handle: number }>();
  /** Outbox mode: the projections that already got an event synchronously, until the relay publishes it. */
  syncedAt = new Map<number, string[]>();

  /** `onDeliver`: where the bus hands each delivery (the facade routes it to a saga or a projection). */
  constructor(options: EngineOptions, onDeliver: (d: Delivery) => void) {
    this.domain = options.domain;
    this.seed = options.seed;
    this.scheduler = new Scheduler<LiveApply>(this.clock);
    this.rng = new SeededRng(options.seed);
    this.trace = new Trace(options.traceLimit);
    // A packed command is rebuilt as submitCommand records it: payload validated, the engine's id.
    this.script = new ScriptLog((input, commandId) => {
      const spec = options.domain.commands.find((c) => c.type === input.type)!;
      const command = { type: spec.type, data: validatePayload(input.type, spec.fields, input.data ?? {}), commandId };
      return JSON.parse(JSON.stringify({ kind: 'command', command })) as Intent;
    });
    Upcasting.validate(options.domain);
    const names = options.domain.projections.map((p) => p.name);
    this.settings = applySettingsPatch(DEFAULT_SETTINGS, options.settings ?? {}, names, this.aggregateNames());
    this.level = this.settings.separationLevel;
    const level = this.level;
    if (options.write) this.write = options.write;
    else {
      if (!options.sql) throw new InvalidIntentError('createEngine needs either `sql` (the initialised sql.js module) or both sides.');
      const w = new WriteSide(options.sql, options.domain, { separationLevel: level });
      this.owned.push(w);
      this.write = w;
    }
    if (options.read) this.read = options.read;
    else {
      if (!options.sql) throw new InvalidIntentError('createEngine needs either `sql` (the initialised sql.js module) or both sides.');
      const r = new ReadSide(options.sql, options.domain, { separationLevel: level });
      this.owned.push(r);
      this.read = r;
    }
    // Sides passed in were built for level 3 unless told otherwise.
    if (level !== 3 && (options.write || options.read))
      this.pendingSides = this.tellSides(level, options.write !== undefined, options.read !== undefined);
    for (const name of names) {
      this.projections.set(name, {
        name,
        status: 'live',
        inbox: [],
        busy: false,
        drainScheduled: false,
        crashArmed: false,
        crashPoint: 'midBatch',
        watermark: 0,
        counters: { applied: 0, duplicatesSkipped: 0, ignored: 0, gapsDetected: 0, held: 0 },
        cursor: 1,
        rebuilt: 0,
        variant: 'current',
        shadow: undefined,
      });
    }
    for (const saga of options.domain.sagas ?? []) this.sagaNames.set(SAGA_PREFIX + saga.name, new Set(saga.handles));
    this.bus = new EventBus({
      scheduler: this.scheduler,
      rng: this.rng,
      trace: this.trace,
      settings: () => this.settings.bus,
      subscribers: [...names, ...this.sagaNames.keys()],
      onDeliver,
    });
  }

  /** Intents that arrive while a task is mid-flight take effect right after it, at a step boundary. */
  atBoundary(apply: () => void): void {
    if (this.inStep) this.deferred.push(apply);
    else apply();
  }

  /** Keep an intent in the script with the instant and step it took effect at (replay lands it there). */
  record(intent: Intent): void {
    this.script.push({ at: this.clock.now, step: this.scheduler.steps, intent: JSON.parse(JSON.stringify(intent)) as Intent });
  }

  /** Record command `n` of a pure source, which became `cmd-<seq>` (packed: the log rebuilds it from the source). */
  recordFrom(source: CommandSource, n: number, seq: number, command: CommandInput): void {
    if (!this.script.pushGenerated(source, this.clock.now, this.scheduler.steps, n, seq)) this.record({ kind: 'command', command });
  }

  emit(body: TraceBody): void {
    this.trace.emit(this.clock.now, body);
  }

  /** Where read-model work goes: the write side at level 1, the read side otherwise. */
  host(): ReadModelsPort {
    return this.level === 1 ? (this.write as ReadModelsPort) : this.read;
  }

  aggregateNames(): string[] {
    return this.domain.aggregates.map((a) => a.name);
  }

  snapshotPolicy(): SnapshotPolicy | undefined {
    const s = this.settings.snapshots;
    return s.every > 0 ? { every: s.every, stateVersions: { ...s.stateVersions } } : undefined;
  }

  /** Tell the sides where the read models live (they move them before anything is projected). */
  async tellSides(level: SeparationLevel, write = true, read = true): Promise<void> {
    if (write) await this.write.setSeparationLevel(level);
    if (read) await this.read.setSeparationLevel(level);
  }

  /** The ids every record of a command carries. */
  ids(run: CommandRun): { commandId: string; correlationId: string; sessionId?: string } {
    return { commandId: run.commandId, correlationId: run.correlationId, ...optionalSession(run.sessionId) };
  }

  /** Projections updated inside commands now, and whether each may take a write. */
  syncNames(): string[] {
    return syncProjections(this.settings, [...this.projections.keys()]);
  }

  /** Count rows written when rows cost time or the projection is a feed. */
  meter(projection: string): { meter?: boolean } {
    return this.settings.costs.projectRowMs > 0 || this.domain.projections.find((p) => p.name === projection)?.fanOut !== undefined
      ? { meter: true }
      : {};
  }

  setState(p: ProjectionProcess, st: { watermark: number; counters: ProjectionCounters }): void {
    p.watermark = st.watermark;
    p.counters = st.counters;
  }

  lagMs(watermark: number): number {
    if (watermark >= this.head) return 0;
    const oldest = this.appendedAt.get(watermark + 1);
    return oldest === undefined ? 0 : this.clock.now - oldest;
  }

  minWatermark(): number {
    let min = this.head;
    for (const p of this.projections.values()) min = Math.min(min, p.watermark);
    return min;
  }

  sessionOf(id: string): Session {
    let s = this.sessions.get(id);
    if (!s) this.sessions.set(id, (s = { id, lastWrite: 0, consistency: null, runs: [], cache: new Map() }));
    return s;
  }

  projection(name: string): ProjectionProcess {
    const p = this.projections.get(name);
    if (!p) throw new UnknownProjectionError(name, [...this.projections.keys()]);
    return p;
  }

  /** An armed crash strikes halfway through the next batch. */
  failAfter(p: ProjectionProcess, n: number): { failAfter?: number; crashBeforeCheckpoint?: boolean } {
    if (!p.crashArmed) return {};
    return p.crashPoint === 'beforeCheckpoint' ? { crashBeforeCheckpoint: true } : { failAfter: Math.floor(n / 2) };
  }
}

export function optionalSession(sessionId: string | undefined): { sessionId?: string } {
  return sessionId === undefined ? {} : { sessionId };
}
