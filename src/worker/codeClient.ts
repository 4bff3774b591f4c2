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

/**
 * The page's side of the learner-code worker, started on first use. `stop()`
 * terminates it (a check that runs too long, or leaving the page); the next
 * call starts a fresh one, so an open lab is gone after a stop. A worker that
 * dies (its script did not load, an uncaught error) fails the calls waiting on
 * it with a message, instead of leaving "Checking…" on screen for good.
 */
export class CodeWorkerClient {
  #worker: Worker | null = null;
  #api: Comlink.Remote<CodeApi> | null = null;
  #crashed: Promise<never> | null = null;

  #remote(): { api: Comlink.Remote<CodeApi>; crashed: Promise<never> } {
    if (!this.#api || !this.#crashed) {
      const worker = new Worker(new URL('./code.worker.ts', import.meta.url), { type: 'module', name: 'code' });
      const crashed = new Promise<never>((_, reject) => {
        worker.addEventListener('error', (event) => {
          event.preventDefault();
          reject(
            new Error(
              `the worker running your code stopped with an error (${event.message || 'its script did not load'}); press Check to start again`,
            ),
          );
          if (this.#worker === worker) this.stop();
        });
      });
      crashed.catch(() => {});
      this.#worker = worker;
      this.#api = Comlink.wrap<CodeApi>(worker);
      this.#crashed = crashed;
    }
    return { api: this.#api, crashed: this.#crashed };
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
    this.#api?.[Comlink.releaseProxy]();
    this.#worker?.terminate();
    this.#api = null;
    this.#worker = null;
    this.#crashed = null;
  }
}
