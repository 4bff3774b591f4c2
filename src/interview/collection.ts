// Build-time access to the question bank (Astro content collection). Not used in the browser.
import { getCollection, type CollectionEntry } from 'astro:content';
import { LEVELS, TOPICS } from './taxonomy';
import type { QuestionSummary } from './types';

export type Question = CollectionEntry<'interview'>;

/**
 * Every question, easiest level first, then by main topic in course order, then title.
 * A question whose `lesson` names no lesson fails the build with the file and the field.
 */
export async function loadQuestions(): Promise<Question[]> {
  const [questions, lessons] = await Promise.all([getCollection('interview'), getCollection('lessons')]);
  const lessonIds = new Set(lessons.map((lesson) => lesson.id));
  for (const question of questions) {
    if (!lessonIds.has(question.data.lesson.id)) {
      throw new Error(
        `content/interview/${question.id}.md: field lesson names "${question.data.lesson.id}", but no lesson has that slug. Known lessons: ${[...lessonIds].join(', ')}.`,
      );
    }
  }
  const rank = (question: Question) => [LEVELS.indexOf(question.data.level), TOPICS.indexOf(question.data.topics[0]!)] as const;
  return questions.sort((a, b) => {
    const [levelA, topicA] = rank(a);
    const [levelB, topicB] = rank(b);
    return levelA - levelB || topicA - topicB || a.data.title.localeCompare(b.data.title);
  });
}

export function toSummary(question: Question): QuestionSummary {
  const { title, prompt, level, kind, topics, minutes, source } = question.data;
  return { slug: question.id, title, prompt, level, kind, topics, minutes, source };
}

export function interviewBase(): string {
  return `${import.meta.env.BASE_URL.replace(/\/?$/, '/')}interview/`;
}
