// Which scenarios the learner has finished, kept in the browser
// (localStorage) under a versioned key. Two facts per scenario: the story was
// played to its last step, and the challenge was solved (verified by the
// engine). A stored value that cannot be read is ignored (treated as nothing
// finished); it is only replaced when the learner finishes something new.
// Pure functions over a `Storage`-like object, so the list page, the player
// and the terminal read the same thing, and Node tests need no DOM.

export const COMPLETION_KEY = 'cqrs-lab:scenarios:completion';
export const COMPLETION_VERSION = 1;

export interface ScenarioCompletion {
  /** Every step of the story was played. */
  storyFinished: boolean;
  /** The challenge's criteria all passed on Verify. */
  challengeSolved: boolean;
}

export interface CompletionState {
  version: typeof COMPLETION_VERSION;
  scenarios: Record<string, ScenarioCompletion>;
}

/** What the pages need of localStorage (a Map-backed fake in tests). */
export type CompletionStorage = Pick<Storage, 'getItem' | 'setItem'>;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function emptyCompletion(): CompletionState {
  return { version: COMPLETION_VERSION, scenarios: {} };
}

/** Parse a stored value; anything malformed (bad JSON, other version, wrong shapes) gives the empty state. */
export function parseCompletion(text: string | null): CompletionState {
  if (text === null) return emptyCompletion();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return emptyCompletion();
  }
  if (!isRecord(value) || value.version !== COMPLETION_VERSION || !isRecord(value.scenarios)) return emptyCompletion();
  const scenarios: Record<string, ScenarioCompletion> = {};
  for (const [slug, entry] of Object.entries(value.scenarios)) {
    if (!SLUG.test(slug) || !isRecord(entry)) continue;
    if (typeof entry.storyFinished !== 'boolean' || typeof entry.challengeSolved !== 'boolean') continue;
    scenarios[slug] = { storyFinished: entry.storyFinished, challengeSolved: entry.challengeSolved };
  }
  return { version: COMPLETION_VERSION, scenarios };
}

export function completionOf(state: CompletionState, slug: string): ScenarioCompletion {
  return state.scenarios[slug] ?? { storyFinished: false, challengeSolved: false };
}

/** Finished: the story played through, and the challenge solved when there is one. */
export function isCompleted(entry: ScenarioCompletion, hasChallenge: boolean): boolean {
  return entry.storyFinished && (!hasChallenge || entry.challengeSolved);
}

/** The state with one more fact recorded (facts are never taken back). */
export function withMark(state: CompletionState, slug: string, mark: keyof ScenarioCompletion): CompletionState {
  if (!SLUG.test(slug)) throw new RangeError(`Not a scenario slug: "${slug}".`);
  const entry = { ...completionOf(state, slug), [mark]: true };
  return { version: COMPLETION_VERSION, scenarios: { ...state.scenarios, [slug]: entry } };
}

export function readCompletion(storage: CompletionStorage | null | undefined): CompletionState {
  try {
    return parseCompletion(storage?.getItem(COMPLETION_KEY) ?? null);
  } catch {
    return emptyCompletion(); // storage blocked (privacy mode): nothing is known
  }
}

/**
 * Record a fact: read, apply, write back (another tab may have finished a
 * scenario meanwhile). Returns the new state; false from `saved` when the
 * browser refused to store it (the page still shows it until reload).
 */
export function markCompletion(
  storage: CompletionStorage | null | undefined,
  slug: string,
  mark: keyof ScenarioCompletion,
): { state: CompletionState; saved: boolean } {
  const state = withMark(readCompletion(storage), slug, mark);
  try {
    if (!storage) return { state, saved: false };
    storage.setItem(COMPLETION_KEY, JSON.stringify(state));
    return { state, saved: true };
  } catch {
    return { state, saved: false };
  }
}

/** The browser's localStorage, or null where it is missing or blocked. */
export function browserStorage(): CompletionStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
