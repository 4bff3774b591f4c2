// The page's side of one sandbox: it owns the worker connection, keeps the
// latest frame, sends what the controls ask for, and keeps the session
// (URL, IndexedDB autosave, export/import). The UI thread never runs SQL and
// never sees raw trace records at full rate: it gets a frame of derived
// status at most ten times a second and asks for details on demand.
import { domains, getDomain } from '../../domain/index.ts';
import type { DomainDefinition } from '../../engine/index.ts';
import type { DispatchResult } from '../../engine/index.ts';
import type { ConsistencyOptions, Intent, ProjectionAction } from '../../engine/index.ts';
import type { CommandResult, QueryResult } from '../../engine/index.ts';
import { DEFAULT_SETTINGS, applySettingsPatch, type SettingsPatch } from '../../engine/index.ts';
import { SessionStore, type SessionSummary } from '../../sandbox/persistence.ts';
import type { SandboxPreset } from '../../sandbox/presets.ts';
import { SessionFormatError, parseSessionFile, toSessionFile } from '../../sandbox/sessionFormat.ts';
import { settingsPatchFrom, type SessionState } from '../../sandbox/sessionState.ts';
import { MAX_LINK_CHARS, decodeSession, encodeSession, hashFor, sessionParam } from '../../sandbox/urlCodec.ts';
import type { EngineConnection } from '../../worker/engineClient.ts';
import type { SandboxFrame, TableRef, TableView, TimelineSlice, WireError, WorkerName } from '../../worker/engineProtocol.ts';

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
const AUTOSAVE_MS = 2000;

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
  crash = $state<{ worker: WorkerName; message: string } | null>(null);
  domain = $state<DomainDefinition>(getDomain('commerce'));
  seed = $state(42);
  sessionId = $state<string>(SESSIONS[0]);
  results = $state.raw<ResultEntry[]>([]);
  announcement = $state('');
  sessionNotice = $state<{ kind: 'ok' | 'error'; text: string } | null>(null);
  shareUrl = $state('');
  saved = $state.raw<SessionSummary[]>([]);
  samples: ChartSample[] = [];
  samplesVersion = $state(0);
  /** Cross-panel focus: a violation's "show why" sets these. */
  timelineSeq = $state<number | null>(null);
  diagramCommand = $state<string | null>(null);

  #client: Client | undefined;
  #connection: EngineConnection | null = null;
  #store: SessionStore | null = null;
  #recordId = newRecordId();
  #lastSavedKey = '';
  /** Where the last autosave stood (seq:step), so a page can tell it is saved. */
  savedKey = $state('');
  #lastSession: SessionState | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;
  #resultSeq = 0;
  #generation = 0;

  /** Prefix for element ids, unique per sandbox on the page. */
  readonly uid: string;

  constructor(preset: SandboxPreset, uid: string) {
    this.preset = preset;
    this.uid = uid;
    this.domain = getDomain(preset.domain);
    this.seed = preset.seed ?? 42;
  }

  /** An element id unique to this sandbox. */
  id(name: string): string {
    return `${this.uid}-${name}`;
  }

  get connected(): boolean {
    return this.phase === 'ready' && this.#connection !== null;
  }
  get fault(): { worker: WorkerName; message: string } | null {
    return this.crash ?? this.frame?.fault ?? null;
  }

  // ── lifecycle ─────────────────────────────────────────────────────────

  async init(): Promise<void> {
    if (this.preset.id && typeof indexedDB !== 'undefined') {
      try {
        this.#store = new SessionStore();
        this.saved = await this.#store.list(this.preset.id);
      } catch {
        this.#store = null; // storage blocked: the sandbox still runs, without autosave
      }
    }
    let state: SessionState | null = null;
    const param = this.preset.readUrl ? sessionParam(location.hash) : null;
    if (param) {
      try {
        state = await decodeSession(param);
        this.sessionNotice = { kind: 'ok', text: 'Opened the run shared in this link.' };
        // The run now continues here (and is autosaved): a reload should not go back to the link's snapshot.
        history.replaceState(null, '', location.pathname + location.search);
      } catch (e) {
        this.sessionNotice = { kind: 'error', text: `The link could not be opened: ${message(e)}` };
      }
    }
    if (!state && this.#store && this.preset.id) {
      const current = await this.#store.current(this.preset.id).catch(() => undefined);
      if (current) {
        state = current.session;
        this.#recordId = current.summary.id;
      }
    }
    // A learner opening the sandbox expects time to run; a restored run or a shared link opens where it stopped.
    const fresh = state === null;
    state ??= this.#presetState();
    try {
      await this.open(state, { keepRecord: true, running: fresh && this.#startsRunning() });
    } catch (e) {
      // A saved session that no longer replays: start from the preset instead.
      this.sessionNotice = { kind: 'error', text: `The saved session could not be restored: ${message(e)}` };
      await this.open(this.#presetState(), { running: this.#startsRunning() }).catch((err) => {
        this.phase = 'failed';
        this.startError = message(err);
      });
    }
    this.#timer = setInterval(() => void this.autosave(), AUTOSAVE_MS);
    addEventListener('pagehide', this.#onPageHide);
    if (this.preset.readUrl) addEventListener('hashchange', this.#onHashChange);
  }

  destroy(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    removeEventListener('pagehide', this.#onPageHide);
    removeEventListener('hashchange', this.#onHashChange);
    this.#connection?.close();
    this.#connection = null;
    void this.#store?.close();
  }

  #onPageHide = (): void => void this.autosave();
  #onHashChange = async (): Promise<void> => {
    const param = sessionParam(location.hash);
    if (!param) return;
    try {
      await this.open(await decodeSession(param));
      history.replaceState(null, '', location.pathname + location.search);
      this.sessionNotice = { kind: 'ok', text: 'Opened the run shared in this link.' };
    } catch (e) {
      this.sessionNotice = { kind: 'error', text: `The link could not be opened: ${message(e)} Your current session is unchanged.` };
    }
  };

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
    this.busy = state.script.length > 0 ? `Replaying ${state.script.length.toLocaleString('en-US')} recorded intents…` : 'Starting the engine…';
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
    this.results = [];
    this.samples = [];
    this.samplesVersion++;
    this.timelineSeq = null;
    this.diagramCommand = null;
    this.frame = await connection.coordinator.frame();
    await client.subscribeFrames(connection, (f) => {
      if (generation === this.#generation) this.#onFrame(f);
    });
    if (!options.keepRecord) this.#recordId = newRecordId();
    this.#lastSession = state;
    this.#lastSavedKey = '';
    this.phase = 'ready';
    this.startError = null;
    if (options.running) this.setRunning(true);
  }

  #onFrame(f: SandboxFrame): void {
    this.frame = f;
    const last = this.samples[this.samples.length - 1];
    if (last && f.clock.at < last.at) this.samples = [];
    if (!last || f.clock.at !== last.at || f.head !== last.head) {
      this.samples.push({ at: f.clock.at, head: f.head, positions: f.projections.map((p) => p.position), lagMs: f.projections.map((p) => p.lagMs) });
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
    return { ok: false, error: r.error.kind === 'engine' ? { code: r.error.data.code, message: r.error.data.message } : { code: 'WORKER_FAULT', message: r.error.message } };
  }

  async sendCommand(type: string, data: Record<string, unknown>): Promise<ResultEntry> {
    const sessionId = this.sessionId;
    const r = await this.#dispatch({ kind: 'command', command: { type, data }, sessionId });
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
      ? { id: ++this.#resultSeq, kind: 'query', type, sessionId, ok: true, query: r.value as QueryResult }
      : { id: ++this.#resultSeq, kind: 'query', type, sessionId, ok: false, error: r.error };
    this.#pushResult(entry);
    const q = entry.query;
    this.announcement = q ? `${type} answered from ${q.projection} at position ${q.position}: ${staleness(q)}.` : `${type} failed: ${entry.error!.message}`;
    return entry;
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

  setRunning(running: boolean): void {
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
    this.announcement = r.ok ? (rate > 0 ? `Load generator sending ${rate} commands per second.` : 'Load generator stopped.') : wireMessage(r.error);
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
    let settings: SettingsPatch = {};
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
    const from = n > 0 ? `replays this sandbox's ${n === 1 ? 'starting intent' : `${n} starting intents`} (the data it prepares)` : 'starts an empty event store';
    return `Reset ${from} on the current seed and settings, with time ${this.#startsRunning() ? 'running' : 'paused'}.`;
  }

  async injectFault(worker: WorkerName): Promise<void> {
    if (!this.#connection) return;
    if (worker === 'read') await this.#connection.read.injectFault();
    else await this.#connection.coordinator.injectWriteFault();
    this.announcement = `The ${worker} worker will throw on its next request.`;
  }

  /** After a worker failure: fresh workers, the recorded session replayed to just before the failure. */
  async restart(): Promise<void> {
    let state: SessionState | null = null;
    try {
      state = await withTimeout(this.#api().session(), 2000);
    } catch {
      // The coordinator itself is gone: fall back to the last autosave, then to how this run started.
      state = (await this.#store?.get(this.#recordId).catch(() => undefined))?.session ?? this.#lastSession;
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
    return r.ok ? r.value : { error: r.error.kind === 'engine' ? r.error.data.message : r.error.message };
  }
  timeline(seq: number): Promise<TimelineSlice> {
    return this.#api().timeline(seq, 10, 10);
  }
  /**
   * How far a running rebuild has replayed (its ProjectionInfo keeps the old
   * store's watermark until the rebuilt store is swapped in): its latest
   * rebuildStarted/rebuildProgress record. Null when the trace has none left.
   */
  async rebuildProgress(projection: string): Promise<{ position: number; headPosition: number } | null> {
    const [r] = await this.#api().trace({ types: ['projection.rebuildStarted', 'projection.rebuildProgress'], projection, last: 1 });
    if (r?.type === 'projection.rebuildStarted') return { position: 0, headPosition: r.headPosition };
    if (r?.type === 'projection.rebuildProgress') return { position: r.position, headPosition: r.headPosition };
    return null;
  }
  diagram(commandId: string): Promise<{ source: string; records: number; complete: boolean }> {
    return this.#api().diagram(commandId);
  }

  // ── keeping and sharing ───────────────────────────────────────────────

  async session(): Promise<SessionState> {
    const s = await this.#api().session();
    this.#lastSession = s;
    return s;
  }

  async autosave(): Promise<void> {
    const f = this.frame;
    const key = f ? `${f.seq}:${f.clock.step}` : '';
    if (!this.#store || !this.preset.id || !this.#connection || !f || key === this.#lastSavedKey || f.fault) return;
    try {
      const saved = await this.#api().autosave({ id: this.#recordId, name: `${this.domain.title}, seed ${this.seed}`, sandbox: this.preset.id });
      if (!saved) return;
      this.#lastSavedKey = key;
      this.savedKey = key;
      this.saved = await this.#store.list(this.preset.id);
    } catch {
      // Storage full or blocked: keep running; the next save tries again.
    }
  }

  async openSaved(id: string): Promise<void> {
    const s = await this.#store?.get(id);
    if (!s) return;
    await this.autosave();
    try {
      await this.open(s.session, { keepRecord: true });
      this.#recordId = s.summary.id;
      this.sessionNotice = { kind: 'ok', text: `Opened “${s.summary.name}”.` };
    } catch (e) {
      this.sessionNotice = { kind: 'error', text: `That session could not be replayed: ${message(e)} Your current session is unchanged.` };
    }
  }

  async deleteSaved(id: string): Promise<void> {
    if (!this.#store || !this.preset.id) return;
    await this.#store.remove(id);
    this.saved = await this.#store.list(this.preset.id);
    if (id === this.#recordId) this.#recordId = newRecordId();
    this.sessionNotice = { kind: 'ok', text: 'Session deleted.' };
  }

  async share(): Promise<void> {
    const encoded = await encodeSession(await this.session());
    if (encoded.length > MAX_LINK_CHARS) {
      this.shareUrl = '';
      this.sessionNotice = {
        kind: 'error',
        text: `This run is too long for a link (${encoded.length.toLocaleString('en-US')} characters once compressed). Export it to a file instead.`,
      };
      return;
    }
    // An embedded sandbox shares a link to the full sandbox page, which replays the same run.
    const url = new URL(this.preset.readUrl ? location.href : `${import.meta.env.BASE_URL.replace(/\/?$/, '/')}sandbox/`, location.href);
    // A shared run opens paused where it stopped, so `?paused` (or any other query) has no business in the link.
    url.search = '';
    url.hash = hashFor(encoded);
    this.shareUrl = url.href;
    try {
      await navigator.clipboard.writeText(url.href);
      this.sessionNotice = { kind: 'ok', text: 'Link copied. Opening it replays this run exactly.' };
    } catch {
      this.sessionNotice = { kind: 'ok', text: 'Link ready below. Opening it replays this run exactly.' };
    }
  }

  /** The trace kept in memory, as JSON (what every view is derived from). */
  async traceFile(): Promise<{ name: string; text: string }> {
    const text = await this.#api().traceJson();
    return { name: `cqrs-lab-trace-${this.domain.name}-seed-${this.seed}.json`, text };
  }

  async exportFile(): Promise<{ name: string; text: string }> {
    const session = await this.session();
    const stamp = new Date().toISOString();
    const text = JSON.stringify(toSessionFile(session, `${this.domain.title}, seed ${session.seed}`, stamp), null, 1);
    const name = `cqrs-lab-session-${session.domain}-${stamp.slice(0, 19).replace(/[:T]/g, '-')}.json`;
    this.sessionNotice = { kind: 'ok', text: `Exported ${session.script.length} intents to ${name}.` };
    return { name, text };
  }

  async importFile(file: File): Promise<void> {
    let state: SessionState;
    try {
      if (file.size > 50_000_000) throw new SessionFormatError('This file is larger than 50 MB; it is not a session exported from here.');
      state = parseSessionFile(await file.text()).session;
    } catch (e) {
      this.sessionNotice = { kind: 'error', text: `${file.name} was refused: ${message(e)} Your current session is unchanged.` };
      this.announcement = this.sessionNotice.text;
      return;
    }
    await this.autosave();
    try {
      await this.open(state);
      this.sessionNotice = { kind: 'ok', text: `Imported ${file.name}: ${state.script.length} intents replayed.` };
    } catch (e) {
      this.sessionNotice = { kind: 'error', text: `${file.name} could not be replayed: ${message(e)} Your current session is unchanged.` };
    }
    this.announcement = this.sessionNotice.text;
  }
}

function wireMessage(e: WireError): string {
  return e.kind === 'engine' ? e.data.message : e.message;
}

export function staleness(q: QueryResult): string {
  return q.lagEvents === 0 ? 'up to date' : `${q.lagEvents} position${q.lagEvents === 1 ? '' : 's'} behind, ${q.lagMs} ms stale`;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function newRecordId(): string {
  return `s-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))]);
}

export const domainNames = Object.keys(domains);
