// The coordinator's adapter: the engine run against real time for the page.
// It joins the parts (sidePorts.ts: the two ports; realTimeLoop.ts: virtual
// time against real time; loadDriver.ts: the steady load; frames.ts: status
// for the page; views/: what the trace shows) and answers the page's
// requests, turning a failure of either worker into a fault the page can
// restart from.
import type * as Comlink from 'comlink';
import {
  ReadModels,
  createEngine,
  type DomainDefinition,
  type Engine,
  type EngineSettings,
  type Intent,
  type ScriptEntry,
  type SettingsPatch,
  type SqlJsStatic,
  type TraceRecord,
  type WriteSide,
} from '../engine/index.ts';
import type { SessionState } from '../sandbox/sessionState.ts';
import { ForkMarks, truncateSession } from '../sandbox/fork.ts';
import { BranchTally, type BranchNumbers } from './views/branchNumbers.ts';
import type { ReadModelSnapshot } from './views/readModelDiff.ts';
import { readModelSnapshot } from './views/readModelSnapshot.ts';
import { ArchitectureModel, architectureAt, type ArchitectureFrame } from './views/architecture.ts';
import { DivergenceCheck } from './views/divergence.ts';
import { SessionObserver } from './views/observer.ts';
import { StoryIndex, sequenceDiagramSource } from './views/sequenceDiagram.ts';
import { worldAt } from './views/timeline.ts';
import { filterTrace, type TraceFilter } from './views/traceFilter.ts';
import type {
  ClockState,
  SandboxFrame,
  SandboxWorkerName,
  SequenceDiagram,
  TableRef,
  TableView,
  TimelineSlice,
  WorkerFault,
} from './protocol/coordinator.ts';
import type { ReadSideRemote } from './protocol/readSide.ts';
import { WorkerFaultError } from './protocol/reply.ts';
import { FramePublisher, RecentEvents } from './frames.ts';
import { LoadDriver } from './loadDriver.ts';
import type { LoadShape } from '../sandbox/loadGenerator.ts';
import { RealTimeLoop } from './realTimeLoop.ts';
import { faultableWriteSide, remoteReadSide, type FaultSink } from './sidePorts.ts';

export interface HostOptions {
  domain: DomainDefinition;
  seed: number;
  settings: SettingsPatch;
  write: WriteSide;
  read: Comlink.Remote<ReadSideRemote>;
  /** The read side's method names (ReadSideRemote.methods()). */
  readMethods: readonly string[];
  speed: number;
  traceLimit?: number;
  /** sql.js, for the divergence check's scratch replays (without it read models are not checked). */
  sql?: SqlJsStatic;
  /** How the load generator spreads its commands (default: over many products). */
  loadShape?: LoadShape;
}

/** How often the host looks whether a divergence check is due (it runs far less often: see views/divergence.ts). */
const DIVERGENCE_POLL_MS = 250;
const TOKEN_CAP = 16;

export class EngineHost {
  readonly engine: Engine;
  readonly domain: DomainDefinition;
  readonly observer: SessionObserver;
  /** The live picture, folded from the trace (views/architecture.ts). */
  readonly architecture: ArchitectureModel;
  readonly #startSettings: EngineSettings;
  readonly #divergence: DivergenceCheck | null;
  #divergenceTimer: ReturnType<typeof setInterval> | undefined;
  #checkedSeq = -1;
  /** The trace indexed by command as it arrives, for diagrams of one command. */
  readonly #stories = new StoryIndex();
  /** The write side itself (the event log view reads it directly, outside any step). */
  readonly write: WriteSide;
  readonly #armWrite: () => void;
  readonly #initialSettings: SettingsPatch;
  readonly #load: LoadDriver;
  readonly #clock: RealTimeLoop;
  readonly #frames: FramePublisher;
  readonly #events: RecentEvents;
  #fault: WorkerFault | null = null;
  #closed = false;
  /** Where each record can be forked (src/sandbox/fork.ts), and this branch's numbers since its fork point. */
  readonly #forkMarks: ForkMarks;
  #branch: BranchTally | null = null;
  readonly #sql: SqlJsStatic | undefined;

