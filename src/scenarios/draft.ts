// A scenario in the making: the sandbox's run becomes the start of a
// scenario draft ("make this a scenario"), the builder fills in the story and
// the goal, and the finished draft is a simulations/-format file. A draft is
// a Scenario object all along, so the one schema (schema.ts) validates it at
// every stage, with the same file-and-field errors as the files in simulations/.
import type { Intent } from '../engine/index.ts';
import type { SessionState } from '../sandbox/sessionState.ts';
import type { Scenario, ScenarioChallenge } from './types.ts';

/** Where the builder keeps the draft between the sandbox, a reload and the next visit (localStorage). */
export const DRAFT_KEY = 'cqrs-lab:scenario-draft';

/** Intents that only look: they change nothing a scenario starts from, so a draft leaves them out of its setup. */
const LOOKING: ReadonlySet<Intent['kind']> = new Set(['query', 'aggregateAt', 'projectionAt', 'subscribe']);

/** A slug for a title: lower case, words joined by hyphens (the file name a scenario must have). */
export function slugFrom(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents off: "Über" → "uber"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'my-scenario';
}

/** An empty challenge for the builder to fill: it does not validate until it has a goal, criteria and a debrief. */
export function emptyChallenge(): ScenarioChallenge {
  return { goal: '', allowed: { settings: [] }, workload: [], criteria: [], solution: [], debrief: '' };
}

/**
 * The sandbox's run as the start of a scenario: its domain, seed and starting
 * settings, and every intent it received that changed something, as the
 * setup (played in order, each answered, then until idle: the run settled).
 * The story and the goal are the author's to write.
 */
export function draftFromSession(session: SessionState, title = 'My scenario'): Scenario {
  const setup = session.script.map((entry) => entry.intent).filter((intent) => !LOOKING.has(intent.kind));
  return {
    slug: slugFrom(title),
    title,
    summary: 'A scenario built in the sandbox.',
    order: 0,
    lessons: [],
    domain: session.domain,
    seed: session.seed,
    ...(Object.keys(session.settings).length > 0 ? { settings: session.settings } : {}),
    ...(setup.length > 0 ? { setup } : {}),
    steps: [{ id: 'step-1', narration: '', then: { runUntilIdle: true } }],
    challenge: emptyChallenge(),
  };
}

/** The draft's file name in simulations/ (the schema checks the slug against it). */
export function scenarioFileName(scenario: Pick<Scenario, 'slug'>): string {
  return `${scenario.slug}.json`;
}

/** The draft as a simulations/ file: the JSON the repository's own scenario files use. */
export function scenarioFileText(scenario: Scenario): string {
  return `${JSON.stringify(scenario, null, 2)}\n`;
}
