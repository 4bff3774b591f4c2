// Build-time access to the question bank (Astro content collection). Not used in the browser.
import { getCollection, type CollectionEntry } from 'astro:content';
import { drillCatalog } from '../drills/catalog';
import type { Drill } from '../drills/types';
import { brokenLink } from './links';
import { LEVELS, TOPICS } from './taxonomy';
import type { QuestionSummary } from './types';

export type Question = CollectionEntry<'interview'>;

/**
 * Every question, easiest level first, then by main topic in course order, then title.
 * A question whose `lesson` names no lesson, or whose `drills` name no drill, fails the build
 * with the file and the field.
 */
export async function loadQuestions(): Promise<Question[]> {
  const [questions, lessons] = await Promise.all([getCollection('interview'), getCollection('lessons')]);
  const lessonIds = new Set<string>(lessons.map((lesson) => lesson.id));
  const drillSlugs = new Set(drillCatalog().map((drill) => drill.slug));
  for (const question of questions) {
    const problem = brokenLink({ id: question.id, lesson: question.data.lesson.id, drills: question.data.drills }, lessonIds, drillSlugs);
    if (problem) throw new Error(problem);
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

/** The drills that answer a question: those its `drills` field names and those whose `questions` name it. */
export function drillsFor(question: Question): Drill[] {
  return drillCatalog().filter((drill) => question.data.drills.includes(drill.slug) || (drill.questions ?? []).includes(question.id));
}
