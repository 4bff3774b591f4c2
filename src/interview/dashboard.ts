// The progress dashboard: how far the learner is, topic by topic.
import type { Progress, QuestionProgress } from './progress';
import { endOfDay } from './queue';
import { TOPIC_INFO, TOPICS, type Topic } from './taxonomy';
import type { QuestionSummary } from './types';

/** A question counts as secure once its next review is at least this many days out. */
export const SECURE_DAYS = 7;

export interface Tally {
  /** Questions in the bank. */
  total: number;
  /** Reviewed at least once. */
  started: number;
  /** Due by the end of today. */
  due: number;
  /** Scheduled a week or more ahead. */
  secure: number;
  /** Times a reviewed question was forgotten ("again" after it had been learned). */
  lapses: number;
  /** Mean share of rubric points ticked on the latest attempt of each started question, 0–1. */
  rubricScore: number | null;
}

export interface TopicRow extends Tally {
  topic: Topic;
  label: string;
  lesson: string;
}

export interface Dashboard {
  overall: Tally;
  topics: TopicRow[];
}

function tally(entries: Array<QuestionProgress | undefined>, dueBy: number): Tally {
  const result: Tally = { total: entries.length, started: 0, due: 0, secure: 0, lapses: 0, rubricScore: null };
  let scored = 0;
  let scoreSum = 0;
  for (const entry of entries) {
    if (!entry) continue;
    result.started++;
    if (Date.parse(entry.card.due) <= dueBy) result.due++;
    if (entry.card.state === 'review' && entry.card.scheduledDays >= SECURE_DAYS) result.secure++;
    result.lapses += entry.card.lapses;
    const latest = entry.attempts.at(-1);
    if (latest && latest.rubricTotal > 0) {
      scored++;
      scoreSum += latest.rubricHit / latest.rubricTotal;
    }
  }
  result.rubricScore = scored > 0 ? scoreSum / scored : null;
  return result;
}

/** One row per topic with questions; a question with two topics counts in both rows, once overall. */
export function buildDashboard(questions: readonly QuestionSummary[], progress: Progress, now: Date): Dashboard {
  const dueBy = endOfDay(now).getTime();
  const overall = tally(
    questions.map((question) => progress.questions[question.slug]),
    dueBy,
  );
  const topics = TOPICS.flatMap((topic) => {
    const inTopic = questions.filter((question) => question.topics.includes(topic));
    if (inTopic.length === 0) return [];
    const row: TopicRow = {
      topic,
      label: TOPIC_INFO[topic].label,
      lesson: TOPIC_INFO[topic].lesson,
      ...tally(
        inTopic.map((question) => progress.questions[question.slug]),
        dueBy,
      ),
    };
    return [row];
  });
  return { overall, topics };
}
