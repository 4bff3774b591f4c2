// The typed protocol between the page and the sandbox's two workers:
//   engineWrite.worker.ts — the coordinator (virtual clock, scheduler, bus,
//     trace) together with the write side (command handlers + event store);
//   engineRead.worker.ts  — the read side (projections + read stores + queries).
// The page talks to the coordinator; the coordinator reaches the read side
// through a MessageChannel the page hands to both. Errors cross as data: an
// engine error keeps its code and details, anything else is a worker fault.
import { EngineError, errorFromData, type EngineErrorData } from '../engine/index.ts';
import type { ScriptEntry, Intent } from '../engine/index.ts';
import type { ProjectionInfo, DispatchResult, EngineStatus } from '../engine/index.ts';
import type { EngineSettings, SettingsPatch } from '../engine/index.ts';
import type { SqlResult } from '../engine/index.ts';
import type { TraceRecord } from '../engine/index.ts';
import type { EventEnvelope } from '../engine/index.ts';
import type { StreamInfo } from '../engine/index.ts';
import type { TraceFilter } from './views/traceFilter.ts';
import type { LoadShape } from '../sandbox/loadGenerator.ts';
import type { WindowSummary, MeasuredWindow } from './views/consistencyWindow.ts';
import type { ReadStats, Violation } from './views/sessionGuarantees.ts';
import type { CommandSummary, CommandTallies } from './views/observer.ts';
import type { SessionState } from '../sandbox/sessionState.ts';
import type { SessionSummary } from '../sandbox/persistence.ts';
import type { WorldAt } from './views/timeline.ts';
import type { ConsistencyOptions } from '../engine/index.ts';
import type { Scenario, ScenarioStep, Verdict } from '../scenarios/types.ts';
import type { PlayedStep } from '../scenarios/playerWorker.ts';

export type WorkerName = 'write' | 'read';

export type WireError =
  | { kind: 'engine'; data: EngineErrorData }
  | { kind: 'fault'; worker: WorkerName; name: string; message: string };

export type Reply<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** A worker failed (threw something that is not an engine error, or died). */
export class WorkerFaultError extends Error {
  readonly worker: WorkerName;
  constructor(worker: WorkerName, message: string) {
    super(message);
    this.name = 'WorkerFaultError';
    this.worker = worker;
  }
}

export function toWire(e: unknown, worker: WorkerName): WireError {
  if (e instanceof EngineError) return { kind: 'engine', data: e.toJSON() };
  if (e instanceof WorkerFaultError) return { kind: 'fault', worker: e.worker, name: e.name, message: e.message };
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'fault', worker, name: err.name, message: err.message };
}

export function fromWire(w: WireError): Error {
  return w.kind === 'engine' ? errorFromData(w.data) : new WorkerFaultError(w.worker, w.message);
}

/** Run a synchronous call and turn its outcome into a Reply. */
export function replySync<T>(run: () => T, worker: WorkerName): Reply<T> {
  try {
    return { ok: true, value: run() };
  } catch (e) {
    return { ok: false, error: toWire(e, worker) };
  }
}

export async function replyAsync<T>(run: () => T | Promise<T>, worker: WorkerName): Promise<Reply<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (e) {
    return { ok: false, error: toWire(e, worker) };
  }
}

/** The public methods of a port class (what the engine may call). */
export function portMethods(proto: object): string[] {
  const out = new Set<string>();
  for (let p: object | null = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      const d = Object.getOwnPropertyDescriptor(p, name);
      if (name !== 'constructor' && name !== 'close' && d && typeof d.value === 'function') out.add(name);
    }
  }
  return [...out].sort();
}

export function unwrap<T>(r: Reply<T>): T {
  if (r.ok) return r.value;
  throw fromWire(r.error);
}

/**
 * The read side as the coordinator reaches it over the channel. Generic on
 * purpose: every method of the engine's ReadSide is forwarded by name, so
 * methods the engine adds to its port work here without a protocol change.
 */
export interface ReadSideRemote {
  /** The ReadSide's method names (the coordinator builds its port from them). */
  methods(): string[];
  call(method: string, args: unknown[]): Reply<unknown>;
}

/** What the read worker has served: calls by method, and live batches applied (applyBatch and applyBatches). */
export interface ReadSideCalls {
  calls: Record<string, number>;
  batches: number;
}

/** What the page asks of the read worker directly. */
export interface ReadWorkerApi {
  init(domain: string): Promise<void>;
  /** Serve the read side on this port (the coordinator holds the other end). */
  connect(port: MessagePort): void;
  /** Make the next read-side call throw, as a bug in the worker would. */
  injectFault(): void;
  /** Calls served on the channel so far (tests count round trips). */
  served(): ReadSideCalls;
}

export interface StartOptions {
  domain: string;
  seed: number;
  settings: SettingsPatch;
  script: ScriptEntry[];
  until?: { at: number; step: number };
  speed: number;
  /** Keep only the latest N trace records (default 200,000). */
  traceLimit?: number;
  /** How the load generator spreads its commands (a lesson's hot product). */
  load?: LoadShape;
}

