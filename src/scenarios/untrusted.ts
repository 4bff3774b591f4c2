// Limits on a scenario that came from someone else (a shared link or an
// imported file), checked before the schema reads it: the schema says what a
// scenario may contain, these say how much of it a page will take in. A
// refusal says what was too big, so the author knows what to cut.

/** Bytes of scenario JSON a link may unpack to, or a file may hold (a small link can inflate to a huge text). */
export const MAX_SCENARIO_BYTES = 1_000_000;
/** Nesting depth of the JSON: the deepest real field (a load's intent's payload value) is about 10 levels down. */
export const MAX_DEPTH = 32;
/** Characters in any one text (a narration is a paragraph, not a book). */
export const MAX_TEXT_CHARS = 20_000;
/** Values in the whole JSON (objects, lists and leaves together). */
export const MAX_VALUES = 200_000;

/** A shared scenario refused before or beside the schema: damaged, oversized or hostile input. */
export class SharedScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SharedScenarioError';
  }
}

/** Keys that would reach an object's prototype if copied naively: refused, no scenario needs them. */
const POISONED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Walk parsed JSON once, without recursion (a deep nesting cannot exhaust the
 * stack), and refuse it when it is too deep, too large, has a text that is
 * too long, or a key that reaches a prototype. `where` names the source in
 * the message ("This link", "my-scenario.json").
 */
export function assertWithinLimits(value: unknown, where: string): void {
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 1, path: '' }];
  let values = 0;
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!;
    if (++values > MAX_VALUES)
      throw new SharedScenarioError(`${where} holds more than ${MAX_VALUES.toLocaleString('en-US')} values: too large.`);
    if (typeof v === 'string') {
      if (v.length > MAX_TEXT_CHARS)
        throw new SharedScenarioError(
          `${where}: ${path || '(file)'} is a text of ${v.length.toLocaleString('en-US')} characters; at most ${MAX_TEXT_CHARS.toLocaleString('en-US')} are allowed.`,
        );
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_DEPTH) throw new SharedScenarioError(`${where}: ${path} is nested more than ${MAX_DEPTH} levels deep.`);
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ v: item, depth: depth + 1, path: `${path}[${i}]` }));
      continue;
    }
    for (const [key, item] of Object.entries(v)) {
      if (POISONED_KEYS.has(key))
        throw new SharedScenarioError(`${where}: ${path ? `${path}.` : ''}${key} is not a field a scenario can have.`);
      if (key.length > MAX_TEXT_CHARS) throw new SharedScenarioError(`${where}: a field name of ${key.length} characters is too long.`);
      stack.push({ v: item, depth: depth + 1, path: path ? `${path}.${key}` : key });
    }
  }
}
