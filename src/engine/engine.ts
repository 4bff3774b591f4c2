// The coordinator. It owns the virtual clock, the scheduler, the seeded
// generator, the bus and the trace, and drives the write side and the read
// side through ports that exchange only plain data (in the browser each
// side lives in its own worker). Everything that happens is a scheduled
// task; every task appends trace records; intents are recorded with the
// step at which they arrived, so a script replays to the identical trace.
import type { DomainDefinition } from './domain.ts';
import {
  ConcurrencyError,
  EngineError,
  InvalidIntentError,
  NotQuiescentError,
  ProjectionStateError,
  UnknownCommandError,
  UnknownProjectionError,
  UnknownQueryError,
} from './errors.ts';
import { EventBus, type Delivery } from './bus/eventBus.ts';
import { VirtualClock } from './clock.ts';
import type { CommandInput, Intent, ProjectionAction, QueryInput, ScriptEntry } from './intent.ts';
import type { ProjectionCounters } from './read/projectionRunner.ts';
import { ReadSide, type ReadSidePort } from './readSide.ts';
import type { SqlResult } from './readOnlySql.ts';
import type { CommandAccepted, CommandResult, ProjectionStatus, QueryResult } from './results.ts';
import { SeededRng } from './rng.ts';
import { Scheduler } from './scheduler.ts';
import {
  DEFAULT_SETTINGS,
  applySettingsPatch,
  cloneSettings,
  guardsFor,
  type EngineSettings,
  type ProjectionGuards,
  type SettingsPatch,
} from './settings.ts';
import type { SqlJsStatic } from './sqlite.ts';
import { Trace, type TraceBody, type TraceListener, type TraceRecord } from './trace.ts';
import { validatePayload } from './validation.ts';
import type { LoadedStream } from './write/commandHandler.ts';
import type { EventEnvelope } from './write/envelope.ts';
import type { StreamInfo } from './write/eventStore.ts';
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
}

export interface EngineStatus {
  at: number;
  step: number;
  pendingTasks: number;
  headPosition: number;
  projections: ProjectionInfo[];
}

export type SubmitReceipt =
  | { kind: 'command'; commandId: string }
  | { kind: 'query'; queryId: string }
  | { kind: 'configure'; settings: EngineSettings }
  | { kind: 'projection'; projection: ProjectionInfo };

export type DispatchResult = CommandResult | QueryResult | EngineSettings | ProjectionInfo;

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
}

export function createEngine(options: EngineOptions): Engine {
  return new Engine(options);
}

export class Engine {
  readonly domain: DomainDefinition;
  readonly seed: number;
  readonly clock = new VirtualClock();
  readonly scheduler: Scheduler;
  readonly rng: SeededRng;
  readonly #trace: Trace;
  readonly #write: WriteSidePort;
  readonly #read: ReadSidePort;
  readonly #bus: EventBus;
  readonly #owned: { close(): void }[] = [];
  #settings: EngineSettings;
  #projections = new Map<string, ProjectionProcess>();
  #head = 0;
  /** recordedAt of each position (index = position), for lag in ms. */
  #appendedAt: number[] = [0];
  #commandSeq = 0;
  #querySeq = 0;
  #script: ScriptEntry[] = [];
  #inStep = false;
  #deferred: (() => void)[] = [];
  #stepChain: Promise<unknown> = Promise.resolve();

