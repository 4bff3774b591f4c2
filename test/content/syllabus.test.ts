import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The syllabus (the lessons issue, from ../shared/seeds) mapped to the lesson that teaches each
// topic and the terms that lesson must explain, so no topic can go missing unnoticed.
const LESSONS = resolve(import.meta.dirname, '../../content/lessons');

const SYLLABUS: { topic: string; lesson: string; terms: string[] }[] = [
  { topic: 'Why CRUD breaks under load', lesson: 'why-crud-breaks', terms: ['flash sale', '50,000', 'JOIN', 'replica'] },
  { topic: 'Commands and queries: CQS and its lineage', lesson: 'commands-and-queries', terms: ['CQS', 'Meyer'] },
  { topic: 'Commands: intent, validation, idempotency, ids only', lesson: 'commands', terms: ['intent', 'idempoten', 'same transaction', 'consistency token'] },
  { topic: 'Queries and read models', lesson: 'queries-and-read-models', terms: ['denormali', 'read model', '404'] },
  { topic: 'Projections: properties, checkpoints, upserts, rebuilds', lesson: 'projections', terms: ['rebuild', 'checkpoint', 'upsert', 'idempoten'] },
  { topic: 'Separation levels 1-3', lesson: 'separation-levels', terms: ['Level 1', 'Level 2', 'Level 3'] },
  { topic: 'Sync strategies', lesson: 'sync-strategies', terms: ['asynchronous', 'synchronous', 'hybrid'] },
  { topic: 'Eventual consistency and the consistency window', lesson: 'eventual-consistency', terms: ['consistency window', 'lag'] },
  { topic: 'Living with eventual consistency', lesson: 'living-with-eventual-consistency', terms: ['read-your-writes', 'token', 'poll', 'push', 'optimistic', 'stale-while-revalidate'] },
  { topic: 'Event sourcing', lesson: 'event-sourcing', terms: ['event store', 'replay', 'snapshot', 'temporal'] },
  {
    topic: 'Designing events: thin and fat, domain and integration, compatibility, uniqueness, two clocks, personal data',
    lesson: 'designing-events',
    terms: ['thin event', 'fat event', 'event-carried state transfer', 'integration event', 'schema registry', 'BACKWARD', 'FORWARD', 'FULL', '_TRANSITIVE', 'unique', 'reservation stream', 'occurred-at', 'recorded-at', 'recorded time', 'crypto-shredding', 'Article 17'],
  },
  { topic: 'Failure modes', lesson: 'failure-modes', terms: ['404', 'duplicate', 'aggregate boundar'] },
  {
    topic: 'Partitioned logs: keys, consumer groups, hot partitions, poison events, backpressure, tokens, lag',
    lesson: 'partitioned-logs',
    terms: ['partition key', 'order', 'consumer group', 'rebalanc', 'hot partition', 'poison event', 'dead-letter queue', 'backpressure', 'consistency token', 'offset', 'lag'],
  },
  { topic: 'Schema evolution and upcasting', lesson: 'schema-evolution', terms: ['upcast', 'version'] },
  { topic: 'Shadow replay and blue/green projections', lesson: 'shadow-replay', terms: ['shadow', 'blue/green', 'flip'] },
  { topic: 'The outbox and the dual-write problem', lesson: 'outbox', terms: ['dual-write', 'outbox', 'relay'] },
  { topic: 'Sagas and process managers', lesson: 'sagas', terms: ['saga', 'process manager', 'compensat'] },
  { topic: 'Real systems', lesson: 'real-world', terms: ['Shopify', 'Azure DevOps', 'LinkedIn', 'bank'] },
  { topic: 'Variants and related patterns', lesson: 'separation-levels', terms: ['partial CQRS', 'micro-CQRS', 'event-driven'] },
  { topic: 'When to use it and when not', lesson: 'when-to-use', terms: ['decision matrix', 'myth'] },
  {
    topic: 'Building one: the engine behind the sandbox',
    lesson: 'building-one',
    terms: ['Decider', 'expected version', 'processed_commands', 'duplicate', 'checkpoint', 'gap', 'rebuild', 'watermark', 'virtual clock', 'seed', 'trace', 'SourceQuote'],
  },
];

describe('the syllabus', () => {
  it.each(SYLLABUS)('teaches "$topic" in the $lesson lesson', ({ lesson, terms }) => {
    const file = join(LESSONS, `${lesson}.mdx`);
    expect(existsSync(file), `content/lessons/${lesson}.mdx should exist`).toBe(true);
    const text = readFileSync(file, 'utf8').toLowerCase();
    const missing = terms.filter((term) => !text.includes(term.toLowerCase()));
    expect(missing).toEqual([]);
  });
});
