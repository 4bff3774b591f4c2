// The page's side of one sandbox: it owns the worker connection, keeps the
// latest frame and sends what the controls ask for; its SessionKeeper
// (sessionKeeper.svelte.ts) keeps the session (URL, IndexedDB autosave,
// files). The UI thread never runs SQL and
// never sees raw trace records at full rate: it gets a frame of derived
// status at most ten times a second and asks for details on demand.
import { domains, getDomain } from '../../domain/index.ts';
import type { DomainDefinition } from '../../engine/index.ts';
import type { DispatchResult } from '../../engine/index.ts';
import type { ConsistencyOptions, Intent, ProjectionAction } from '../../engine/index.ts';
import type { CommandResult, QueryResult } from '../../engine/index.ts';
import { DEFAULT_SETTINGS, applySettingsPatch, type SettingsPatch } from '../../engine/index.ts';
import type { SessionSummary } from '../../sandbox/persistence.ts';
import type { SandboxPreset } from '../../sandbox/presets.ts';
import { codeForDomain, type SessionCode } from '../../sandbox/sessionCode.ts';
import { settingsPatchFrom, type SessionState } from '../../sandbox/sessionState.ts';
import type { EngineConnection } from '../../worker/engineClient.ts';
import type {
  SandboxFrame,
  SandboxWorkerName,
  SequenceDiagram,
  TableRef,
  TableView,
  TimelineSlice,
} from '../../worker/protocol/coordinator.ts';
import { unwrap, wireMessage, type Reply } from '../../worker/protocol/reply.ts';
import type { ArchitectureFrame, Divergence } from '../../worker/views/architecture.ts';
import { SessionKeeper, message, type SessionNotice } from './sessionKeeper.svelte.ts';
import { Branches } from './branches.svelte.ts';
import { frameBatch } from './frameBatch.ts';

/** A query answer, marked when the read model that gave it disagrees with its events. */
export type AnsweredQuery = QueryResult & { diverged?: readonly Divergence[] };

export interface ResultEntry {
  id: number;
  kind: 'command' | 'query';
  type: string;
  sessionId: string;
  ok: boolean;
  command?: CommandResult;
  query?: QueryResult;
  error?: { code: string; message: string };
}

export interface ChartSample {
  at: number;
  head: number;
  positions: number[];
  lagMs: number[];
}

export const SESSIONS = ['client-A', 'client-B', 'client-C'] as const;
const MAX_SAMPLES = 600;

type Client = typeof import('../../worker/engineClient.ts');

export class SandboxController {
  readonly preset: SandboxPreset;
  // Raw: a frame is replaced whole ten times a second, never mutated, so no deep proxy is needed.
  frame = $state.raw<SandboxFrame | null>(null);
  phase = $state<'idle' | 'starting' | 'ready' | 'failed'>('idle');
  /** What the engine is doing when it is busy replaying or restarting. */
  busy = $state<string | null>(null);
  startError = $state<string | null>(null);
  /** Uncaught worker error (the worker died), beside the faults the coordinator reports in frames. */
  crash = $state<{ worker: SandboxWorkerName; message: string } | null>(null);
  domain = $state<DomainDefinition>(getDomain('commerce'));
  seed = $state(42);
  sessionId = $state<string>(SESSIONS[0]);
  results = $state.raw<ResultEntry[]>([]);
  announcement = $state('');
  samples: ChartSample[] = [];
  samplesVersion = $state(0);
  /** Cross-panel focus: a violation's "show why" sets these. */
  timelineSeq = $state<number | null>(null);
  diagramCommand = $state<string | null>(null);
  /** The picture as it was at a record the learner scrubbed to (null: live). */
  pastPicture = $state.raw<ArchitectureFrame | null>(null);
  /** The command whose consistency window the picture draws (null: the latest). */
  focusedCommand = $state<string | null>(null);
  /** The learner's code in the Code panel: kept with the session, only ever run in the code worker. */
  code = $state<SessionCode | null>(null);

  /** "Continue from here": the other branch of a forked run, kept to compare (branches.svelte.ts). */
  readonly branches: Branches;

