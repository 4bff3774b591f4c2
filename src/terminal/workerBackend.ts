// A TerminalBackend over the sandbox's running engine: the coordinator worker
// the sandbox's controls drive (no second engine). Everything the terminal
// does — commands, settings, time, reset, import — lands on the same run, so
// the sandbox's panels show it on their next frame, and what the controls
// change the terminal reads back. The driver is the sandbox controller; its
// coordinator changes on reset, import and restart, so it is asked each time.
// Learner SQL is the exception: it runs on a copy of the store in a worker of
// its own that a time limit or Ctrl+C can end (an endless recursive CTE would
// otherwise freeze the engine, since sql.js cannot interrupt a statement).
import type * as Comlink from 'comlink';
import { domains } from '../domain/index.ts';
import type { DomainDefinition, ResultOf } from '../engine/index.ts';
import type { CoordinatorApi } from '../worker/protocol/coordinator.ts';
import { unwrap } from '../worker/protocol/reply.ts';
import { createSqlQueryRunner, QueryStoppedError, SQL_QUERY_TIMEOUT_MS, type SqlQueryRunner } from '../worker/sqlQueryClient.ts';
import { parseSessionFile, toSessionFile } from '../sandbox/sessionFormat.ts';
import type { SessionState } from '../sandbox/sessionState.ts';
import { catalogOf, type ClockState, type DomainInfo, type ResetOptions, type TerminalBackend, type TerminalIntent } from './backend.ts';

/** What the backend needs of the sandbox (SandboxController satisfies it). */
export interface SandboxDriver {
  coordinator(): Comlink.Remote<CoordinatorApi>;
  readonly domain: DomainDefinition;
  readonly seed: number;
  reset(seed?: number, domain?: string, defaults?: boolean): Promise<void>;
  session(): Promise<SessionState>;
  open(state: SessionState): Promise<void>;
  /** Set after a reset that failed (the sandbox keeps its current run). */
  readonly announcement?: string;
  /** Forking (the controller's Branches): the current run is kept as the other branch. */
  readonly branches?: {
    forkAt(seq: number): Promise<{
      seq: number;
      at: number;
      step: number;
      shared: number;
      currentLabel: string;
      other: { label: string; session: SessionState };
    }>;
  };
}

export interface WorkerBackend extends TerminalBackend {
  /** The line that was interrupted has ended: SQL may run again. */
  lineEnded(): void;
  dispose(): void;
}

export function createWorkerBackend(driver: SandboxDriver, sqlRunner: SqlQueryRunner = createSqlQueryRunner()): WorkerBackend {
  const api = () => driver.coordinator();
  /** Ctrl+C came during this line: its queries stop, even one still being copied. */
  let interrupted = false;
  const stopIfInterrupted = (): void => {
    if (interrupted) throw new QueryStoppedError('cancelled', SQL_QUERY_TIMEOUT_MS);
  };
  return {
    async catalog() {
      return catalogOf(driver.domain);
    },
    async dispatch<I extends TerminalIntent>(intent: I): Promise<ResultOf<I>> {
      // The worker boundary erases the answer's type; the engine behind it answers ResultOf<I>.
      return unwrap(await api().dispatch(intent)) as ResultOf<I>;
    },
    async status() {
      return unwrap(await api().status());
    },
    async settings() {
      return unwrap(await api().settings());
    },
    async clock(): Promise<ClockState> {
      return unwrap(await api().frame()).clock;
    },
    async divergences(projection) {
      return unwrap(await api().frame()).architecture.projections.find((p) => p.name === projection)?.divergences ?? [];
    },
    async readOnlySql(store, sql) {
      stopIfInterrupted();
      const bytes = unwrap(await api().exportStore(store));
      stopIfInterrupted();
      return sqlRunner.run(bytes, store, sql);
    },
    interrupt() {
      interrupted = true;
      return sqlRunner.cancel();
    },
    lineEnded() {
      interrupted = false;
    },
    dispose() {
      sqlRunner.close();
    },
    async readStream(streamId) {
      return unwrap(await api().readStream(streamId));
    },
    async readAll(fromPosition, limit) {
      return unwrap(await api().readAll(fromPosition, limit));
    },
    async listStreams() {
      return unwrap(await api().listStreams());
    },
    async trace(filter) {
      return unwrap(await api().trace(filter));
    },
    async play() {
      unwrap(await api().setRunning(true));
    },
    async pause() {
      unwrap(await api().setRunning(false));
    },
    async setSpeed(speed) {
      if (!(speed >= 0.1 && speed <= 10)) throw new RangeError(`Speed must be from 0.1 to 10 here, got ${speed}.`);
      unwrap(await api().setSpeed(speed));
    },
    async step(n) {
      let ran = 0;
      while (ran < n && unwrap(await api().step())) ran++;
      return ran;
    },
    async advance(ms) {
      unwrap(await api().advance(ms));
    },
    async runUntilIdle() {
      unwrap(await api().runUntilIdle());
    },
    async reset(options: ResetOptions = {}) {
      if (options.domain !== undefined && !(options.domain in domains)) {
        throw new Error(`There is no domain called '${options.domain}'. Available: ${Object.keys(domains).join(', ')}.`);
      }
      const before = api();
      await driver.reset(options.seed ?? driver.seed, options.domain ?? driver.domain.name, options.defaults ?? false);
      // The controller reports a failed reset in its announcement and keeps the current run.
      if (api() === before) throw new Error(driver.announcement || 'The reset did not complete.');
    },
    async exportSession() {
      const session = await driver.session();
      return JSON.stringify(toSessionFile(session, `${driver.domain.title}, seed ${session.seed}`, new Date().toISOString()));
    },
    async importSession(text) {
      // Throws on a malformed file; open() starts the new run before dropping the current one.
      await driver.open(parseSessionFile(text).session);
    },
    async fork(seq) {
      if (!driver.branches) throw new Error('Forking is not available here.');
      const fork = await driver.branches.forkAt(seq);
      return {
        seq: fork.seq,
        at: fork.at,
        step: fork.step,
        kept: fork.shared,
        dropped: fork.other.session.script.length - fork.shared,
        branch: fork.currentLabel,
        other: fork.other.label,
      };
    },
    async listDomains(): Promise<DomainInfo[]> {
      return Object.values(domains).map((d) => ({ name: d.name, title: d.title, description: d.description }));
    },
  };
}
