// The coordinator's adapter: it runs the engine against real time. A clock
// loop advances virtual time by elapsed real time × speed (pause, step and
// speed change it), a load generator submits commands at a steady rate, an
// observer folds every trace record into the sandbox's views, and a frame
// of derived status goes to the page at most ten times a second. The engine
// itself stays free of real time: this file is the only place that reads
// performance.now().
import * as Comlink from 'comlink';
import type { DomainDefinition } from '../engine/index.ts';
import { createEngine, type Engine } from '../engine/index.ts';
import { EngineError } from '../engine/index.ts';
import type { Intent, ScriptEntry } from '../engine/index.ts';
import type { ReadSidePort } from '../engine/index.ts';
import type { SettingsPatch } from '../engine/index.ts';
import type { WriteSide, WriteSidePort } from '../engine/index.ts';
import { dueAt, loadPlan, type LoadPlan } from '../sandbox/loadGenerator.ts';
import { SessionObserver } from './views/observer.ts';
import { StoryIndex, sequenceDiagramSource } from './views/sequenceDiagram.ts';
import type { SessionState } from '../sandbox/sessionState.ts';
import { worldAt } from './views/timeline.ts';
import { filterTrace, type TraceFilter } from './views/traceFilter.ts';
import type { TraceRecord } from '../engine/index.ts';
import {
  WorkerFaultError,
  type ClockState,
  type EventRow,
  type ReadSideRemote,
  type Reply,
  type SandboxFrame,
  type TableRef,
  type TableView,
  type TimelineSlice,
  type WorkerFault,
  type WorkerName,
  fromWire,
  portMethods,
} from './engineProtocol.ts';

type FaultSink = (worker: WorkerName, error: Error) => void;

/**
 * The in-process write side as the engine's port, with a switch that makes
 * the next command it handles throw (a simulated bug). Every method of the
 * engine's WriteSide is forwarded, so methods the engine adds keep working.
 */
export function faultableWriteSide(inner: WriteSide, onFault: FaultSink): { port: WriteSidePort; arm(): void } {
  let armed = false;
  const port: Record<string, unknown> = {};
  for (const method of portMethods(Object.getPrototypeOf(inner) as object)) {
    const fn = (inner as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!;
    port[method] =
      method === 'load' || method === 'append'
        ? (...args: unknown[]) => {
            if (armed) {
              armed = false;
              const e = new WorkerFaultError('write', `Injected fault: the write worker threw while handling ${method}.`);
              onFault('write', e);
              throw e;
            }
            return fn.apply(inner, args);
          }
        : (...args: unknown[]) => fn.apply(inner, args);
  }
  return { port: port as unknown as WriteSidePort, arm: () => (armed = true) };
}

/**
 * The read side over the channel, as the engine's port: one function per
 * method the read worker's ReadSide has. A failure that is not an engine
 * error is a worker fault.
 */
export function remoteReadSide(remote: Comlink.Remote<ReadSideRemote>, methods: readonly string[], onFault: FaultSink): ReadSidePort {
  const port: Record<string, unknown> = {};
  for (const method of methods) {
    port[method] = async (...args: unknown[]): Promise<unknown> => {
      let r: Reply<unknown>;
      try {
        r = await remote.call(method, args);
      } catch (e) {
        const fault = new WorkerFaultError('read', e instanceof Error ? e.message : String(e));
        onFault('read', fault);
        throw fault;
      }
      if (r.ok) return r.value;
      const error = fromWire(r.error);
      if (!(error instanceof EngineError)) onFault('read', error);
      throw error;
    };
  }
  return port as unknown as ReadSidePort;
}

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
}

const FRAME_MS = 125;
/** Real ms of simulation work per slice before yielding to messages. */
const SLICE_MS = 12;

