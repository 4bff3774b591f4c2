// The "due today" queue: questions whose next review falls before the end of the local day.
import type { Progress } from './progress';
import type { QuestionSummary } from './types';

/** The last millisecond of `now`'s local day. */
export function endOfDay(now: Date): Date {
  const end = new Date(now);
  end.setHours(23, 59, 59, 999);
  return end;
}

/** Slugs of known questions due by the end of today, earliest first. */
export function dueToday(questions: readonly Pick<QuestionSummary, 'slug'>[], progress: Progress, now: Date): string[] {
  const limit = endOfDay(now).getTime();
  return questions
    .flatMap((question) => {
      const card = progress.questions[question.slug]?.card;
      if (!card) return [];
      const due = Date.parse(card.due);
      return due <= limit ? [{ slug: question.slug, due }] : [];
    })
    .sort((a, b) => a.due - b.due || a.slug.localeCompare(b.slug))
    .map((entry) => entry.slug);
}

const LEVEL_RANK = { junior: 0, senior: 1, staff: 2 } as const;

/** Questions never reviewed, easiest first, in bank order within a level. */
export function unseen(questions: readonly Pick<QuestionSummary, 'slug' | 'level'>[], progress: Progress, limit = Infinity): string[] {
  return questions
    .map((question, index) => ({ question, index }))
    .filter(({ question }) => !progress.questions[question.slug])
    .sort((a, b) => LEVEL_RANK[a.question.level] - LEVEL_RANK[b.question.level] || a.index - b.index)
    .slice(0, limit)
    .map(({ question }) => question.slug);
}

/** The next question of a review session after `current`: the earliest due other than it. */
export function nextDue(
  questions: readonly Pick<QuestionSummary, 'slug'>[],
  progress: Progress,
  current: string,
  now: Date,
): string | null {
  return dueToday(questions, progress, now).find((slug) => slug !== current) ?? null;
}

/** Keys ("lesson#id") of lesson checkpoints due by the end of today, earliest first; only keys in `known`. */
export function dueCheckpoints(known: readonly string[], progress: Progress, now: Date): string[] {
  const limit = endOfDay(now).getTime();
  return known
    .flatMap((key) => {
      const card = progress.checkpoints?.[key]?.card;
      if (!card) return [];
      const due = Date.parse(card.due);
      return due <= limit ? [{ key, due }] : [];
    })
    .sort((a, b) => a.due - b.due || a.key.localeCompare(b.key))
    .map((entry) => entry.key);
}

/** Root causes of generated incidents due by the end of today, earliest first. */
export function dueIncidents(progress: Progress, now: Date): string[] {
  const limit = endOfDay(now).getTime();
  return Object.entries(progress.incidents ?? {})
    .flatMap(([cause, entry]) => {
      const due = entry ? Date.parse(entry.card.due) : Number.NaN;
      return due <= limit ? [{ cause, due }] : [];
    })
    .sort((a, b) => a.due - b.due || a.cause.localeCompare(b.cause))
    .map((entry) => entry.cause);
}
