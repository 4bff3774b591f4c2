// Spaced repetition over ts-fsrs (FSRS-6). Everything takes `now` from the caller, so the
// schedule is a pure function of the reviews: tests inject the clock, the UI passes new Date().
import { createEmptyCard, fsrs, Rating, State, type Card, type Grade as FsrsGrade } from 'ts-fsrs';
import type { Grade } from './types';

export type CardState = 'new' | 'learning' | 'review' | 'relearning';

/** A scheduling card as stored in the browser: plain JSON, dates as ISO strings. */
export interface StoredCard {
  due: string;
  stability: number;
  difficulty: number;
  scheduledDays: number;
  learningSteps: number;
  reps: number;
  lapses: number;
  state: CardState;
  lastReview: string | null;
}

// Long-form questions: "again" brings the question back in ten minutes, "good" on a new
// question in a couple of days. No fuzz, so the same reviews always give the same dates.
const scheduler = fsrs({
  request_retention: 0.9,
  maximum_interval: 365,
  enable_fuzz: false,
  enable_short_term: true,
  learning_steps: ['10m'],
  relearning_steps: ['10m'],
});

const RATING: Record<Grade, FsrsGrade> = {
  again: Rating.Again,
  hard: Rating.Hard,
  good: Rating.Good,
  easy: Rating.Easy,
};
const STATE_NAME: Record<State, CardState> = {
  [State.New]: 'new',
  [State.Learning]: 'learning',
  [State.Review]: 'review',
  [State.Relearning]: 'relearning',
};
const STATE_VALUE: Record<CardState, State> = {
  new: State.New,
  learning: State.Learning,
  review: State.Review,
  relearning: State.Relearning,
};

function toFsrs(card: StoredCard): Card {
  return {
    due: new Date(card.due),
    stability: card.stability,
    difficulty: card.difficulty,
    elapsed_days: 0,
    scheduled_days: card.scheduledDays,
    learning_steps: card.learningSteps,
    reps: card.reps,
    lapses: card.lapses,
    state: STATE_VALUE[card.state],
    ...(card.lastReview ? { last_review: new Date(card.lastReview) } : {}),
  };
}

function fromFsrs(card: Card): StoredCard {
  return {
    due: card.due.toISOString(),
    stability: card.stability,
    difficulty: card.difficulty,
    scheduledDays: card.scheduled_days,
    learningSteps: card.learning_steps,
    reps: card.reps,
    lapses: card.lapses,
    state: STATE_NAME[card.state],
    lastReview: card.last_review ? card.last_review.toISOString() : null,
  };
}

/** A question never reviewed: due immediately. */
export function newCard(now: Date): StoredCard {
  return fromFsrs(createEmptyCard(now));
}

/** The card after the learner grades a review at `now`. */
export function schedule(card: StoredCard | undefined, grade: Grade, now: Date): StoredCard {
  return fromFsrs(scheduler.next(toFsrs(card ?? newCard(now)), now, RATING[grade]).card);
}

/** When each grade would bring the question back, for labelling the grade buttons. */
export function preview(card: StoredCard | undefined, now: Date): Record<Grade, StoredCard> {
  const base = toFsrs(card ?? newCard(now));
  const result = {} as Record<Grade, StoredCard>;
  for (const grade of Object.keys(RATING) as Grade[]) {
    result[grade] = fromFsrs(scheduler.next(base, now, RATING[grade]).card);
  }
  return result;
}

export function isDueBy(card: StoredCard, moment: Date): boolean {
  return Date.parse(card.due) <= moment.getTime();
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "10 min", "3 h", "2 days", "4 months": how long until a date, rounded for people. */
export function describeInterval(ms: number): string {
  if (ms < HOUR) return `${Math.max(1, Math.round(ms / MINUTE))} min`;
  if (ms < DAY) return `${Math.round(ms / HOUR)} h`;
  const days = Math.round(ms / DAY);
  if (days < 45) return days === 1 ? '1 day' : `${days} days`;
  const months = Math.round(days / 30);
  return months === 1 ? '1 month' : `${months} months`;
}
