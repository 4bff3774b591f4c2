// A TerminalBackend over an in-process Engine: for Node, tests, and any page
// that runs the engine on the main thread. Reset and import build a fresh
// engine (they need the sql.js module); the old one is closed only once the
// new one is ready, so a failed import leaves the session as it was.
import {
  createEngine,
  replayScript,
  type ResultOf,
  type DomainDefinition,
  type Engine,
  type ScriptEntry,
  type SettingsPatch,
} from '../engine/index.ts';
import type { SqlJsStatic } from '../engine/index.ts';
import {
  catalogOf,
  type ClockState,
  type DomainCatalog,
  type DomainInfo,
  type ResetOptions,
  type TerminalBackend,
  type TerminalIntent,
} from './backend.ts';
import { filterTrace } from '../worker/views/traceFilter.ts';
import { forkSession } from '../sandbox/fork.ts';

/** Starts calling `tick(elapsedRealMs)` periodically; returns a stop function. */
export type Ticker = (tick: (elapsedMs: number) => Promise<void>) => () => void;

export const SESSION_FORMAT = 'cqrs-lab-session';

export interface ExportedSession {
  format: typeof SESSION_FORMAT;
  version: 1;
  domain: string;
  seed: number;
  settings: SettingsPatch;
  script: ScriptEntry[];
  position: { at: number; step: number };
}

export interface LocalBackendOptions {
  /** The initialised sql.js module: needed by reset and import. */
  sql?: SqlJsStatic;
  /** Domains reset and import may switch to (the engine's own is always included). */
  domains?: Record<string, DomainDefinition>;
  /**
   * The settings the engine was created with, for export. Defaults to the
   * engine's current settings, which is exact while it has not been reconfigured.
   */
  settings?: SettingsPatch;
  /** Drives virtual time while playing. Defaults to a 50 ms interval timer. */
  ticker?: Ticker;
  /** Steps `runUntilIdle` may take before it reports a simulation that never settles. */
  maxIdleSteps?: number;
  /** Called after reset or import swapped the engine. */
  onEngineChange?(engine: Engine): void;
}

export interface LocalBackend extends TerminalBackend {
  /** The engine currently behind the backend (changes on reset and import). */
  readonly engine: Engine;
  /** Stop the ticker and close the engine. */
  dispose(): void;
}

const intervalTicker: Ticker = (tick) => {
  let last = Date.now();
  let busy = false;
  const handle = setInterval(() => {
    if (busy) return;
    const now = Date.now();
    const elapsed = now - last;
    last = now;
    busy = true;
    void tick(elapsed).finally(() => {
      busy = false;
    });
  }, 50);
  return () => clearInterval(handle);
};

