// The learner-code worker (code.worker.ts): exercises checked and labs run on
// the real engine with the learner's code in the QuickJS sandbox. Its client
// is codeClient.ts. A learner's mistake is an answer (a LearnerDiagnostic in
// the value), not an error: errors are for the worker's own faults.
import type { CheckResult, ExerciseReport } from '../../code/checks/report.ts';
import type { DeciderAnswer } from '../../code/lab/deciderLab.ts';
import type { LabAction, LabState } from '../../code/lab/projectionLab.ts';
import type { SessionDeciderAnswer, SessionDeciderOpened } from '../../code/lab/sessionDeciderLab.ts';
import type { ReadView, SessionLabAction, SessionLabState } from '../../code/lab/sessionProjectionLab.ts';
import type { DeciderCodeText, ProjectionCodeText } from '../../sandbox/sessionCode.ts';
import type { SessionState } from '../../sandbox/sessionState.ts';
import type { LearnerDiagnostic } from '../../code/sandbox/errors.ts';
import type { CommandInput } from '../../engine/index.ts';
import type { Reply, WorkerApi } from './reply.ts';

export type { CheckResult, DeciderAnswer, ExerciseReport, LabAction, LabState, LearnerDiagnostic };
export type { ReadView, SessionDeciderAnswer, SessionDeciderOpened, SessionLabAction, SessionLabState };

/** A query answered by the sandbox lab: by whichever version is live there. */
export interface SessionLabAnswer {
  answering: 'reference' | 'yours';
  data?: unknown;
  error?: string;
}

/** Opening a lab: its first state, or why the code did not load. */
export type LabOpening<T> = { ok: true; state: T } | { ok: false; error: LearnerDiagnostic };

export type CodeApi = WorkerApi<{
  /** Run an exercise's hidden checks on the learner's source (`runs` random cases per property). */
  check(exerciseId: string, source: string, runs?: number): Promise<Reply<ExerciseReport>>;
  /** Open the projection lab of an exercise with the learner's code as variant 'yours' (closing any open one). */
  openProjectionLab(exerciseId: string, source: string): Promise<Reply<LabOpening<LabState>>>;
  /** A projection action on the open lab, or `send` more commands of its workload. */
  projectionLab(step: { action: LabAction } | { send: number }): Promise<Reply<LabState>>;
  /** Open a stock engine whose decider is the learner's code (closing any open one). */
  openDeciderLab(source: string): Promise<Reply<LabOpening<null>>>;
  /** Send one command to the open decider lab. */
  sendCommand(command: CommandInput): Promise<Reply<DeciderAnswer>>;
  /** The sandbox's Code panel: replay the sandbox's session with the learner's projection live, shadow-build the reference beside it, compare (closing any open one). */
  openSessionProjectionLab(session: SessionState, code: ProjectionCodeText): Promise<Reply<LabOpening<SessionLabState>>>;
  /** Flip the learner's version live, roll back, or compare again. */
  sessionProjectionLab(action: SessionLabAction): Promise<Reply<SessionLabState>>;
  /** One of the domain's queries, answered by the version live in the sandbox lab. */
  sessionLabQuery(type: string, params: Record<string, unknown>): Promise<Reply<SessionLabAnswer>>;
  /** The live version's tables, the first rows of each. */
  sessionLabReadView(): Promise<Reply<ReadView[]>>;
  /** The sandbox's Code panel: the learner's decider for one aggregate, on the sandbox's stored events (closing any open one). */
  openSessionDeciderLab(session: SessionState, code: DeciderCodeText): Promise<Reply<LabOpening<SessionDeciderOpened>>>;
  /** Send one command to the sandbox's decider lab. */
  sessionDeciderSend(command: CommandInput): Promise<Reply<SessionDeciderAnswer>>;
}>;
