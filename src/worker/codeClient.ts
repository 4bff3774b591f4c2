import * as Comlink from 'comlink';
import type { CommandInput } from '../engine/index.ts';
import type { DeciderCodeText, ProjectionCodeText } from '../sandbox/sessionCode.ts';
import type { SessionState } from '../sandbox/sessionState.ts';
import type {
  CodeApi,
  DeciderAnswer,
  ExerciseReport,
  LabAction,
  LabOpening,
  LabState,
  ReadView,
  SessionDeciderAnswer,
  SessionDeciderOpened,
  SessionLabAction,
  SessionLabAnswer,
  SessionLabState,
} from './protocol/code.ts';
import { unwrap, type Reply } from './protocol/reply.ts';
import { crashOf } from './workerCrash.ts';

interface LiveWorker {
  worker: Worker;
  api: Comlink.Remote<CodeApi>;
  /** Rejects when the worker dies. */
  crashed: Promise<never>;
}

/**
 * The page's side of the learner-code worker, started on first use. `stop()`
 * terminates it (a check that runs too long, or leaving the page); the next
 * call starts a fresh one, so an open lab is gone after a stop. A worker that
 * dies (its script did not load, an uncaught error) fails the calls waiting on
 * it with a message, instead of leaving "Checking…" on screen for good.
 */
export class CodeWorkerClient {
  #live: LiveWorker | null = null;

  #remote(): LiveWorker {
    if (!this.#live) {
      const worker = new Worker(new URL('./code.worker.ts', import.meta.url), { type: 'module', name: 'code' });
      const crashed = crashOf(
        worker,
        'code',
        (detail) => `the worker running your code stopped with an error (${detail}); press Check to start again.`,
      );
      // A dead worker is dropped at once, so the next call starts a fresh one.
      crashed.catch(() => this.#live?.worker === worker && this.stop());
      this.#live = { worker, api: Comlink.wrap<CodeApi>(worker), crashed };
    }
    return this.#live;
  }

  /** One call to the worker, or the worker's crash, whichever comes first. */
  async #call<T>(send: (api: Comlink.Remote<CodeApi>) => Promise<Reply<T>>): Promise<T> {
    const { api, crashed } = this.#remote();
    return unwrap(await Promise.race([send(api), crashed]));
  }

  async check(exerciseId: string, source: string, runs?: number): Promise<ExerciseReport> {
    return this.#call((api) => api.check(exerciseId, source, runs));
  }

  async openProjectionLab(exerciseId: string, source: string): Promise<LabOpening<LabState>> {
    return this.#call((api) => api.openProjectionLab(exerciseId, source));
  }

  async projectionLab(step: { action: LabAction } | { send: number }): Promise<LabState> {
    return this.#call((api) => api.projectionLab(step));
  }

  async openDeciderLab(source: string): Promise<LabOpening<null>> {
    return this.#call((api) => api.openDeciderLab(source));
  }

  async sendCommand(command: CommandInput): Promise<DeciderAnswer> {
    return this.#call((api) => api.sendCommand(command));
  }

  async openSessionProjectionLab(session: SessionState, code: ProjectionCodeText): Promise<LabOpening<SessionLabState>> {
    return this.#call((api) => api.openSessionProjectionLab(session, code));
  }

  async sessionProjectionLab(action: SessionLabAction): Promise<SessionLabState> {
    return this.#call((api) => api.sessionProjectionLab(action));
  }

  async sessionLabQuery(type: string, params: Record<string, unknown>): Promise<SessionLabAnswer> {
    return this.#call((api) => api.sessionLabQuery(type, params));
  }

  async sessionLabReadView(): Promise<ReadView[]> {
    return this.#call((api) => api.sessionLabReadView());
  }

  async openSessionDeciderLab(session: SessionState, code: DeciderCodeText): Promise<LabOpening<SessionDeciderOpened>> {
    return this.#call((api) => api.openSessionDeciderLab(session, code));
  }

  async sessionDeciderSend(command: CommandInput): Promise<SessionDeciderAnswer> {
    return this.#call((api) => api.sessionDeciderSend(command));
  }

  /** Ends the worker and whatever it was running. */
  stop(): void {
    this.#live?.api[Comlink.releaseProxy]();
    this.#live?.worker.terminate();
    this.#live = null;
  }
}