const yieldNow = (): Promise<void> =>
  new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class EngineHost {
  readonly engine: Engine;
  readonly domain: DomainDefinition;
  readonly observer: SessionObserver;
  /** The trace indexed by command as it arrives, for diagrams of one command. */
  readonly #stories = new StoryIndex();
  /** The write side itself (the event log view reads it directly, outside any step). */
  readonly write: WriteSide;
  readonly #armWrite: () => void;
  readonly #initialSettings: SettingsPatch;
  #running = false;
  #looping = false;
  #speed: number;
  #target = 0;
  #lastReal = 0;
  #rateSamples: { real: number; virtual: number }[] = [];
  #load: { plan: LoadPlan | undefined; rate: number; start: number; sent: number; setupSent: boolean };
  #fault: WorkerFault | null = null;
  #frameCallback: ((frame: SandboxFrame) => Promise<void> | void) | undefined;
  #frameBusy = false;
  #frameKey = '';
  #events: { head: number; rows: EventRow[] } = { head: -1, rows: [] };
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(options: HostOptions) {
    this.domain = options.domain;
    this.#initialSettings = options.settings;
    this.#speed = options.speed;
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
    this.engine.onTrace((r) => {
      this.observer.add(r);
      this.#stories.add(r);
      // Records that left the bounded trace leave the index too (a no-op until they do).
      this.#stories.forgetBefore(this.engine.trace[0]?.seq ?? r.seq);
    });
    this.#load = { plan: loadPlan(options.domain.name), rate: 0, start: 0, sent: 0, setupSent: false };
  }

  /** Replay a recorded script (a shared link, a saved or imported session) and stop where it stopped. */
  async replay(state: Pick<SessionState, 'script' | 'until'>): Promise<void> {
    await this.engine.replay(state.script);
    if (state.until) {
      await this.engine.runToStep(state.until.step);
      if (state.until.at > this.engine.now) this.engine.clock.set(state.until.at);
    }
    this.#throwIfFaulted();
  }

  startFrames(): void {
    this.#timer ??= setInterval(() => void this.#pushFrame(), FRAME_MS);
  }

  onFrame(callback: (frame: SandboxFrame) => Promise<void> | void): void {
    this.#frameCallback = callback;
    this.#frameKey = '';
    void this.#pushFrame();
  }

  close(): void {
    this.#closed = true;
    this.#running = false;
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }

  // ── time ──────────────────────────────────────────────────────────────

  setRunning(running: boolean): void {
    if (running && this.#fault) return;
    this.#running = running;
    this.#lastReal = performance.now();
    this.#target = this.engine.now;
    this.#rateSamples = [];
    if (running) void this.#loop();
    this.#frameKey = '';
  }

  setSpeed(speed: number): void {
    if (!(speed >= 0.1 && speed <= 10)) throw new RangeError(`Speed must be from 0.1 to 10, got ${speed}.`);
    this.#speed = speed;
    this.#lastReal = performance.now();
    this.#rateSamples = [];
    this.#frameKey = '';
  }

  /** Run the next scheduled task. False when nothing is scheduled. */
  async step(): Promise<boolean> {
    this.#throwIfFaulted();
    const ran = await this.engine.step();
    this.#target = this.engine.now;
    this.#throwIfFaulted();
    return ran;
  }

  async #loop(): Promise<void> {
    if (this.#looping) return;
    this.#looping = true;
    try {
      while (this.#running && !this.#fault && !this.#closed) {
        const now = performance.now();
        this.#target += (now - this.#lastReal) * this.#speed;
        this.#lastReal = now;
        if (this.#target < this.engine.now) this.#target = this.engine.now;
        const t = Math.floor(this.#target);
        const caughtUp = await this.#advance(t, now + SLICE_MS);
        // More than a second behind: the engine cannot keep up at this speed;
        // let virtual time run slower rather than pile up debt.
        if (!caughtUp && this.#target - this.engine.now > 1000 * this.#speed) this.#target = this.engine.now + 1000 * this.#speed;
        this.#sampleRate();
        if (caughtUp) await sleep(8);
        else await yieldNow();
      }
    } catch (e) {
      if (!this.#fault) this.#onFault('write', e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.#looping = false;
    }
  }

  /** Run tasks (and due load commands) up to virtual time t; false if the slice ran out first. */
  async #advance(t: number, deadline: number): Promise<boolean> {
    const engine = this.engine;
    for (;;) {
      if (performance.now() > deadline) return false;
      if (!this.#running || this.#fault) return true;
      const next = engine.scheduler.nextAt();
      const load = this.#load;
      const genAt = load.rate > 0 && load.plan ? dueAt(load.start, load.rate, load.sent) : Number.POSITIVE_INFINITY;
      if (genAt <= t && (next === undefined || genAt < next)) {
        if (genAt > engine.now) await engine.advanceTo(genAt);
        engine.submit({ kind: 'command', command: load.plan!.command(load.sent) });
        load.sent++;
        continue;
      }
      if (next === undefined || next > t) {
        if (t > engine.now) await engine.advanceTo(t);
        return true;
      }
      // Live applies of several projections due now share one round trip to the read worker.
      await engine.stepMerged();
    }
  }

  #sampleRate(): void {
    const s = this.#rateSamples;
    s.push({ real: performance.now(), virtual: this.engine.now });
    while (s.length > 2 && s[s.length - 1]!.real - s[0]!.real > 1000) s.shift();
  }

  #effectiveSpeed(): number {
    const s = this.#rateSamples;
    if (!this.#running || s.length < 2) return this.#running ? this.#speed : 0;
    const a = s[0]!;
    const b = s[s.length - 1]!;
    return b.real > a.real ? (b.virtual - a.virtual) / (b.real - a.real) : this.#speed;
  }

  // ── load ──────────────────────────────────────────────────────────────

  setLoad(rate: number): void {
    if (!(rate >= 0 && rate <= 2000)) throw new RangeError(`Load must be from 0 to 2,000 commands/s, got ${rate}.`);
    const load = this.#load;
    if (!load.plan) throw new Error(`No load generator for the ${this.domain.name} domain.`);
    if (rate > 0) {
      let base = this.engine.now;
      if (!load.setupSent) {
        for (const command of load.plan.setup) this.engine.submit({ kind: 'command', command });
        load.setupSent = true;
        base += 50; // let the setup commands land first
      }
      // Commands keep their numbers (ids never repeat): number `sent` is due at `base`.
      load.start = base - Math.ceil((load.sent * 1000) / rate);
    }
    load.rate = rate;
    this.#frameKey = '';
  }

  // ── requests from the page ────────────────────────────────────────────

  async dispatch(intent: Intent) {
    this.#throwIfFaulted();
    try {
      return await this.engine.dispatch(intent);
    } finally {
      this.#frameKey = '';
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
      (await this.engine.readOnlySql(store, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).rows.map((r) => String(r[0]));
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
    const world = worldAt(trace.slice(from, target - firstSeq + 1), this.domain.projections.map((p) => p.name), target, keyframe);
    const i = target - firstSeq;
    return { firstSeq, lastSeq, world, records: trace.slice(Math.max(0, i - before), i + after + 1) };
  }

  diagram(commandId: string): { source: string; records: number; complete: boolean } {
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
    this.#target = this.engine.now;
    this.#frameKey = '';
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
    this.#target = Math.max(this.#target, this.engine.now);
    this.#frameKey = '';
    this.#throwIfFaulted();
  }

  // ── scenarios ─────────────────────────────────────────────────────────

  /** Let the scenario player (src/scenarios/playerWorker.ts) drive the engine, like a request from the page. */
  async playScenario<T>(play: (engine: Engine) => Promise<T>): Promise<T> {
    this.#throwIfFaulted();
    try {
      return await play(this.engine);
    } finally {
      this.#target = Math.max(this.#target, this.engine.now);
      this.#frameKey = '';
      this.#throwIfFaulted();
    }
  }

  // ── faults ────────────────────────────────────────────────────────────

  #onFault(worker: WorkerName, error: Error): void {
    if (this.#fault) return;
    const pos = this.engine.position();
    // The failing task had already been counted as a step: a restart replays to just before it.
    this.#fault = { worker, message: error.message, lastGood: { at: pos.at, step: Math.max(0, pos.step - 1) } };
    this.#running = false;
    this.#frameKey = '';
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
      running: this.#running,
      speed: this.#speed,
      effectiveSpeed: this.#effectiveSpeed(),
      pendingTasks: this.engine.scheduler.pending,
    };
  }

  frame(): SandboxFrame {
    const engine = this.engine;
    const status = engine.status();
    const trace = engine.trace;
    const obs = this.observer;
    if (this.#events.head !== status.headPosition) {
      const from = Math.max(1, status.headPosition - 24);
      const rows = status.headPosition === 0 ? [] : this.write.readAll(from, 25);
      this.#events = {
        head: status.headPosition,
        rows: rows.reverse().map((e) => ({
          position: e.position,
          streamId: e.streamId,
          version: e.version,
          type: e.type,
          recordedAt: e.metadata.recordedAt,
          commandId: e.metadata.commandId,
          data: JSON.stringify(e.data),
        })),
      };
    }
    return {
      seq: obs.lastSeq,
      firstSeq: trace[0]?.seq ?? 0,
      clock: this.clockState(),
      head: status.headPosition,
      projections: status.projections,
      settings: engine.settings,
      load: { rate: this.#load.rate, sent: this.#load.sent, eventsPerCommand: this.#load.plan?.eventsPerCommand ?? 1 },
      windows: this.#summaries(),
      openWindows: obs.windows.openCount,
      recentWindows: obs.windows.recent.slice(-12).reverse(),
      reads: structuredClone(obs.guarantees.stats),
      violations: obs.guarantees.violations.slice(-50).reverse(),
      commands: obs.recentCommands(30),
      events: this.#events.rows,
      fault: this.#fault,
    };
  }

  #summaryCache: { version: number; value: SandboxFrame['windows'] } = { version: -1, value: [] };
  #summaries(): SandboxFrame['windows'] {
    const w = this.observer.windows;
    if (this.#summaryCache.version !== w.version) this.#summaryCache = { version: w.version, value: w.summaries() };
    return this.#summaryCache.value;
  }

  async #pushFrame(): Promise<void> {
    const cb = this.#frameCallback;
    if (!cb || this.#frameBusy || this.#closed) return;
    const key = `${this.observer.lastSeq}:${this.engine.now}:${this.engine.scheduler.steps}:${this.#running}:${this.#speed}:${this.#load.rate}:${this.#fault !== null}`;
    if (key === this.#frameKey) return;
    this.#frameBusy = true;
    try {
      const frame = this.frame();
      this.#frameKey = key;
      await cb(frame);
    } catch {
      // The page went away; frames resume if it subscribes again.
    } finally {
      this.#frameBusy = false;
    }
  }
}
