import { describe, expect, it } from 'vitest';
import {
  COMPLETION_KEY,
  completionOf,
  isCompleted,
  markCompletion,
  parseCompletion,
  readCompletion,
  type CompletionStorage,
} from '../../../src/scenarios/completion.ts';

function memoryStorage(initial: Record<string, string> = {}): CompletionStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('scenario completion storage', () => {
  it('records the story and the challenge separately, and survives a reload', () => {
    const storage = memoryStorage();
    markCompletion(storage, 'dual-write', 'storyFinished');
    expect(completionOf(readCompletion(storage), 'dual-write')).toEqual({ storyFinished: true, challengeSolved: false });
    markCompletion(storage, 'dual-write', 'challengeSolved');
    const after = readCompletion(storage);
    expect(completionOf(after, 'dual-write')).toEqual({ storyFinished: true, challengeSolved: true });
    expect(completionOf(after, 'banking')).toEqual({ storyFinished: false, challengeSolved: false });
  });

  it('counts a scenario complete only when its challenge, if any, is solved', () => {
    expect(isCompleted({ storyFinished: true, challengeSolved: false }, true)).toBe(false);
    expect(isCompleted({ storyFinished: true, challengeSolved: false }, false)).toBe(true);
    expect(isCompleted({ storyFinished: false, challengeSolved: true }, true)).toBe(false);
    expect(isCompleted({ storyFinished: true, challengeSolved: true }, true)).toBe(true);
  });

  it('keeps what another tab stored when recording a new fact', () => {
    const storage = memoryStorage();
    markCompletion(storage, 'banking', 'storyFinished');
    // Another tab writes its own progress meanwhile.
    const other = {
      version: 1,
      scenarios: { banking: { storyFinished: true, challengeSolved: false }, ordering: { storyFinished: true, challengeSolved: true } },
    };
    storage.setItem(COMPLETION_KEY, JSON.stringify(other));
    markCompletion(storage, 'banking', 'challengeSolved');
    expect(Object.keys(readCompletion(storage).scenarios).sort()).toEqual(['banking', 'ordering']);
  });

  it.each([
    ['not JSON', '{oops'],
    ['another version', JSON.stringify({ version: 2, scenarios: { banking: { storyFinished: true, challengeSolved: true } } })],
    ['an array', '[]'],
    ['scenarios not an object', JSON.stringify({ version: 1, scenarios: 3 })],
  ])('ignores corrupt storage (%s)', (_, text) => {
    expect(readCompletion(memoryStorage({ [COMPLETION_KEY]: text })).scenarios).toEqual({});
  });

  it('drops malformed entries but keeps the good ones', () => {
    const state = parseCompletion(
      JSON.stringify({
        version: 1,
        scenarios: {
          banking: { storyFinished: 'yes', challengeSolved: true },
          'Bad Slug': { storyFinished: true, challengeSolved: true },
          ordering: { storyFinished: true, challengeSolved: false },
        },
      }),
    );
    expect(state.scenarios).toEqual({ ordering: { storyFinished: true, challengeSolved: false } });
  });

  it('still reports the fact when the browser refuses to store it', () => {
    const refusing: CompletionStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const r = markCompletion(refusing, 'ordering', 'storyFinished');
    expect(r.saved).toBe(false);
    expect(completionOf(r.state, 'ordering').storyFinished).toBe(true);
    expect(
      readCompletion({
        getItem: () => {
          throw new Error('SecurityError');
        },
        setItem: () => {},
      }).scenarios,
    ).toEqual({});
  });

  it('refuses a slug that is not one', () => {
    expect(() => markCompletion(memoryStorage(), '../x', 'storyFinished')).toThrow(/Not a scenario slug/);
  });
});
