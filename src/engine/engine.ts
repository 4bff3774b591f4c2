// The coordinator's facade. It owns the virtual clock, the scheduler, the seeded
// generator, the bus and the trace, and drives the write side and the read
// side through ports that exchange only plain data (in the browser each
// side lives in its own worker). Everything that happens is a scheduled
// task; every task appends trace records; intents are recorded with the
// step at which they arrived, so a script replays to the identical trace.
// Each mechanism is a module of coordinator/ around one shared context;
// this class wires them and keeps the public API.
import type { Delivery } from './bus/eventBus.ts';
import { type VirtualClock } from './clock.ts';
import { Commands } from './coordinator/commands.ts';
import { EngineContext, type LiveApply, optionalSession, SAGA_PREFIX } from './coordinator/context.ts';
import { EventDelivery } from './coordinator/delivery.ts';
import type {
  DispatchResult,
  EngineOptions,
  ResultOf,
  EngineStatus,
  FaultInfo,
  ImportResult,
  ProjectionAtResult,
  ProjectionInfo,
  SessionInfo,
  ShadowComparison,
  SubmitReceipt,
  SubscriptionReceipt,
} from './coordinator/engineTypes.ts';
import { ProjectionControl } from './coordinator/projections/control.ts';
import { LiveProjections } from './coordinator/projections/live.ts';
import { Replays } from './coordinator/projections/replays.ts';
import { Shadows } from './coordinator/projections/shadows.ts';
import { QueryAnswers } from './coordinator/queries/answers.ts';
import { OverlayStrategies } from './coordinator/queries/overlay.ts';
import { Queries } from './coordinator/queries/queries.ts';
import { WaitingStrategies } from './coordinator/queries/waiting.ts';
import { Requests } from './coordinator/requests.ts';
import type { CommandSource } from './coordinator/scriptLog.ts';
import { Sagas } from './coordinator/sagas.ts';
import { Sessions } from './coordinator/sessions.ts';
import { SettingsChanges } from './coordinator/settingsChanges.ts';
import { Stepping } from './coordinator/stepping.ts';
import { Watchers } from './coordinator/watchers.ts';
import type { DomainDefinition } from './domain.ts';
import { InvalidIntentError, NotQuiescentError, UnknownProjectionError } from './errors.ts';
import type { SqlResult } from './readOnlySql.ts';
import { type SeededRng } from './rng.ts';
import { type Scheduler } from './scheduler.ts';
import { cloneSettings, type EngineSettings, type SettingsPatch } from './settings.ts';
import type { EventEnvelope } from './vocabulary/envelope.ts';
import type {
  AsOf,
  CommandInput,
  ConsistencyOptions,
  ImportedEventInput,
  Intent,
  ProjectionAction,
  CrashPoint,
  QueryInput,
  ScriptEntry,
} from './vocabulary/intent.ts';
import type { CommandResult, QueryResult } from './vocabulary/results.ts';
import type { TraceListener, TraceRecord } from './vocabulary/trace.ts';
import type { AggregateAtResult } from './write/aggregateAt.ts';
import type { StreamInfo } from './write/eventStore.ts';
import type { SagaInstance } from './write/sagaStore.ts';

export type {
  EngineOptions,
  ShadowInfo,
  ProjectionInfo,
  EngineStatus,
  SubscriptionReceipt,
  ShadowComparison,
  ProjectionAtResult,
  ImportResult,
  SessionInfo,
  FaultInfo,
  SubmitReceipt,
  DispatchResult,
  ResultOf,
} from './coordinator/engineTypes.ts';
export { diffPaths } from './coordinator/diffPaths.ts';

export function createEngine(options: EngineOptions): Engine {
  return new Engine(options);
}

export class Engine {
  readonly domain: DomainDefinition;
  readonly seed: number;
  readonly clock: VirtualClock;
  readonly scheduler: Scheduler<LiveApply>;
  readonly rng: SeededRng;
  readonly #ctx: EngineContext;
  readonly #delivery: EventDelivery;
  readonly #live: LiveProjections;
  readonly #control: ProjectionControl;
  readonly #commands: Commands;
  readonly #sagas: Sagas;
  readonly #queries: Queries;
  readonly #sessions: Sessions;
  readonly #requests: Requests;
  readonly #settingsChanges: SettingsChanges;
  readonly #stepping: Stepping;

