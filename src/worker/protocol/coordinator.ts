// What the page asks of the sandbox's coordinator (engineWrite.worker.ts: the
// virtual clock, scheduler, bus and trace together with the write side), and
// the frames it pushes back. Its clients: the sandbox controller and session
// keeper, the terminal's worker backend and the scenario player.
import type { ScriptEntry, Intent } from '../../engine/index.ts';
import type { DispatchResult, EngineStatus } from '../../engine/index.ts';
import type { EngineSettings, SettingsPatch } from '../../engine/index.ts';
import type { SqlResult } from '../../engine/index.ts';
import type { TraceRecord } from '../../engine/index.ts';
import type { EventEnvelope } from '../../engine/index.ts';
import type { StreamInfo } from '../../engine/index.ts';
import type { ConsistencyOptions } from '../../engine/index.ts';
import type { TraceFilter } from '../views/traceFilter.ts';
import type { WindowSummary, MeasuredWindow } from '../views/consistencyWindow.ts';
import type { ReadStats, Violation } from '../views/sessionGuarantees.ts';
import type { CommandSummary, CommandTallies, FrameProjection } from '../views/observer.ts';
import type { LoadShape } from '../../sandbox/loadGenerator.ts';
import type { ArchitectureFrame } from '../views/architecture.ts';
import type { WorldAt } from '../views/timeline.ts';
import type { SessionState } from '../../sandbox/sessionState.ts';
import type { SessionSummary } from '../../sandbox/persistence.ts';
import type { Scenario, ScenarioStep, Verdict } from '../../scenarios/types.ts';
import type { PlayedStep } from '../../scenarios/playerWorker.ts';
import type { LessonPrediction, PredictionMeasurement } from '../../scenarios/prediction.ts';
import type { BranchNumbers } from '../views/branchNumbers.ts';
import type { ReadModelSnapshot } from '../views/readModelDiff.ts';
import type { Reply, WorkerApi, WorkerName } from './reply.ts';

/** The sandbox's two workers: the coordinator with the write side, and the read side. */
export type SandboxWorkerName = Extract<WorkerName, 'write' | 'read'>;

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
  loadShape?: LoadShape;
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
  worker: SandboxWorkerName;
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
  /** With the reason of each crash (folded from the trace by the observer). */
  projections: FrameProjection[];
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
  /** The live picture (views/architecture.ts): summaries, never records. */
  architecture: ArchitectureFrame;
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

export interface SequenceDiagram {
  source: string;
  records: number;
  complete: boolean;
}

export type CoordinatorApi = WorkerApi<{
  start(options: StartOptions, readPort: MessagePort): Promise<Reply<{ replayed: number }>>;
  onFrame(callback: (frame: SandboxFrame) => Promise<void> | void): Reply<void>;
  dispatch(intent: Intent): Promise<Reply<DispatchResult>>;
  setRunning(running: boolean): Reply<void>;
  setSpeed(speed: number): Reply<void>;
  step(): Promise<Reply<boolean>>;
  setLoad(rate: number): Reply<void>;
  session(): Reply<SessionState>;
  /**
   * Save the session to IndexedDB from the worker (its script can be large:
   * it never crosses to the page). Null when there is a fault to restart from.
   */
  autosave(meta: { id: string; name: string; sandbox: string }): Promise<Reply<SessionSummary | null>>;
  tables(): Promise<Reply<Record<string, string[]>>>;
  table(ref: TableRef, limit?: number): Promise<Reply<TableView>>;
  timeline(seq: number, before?: number, after?: number): Reply<TimelineSlice>;
  diagram(commandId: string): Reply<SequenceDiagram>;
  /** The picture draws this command's consistency window (null: the latest). */
  focusCommand(commandId: string | null): Reply<void>;
  /** The picture as it was at record `seq` (scrubbing the timeline). */
  architectureAt(seq: number): Reply<ArchitectureFrame>;
  /** Compare the read models with their events now (tests; the host also does it on its own, see views/divergence.ts). */
  checkDivergence(): Promise<Reply<boolean>>;
  /** The current frame, on demand. */
  frame(): Reply<SandboxFrame>;
  /** Events from the event store, in order. */
  readAll(fromPosition: number, limit: number): Reply<EventEnvelope[]>;
  /** The retained trace, as JSON (tests and determinism checks). */
  traceJson(): Reply<string>;
  /** Make the write side's next call throw, as a bug would (the read worker has its own switch). */
  injectWriteFault(): Reply<void>;
  /** Run until nothing is scheduled (tests, the terminal's `time run`). */
  runUntilIdle(): Promise<Reply<void>>;

  // What the terminal reads and drives (src/terminal/workerBackend.ts).
  status(): Reply<EngineStatus>;
  settings(): Reply<EngineSettings>;
  readOnlySql(store: string, sql: string): Promise<Reply<SqlResult>>;
  /** A copy of a store's SQLite file: the terminal runs learner SQL on it in a worker it can stop (sqlQueryClient.ts). */
  exportStore(store: 'write' | string): Promise<Reply<Uint8Array>>;
  readStream(streamId: string): Promise<Reply<EventEnvelope[]>>;
  listStreams(): Promise<Reply<StreamInfo[]>>;
  /** Trace records matching the filter (filterTrace over the retained trace). */
  trace(filter: TraceFilter): Reply<TraceRecord[]>;
  /** Move virtual time forward by ms, running what falls due. */
  advance(ms: number): Promise<Reply<void>>;

  // What the scenario player drives (src/scenarios/playerWorker.ts).
  /** Dispatch a scenario's initial data, in order. */
  playScenarioSetup(setup: Intent[]): Promise<Reply<void>>;
  /** Play one step of a story and measure its `expect` facts. */
  playScenarioStep(step: ScenarioStep): Promise<Reply<PlayedStep>>;
  /** Intents recorded so far: a challenge counts the learner's intents from here. */
  scriptLength(): Reply<number>;
  /** Run the challenge's check on a replayed copy of this run (the live run is left as it is). */
  verifyScenario(scenario: Scenario, learner: { fromScript: number; consistency?: ConsistencyOptions }): Promise<Reply<Verdict>>;
  /** Play a lesson prediction's experiment on a replayed copy of this run and measure it (the live run is left as it is). */
  measurePrediction(prediction: LessonPrediction): Promise<Reply<PredictionMeasurement>>;

  // Forks (src/sandbox/fork.ts): the page opens the cut session as a new run and keeps the other branch.
  /** This session cut at record `seq`: replaying it stops exactly there. */
  forkAt(seq: number): Reply<SessionState>;
  /** This run's key numbers after record `fromSeq` (the fork point). */
  branchNumbers(fromSeq: number): Reply<BranchNumbers>;
  /** Every projection's read-model tables now, to compare with the other branch. */
  readModels(): Promise<Reply<ReadModelSnapshot>>;
}>;
