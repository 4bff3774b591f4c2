// Browse filters, kept in the page address so a filtered list can be bookmarked or shared.
import { KINDS, LEVELS, TOPICS, type Kind, type Level, type Topic } from './taxonomy';
import type { QuestionSummary } from './types';

export interface Filters {
  topic: Topic | '';
  level: Level | '';
  kind: Kind | '';
  text: string;
}

export const NO_FILTERS: Filters = { topic: '', level: '', kind: '', text: '' };

function pick<T extends string>(value: string | null, allowed: readonly T[]): T | '' {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : '';
}

export function filtersFromSearch(search: string): Filters {
  const params = new URLSearchParams(search);
  return {
    topic: pick(params.get('topic'), TOPICS),
    level: pick(params.get('level'), LEVELS),
    kind: pick(params.get('kind'), KINDS),
    text: (params.get('q') ?? '').slice(0, 100),
  };
}

export function filtersToSearch(filters: Filters): string {
  const params = new URLSearchParams();
  if (filters.topic) params.set('topic', filters.topic);
  if (filters.level) params.set('level', filters.level);
  if (filters.kind) params.set('kind', filters.kind);
  if (filters.text.trim()) params.set('q', filters.text.trim());
  const query = params.toString();
  return query ? `?${query}` : '';
}

export function filterQuestions<Q extends QuestionSummary>(questions: readonly Q[], filters: Filters): Q[] {
  const words = filters.text.toLowerCase().split(/\s+/).filter(Boolean);
  return questions.filter(
    (question) =>
      (!filters.topic || question.topics.includes(filters.topic)) &&
      (!filters.level || question.level === filters.level) &&
      (!filters.kind || question.kind === filters.kind) &&
      words.every((word) => `${question.title} ${question.prompt}`.toLowerCase().includes(word)),
  );
}
