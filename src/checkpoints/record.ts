// The lesson page's side of checkpoint progress: record a graded answer as a review card in
// the interview progress (the same FSRS queue as interview questions), and read back the last
// answer so a revisit shows what the learner committed to.
import { browserStorage, ProgressStore, type CheckpointAttempt } from '../interview/progress';
import { describeInterval } from '../interview/schedule';
import { grade, isResponseFor, type CheckpointQuestion, type CheckpointResponse } from './question';

const store = () => new ProgressStore(browserStorage());

/** When the card comes back, in words for the learner. */
export function reviewNote(key: string, now: Date): string {
  const card = store().read().checkpoints?.[key]?.card;
  if (!card) return '';
  const wait = Date.parse(card.due) - now.getTime();
  return wait <= 0
    ? 'This checkpoint is due for review now, in Interview practice › Due today.'
    : `This checkpoint comes back for review in ${describeInterval(wait)} (Interview practice › Due today).`;
}

/** Grade, record, and say when it comes back. */
export function recordAnswer(
  key: string,
  question: CheckpointQuestion,
  response: CheckpointResponse,
  explain: string | undefined,
  now: Date,
): string {
  store().recordCheckpoint(key, { verdict: grade(question, response), response, ...(explain ? { explain } : {}) }, now);
  return reviewNote(key, now);
}

/** The last committed answer, if it still fits the question (a question edited since is asked afresh). */
export function lastAnswer(key: string, question: CheckpointQuestion): CheckpointAttempt | null {
  const last = store().read().checkpoints?.[key]?.attempts.at(-1);
  return last && isResponseFor(question, last.response) ? last : null;
}
