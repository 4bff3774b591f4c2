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
import { unwrap } from './protocol/reply.ts';

/**
 * The page's side of the learner-code worker, started on first use. `stop()`
 * terminates it (a check that runs too long, or leaving the page); the next
 * call starts a fresh one, so an open lab is gone after a stop.
 */
export class CodeWorkerClient {
  #worker: Worker | null = null;
  #api: Comlink.Remote<CodeApi> | null = null;

  #remote(): Comlink.Remote<CodeApi> {
    if (!this.#api) {
      this.#worker = new Worker(new URL('./code.worker.ts', import.meta.url), { type: 'module', name: 'code' });
      this.#api = Comlink.wrap<CodeApi>(this.#worker);
    }
    return this.#api;
  }

  async check(exerciseId: string, source: string, runs?: number): Promise<ExerciseReport> {
    return unwrap(await this.#remote().check(exerciseId, source, runs));
  }

  async openProjectionLab(exerciseId: string, source: string): Promise<LabOpening<LabState>> {
    return unwrap(await this.#remote().openProjectionLab(exerciseId, source));
  }

  async projectionLab(step: { action: LabAction } | { send: number }): Promise<LabState> {
    return unwrap(await this.#remote().projectionLab(step));
  }

  async openDeciderLab(source: string): Promise<LabOpening<null>> {
    return unwrap(await this.#remote().openDeciderLab(source));
  }

  async sendCommand(command: CommandInput): Promise<DeciderAnswer> {
    return unwrap(await this.#remote().sendCommand(command));
  }

  async openSessionProjectionLab(session: SessionState, code: ProjectionCodeText): Promise<LabOpening<SessionLabState>> {
    return unwrap(await this.#remote().openSessionProjectionLab(session, code));
  }

  async sessionProjectionLab(action: SessionLabAction): Promise<SessionLabState> {
    return unwrap(await this.#remote().sessionProjectionLab(action));
  }

  async sessionLabQuery(type: string, params: Record<string, unknown>): Promise<SessionLabAnswer> {
    return unwrap(await this.#remote().sessionLabQuery(type, params));
  }

  async sessionLabReadView(): Promise<ReadView[]> {
    return unwrap(await this.#remote().sessionLabReadView());
  }

  async openSessionDeciderLab(session: SessionState, code: DeciderCodeText): Promise<LabOpening<SessionDeciderOpened>> {
    return unwrap(await this.#remote().openSessionDeciderLab(session, code));
  }

  async sessionDeciderSend(command: CommandInput): Promise<SessionDeciderAnswer> {
    return unwrap(await this.#remote().sessionDeciderSend(command));
  }

  /** Ends the worker and whatever it was running. */
  stop(): void {
    this.#api?.[Comlink.releaseProxy]();
    this.#worker?.terminate();
    this.#api = null;
    this.#worker = null;
  }
}
