// Every lesson checkpoint with what the review page needs to ask it again: the question, the
// lesson it belongs to, and the model explanation as text. Build time only (astro:content).
import { orderedLessons, lessonHref } from '../lib/lessons';
import { checkpointKey, extractCheckpoints } from './extract';
import type { CheckpointQuestion } from './question';

export interface ReviewCheckpoint {
  /** "lesson-slug#checkpoint-id", the key of its review card. */
  key: string;
  lessonTitle: string;
  /** The checkpoint in its lesson. */
  href: string;
  question: CheckpointQuestion;
  explanation: string[];
}

export async function loadCheckpoints(): Promise<ReviewCheckpoint[]> {
  const lessons = await orderedLessons();
  return lessons.flatMap((lesson) =>
    extractCheckpoints(lesson.id, lesson.body ?? '').map(({ question, explanation }) => ({
      key: checkpointKey(lesson.id, question.id),
      lessonTitle: lesson.data.title,
      href: `${lessonHref(lesson.id)}#checkpoint-${question.id}`,
      question,
      explanation,
    })),
  );
}