  #client: Client | undefined;
  #connection: EngineConnection | null = null;
  readonly #keeper: SessionKeeper;
  #resultSeq = 0;
  #generation = 0;

  /** Prefix for element ids, unique per sandbox on the page. */
  readonly uid: string;

  constructor(preset: SandboxPreset, uid: string) {
    this.preset = preset;
    this.uid = uid;
    this.domain = getDomain(preset.domain);
    this.seed = preset.seed ?? 42;
    // The keeper reads this sandbox's live state (frame, domain, seed) through getters.
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the keeper's getters read this controller's live fields
    const self = this;
    this.#keeper = new SessionKeeper({
      preset,
      get frame() {
        return self.frame;
      },
      get domain() {
        return self.domain;
      },
      get seed() {
        return self.seed;
      },
      get code() {
        // A plain copy: IndexedDB cannot clone a state proxy.
        return codeForDomain($state.snapshot(self.code), self.domain);
      },
      coordinatorOrNull: () => this.#connection?.coordinator ?? null,
      open: (state, options) => this.open(state, options),
      session: () => this.session(),
      announce: (text) => (this.announcement = text),
    });
    this.branches = new Branches({
      coordinator: () => this.#api(),
      open: (state) => this.open(state),
      announce: (text) => (this.announcement = text),
      backToLive: () => this.backToLive(),
    });
  }

  // The session keeper's state, as the panels read it.
  get sessionNotice(): SessionNotice | null {
    return this.#keeper.notice;
  }
  get shareUrl(): string {
    return this.#keeper.shareUrl;
  }
  get saved(): SessionSummary[] {
    return this.#keeper.saved;
  }
  get savedKey(): string {
    return this.#keeper.savedKey;
  }

  /** An element id unique to this sandbox. */
  id(name: string): string {
    return `${this.uid}-${name}`;
  }

  get connected(): boolean {
    return this.phase === 'ready' && this.#connection !== null;
  }
  get fault(): { worker: SandboxWorkerName; message: string } | null {
    return this.crash ?? this.frame?.fault ?? null;
  }

  // ── lifecycle ─────────────────────────────────────────────────────────

  async init(): Promise<void> {
    let state = await this.#keeper.startingState();
    // A learner opening the sandbox expects time to run; a restored run or a shared link opens where it stopped.
    const fresh = state === null;
    state ??= this.#presetState();
    try {
      await this.open(state, { keepRecord: true, running: fresh && this.#startsRunning() });
    } catch (e) {
      // A saved session that no longer replays: start from the preset instead.
      this.#keeper.notice = { kind: 'error', text: `The saved session could not be restored: ${message(e)}` };
      await this.open(this.#presetState(), { running: this.#startsRunning() }).catch((err) => {
        this.phase = 'failed';
        this.startError = message(err);
      });
    }
    this.#keeper.start();
  }

  destroy(): void {
    frameBatch.cancel(this);
    this.#keeper.stop();
    this.#connection?.close();
    this.#connection = null;
  }

  #startsRunning(): boolean {
    if (!this.preset.running) return false;
    // `location` is absent while the page is rendered on the server (the Reset hint asks then too).
    return !(this.preset.readUrl && typeof location !== 'undefined' && new URLSearchParams(location.search).has('paused'));
  }

  #presetState(): SessionState {
    // Island props arrive as deep $state proxies, which postMessage cannot clone.
    const preset = $state.snapshot(this.preset);
    return { domain: preset.domain, seed: preset.seed ?? 42, settings: preset.settings ?? {}, script: preset.script ?? [] };
  }

  /**
   * Start fresh workers on `state` (replaying its script) and only then drop
   * the current ones: if anything fails, the current session is untouched.
   */
  async open(state: SessionState, options: { keepRecord?: boolean; running?: boolean } = {}): Promise<void> {
    const generation = ++this.#generation;
    this.#client ??= await import('../../worker/engineClient.ts');
    const client = this.#client;
    if (this.phase !== 'ready') this.phase = 'starting';
    this.busy =
      state.script.length > 0 ? `Replaying ${state.script.length.toLocaleString('en-US')} recorded intents…` : 'Starting the engine…';
    let connection: EngineConnection;
    try {
      connection = await client.connectEngine(
        {
          domain: state.domain,
          seed: state.seed,
          settings: state.settings,
          script: state.script,
          ...(state.until ? { until: state.until } : {}),
          speed: this.frame?.clock.speed ?? this.preset.speed ?? 1,
          // The preset's load shape belongs to its own domain only.
          // A plain copy: the preset may arrive as a reactive proxy, which postMessage cannot clone.
          ...(this.preset.loadShape && state.domain === this.preset.domain ? { loadShape: { ...this.preset.loadShape } } : {}),
        },
        { onCrash: (worker, msg) => generation === this.#generation && (this.crash = { worker, message: msg }) },
      );
    } finally {
      this.busy = null;
    }
    const old = this.#connection;
    this.#connection = connection;
    old?.close();
    this.crash = null;
    this.domain = getDomain(state.domain);
    this.seed = state.seed;
    // Code opened with a session (saved, imported, linked) replaces the panel's; a new run keeps what the learner wrote.
    if (state.code) this.code = state.code;
    this.results = [];
    this.samples = [];
    this.samplesVersion++;
    this.timelineSeq = null;
    this.diagramCommand = null;
    this.pastPicture = null;
    this.focusedCommand = null;
    this.frame = unwrap(await connection.coordinator.frame());
    this.#wantRunning = null;
    await client.subscribeFrames(connection, (f) => {
      // Applied in the page's next animation frame, with the charts (frameBatch.ts); a newer run drops it.
      if (generation === this.#generation) frameBatch.schedule(this, 'commit', () => generation === this.#generation && this.#onFrame(f));
    });
    this.#keeper.opened(state, options.keepRecord === true);
    this.branches.opened(state);
    this.phase = 'ready';
    this.startError = null;
    if (options.running) {
      this.setRunning(true);
      // The preset's steady load (the home page's running system), started quietly: it is not news to announce.
      if (this.preset.load) void connection.coordinator.setLoad(this.preset.load);
    }
  }

  #onFrame(f: SandboxFrame): void {
    // The settings rarely change but arrive as a new object with every frame: the same object, so what derives from them re-runs only when one did.
    const settings = this.frame?.settings;
    if (settings && JSON.stringify(settings) === JSON.stringify(f.settings)) f = { ...f, settings };
    this.frame = f;
    if (f.clock.running === this.#wantRunning) this.#wantRunning = null;
    const last = this.samples[this.samples.length - 1];
    if (last && f.clock.at < last.at) this.samples = [];
    if (!last || f.clock.at !== last.at || f.head !== last.head) {
      this.samples.push({
        at: f.clock.at,
        head: f.head,
        positions: f.projections.map((p) => p.position),
        lagMs: f.projections.map((p) => p.lagMs),
      });
      if (this.samples.length > MAX_SAMPLES) this.samples.splice(0, this.samples.length - MAX_SAMPLES);
      this.samplesVersion++;
    }
  }

  // ── driving the engine ────────────────────────────────────────────────

  #api() {
    if (!this.#connection) throw new Error('The engine is not running.');
    return this.#connection.coordinator;
  }

  /** The coordinator of the current run (it changes on reset, import and restart): the terminal drives it too. */
  coordinator(): EngineConnection['coordinator'] {
    return this.#api();
  }

  async #dispatch(intent: Intent): Promise<{ ok: true; value: DispatchResult } | { ok: false; error: { code: string; message: string } }> {
    const r = await this.#api().dispatch(intent);
    if (r.ok) return r;
    return {
      ok: false,
      error:
        r.error.kind === 'engine'
          ? { code: r.error.data.code, message: r.error.data.message }
          : { code: 'WORKER_FAULT', message: r.error.message },
    };
  }

  async sendCommand(type: string, data: Record<string, unknown>, expectedVersion?: number): Promise<ResultEntry> {
    const sessionId = this.sessionId;
    const r = await this.#dispatch({
      kind: 'command',
      command: { type, data, ...(expectedVersion !== undefined ? { expectedVersion } : {}) },
      sessionId,
    });
    const entry: ResultEntry = r.ok
      ? { id: ++this.#resultSeq, kind: 'command', type, sessionId, ok: (r.value as CommandResult).ok, command: r.value as CommandResult }
      : { id: ++this.#resultSeq, kind: 'command', type, sessionId, ok: false, error: r.error };
    this.#pushResult(entry);
    const c = entry.command;
    this.announcement = c
      ? c.ok
        ? `${type} accepted as ${c.commandId}, consistency token ${c.consistencyToken}.`
        : `${type} rejected: ${c.rejection.code}. ${c.rejection.message}`
      : `${type} was not sent: ${entry.error!.message}`;
    return entry;
  }

  async runQuery(type: string, params: Record<string, unknown>, consistency?: ConsistencyOptions): Promise<ResultEntry> {
    const sessionId = this.sessionId;
    const r = await this.#dispatch({ kind: 'query', query: { type, params }, sessionId, ...(consistency ? { consistency } : {}) });
    const entry: ResultEntry = r.ok
      ? { id: ++this.#resultSeq, kind: 'query', type, sessionId, ok: true, query: this.#marked(r.value as QueryResult) }
      : { id: ++this.#resultSeq, kind: 'query', type, sessionId, ok: false, error: r.error };
    this.#pushResult(entry);
    const q = entry.query;
    this.announcement = q
      ? `${type} answered from ${q.projection} at position ${q.position}: ${staleness(q)}.`
      : `${type} failed: ${entry.error!.message}`;
    return entry;
  }

  /** The answer, with what the latest check found wrong in the read model that gave it. */
  #marked(q: QueryResult): AnsweredQuery {
    const diverged = this.frame?.architecture.projections.find((p) => p.name === q.projection)?.divergences ?? [];
    return diverged.length > 0 ? { ...q, diverged } : q;
  }

  // ── the picture as control surface ────────────────────────────────────

  /** An intent from the picture (a projection's popover): projection actions get their usual announcement. */
  async pictureIntent(intent: Intent): Promise<void> {
    if (intent.kind === 'projection') {
      await this.projection(intent.action, intent.name, intent.variant);
      return;
    }
    const r = await this.#dispatch(intent);
    this.announcement = r.ok ? `Done: ${intent.kind}.` : r.error.message;
  }

  /** Draw the window of this command on the picture (null: the latest). */
  async focusCommand(commandId: string | null): Promise<void> {
    this.focusedCommand = commandId;
    unwrap(await this.#api().focusCommand(commandId));
    this.announcement = commandId
      ? `The picture draws the consistency window of ${commandId}.`
      : 'The picture draws the latest command’s window.';
  }

  /** Show the picture as it was at record `seq` (null: back to live). A later call wins over an earlier one still on its way. */
  async showPast(seq: number | null): Promise<void> {
    const ticket = ++this.#pastTicket;
    if (seq === null) {
      this.pastPicture = null;
      return;
    }
    const frame = unwrap(await this.#api().architectureAt(seq));
    if (ticket === this.#pastTicket) this.pastPicture = frame;
  }
  #pastTicket = 0;
  /** Bumped when the learner asks for the live picture again (the timeline follows the latest record). */
  liveRequests = $state(0);

  backToLive(): void {
    this.liveRequests++;
    void this.showPast(null);
  }

  #pushResult(entry: ResultEntry): void {
    this.results = [entry, ...this.results].slice(0, 20);
  }

  async configure(patch: SettingsPatch, label: string): Promise<void> {
    const r = await this.#dispatch({ kind: 'configure', settings: patch });
    this.announcement = r.ok ? `${label}.` : `Setting refused: ${r.error.message}`;
  }

  /**
   * A projection action (the shadow ones included). Resolves to what the
   * engine answered (a ProjectionInfo, or a ShadowComparison for compare), or
   * null when it refused; the announcement says which.
   */
  async projection(action: ProjectionAction, name: string, variant?: string): Promise<DispatchResult | null> {
    const r = await this.#dispatch({ kind: 'projection', action, name, ...(variant !== undefined ? { variant } : {}) });
    const done: Record<ProjectionAction, string> = {
      pause: `Projection ${name} paused.`,
      resume: `Projection ${name} resumed.`,
      crash: `Crash requested for ${name}.`,
      rebuild: `Rebuild started for ${name}.`,
      shadowRebuild: `Shadow rebuild of ${name} (version ${variant ?? 'current'}) started beside the live store.`,
      compare: `Compared ${name} with its other store.`,
      flip: `Flip of ${name} scheduled: the shadow takes over at the next step.`,
      rollback: `Rollback of ${name} scheduled: the previous version takes over at the next step.`,
      dropShadow: `The other store of ${name} was dropped.`,
    };
    this.announcement = r.ok ? done[action] : r.error.message;
    return r.ok ? r.value : null;
  }

  /**
   * The clock as the learner last set it, until a frame shows it. Frames come a few times a
   * second, so a second click before the next one must toggle from what the button says, not
   * from the last frame (two quick clicks on "Pause time" used to pause twice and stay paused).
   */
  // Kept until a frame shows the clock so: a frame built before the worker took the click can
  // arrive after it. The worker refuses to run only when faulted, and then the frame decides.
  #wantRunning = $state<boolean | null>(null);

  /** Whether time runs, as the controls show it. */
  get running(): boolean {
    if (this.#wantRunning !== null && !this.fault) return this.#wantRunning;
    return this.frame?.clock.running ?? false;
  }

  setRunning(running: boolean): void {
    this.#wantRunning = running;
    void this.#api().setRunning(running);
    this.announcement = running ? 'Time running.' : 'Time paused.';
  }

  async step(): Promise<void> {
    const r = await this.#api().step();
    this.announcement = r.ok ? (r.value ? 'Ran one scheduled task.' : 'Nothing is scheduled: the system is idle.') : wireMessage(r.error);
  }

  setSpeed(speed: number): void {
    void this.#api().setSpeed(speed);
    this.announcement = `Speed ${speed}×.`;
  }

  async setLoad(rate: number): Promise<void> {
    const r = await this.#api().setLoad(rate);
    this.announcement = r.ok
      ? rate > 0
        ? `Load generator sending ${rate} commands per second.`
        : 'Load generator stopped.'
      : wireMessage(r.error);
  }

  /**
   * A fresh run from the sandbox's starting point, with the current settings
   * (or the defaults): in the preset's domain its script is replayed first
   * (a lesson's prepared data; none on /sandbox), and time runs if the preset
   * starts running. The Reset button, a new seed or domain, and the
   * terminal's `reset` and `seed <n>` all come here.
   */
  async reset(seed = this.seed, domain = this.domain.name, defaults = false): Promise<void> {
    const names = getDomain(domain).projections.map((p) => p.name);
    let settings: SettingsPatch;
    if (defaults) settings = {};
    else if (domain === this.domain.name && this.frame) settings = settingsPatchFrom(this.frame.settings);
    else settings = settingsPatchFrom(applySettingsPatch(DEFAULT_SETTINGS, { bus: this.frame?.settings.bus ?? {} }, names));
    const script = domain === this.preset.domain ? this.#presetState().script : [];
    await this.autosave();
    try {
      await this.open({ domain, seed, settings, script }, { running: this.#startsRunning() });
      const prepared = script.length > 0 ? ` (the sandbox's ${script.length.toLocaleString('en-US')} starting intents replayed)` : '';
      this.announcement = `New run: ${getDomain(domain).title}, seed ${seed}${prepared}.`;
    } catch (e) {
      this.announcement = `Could not start a new run: ${message(e)}`;
    }
  }

  /** What the Reset button starts from, in words (its hint). */
  resetText(): string {
    const n = this.domain.name === this.preset.domain ? (this.preset.script?.length ?? 0) : 0;
    const from =
      n > 0
        ? `replays this sandbox's ${n === 1 ? 'starting intent' : `${n} starting intents`} (the data it prepares)`
        : 'starts an empty event store';
    return `Reset ${from} on the current seed and settings, with time ${this.#startsRunning() ? 'running' : 'paused'}.`;
  }

  async injectFault(worker: SandboxWorkerName): Promise<void> {
    if (!this.#connection) return;
    unwrap(worker === 'read' ? await this.#connection.read.injectFault() : await this.#connection.coordinator.injectWriteFault());
    this.announcement = `The ${worker} worker will throw on its next request.`;
  }

  /** After a worker failure: fresh workers, the recorded session replayed to just before the failure. */
  async restart(): Promise<void> {
    let state: SessionState | null;
    try {
      state = unwrap(await withTimeout<Reply<SessionState>>(this.#api().session(), 2000));
    } catch {
      // The coordinator itself is gone: fall back to the last autosave, then to how this run started.
      state = await this.#keeper.lastKnown();
    }
    if (!state) return;
    try {
      await this.open(state, { keepRecord: true });
      this.announcement = `Workers restarted; the event store was rebuilt from the recorded session (${state.script.length} intents).`;
    } catch (e) {
      this.announcement = `Restart failed: ${message(e)}`;
    }
  }

  // ── details on demand ─────────────────────────────────────────────────

  async tables(): Promise<Record<string, string[]>> {
    const r = await this.#api().tables();
    return r.ok ? r.value : {};
  }
  async table(ref: TableRef): Promise<TableView | { error: string }> {
    const r = await this.#api().table(ref, 100);
    return r.ok ? r.value : { error: wireMessage(r.error) };
  }
  async timeline(seq: number): Promise<TimelineSlice> {
    return unwrap(await this.#api().timeline(seq, 10, 10));
  }
  /**
   * How far a running rebuild has replayed (its ProjectionInfo keeps the old
   * store's watermark until the rebuilt store is swapped in): its latest
   * rebuildStarted/rebuildProgress record. Null when the trace has none left.
   */
  async rebuildProgress(projection: string): Promise<{ position: number; headPosition: number } | null> {
    const [r] = unwrap(
      await this.#api().trace({ types: ['projection.rebuildStarted', 'projection.rebuildProgress'], projection, last: 1 }),
    );
    if (r?.type === 'projection.rebuildStarted') return { position: 0, headPosition: r.headPosition };
    if (r?.type === 'projection.rebuildProgress') return { position: r.position, headPosition: r.headPosition };
    return null;
  }
  async diagram(commandId: string): Promise<SequenceDiagram> {
    return unwrap(await this.#api().diagram(commandId));
  }

  // ── keeping and sharing ───────────────────────────────────────────────

  async session(): Promise<SessionState> {
    const s = unwrap(await this.#api().session());
    const code = codeForDomain($state.snapshot(this.code), getDomain(s.domain));
    const full = code ? { ...s, code } : s;
    this.#keeper.remember(full);
    return full;
  }

  /** The Code panel's edits: kept with the session at the next autosave. */
  setCode(code: SessionCode | null): void {
    this.code = code;
    this.#keeper.codeEdited();
  }
  get codeSaved(): boolean {
    return this.#keeper.codeSaved;
  }

  autosave(): Promise<void> {
    return this.#keeper.autosave();
  }
  openSaved(id: string): Promise<void> {
    return this.#keeper.openSaved(id);
  }
  deleteSaved(id: string): Promise<void> {
    return this.#keeper.deleteSaved(id);
  }
  share(): Promise<void> {
    return this.#keeper.share();
  }
  exportFile(): Promise<{ name: string; text: string }> {
    return this.#keeper.exportFile();
  }
  importFile(file: File): Promise<void> {
    return this.#keeper.importFile(file);
  }

  /** The trace kept in memory, as JSON (what every view is derived from). */
  async traceFile(): Promise<{ name: string; text: string }> {
    const text = unwrap(await this.#api().traceJson());
    return { name: `cqrs-lab-trace-${this.domain.name}-seed-${this.seed}.json`, text };
  }
}

export function staleness(q: AnsweredQuery): string {
  const d = q.diverged?.[0];
  if (d)
    return `answered from a read model that disagrees with its events (${d.subject}: ${d.field} ${String(d.readModel)}, the events say ${String(d.events)})`;
  return q.lagEvents === 0 ? 'up to date' : `${q.lagEvents} position${q.lagEvents === 1 ? '' : 's'} behind, ${q.lagMs} ms stale`;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))]);
}

export const domainNames = Object.keys(domains);