  constructor(options: EngineOptions) {
    this.domain = options.domain;
    this.seed = options.seed;
    this.scheduler = new Scheduler(this.clock);
    this.rng = new SeededRng(options.seed);
    this.#trace = new Trace(options.traceLimit);
    const names = options.domain.projections.map((p) => p.name);
    this.#settings = applySettingsPatch(DEFAULT_SETTINGS, options.settings ?? {}, names);
    if (options.write) this.#write = options.write;
    else {
      if (!options.sql) throw new InvalidIntentError('createEngine needs either `sql` (the initialised sql.js module) or both sides.');
      const w = new WriteSide(options.sql, options.domain);
      this.#owned.push(w);
      this.#write = w;
    }
    if (options.read) this.#read = options.read;
    else {
      if (!options.sql) throw new InvalidIntentError('createEngine needs either `sql` (the initialised sql.js module) or both sides.');
      const r = new ReadSide(options.sql, options.domain);
      this.#owned.push(r);
      this.#read = r;
    }
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
      });
    }
    this.#bus = new EventBus({
      scheduler: this.scheduler,
      rng: this.rng,
      trace: this.#trace,
      settings: () => this.#settings.bus,
      subscribers: names,
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
  recordedScript(): ScriptEntry[] {
    return JSON.parse(JSON.stringify(this.#script)) as ScriptEntry[];
  }

  status(): EngineStatus {
    return {
      at: this.clock.now,
      step: this.scheduler.steps,
      pendingTasks: this.scheduler.pending,
      headPosition: this.#head,
      projections: [...this.#projections.values()].map((p) => this.#info(p)),
    };
  }

  projectionInfo(name: string): ProjectionInfo {
    return this.#info(this.#projection(name));
  }

  async readStream(streamId: string): Promise<EventEnvelope[]> {
    return this.#write.readStream(streamId);
  }
  async readAll(fromPosition = 1, limit = 1000): Promise<EventEnvelope[]> {
    return this.#write.readAll(fromPosition, limit);
  }
  async listStreams(): Promise<StreamInfo[]> {
    return this.#write.listStreams();
  }

  /** Learner SQL, read-only: store is 'write' or a projection name. */
  async readOnlySql(store: string, sql: string): Promise<SqlResult> {
    if (store === 'write') return this.#write.readOnlySql(sql);
    if (!this.#projections.has(store)) throw new UnknownProjectionError(store, ['write', ...this.#projections.keys()]);
    return this.#read.readOnlySql(store, sql);
  }

  // ── driving the engine ─────────────────────────────────────────────────

  /** Run a command to completion (the rest of the world keeps running meanwhile). */
  async execute(command: CommandInput, options: { sessionId?: string } = {}): Promise<CommandResult> {
    const intent: Intent = { kind: 'command', command, ...optionalSession(options.sessionId) };
    return (await this.dispatch(intent)) as CommandResult;
  }

  async query(query: QueryInput, options: { sessionId?: string } = {}): Promise<QueryResult> {
    const intent: Intent = { kind: 'query', query, ...optionalSession(options.sessionId) };
    return (await this.dispatch(intent)) as QueryResult;
  }

  configure(settings: SettingsPatch): EngineSettings {
    const r = this.submit({ kind: 'configure', settings });
    return (r as { settings: EngineSettings }).settings;
  }

  controlProjection(action: ProjectionAction, name: string): ProjectionInfo {
    const r = this.submit({ kind: 'projection', action, name });
    return (r as { projection: ProjectionInfo }).projection;
  }

  /**
   * The single entry for scripts, terminal and UI: submit, and for commands
   * and queries run the simulation until that one completes.
   */
  async dispatch(intent: Intent): Promise<DispatchResult> {
    if (intent?.kind === 'command') {
      const run = this.#submitCommand(intent.command, intent.sessionId);
      await this.#runUntil(() => run.done);
      if (run.error) throw run.error;
      return run.result!;
    }
    if (intent?.kind === 'query') {
      const run = this.#submitQuery(intent.query, intent.sessionId);
      await this.#runUntil(() => run.done);
      if (run.error) throw run.error;
      return run.result!;
    }
    const receipt = this.submit(intent);
    return receipt.kind === 'configure' ? receipt.settings : (receipt as { projection: ProjectionInfo }).projection;
  }

  /** Validate and schedule at the current instant; nothing runs until time is driven. */
  submit(intent: Intent): SubmitReceipt {
    if (intent === null || typeof intent !== 'object') throw new InvalidIntentError('An intent must be an object with a `kind`.');
    switch (intent.kind) {
      case 'command':
        return { kind: 'command', commandId: this.#submitCommand(intent.command, intent.sessionId).commandId };
      case 'query':
        return { kind: 'query', queryId: this.#submitQuery(intent.query, intent.sessionId).queryId };
      case 'configure':
        return { kind: 'configure', settings: this.#configure(intent.settings) };
      case 'projection':
        return { kind: 'projection', projection: this.#control(intent.action, intent.name) };
      default:
        throw new InvalidIntentError(
          `Unknown intent kind '${String((intent as { kind?: unknown }).kind)}'. Use one of: command, query, configure, projection.`,
        );
    }
  }

  /** Run the next scheduled task. False when there is nothing to run. */
  step(): Promise<boolean> {
    const next = this.#stepChain.then(() => this.#stepNow());
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
      await this.step();
    }
    if (t > this.clock.now) this.clock.set(t);
  }

  /** Run until nothing is scheduled (quiescence). */
  async runUntilIdle(maxSteps = 5_000_000): Promise<void> {
    let n = 0;
    while (await this.step()) {
      if (++n >= maxSteps) throw new NotQuiescentError(n);
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
      if (!(await this.step())) throw new InvalidIntentError(`The script expects step ${step}, but the simulation went idle at step ${this.scheduler.steps}.`);
    }
  }

  close(): void {
    for (const o of this.#owned) o.close();
  }

  // ── internals: stepping ────────────────────────────────────────────────

  async #stepNow(): Promise<boolean> {
    this.#inStep = true;
    try {
      return await this.scheduler.step();
    } finally {
      this.#inStep = false;
      const deferred = this.#deferred;
      this.#deferred = [];
      for (const apply of deferred) apply();
    }
  }

  async #runUntil(isDone: () => boolean): Promise<void> {
    while (!isDone()) {
      if (!(await this.step())) {
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

  // ── commands ───────────────────────────────────────────────────────────

  #submitCommand(input: CommandInput, sessionId: string | undefined): CommandRun {
    if (input === null || typeof input !== 'object' || typeof input.type !== 'string') {
      throw new InvalidIntentError('A command needs a `type` (e.g. "PlaceOrder") and `data`.');
    }
    const spec = this.domain.commands.find((c) => c.type === input.type);
    if (!spec) throw new UnknownCommandError(input.type, this.domain.commands.map((c) => c.type));
    const data = validatePayload(input.type, spec.fields, input.data ?? {});
    if (input.commandId !== undefined && (typeof input.commandId !== 'string' || input.commandId.length === 0)) {
      throw new InvalidIntentError('commandId must be a non-empty text when given.', { commandId: input.commandId });
    }
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
    this.#atBoundary(() => {
      const command: CommandInput = { type: spec.type, data, commandId };
      if (input.correlationId !== undefined) command.correlationId = input.correlationId;
      this.#record({ kind: 'command', command, ...optionalSession(sessionId) });
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
    const loaded = await this.#write.load({ commandId: run.commandId, commandType: run.commandType, data: run.data, idempotency });
    if (loaded.kind === 'duplicate') return this.#duplicate(run, loaded.result);
    this.#emit({
      type: 'command.loaded',
      streams: loaded.streams.map((s) => ({ streamId: s.streamId, version: s.version })),
      attempt: run.attempts,
      ...this.#ids(run),
    });
    const cost = this.#settings.costs.commandMs;
    if (cost === 0) await this.#append(run, loaded.streams);
    else this.scheduler.schedule(this.clock.now + cost, 'command.append', () => this.#append(run, loaded.streams));
  }

  async #append(run: CommandRun, streams: LoadedStream[]): Promise<void> {
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
        run.done = true;
        return;
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
        run.done = true;
        return;
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
        for (const e of events) {
          this.#appendedAt[e.position] = e.metadata.recordedAt;
          this.#head = Math.max(this.#head, e.position);
        }
        this.#bus.publish(events);
        this.#emit({
          type: 'command.completed',
          commandType: run.commandType,
          consistencyToken: outcome.result.consistencyToken,
          durationMs: this.clock.now - run.receivedAt,
          attempts: run.attempts,
          ...this.#ids(run),
        });
        run.result = outcome.result;
        run.done = true;
        return;
      }
    }
  }

  #duplicate(run: CommandRun, result: CommandAccepted): void {
    this.#emit({ type: 'command.duplicate', commandType: run.commandType, consistencyToken: result.consistencyToken, ...this.#ids(run) });
    run.result = result;
    run.done = true;
  }

  // ── queries ────────────────────────────────────────────────────────────

  #submitQuery(input: QueryInput, sessionId: string | undefined): QueryRun {
    if (input === null || typeof input !== 'object' || typeof input.type !== 'string') {
      throw new InvalidIntentError('A query needs a `type` (e.g. "GetOrderSummary") and `params`.');
    }
    const spec = this.domain.queries.find((q) => q.type === input.type);
    if (!spec) throw new UnknownQueryError(input.type, this.domain.queries.map((q) => q.type));
    const params = validatePayload(input.type, spec.fields, input.params ?? {});
    const run: QueryRun = {
      queryId: `qry-${++this.#querySeq}`,
      type: spec.type,
      projection: spec.projection,
      params,
      sessionId,
      done: false,
    };
    this.#atBoundary(() => {
      this.#record({ kind: 'query', query: { type: spec.type, params }, ...optionalSession(sessionId) });
      this.scheduler.schedule(this.clock.now, 'query', () => this.#receiveQuery(run));
    });
    return run;
  }

  async #receiveQuery(run: QueryRun): Promise<void> {
    this.#emit({ type: 'query.received', queryId: run.queryId, queryType: run.type, projection: run.projection, ...optionalSession(run.sessionId) });
    const cost = this.#settings.costs.queryMs;
    if (cost === 0) await this.#runQuery(run);
    else this.scheduler.schedule(this.clock.now + cost, 'query.run', () => this.#runQuery(run));
  }

  async #runQuery(run: QueryRun): Promise<void> {
    try {
      const answer = await this.#read.query(run.type, run.params);
      const head = this.#head;
      const lagEvents = Math.max(0, head - answer.position);
      const lagMs = this.#lagMs(answer.position);
      this.#emit({
        type: 'query.executed',
        queryId: run.queryId,
        queryType: run.type,
        projection: run.projection,
        position: answer.position,
        headPosition: head,
        lagEvents,
        lagMs,
        ...optionalSession(run.sessionId),
      });
      run.result = {
        ok: true,
        queryId: run.queryId,
        type: run.type,
        projection: run.projection,
        data: answer.data,
        position: answer.position,
        headPosition: head,
        lagEvents,
        lagMs,
        status: this.#projection(run.projection).status,
        at: this.clock.now,
      };
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

  // ── settings ───────────────────────────────────────────────────────────

  #configure(patch: SettingsPatch): EngineSettings {
    const next = applySettingsPatch(this.#settings, patch, [...this.#projections.keys()]);
    this.#atBoundary(() => {
      this.#record({ kind: 'configure', settings: patch });
      this.#settings = applySettingsPatch(this.#settings, patch, [...this.#projections.keys()]);
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
    };
  }

  #control(action: ProjectionAction, name: string): ProjectionInfo {
    const p = this.#projection(name);
    const check = (allowed: ProjectionStatus[], hint: string): void => {
      if (!allowed.includes(p.status)) throw new ProjectionStateError(name, action, p.status, hint);
    };
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
      default:
        throw new InvalidIntentError(`Unknown projection action '${String(action)}'. Use pause, resume, crash or rebuild.`);
    }
    this.#atBoundary(() => {
      this.#record({ kind: 'projection', action, name });
      this.#applyControl(p, action);
    });
    return this.#info(p);
  }

  #applyControl(p: ProjectionProcess, action: ProjectionAction): void {
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
            const st = await this.#read.crash(name);
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
          await this.#read.startRebuild(name);
          await this.#rebuildStep(p);
        });
        return;
    }
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
    if (cost === 0) await this.#applyLive(p, batch);
    else this.scheduler.schedule(this.clock.now + cost, 'projection.apply', () => this.#applyLive(p, batch));
  }

  async #applyLive(p: ProjectionProcess, batch: EventEnvelope[]): Promise<void> {
    p.busy = false;
    const outcome = await this.#read.applyBatch({
      projection: p.name,
      events: batch,
      mode: 'live',
      guards: guardsFor(this.#settings, p.name),
      headPosition: this.#head,
      ...this.#failAfter(p, batch.length),
    });
    p.watermark = outcome.watermark;
    p.counters = outcome.counters;
    if (outcome.crashed) {
      this.#markCrashed(p, outcome.rolledBack, outcome.reason);
      return;
    }
    for (const d of outcome.drafts) this.#emit(d);
    this.#scheduleDrain(p);
  }

  #failAfter(p: ProjectionProcess, n: number): { failAfter?: number } {
    return p.crashArmed ? { failAfter: Math.floor(n / 2) } : {};
  }

  /** After a crash: read the event store from the checkpoint, in batches, then go live. */
  async #catchUpStep(p: ProjectionProcess): Promise<void> {
    if (p.status !== 'catchingUp') return;
    if (p.cursor === 0) {
      const st = await this.#read.state(p.name);
      p.watermark = st.watermark;
      p.counters = st.counters;
      p.cursor = st.watermark + 1;
      this.#emit({ type: 'projection.catchUpStarted', projection: p.name, fromPosition: p.cursor, headPosition: this.#head });
    }
    const events = await this.#write.readAll(p.cursor, this.#settings.projection.replayBatchSize);
    const last = events[events.length - 1];
    if (!last) {
      p.status = 'live';
      this.#emit({ type: 'projection.caughtUp', projection: p.name, watermark: p.watermark });
      this.#scheduleDrain(p);
      return;
    }
    p.cursor = last.position + 1;
    p.busy = true;
    const apply = async (): Promise<void> => {
      p.busy = false;
      const outcome = await this.#read.applyBatch({
        projection: p.name,
        events,
        mode: 'catchUp',
        guards: guardsFor(this.#settings, p.name),
        headPosition: this.#head,
        ...this.#failAfter(p, events.length),
      });
      p.watermark = outcome.watermark;
      p.counters = outcome.counters;
      if (outcome.crashed) return this.#markCrashed(p, outcome.rolledBack, outcome.reason);
      for (const d of outcome.drafts) this.#emit(d);
      await this.#catchUpStep(p);
    };
    const cost = this.#settings.costs.projectMs * events.length;
    if (cost === 0) await apply();
    else this.scheduler.schedule(this.clock.now + cost, 'projection.catchUpApply', apply);
  }

  /** Replay from position 0 into a fresh store, batch by batch, then swap it in. */
  async #rebuildStep(p: ProjectionProcess): Promise<void> {
    if (p.status !== 'rebuilding') return;
    const events = await this.#write.readAll(p.cursor, this.#settings.projection.replayBatchSize);
    const last = events[events.length - 1];
    if (!last) {
      const st = await this.#read.finishRebuild(p.name);
      p.watermark = st.watermark;
      p.counters = st.counters;
      p.status = 'live';
      this.#emit({ type: 'projection.rebuildFinished', projection: p.name, watermark: p.watermark, events: p.rebuilt });
      this.#scheduleDrain(p);
      return;
    }
    p.cursor = last.position + 1;
    p.busy = true;
    const apply = async (): Promise<void> => {
      p.busy = false;
      const outcome = await this.#read.rebuildBatch({
        projection: p.name,
        events,
        guards: guardsFor(this.#settings, p.name),
        ...this.#failAfter(p, events.length),
      });
      if (outcome.crashed) {
        const st = await this.#read.state(p.name);
        p.watermark = st.watermark;
        p.counters = st.counters;
        return this.#markCrashed(p, 0, outcome.reason);
      }
      p.rebuilt += events.length;
      this.#emit({ type: 'projection.rebuildProgress', projection: p.name, position: last.position, headPosition: this.#head, events: events.length });
      await this.#rebuildStep(p);
    };
    const cost = this.#settings.costs.projectMs * events.length;
    if (cost === 0) await apply();
    else this.scheduler.schedule(this.clock.now + cost, 'projection.rebuildApply', apply);
  }
}

function optionalSession(sessionId: string | undefined): { sessionId?: string } {
  return sessionId === undefined ? {} : { sessionId };
}
