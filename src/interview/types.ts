import type { Kind, Level, Source, Topic } from './taxonomy';

/** What the browser-side code knows about a question: everything but the model answer. */
export interface QuestionSummary {
  slug: string;
  title: string;
  prompt: string;
  level: Level;
  kind: Kind;
  topics: Topic[];
  minutes: number;
  source: Source;
}

/** The learner's self-grade after the reveal, mapped onto FSRS ratings. */
export const GRADES = ['again', 'hard', 'good', 'easy'] as const;
export type Grade = (typeof GRADES)[number];

export const GRADE_LABEL: Record<Grade, string> = { again: 'Again', hard: 'Hard', good: 'Good', easy: 'Easy' };
