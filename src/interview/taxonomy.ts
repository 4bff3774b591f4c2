// The fixed vocabularies of the interview question bank. The content schema
// (src/content.config.ts) accepts only these values, so a typo fails the build.

/** How senior the interviewer expects the candidate to be. */
export const LEVELS = ['junior', 'senior', 'staff'] as const;
export type Level = (typeof LEVELS)[number];

/** What the question asks the candidate to do. */
export const KINDS = ['concept', 'trade-off', 'design', 'debugging'] as const;
export type Kind = (typeof KINDS)[number];

/**
 * How the learner answers a question: free text, then a model answer and a rubric.
 * Design drills, answered by running the engine, are their own collection
 * (content/drills, src/drills) and come into the mock interview as a drill slot.
 */
export const FORMATS = ['written'] as const;
export type Format = (typeof FORMATS)[number];

/** Where the question comes from: the source articles (in our words) or written for this site. */
export const SOURCES = ['seed', 'original'] as const;
export type Source = (typeof SOURCES)[number];

/** Topics mirror the course: each one names the lesson that teaches it. */
export const TOPICS = [
  'crud-limits',
  'cqs',
  'commands',
  'read-models',
  'projections',
  'separation-levels',
  'sync-strategies',
  'eventual-consistency',
  'event-sourcing',
  'aggregates',
  'schema-evolution',
  'shadow-replay',
  'outbox',
  'sagas',
  'real-world',
  'variants',
  'when-to-use',
] as const;
export type Topic = (typeof TOPICS)[number];

export interface TopicInfo {
  label: string;
  /** The lesson that teaches the topic, by slug. */
  lesson: string;
}

export const TOPIC_INFO: Record<Topic, TopicInfo> = {
  'crud-limits': { label: 'Why CRUD breaks', lesson: 'why-crud-breaks' },
  cqs: { label: 'CQS and CQRS', lesson: 'commands-and-queries' },
  commands: { label: 'Commands and idempotency', lesson: 'commands' },
  'read-models': { label: 'Queries and read models', lesson: 'queries-and-read-models' },
  projections: { label: 'Projections', lesson: 'projections' },
  'separation-levels': { label: 'Separation levels', lesson: 'separation-levels' },
  'sync-strategies': { label: 'Synchronization', lesson: 'sync-strategies' },
  'eventual-consistency': { label: 'Eventual consistency', lesson: 'eventual-consistency' },
  'event-sourcing': { label: 'Event sourcing', lesson: 'event-sourcing' },
  aggregates: { label: 'Aggregate boundaries', lesson: 'failure-modes' },
  'schema-evolution': { label: 'Schema evolution', lesson: 'schema-evolution' },
  'shadow-replay': { label: 'Shadow replay', lesson: 'shadow-replay' },
  outbox: { label: 'Outbox', lesson: 'outbox' },
  sagas: { label: 'Sagas', lesson: 'sagas' },
  'real-world': { label: 'Real-world cases', lesson: 'real-world' },
  variants: { label: 'Variants', lesson: 'separation-levels' },
  'when-to-use': { label: 'When to use CQRS', lesson: 'when-to-use' },
};

export const LEVEL_LABEL: Record<Level, string> = { junior: 'Junior', senior: 'Senior', staff: 'Staff' };
export const KIND_LABEL: Record<Kind, string> = {
  concept: 'Concept',
  'trade-off': 'Trade-off',
  design: 'Design',
  debugging: 'Debugging an incident',
};