  constructor(options: EngineOptions) {
    // Built in dependency order: a module gets the context and the modules it calls.
    const ctx = new EngineContext(options, (d) => this.#onDeliver(d));
    const watchers = new Watchers(ctx);
    const delivery = new EventDelivery(ctx);
    const shadows = new Shadows(ctx, watchers);
    const live = new LiveProjections(ctx, watchers);
    const replays = new Replays(ctx, watchers, live);
    const control = new ProjectionControl(ctx, shadows, live, replays);
    const commands = new Commands(ctx, watchers, delivery, shadows, live);
    const sagas = new Sagas(ctx, commands);
    const answers = new QueryAnswers(ctx);
    const waiting = new WaitingStrategies(ctx, answers);
    const overlay = new OverlayStrategies(ctx, watchers, answers);
    const queries = new Queries(ctx, answers, waiting, overlay);
    const sessions = new Sessions(ctx);
    const requests = new Requests(ctx, delivery, live, commands);
    const settingsChanges = new SettingsChanges(ctx);
    const stepping = new Stepping(ctx);
    this.#ctx = ctx;
    this.#delivery = delivery;
    this.#live = live;
    this.#control = control;
    this.#commands = commands;
    this.#sagas = sagas;
    this.#queries = queries;
    this.#sessions = sessions;
    this.#requests = requests;
    this.#settingsChanges = settingsChanges;
    this.#stepping = stepping;
    this.domain = ctx.domain;
    this.seed = ctx.seed;
    this.clock = ctx.clock;
    this.scheduler = ctx.scheduler;
    this.rng = ctx.rng;
  }

  get now(): number {
    return this.clock.now;
  }

  get settings(): EngineSettings {
    return cloneSettings(this.#ctx.settings);
  }

  /** Trace records kept in memory (all of them unless traceLimit was set). */
  get trace(): readonly TraceRecord[] {
    return this.#ctx.trace.records;
  }

  onTrace(listener: TraceListener): () => void {
    return this.#ctx.trace.onRecord(listener);
  }

  get headPosition(): number {
    return this.#ctx.head;
  }

  /** Where the simulation stands: replaying a script up to here gives the same trace. */
  position(): { at: number; step: number } {
    return { at: this.clock.now, step: this.scheduler.steps };
  }

  /** A copy of the recorded intents, from index `from` on (the script only grows). */
  recordedScript(from = 0): ScriptEntry[] {
    return this.#ctx.script.slice(from);
  }

  /** How many intents are recorded, without copying them. */
  recordedCount(): number {
    return this.#ctx.script.length;
  }

  status(): EngineStatus {
    return {
      at: this.clock.now,
      step: this.scheduler.steps,
      pendingTasks: this.scheduler.pending,
      headPosition: this.#ctx.head,
      projections: [...this.#ctx.projections.values()].map((p) => this.#control.info(p)),
      separationLevel: this.#ctx.level,
      delivery: this.#ctx.settings.delivery,
      lostPositions: [...this.#ctx.lost],
    };
  }

  projectionInfo(name: string): ProjectionInfo {
    return this.#control.info(this.#ctx.projection(name));
  }

  /** A session's last write and default consistency strategy. */
  session(sessionId: string): SessionInfo {
    const s = this.#ctx.sessions.get(sessionId);
    return { sessionId, lastWrite: s?.lastWrite ?? 0, consistency: s?.consistency ?? null };
  }

  async readStream(streamId: string): Promise<EventEnvelope[]> {
    await this.#ctx.pendingSides;
    return this.#ctx.write.readStream(streamId);
  }

  async readAll(fromPosition = 1, limit = 1000): Promise<EventEnvelope[]> {
    await this.#ctx.pendingSides;
    return this.#ctx.write.readAll(fromPosition, limit);
  }

  async listStreams(): Promise<StreamInfo[]> {
    await this.#ctx.pendingSides;
    return this.#ctx.write.listStreams();
  }

  /** The sagas' persisted instances (state, status, running wait). */
  async sagaInstances(saga?: string): Promise<SagaInstance[]> {
    await this.#ctx.pendingSides;
    return this.#ctx.write.sagaInstances(saga);
  }

  /** Learner SQL, read-only: store is 'write' or a projection name. */
  async readOnlySql(store: string, sql: string): Promise<SqlResult> {
    await this.#ctx.pendingSides;
    if (store === 'write') return this.#ctx.write.readOnlySql(sql);
    if (!this.#ctx.projections.has(store)) throw new UnknownProjectionError(store, ['write', ...this.#ctx.projections.keys()]);
    if (this.#ctx.level === 1) return this.#ctx.write.readModelSql(store, sql);
    return this.#ctx.read.readOnlySql(store, sql);
  }

  /**
   * A copy of a store's SQLite file ('write' or a projection name), for
   * running learner SQL somewhere that can be stopped: sql.js cannot
   * interrupt a query, so an endless one would otherwise hang this engine.
   */
  async exportStore(store: 'write' | string): Promise<Uint8Array> {
    await this.#ctx.pendingSides;
    if (store !== 'write' && !this.#ctx.projections.has(store))
      throw new UnknownProjectionError(store, ['write', ...this.#ctx.projections.keys()]);
    if (store === 'write' || this.#ctx.level === 1) return this.#ctx.write.exportStore(store);
    return this.#ctx.read.exportStore(store);
  }

  /** Run a command to completion (the rest of the world keeps running meanwhile). */
  async execute(command: CommandInput, options: { sessionId?: string } = {}): Promise<CommandResult> {
    return this.dispatch({ kind: 'command', command, ...optionalSession(options.sessionId) });
  }

  async query(query: QueryInput, options: { sessionId?: string; consistency?: ConsistencyOptions } = {}): Promise<QueryResult> {
    return this.dispatch({
      kind: 'query',
      query,
      ...optionalSession(options.sessionId),
      ...(options.consistency !== undefined ? { consistency: options.consistency } : {}),
    });
  }

  configure(settings: SettingsPatch): EngineSettings {
    return this.#settingsChanges.configure(settings);
  }

  controlProjection(action: ProjectionAction, name: string, variant?: string, crashPoint?: CrashPoint): ProjectionInfo {
    return this.#projectionIntent({
      kind: 'projection',
      action,
      name,
      ...(variant !== undefined ? { variant } : {}),
      ...(crashPoint !== undefined ? { crashPoint } : {}),
    });
  }

  /** Set a session's default consistency strategy (null: eventual). */
  setSessionConsistency(sessionId: string, consistency: ConsistencyOptions | null): SessionInfo {
    return this.#sessions.configureSession(sessionId, consistency);
  }

  /** Push: a `subscription.notified` record when `projection` has reflected everything up to `position`. */
  subscribe(projection: string, position: number, options: { sessionId?: string } = {}): SubscriptionReceipt {
    return this.#sessions.subscribe(projection, position, options.sessionId);
  }

  async aggregateAt(streamId: string, asOf: AsOf): Promise<AggregateAtResult> {
    return this.dispatch({ kind: 'aggregateAt', streamId, asOf });
  }

  async projectionAt(projection: string, asOf: { position: number } | { at: number }, query?: QueryInput): Promise<ProjectionAtResult> {
    return this.dispatch({ kind: 'projectionAt', projection, asOf, ...(query ? { query } : {}) });
  }

  async importEvents(events: ImportedEventInput[]): Promise<ImportResult> {
    return this.dispatch({ kind: 'import', events });
  }

  async compareShadow(name: string): Promise<ShadowComparison> {
    return this.dispatch({ kind: 'projection', action: 'compare', name });
  }

  /** Arm `count` crashes between commit and publish (see the fault intent). */
  injectFault(stage: 'beforePublish' | 'afterPublish' = 'beforePublish', count = 1): FaultInfo {
    return this.#delivery.armFault({ kind: 'fault', fault: 'publishCrash', stage, count });
  }

  /**
   * The single entry for scripts, terminal and UI: submit, and for intents
   * that produce an answer (commands, queries, temporal queries, imports,
   * comparisons) run the simulation until it is there.
   */
  async dispatch<I extends Intent>(intent: I): Promise<ResultOf<I>> {
    // The answer's type follows the intent's kind (ResultOf); the one place that cannot be checked by the compiler.
    return (await this.#answerOf(intent)) as ResultOf<I>;
  }

  async #answerOf(intent: Intent): Promise<DispatchResult> {
    if (intent?.kind === 'command') {
      const run = this.#commands.submitCommand(intent.command, intent.sessionId);
      await this.#stepping.runUntil(() => run.done);
      if (run.error) throw run.error;
      return run.result!;
    }
    if (intent?.kind === 'query') {
      const run = this.#queries.submitQuery(intent.query, intent.sessionId, intent.consistency);
      await this.#stepping.runUntil(() => run.done);
      if (run.error) throw run.error;
      return run.result!;
    }
    if (
      intent?.kind === 'aggregateAt' ||
      intent?.kind === 'projectionAt' ||
      intent?.kind === 'import' ||
      (intent?.kind === 'projection' && intent.action === 'compare')
    ) {
      const req = this.#requests.submitRequest(intent);
      await this.#stepping.runUntil(() => req.done);
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

  /**
   * Submit command `n` of a pure source (a load generator): the same as submitting `source.command(n)`,
   * but the script keeps it as a few numbers, so a long run under load does not grow the heap.
   */
  submitFrom(source: CommandSource, n: number): SubmitReceipt {
    return { kind: 'command', commandId: this.#commands.submitCommand(source.command(n), undefined, undefined, { source, n }).commandId };
  }

  /** Validate and schedule at the current instant; nothing runs until time is driven. */
  submit(intent: Intent): SubmitReceipt {
    if (intent === null || typeof intent !== 'object') throw new InvalidIntentError('An intent must be an object with a `kind`.');
    switch (intent.kind) {
      case 'command':
        return { kind: 'command', commandId: this.#commands.submitCommand(intent.command, intent.sessionId).commandId };
      case 'query':
        return { kind: 'query', queryId: this.#queries.submitQuery(intent.query, intent.sessionId, intent.consistency).queryId };
      case 'configure':
        return { kind: 'configure', settings: this.#settingsChanges.configure(intent.settings) };
      case 'projection':
        return { kind: 'projection', projection: this.#projectionIntent(intent) };
      case 'session':
        return { kind: 'session', session: this.#sessions.configureSession(intent.sessionId, intent.consistency) };
      case 'subscribe':
        return { kind: 'subscribe', subscription: this.#sessions.subscribe(intent.projection, intent.position, intent.sessionId) };
      case 'aggregateAt':
        this.#requests.submitRequest(intent);
        return { kind: 'aggregateAt', requestId: `req-${this.#ctx.requestSeq}` };
      case 'projectionAt':
        this.#requests.submitRequest(intent);
        return { kind: 'projectionAt', requestId: `req-${this.#ctx.requestSeq}` };
      case 'import':
        this.#requests.submitRequest(intent);
        return { kind: 'import', commandId: `import-${this.#ctx.importSeq}` };
      case 'fault':
        return { kind: 'fault', fault: this.#delivery.armFault(intent) };
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
    return this.#stepping.stepMerged(maxSteps);
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

  /**
   * Replay recorded intents on this (fresh) engine. With a `source` (the load generator), the entries that are
   * its commands 0, 1, 2… in turn are submitted from it, so the script stays packed as when they were first
   * recorded; `fromSource` says how many there were, where the load carries on numbering.
   */
  async replay(script: readonly ScriptEntry[], options: { source?: CommandSource } = {}): Promise<{ fromSource: number }> {
    const { source } = options;
    let n = 0;
    for (const entry of script) {
      if (entry.step !== undefined) {
        await this.runToStep(entry.step);
        if (entry.at > this.clock.now) this.clock.set(entry.at);
      } else {
        await this.advanceTo(entry.at);
      }
      if (source && this.#isFrom(entry.intent, source, n)) this.submitFrom(source, n++);
      else this.submit(entry.intent);
    }
    return { fromSource: n };
  }

  /** Whether `intent` is exactly what submitting command `n` of `source` now would record (id included). */
  #isFrom(intent: Intent, source: CommandSource, n: number): boolean {
    if (intent?.kind !== 'command' || intent.sessionId !== undefined) return false;
    const seq = this.#ctx.commandSeq + 1;
    if (intent.command?.commandId !== `cmd-${seq}`) return false;
    try {
      return JSON.stringify(intent) === JSON.stringify(this.#ctx.script.rebuilt(source, n, seq));
    } catch {
      return false; // not a command of this domain: the plain submit says why
    }
  }

  /** Run exactly until `step` tasks have run in total. */
  async runToStep(step: number): Promise<void> {
    while (this.scheduler.steps < step) {
      // Never merges past `step`: a script's intent lands exactly there.
      if ((await this.stepMerged(step - this.scheduler.steps)) === 0)
        throw new InvalidIntentError(`The script expects step ${step}, but the simulation went idle at step ${this.scheduler.steps}.`);
    }
  }

  close(): void {
    for (const o of this.#ctx.owned) o.close();
  }

  /** A projection intent: compare is a request answered later (see dispatch); the others act at once. */
  #projectionIntent(intent: Extract<Intent, { kind: 'projection' }>): ProjectionInfo {
    if (intent.action === 'compare') {
      this.#requests.submitRequest(intent);
      return this.#control.info(this.#ctx.projection(intent.name));
    }
    return this.#control.control(intent.action, intent.name, intent.variant, intent.crashPoint);
  }

  /** The bus hands an event to a saga or to a projection's inbox. */
  #onDeliver(d: Delivery): void {
    if (this.#ctx.sagaNames.has(d.projection)) {
      this.#sagas.sagaDeliver(d.projection.slice(SAGA_PREFIX.length), d.event);
      return;
    }
    const p = this.#ctx.projection(d.projection);
    p.inbox.push(d.event);
    this.#live.scheduleDrain(p);
  }
}