/** Where virtual time stands: the sandbox's frames and the terminal's `time` read the same record. */
export interface ClockState {
  /** Virtual milliseconds. */
  at: number;
  /** Scheduler steps run so far. */
  step: number;
  /** True while virtual time flows on its own (play); false when only commands and `time` move it. */
  running: boolean;
  /** Virtual milliseconds per real millisecond while running. */
  speed: number;
  /** Virtual ms advanced per real ms over the last second (below `speed` when the engine cannot keep up). */
  effectiveSpeed: number;
  pendingTasks: number;
  seed: number;
}

export interface EventRow {
  position: number;
  streamId: string;
  version: number;
  type: string;
  recordedAt: number;
  commandId: string;
  data: string;
}

export interface WorkerFault {
  worker: WorkerName;
  message: string;
  /** Where the run stood before the failing step: a restart replays to here. */
  lastGood: { at: number; step: number };
}

export interface SandboxFrame {
  seq: number;
  /** Oldest trace record still in memory. */
  firstSeq: number;
  clock: ClockState;
  head: number;
  projections: ProjectionInfo[];
  settings: EngineSettings;
  load: { rate: number; sent: number; eventsPerCommand: number };
  windows: WindowSummary[];
  openWindows: number;
  recentWindows: MeasuredWindow[];
  reads: ReadStats;
  violations: Violation[];
  commands: CommandSummary[];
  /** How every command so far ended, with the version conflicts met on the way. */
  tallies: CommandTallies;
  events: EventRow[];
  fault: WorkerFault | null;
}

export interface TableRef {
  store: 'write' | string;
  table: string;
}

export interface TableView extends SqlResult {
  store: string;
  table: string;
  total: number;
}

export interface TimelineSlice {
  firstSeq: number;
  lastSeq: number;
  world: WorldAt;
  records: TraceRecord[];
}

export interface CoordinatorApi {
  start(options: StartOptions, readPort: MessagePort): Promise<Reply<{ replayed: number }>>;
  onFrame(callback: (frame: SandboxFrame) => Promise<void> | void): void;
  dispatch(intent: Intent): Promise<Reply<DispatchResult>>;
  setRunning(running: boolean): void;
  setSpeed(speed: number): void;
  step(): Promise<Reply<boolean>>;
  setLoad(rate: number): Reply<void>;
  session(): SessionState;
  /**
   * Save the session to IndexedDB from the worker (its script can be large:
   * it never crosses to the page). Null when there is a fault to restart from.
   */
  autosave(meta: { id: string; name: string; sandbox: string }): Promise<SessionSummary | null>;
  tables(): Promise<Reply<Record<string, string[]>>>;
  table(ref: TableRef, limit?: number): Promise<Reply<TableView>>;
  timeline(seq: number, before?: number, after?: number): TimelineSlice;
  diagram(commandId: string): { source: string; records: number; complete: boolean };
  /** The current frame, on demand. */
  frame(): SandboxFrame;
  /** Events from the event store, in order. */
  readAll(fromPosition: number, limit: number): EventEnvelope[];
  /** The retained trace, as JSON (tests and determinism checks). */
  traceJson(): string;
  /** Make the write side's next call throw, as a bug would (the read worker has its own switch). */
  injectWriteFault(): void;
  /** Run until nothing is scheduled (tests, the terminal's `time run`). */
  runUntilIdle(): Promise<Reply<void>>;

  // What the terminal reads and drives (src/terminal/workerBackend.ts).
  status(): EngineStatus;
  settings(): EngineSettings;
  readOnlySql(store: string, sql: string): Promise<Reply<SqlResult>>;
  /** A copy of a store's SQLite file: the terminal runs learner SQL on it in a worker it can stop (sqlQueryClient.ts). */
  exportStore(store: 'write' | string): Promise<Reply<Uint8Array>>;
  readStream(streamId: string): Promise<Reply<EventEnvelope[]>>;
  listStreams(): Promise<Reply<StreamInfo[]>>;
  /** Trace records matching the filter (filterTrace over the retained trace). */
  trace(filter: TraceFilter): TraceRecord[];
  /** Move virtual time forward by ms, running what falls due. */
  advance(ms: number): Promise<Reply<void>>;

  // What the scenario player drives (src/scenarios/playerWorker.ts).
  /** Dispatch a scenario's initial data, in order. */
  playScenarioSetup(setup: Intent[]): Promise<Reply<void>>;
  /** Play one step of a story and measure its `expect` facts. */
  playScenarioStep(step: ScenarioStep): Promise<Reply<PlayedStep>>;
  /** Intents recorded so far: a challenge counts the learner's intents from here. */
  scriptLength(): number;
  /** Run the challenge's check on a replayed copy of this run (the live run is left as it is). */
  verifyScenario(scenario: Scenario, learner: { fromScript: number; consistency?: ConsistencyOptions }): Promise<Reply<Verdict>>;
}
