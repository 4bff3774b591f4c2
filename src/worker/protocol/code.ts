// The learner-code worker (code.worker.ts): exercises checked and labs run on
// the real engine with the learner's code in the QuickJS sandbox. Its client
// is codeClient.ts. A learner's mistake is an answer (a LearnerDiagnostic in
// the value), not an error: errors are for the worker's own faults.
import type { CheckResult, ExerciseReport } from '../../code/checks/report.ts';
import type { DeciderAnswer } from '../../code/lab/deciderLab.ts';
import type { LabAction, LabState } from '../../code/lab/projectionLab.ts';
import type { LearnerDiagnostic } from '../../code/sandbox/errors.ts';
import type { CommandInput } from '../../engine/index.ts';
import type { Reply, WorkerApi } from './reply.ts';

export type { CheckResult, DeciderAnswer, ExerciseReport, LabAction, LabState, LearnerDiagnostic };

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
}>;