export function createLocalBackend(initial: Engine, options: LocalBackendOptions = {}): LocalBackend {
  let engine = initial;
  let baseSettings: SettingsPatch =
    options.settings ?? (engine.recordedScript().some((e) => e.intent.kind === 'configure') ? {} : engine.settings);
  const domains: Record<string, DomainDefinition> = { ...(options.domains ?? {}), [engine.domain.name]: engine.domain };
  const ticker = options.ticker ?? intervalTicker;
  const maxIdleSteps = options.maxIdleSteps ?? 200_000;
  let running = false;
  let speed = 1;
  let stopTicker: (() => void) | undefined;

  const needSql = (what: string): SqlJsStatic => {
    if (!options.sql) throw new Error(`${what} is not available here: this backend was created without the sql.js module.`);
    return options.sql;
  };
  const domainNamed = (name: string): DomainDefinition => {
    const d = domains[name];
    if (!d) throw new Error(`There is no domain called '${name}'. Available: ${Object.keys(domains).join(', ')}.`);
    return d;
  };
  const swap = (next: Engine, settings: SettingsPatch): void => {
    const old = engine;
    engine = next;
    baseSettings = settings;
    old.close();
    options.onEngineChange?.(next);
  };

  const backend: LocalBackend = {
    get engine() {
      return engine;
    },
    async catalog(): Promise<DomainCatalog> {
      return catalogOf(engine.domain);
    },
    async dispatch<I extends TerminalIntent>(intent: I): Promise<ResultOf<I>> {
      // Fields and actions this engine does not know yet are passed through: it decides.
      return engine.dispatch(intent);
    },
    async status() {
      return engine.status();
    },
    async settings() {
      return engine.settings;
    },
    async clock(): Promise<ClockState> {
      const s = engine.status();
      return {
        at: s.at,
        step: s.step,
        pendingTasks: s.pendingTasks,
        running,
        speed,
        effectiveSpeed: running ? speed : 0,
        seed: engine.seed,
      };
    },
    async readOnlySql(store, sql) {
      return engine.readOnlySql(store, sql);
    },
    async readStream(streamId) {
      return engine.readStream(streamId);
    },
    async readAll(fromPosition, limit) {
      return engine.readAll(fromPosition, limit);
    },
    async listStreams() {
      return engine.listStreams();
    },
    async trace(filter) {
      return filterTrace(engine.trace, filter);
    },
    async play() {
      if (running) return;
      running = true;
      stopTicker = ticker(async (elapsed) => {
        if (!running) return;
        await engine.advance(Math.max(0, Math.round(elapsed * speed)));
      });
    },
    async pause() {
      running = false;
      stopTicker?.();
      stopTicker = undefined;
    },
    async setSpeed(s) {
      if (!Number.isFinite(s) || s <= 0) throw new Error(`Speed must be a positive number, got ${s}.`);
      speed = s;
    },
    async step(n) {
      let ran = 0;
      while (ran < n && (await engine.step())) ran++;
      return ran;
    },
    async advance(ms) {
      await engine.advance(ms);
    },
    async runUntilIdle() {
      await engine.runUntilIdle(maxIdleSteps);
    },
    async reset(opts: ResetOptions = {}) {
      const sql = needSql('Reset');
      const domain = opts.domain !== undefined ? domainNamed(opts.domain) : engine.domain;
      const settings: SettingsPatch = opts.defaults ? {} : engine.settings;
      // Per-projection overrides name projections of the old domain.
      if (domain !== engine.domain) delete settings.projections;
      const next = createEngine({ sql, domain, seed: opts.seed ?? engine.seed, settings });
      swap(next, settings);
    },
    async exportSession() {
      const session: ExportedSession = {
        format: SESSION_FORMAT,
        version: 1,
        domain: engine.domain.name,
        seed: engine.seed,
        settings: baseSettings,
        script: engine.recordedScript(),
        position: engine.position(),
      };
      return JSON.stringify(session);
    },
    async importSession(text) {
      const sql = needSql('Import');
      const session = parseSession(text);
      const domain = domainNamed(session.domain);
      const next = await replayScript(sql, domain, session.seed, session.settings, session.script, session.position);
      swap(next, session.settings);
    },
    async fork(seq) {
      const sql = needSql('Fork');
      const script = engine.recordedScript();
      const session = { domain: engine.domain.name, seed: engine.seed, settings: baseSettings, script, until: engine.position() };
      const cut = await forkSession(sql, engine.domain, session, seq);
      const until = cut.until ?? { at: 0, step: 0 };
      swap(await replayScript(sql, engine.domain, cut.seed, cut.settings, cut.script, until), cut.settings);
      return { seq, at: until.at, step: until.step, kept: cut.script.length, dropped: script.length - cut.script.length };
    },
    async listDomains(): Promise<DomainInfo[]> {
      return Object.values(domains).map((d) => ({ name: d.name, title: d.title, description: d.description }));
    },
    dispose() {
      void backend.pause();
      engine.close();
    },
  };
  return backend;
}

/** Check an exported session's shape; throws an Error saying what is wrong. */
export function parseSession(text: string): ExportedSession {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`That is not an exported session: it is not valid JSON (${e instanceof Error ? e.message : String(e)}).`, { cause: e });
  }
  const fail = (what: string): never => {
    throw new Error(`That is not an exported session: ${what}. Use the text printed by \`export\`.`);
  };
  if (data === null || typeof data !== 'object' || Array.isArray(data)) fail('expected a JSON object');
  const s = data as Record<string, unknown>;
  if (s['format'] !== SESSION_FORMAT) fail(`"format" should be "${SESSION_FORMAT}"`);
  if (s['version'] !== 1) fail('"version" should be 1');
  if (typeof s['domain'] !== 'string') fail('"domain" should be a domain name');
  if (typeof s['seed'] !== 'number' || !Number.isSafeInteger(s['seed'])) fail('"seed" should be a whole number');
  if (s['settings'] === null || typeof s['settings'] !== 'object' || Array.isArray(s['settings'])) fail('"settings" should be an object');
  if (!Array.isArray(s['script'])) fail('"script" should be a list of recorded intents');
  for (const entry of s['script'] as unknown[]) {
    const e = entry as Record<string, unknown> | null;
    if (e === null || typeof e !== 'object' || typeof e['at'] !== 'number' || e['intent'] === null || typeof e['intent'] !== 'object') {
      fail('every script entry needs "at" and "intent"');
    }
  }
  const pos = s['position'] as Record<string, unknown> | null;
  if (pos === null || typeof pos !== 'object' || typeof pos['at'] !== 'number' || typeof pos['step'] !== 'number') {
    fail('"position" should be { at, step }');
  }
  return data as ExportedSession;
}