  constructor(options: HostOptions) {
    this.domain = options.domain;
    this.#initialSettings = options.settings;
    const sink: FaultSink = (worker, error) => this.#onFault(worker, error);
    this.write = options.write;
    const write = faultableWriteSide(options.write, sink);
    this.#armWrite = write.arm;
    this.engine = createEngine({
      domain: options.domain,
      seed: options.seed,
      settings: options.settings,
      write: write.port,
      read: remoteReadSide(options.read, options.readMethods, sink),
      traceLimit: options.traceLimit ?? 200_000,
    });
    this.observer = new SessionObserver(options.domain);
    this.#startSettings = structuredClone(this.engine.settings);
    // 16 tokens a lane: beyond that the lane is a flow with its count and rate (the unusual tokens stay drawn).
    // Each drawn token is a small SVG the page creates and removes as deliveries come and go: at 1,000 events/s
    // the default 60 a lane cost the main thread long tasks (npm run bench:ui).
    this.architecture = new ArchitectureModel({ domain: options.domain, settings: this.#startSettings, tokenCap: TOKEN_CAP });
    this.#divergence = options.sql ? this.#divergenceCheck(options.sql) : null;
    this.#sql = options.sql;
    this.#forkMarks = new ForkMarks(this.engine);
    this.engine.onTrace((r) => {
      this.#branch?.add(r);
      this.#forkMarks.forgetBefore(this.engine.trace[0]?.seq ?? r.seq);
      this.observer.add(r);
      this.architecture.add(r);
      this.#stories.add(r);
      // Records that left the bounded trace leave the index too (a no-op until they do).
      this.#stories.forgetBefore(this.engine.trace[0]?.seq ?? r.seq);
    });
    this.#load = new LoadDriver(this.engine, options.domain.name, options.loadShape);
    this.#clock = new RealTimeLoop(this.engine, this.#load, options.speed, {
      halted: () => this.#fault !== null || this.#closed,
      onError: (e) => this.#onFault('write', e),
    });
    this.#events = new RecentEvents(options.write);
    this.#frames = new FramePublisher(
      () => this.frame(),
      () =>
        `${this.observer.lastSeq}:${this.engine.now}:${this.engine.scheduler.steps}:${this.#clock.running}:${this.#clock.speed}:${this.#load.rate}:${this.#fault !== null}`,
    );
  }

  /** Replay a recorded script (a shared link, a saved or imported session) and stop where it stopped. */
  async replay(state: Pick<SessionState, 'script' | 'until'>): Promise<void> {
    const source = this.#load.source;
    const { fromSource } = await this.engine.replay(state.script, source ? { source } : {});
    this.#load.resumeAt(fromSource);
    if (state.until) {
      await this.engine.runToStep(state.until.step);
      if (state.until.at > this.engine.now) this.engine.clock.set(state.until.at);
    }
    this.#throwIfFaulted();
  }

  startFrames(): void {
    this.#frames.start();
    if (this.#divergence) this.#divergenceTimer ??= setInterval(() => void this.checkDivergence(), DIVERGENCE_POLL_MS);
  }

  #divergenceCheck(sql: SqlJsStatic): DivergenceCheck {
    // A scratch host of the domain's read models: replays run here, never in the live stores.
    const scratch = new ReadModels(sql, this.domain);
    return new DivergenceCheck({
      projections: () => this.engine.status().projections,
      head: () => this.engine.headPosition,
      reorder: () => this.engine.settings.bus.reorder,
      liveSql: (projection, sqlText) => this.engine.readOnlySql(projection, sqlText),
      events: (upTo) => (upTo > 0 ? this.write.readAll(1, upTo) : []),
      replay: (projection, events) => scratch.projectionAt({ projection, events }).tables ?? {},
    });
  }

  /** Compare the read models with their events when new records settled and a check is due; true when one ran. */
  async checkDivergence(force = false): Promise<boolean> {
    const check = this.#divergence;
    if (!check || this.#closed || this.#fault) return false;
    const seq = this.observer.lastSeq;
    if (!force && (seq === this.#checkedSeq || !check.due(performance.now()))) return false;
    this.#checkedSeq = seq;
    try {
      this.architecture.setDivergences(await check.run(() => performance.now()));
      this.#frames.invalidate();
    } catch {
      // A store changed shape under the check (a reset, a rebuild): the next round compares again.
    }
    return true;
  }

  /** Draw the consistency window of this command (null: the latest). */
  focusCommand(commandId: string | null): void {
    this.architecture.focus(commandId);
    this.#frames.invalidate();
  }

  /** The picture as it was at record `seq` (folded from the retained trace). */
  architectureAt(seq: number): ArchitectureFrame {
    return architectureAt(this.engine.trace, { domain: this.domain, settings: this.#startSettings, tokenCap: TOKEN_CAP }, seq);
  }

  onFrame(callback: (frame: SandboxFrame) => Promise<void> | void): void {
    this.#frames.onFrame(callback);
  }

  close(): void {
    this.#closed = true;
    this.#clock.stop();
    this.#frames.close();
    if (this.#divergenceTimer !== undefined) clearInterval(this.#divergenceTimer);
  }

  // ── time and load ─────────────────────────────────────────────────────

  setRunning(running: boolean): void {
    this.#clock.setRunning(running);
    this.#frames.invalidate();
  }

  setSpeed(speed: number): void {
    this.#clock.setSpeed(speed);
    this.#frames.invalidate();
  }

  /** Run the next scheduled task. False when nothing is scheduled. */
  async step(): Promise<boolean> {
    this.#throwIfFaulted();
    const ran = await this.engine.step();
    this.#clock.resumeFrom(this.engine.now);
    this.#throwIfFaulted();
    return ran;
  }

  setLoad(rate: number): void {
    this.#load.setRate(rate);
    this.#frames.invalidate();
  }

  // ── requests from the page ────────────────────────────────────────────

  async dispatch(intent: Intent) {
    this.#throwIfFaulted();
    try {
      return await this.engine.dispatch(intent);
    } finally {
      this.#frames.invalidate();
      this.#throwIfFaulted();
    }
  }

  /** The session so far; `script` when the caller already holds a copy of the recorded intents (autosave). */
  session(script: ScriptEntry[] = this.engine.recordedScript()): SessionState {
    return {
      domain: this.domain.name,
      seed: this.engine.seed,
      settings: this.#initialSettings,
      script,
      until: this.#fault ? this.#fault.lastGood : this.engine.position(),
    };
  }

  async tables(): Promise<Record<string, string[]>> {
    const list = async (store: string): Promise<string[]> =>
      (await this.engine.readOnlySql(store, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).rows.map((r) =>
        String(r[0]),
      );
    const out: Record<string, string[]> = { write: await list('write') };
    for (const p of this.domain.projections) out[p.name] = await list(p.name);
    return out;
  }

  async table(ref: TableRef, limit = 100): Promise<TableView> {
    const known = (await this.tables())[ref.store];
    if (!known || !known.includes(ref.table)) throw new Error(`No table '${ref.table}' in the ${ref.store} store.`);
    const name = `"${ref.table.replace(/"/g, '""')}"`;
    const total = Number((await this.engine.readOnlySql(ref.store, `SELECT COUNT(*) FROM ${name}`)).rows[0]?.[0] ?? 0);
    const rows = await this.engine.readOnlySql(ref.store, `SELECT * FROM ${name} LIMIT ${limit} OFFSET ${Math.max(0, total - limit)}`);
    return { ...rows, store: ref.store, table: ref.table, total };
  }

  timeline(seq: number, before = 12, after = 12): TimelineSlice {
    const trace = this.engine.trace;
    const firstSeq = trace[0]?.seq ?? 0;
    const lastSeq = trace[trace.length - 1]?.seq ?? 0;
    const target = Math.min(Math.max(seq, firstSeq), lastSeq);
    const keyframe = this.observer.keyframes.before(target);
    const from = Math.max(0, keyframe.seq + 1 - firstSeq);
    // Fold from the keyframe (records before it may already have left memory).
    const world = worldAt(
      trace.slice(from, target - firstSeq + 1),
      this.domain.projections.map((p) => p.name),
      target,
      keyframe,
    );
    const i = target - firstSeq;
    return { firstSeq, lastSeq, world, records: trace.slice(Math.max(0, i - before), i + after + 1) };
  }

  diagram(commandId: string): SequenceDiagram {
    const trace = this.engine.trace;
    const story = this.#stories.story(commandId);
    const complete = (trace[0]?.seq ?? 1) === 1 || story.records.some((r) => r.type === 'command.received');
    return { source: sequenceDiagramSource(story), records: story.records.length, complete };
  }

  traceJson(): string {
    return JSON.stringify(this.engine.trace);
  }

  injectWriteFault(): void {
    this.#armWrite();
  }

  async runUntilIdle(): Promise<void> {
    this.#throwIfFaulted();
    await this.engine.runUntilIdle();
    this.#clock.resumeFrom(this.engine.now);
    this.#frames.invalidate();
    this.#throwIfFaulted();
  }

  /** Trace records for the terminal (same filter as its in-process backend). */
  trace(filter: TraceFilter): TraceRecord[] {
    return filterTrace(this.engine.trace, filter);
  }

  async advance(ms: number): Promise<void> {
    this.#throwIfFaulted();
    if (!(ms >= 0)) throw new RangeError(`Cannot advance time by ${ms} ms.`);
    await this.engine.advance(ms);
    this.#clock.caughtUpTo(this.engine.now);
    this.#frames.invalidate();
    this.#throwIfFaulted();
  }

  /** Let the scenario player (src/scenarios/playerWorker.ts) drive the engine, like a request from the page. */
  async playScenario<T>(play: (engine: Engine) => Promise<T>): Promise<T> {
    this.#throwIfFaulted();
    try {
      return await play(this.engine);
    } finally {
      this.#clock.caughtUpTo(this.engine.now);
      this.#frames.invalidate();
      this.#throwIfFaulted();
    }
  }

  // ── forks ─────────────────────────────────────────────────────────────

  /** This session cut at record `seq`: replaying it stops exactly there (ForkPointError for a record not kept). */
  forkAt(seq: number): SessionState {
    return truncateSession(this.session(), this.#forkMarks.at(seq));
  }

  /** This branch's key numbers after record `fromSeq`; followed record by record from the first request on. */
  branchNumbers(fromSeq: number): BranchNumbers {
    if (this.#branch?.fromSeq !== fromSeq) {
      this.#branch = new BranchTally(this.domain, fromSeq);
      for (const r of this.engine.trace) this.#branch.add(r);
    }
    return this.#branch.numbers();
  }

  /** Every projection's read-model tables as they are now (checkpoints left out), to compare with another branch. */
  async readModels(): Promise<ReadModelSnapshot> {
    if (!this.#sql) throw new Error('Read models cannot be listed: this host was started without sql.js.');
    return readModelSnapshot(this.#sql, this.domain, (projection, sqlText) => this.engine.readOnlySql(projection, sqlText));
  }

  // ── faults ────────────────────────────────────────────────────────────

  #onFault(worker: SandboxWorkerName, error: Error): void {
    if (this.#fault) return;
    const pos = this.engine.position();
    // The failing task had already been counted as a step: a restart replays to just before it.
    this.#fault = { worker, message: error.message, lastGood: { at: pos.at, step: Math.max(0, pos.step - 1) } };
    this.#clock.stop();
    this.#frames.invalidate();
  }

  #throwIfFaulted(): void {
    if (this.#fault) throw new WorkerFaultError(this.#fault.worker, this.#fault.message);
  }

  get fault(): WorkerFault | null {
    return this.#fault;
  }

  // ── frames ────────────────────────────────────────────────────────────

  clockState(): ClockState {
    return {
      at: this.engine.now,
      step: this.engine.scheduler.steps,
      running: this.#clock.running,
      speed: this.#clock.speed,
      effectiveSpeed: this.#clock.effectiveSpeed(),
      pendingTasks: this.engine.scheduler.pending,
      seed: this.engine.seed,
    };
  }

  frame(): SandboxFrame {
    const engine = this.engine;
    const status = engine.status();
    const obs = this.observer;
    return {
      seq: obs.lastSeq,
      firstSeq: engine.trace[0]?.seq ?? 0,
      clock: this.clockState(),
      head: status.headPosition,
      projections: obs.withCrashes(status.projections),
      settings: engine.settings,
      load: this.#load.summary(),
      windows: this.#summaries(),
      openWindows: obs.windows.openCount,
      recentWindows: obs.windows.recent.slice(-12).reverse(),
      reads: structuredClone(obs.guarantees.stats),
      violations: obs.guarantees.violations.slice(-50).reverse(),
      commands: obs.recentCommands(30),
      tallies: obs.tallies(),
      events: this.#events.at(status.headPosition),
      fault: this.#fault,
      architecture: this.architecture.frame(engine.now),
    };
  }

  #summaryCache: { version: number; value: SandboxFrame['windows'] } = { version: -1, value: [] };
  #summaries(): SandboxFrame['windows'] {
    const w = this.observer.windows;
    if (this.#summaryCache.version !== w.version) this.#summaryCache = { version: w.version, value: w.summaries() };
    return this.#summaryCache.value;
  }
}
