// Where a lesson embed's goal stands for this learner, kept in localStorage
// under `cqrs-lab:goal:<presetId>` as `{ status, at }` (the progress export
// reads that prefix). A goal solved after its answer was shown is recorded as
// 'solvedWithAnswer', not as solved; a record never moves down (a later failed
// try does not undo a solve).
export type GoalStatus = 'solved' | 'solvedWithAnswer' | 'tried';

export interface GoalRecord {
  status: GoalStatus;
  /** ISO time of the try that set this status. */
  at: string;
}

export const GOAL_KEY_PREFIX = 'cqrs-lab:goal:';

const RANK: Record<GoalStatus, number> = { tried: 0, solvedWithAnswer: 1, solved: 2 };

export function goalKey(presetId: string): string {
  return `${GOAL_KEY_PREFIX}${presetId}`;
}

function isRecord(v: unknown): v is GoalRecord {
  return v !== null && typeof v === 'object' && (v as GoalRecord).status in RANK && typeof (v as GoalRecord).at === 'string';
}

export function readGoal(storage: Pick<Storage, 'getItem'>, presetId: string): GoalRecord | null {
  try {
    const v: unknown = JSON.parse(storage.getItem(goalKey(presetId)) ?? 'null');
    return isRecord(v) ? v : null;
  } catch {
    return null;
  }
}

/** The status one verified try earns. */
export function tryStatus(passed: boolean, answerShown: boolean): GoalStatus {
  return passed ? (answerShown ? 'solvedWithAnswer' : 'solved') : 'tried';
}

/** Record a try; returns the record now stored (the better of the old one and this try). */
export function recordGoalTry(
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  presetId: string,
  outcome: { passed: boolean; answerShown: boolean },
  at: string,
): GoalRecord {
  const before = readGoal(storage, presetId);
  const status = tryStatus(outcome.passed, outcome.answerShown);
  if (before && RANK[before.status] >= RANK[status]) return before;
  const record: GoalRecord = { status, at };
  storage.setItem(goalKey(presetId), JSON.stringify(record));
  return record;
}
