import type { QuestionSummary } from '../../../src/interview/types';

export const at = (iso: string) => new Date(iso);

export function question(slug: string, overrides: Partial<QuestionSummary> = {}): QuestionSummary {
  return {
    slug,
    title: `Question ${slug}`,
    prompt: `What about ${slug}?`,
    level: 'junior',
    kind: 'concept',
    topics: ['projections'],
    minutes: 5,
    source: 'original',
    ...overrides,
  };
}
