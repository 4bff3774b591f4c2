// Where a design drill stands for a learner, from the runs kept in their
// progress: solved on their own, solved with the answer (the model design was
// shown before the passing run), or only tried. As for lesson goals, a run
// that passes after the answer was shown is not a solve.
import type { DrillAttempt } from '../interview/progress.ts';

export type DrillStatus = 'solved' | 'solvedWithAnswer' | 'tried';

const RANK: Record<DrillStatus, number> = { tried: 0, solvedWithAnswer: 1, solved: 2 };

/** What one run earns. */
export function attemptStatus(attempt: Pick<DrillAttempt, 'passed' | 'answerShown'>): DrillStatus {
  return attempt.passed ? (attempt.answerShown ? 'solvedWithAnswer' : 'solved') : 'tried';
}

/** The best any run earned (null: never run). */
export function drillStatus(attempts: readonly Pick<DrillAttempt, 'passed' | 'answerShown'>[]): DrillStatus | null {
  let best: DrillStatus | null = null;
  for (const a of attempts) {
    const s = attemptStatus(a);
    if (best === null || RANK[s] > RANK[best]) best = s;
  }
  return best;
}
