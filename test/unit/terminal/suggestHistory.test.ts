import { describe, expect, it } from 'vitest';
import { damerauLevenshtein, suggest } from '../../../src/terminal/suggest.ts';
import { HISTORY_KEY, memoryStorage, TerminalHistory } from '../../../src/terminal/history.ts';
import { harness } from './helpers.ts';

describe('Damerau-Levenshtein', () => {
  it('counts insertions, deletions, substitutions and transpositions', () => {
    expect(damerauLevenshtein('', '')).toBe(0);
    expect(damerauLevenshtein('abc', '')).toBe(3);
    expect(damerauLevenshtein('help', 'help')).toBe(0);
    expect(damerauLevenshtein('hepl', 'help')).toBe(1);
    expect(damerauLevenshtein('strems', 'streams')).toBe(1);
    expect(damerauLevenshtein('kitten', 'sitting')).toBe(3);
    // Unrestricted: a transposition may be edited further (OSA would say 3).
    expect(damerauLevenshtein('ca', 'abc')).toBe(2);
  });

  it('is symmetric', () => {
    for (const [a, b] of [
      ['query', 'qeury'],
      ['projection', 'projections'],
      ['ab', 'ba'],
    ] as const) {
      expect(damerauLevenshtein(a, b)).toBe(damerauLevenshtein(b, a));
    }
  });
});

describe('suggest', () => {
  const names = ['help', 'history', 'streams', 'stream', 'sql', 'PlaceOrder', 'projection', 'projections'];

  it('finds the nearest name, case folded', () => {
    expect(suggest('hepl', names)).toBe('help');
    expect(suggest('placeordr', names)).toBe('PlaceOrder');
    expect(suggest('SQL', names)).toBe('sql');
    expect(suggest('projectoin', names)).toBe('projection');
  });

  it('falls back to a unique prefix', () => {
    expect(suggest('hist', names)).toBe('history');
    expect(suggest('pro', names)).toBeUndefined(); // projection or projections
  });

  it('suggests nothing when nothing is close', () => {
    expect(suggest('xyzzy', names)).toBeUndefined();
    expect(suggest('', names)).toBeUndefined();
  });
});

describe('history', () => {
  it('walks up and down, returning to the line being typed', () => {
    const h = new TerminalHistory();
    h.push('one');
    h.push('two');
    expect(h.up('dra')).toBe('two');
    expect(h.up('two')).toBe('one');
    expect(h.up('one')).toBeUndefined();
    expect(h.down()).toBe('two');
    expect(h.down()).toBe('dra');
    expect(h.down()).toBeUndefined();
  });

  it('skips blank lines and immediate repeats, and resets navigation on push', () => {
    const h = new TerminalHistory();
    h.push('a');
    h.push('  ');
    h.push('a');
    h.push('b');
    expect(h.entries).toEqual(['a', 'b']);
    h.up('');
    h.push('c');
    expect(h.up('')).toBe('c');
  });

  it('keeps lines across reloads through the storage', () => {
    const storage = memoryStorage();
    const first = new TerminalHistory({ storage });
    first.push('PlaceOrder o1 ada KB 1');
    first.push('time run');
    const reloaded = new TerminalHistory({ storage });
    expect(reloaded.entries).toEqual(['PlaceOrder o1 ada KB 1', 'time run']);
    expect(reloaded.up('')).toBe('time run');
    reloaded.clear();
    expect(new TerminalHistory({ storage }).entries).toEqual([]);
  });

  it('keeps at most `limit` lines and drops very long ones', () => {
    const h = new TerminalHistory({ limit: 3, maxLineLength: 10 });
    for (const l of ['1', '2', '3', '4', 'x'.repeat(11)]) h.push(l);
    expect(h.entries).toEqual(['2', '3', '4']);
  });

  it('survives garbage, blocked and full storage', () => {
    expect(new TerminalHistory({ storage: memoryStorage({ [HISTORY_KEY]: '{not json' }) }).entries).toEqual([]);
    expect(new TerminalHistory({ storage: memoryStorage({ [HISTORY_KEY]: '{"a":1}' }) }).entries).toEqual([]);
    expect(new TerminalHistory({ storage: memoryStorage({ [HISTORY_KEY]: '["ok", 3, null, ""]' }) }).entries).toEqual(['ok']);
    const blocked = {
      getItem(): string | null {
        throw new Error('SecurityError');
      },
      setItem(): void {
        throw new Error('QuotaExceededError');
      },
    };
    const h = new TerminalHistory({ storage: blocked });
    h.push('still works');
    expect(h.entries).toEqual(['still works']);
  });

  it('records what the session runs, including lines that fail', async () => {
    const t = await harness();
    await t.run('help');
    await t.run('hepl');
    await t.run('');
    expect(t.session.history.entries).toEqual(['help', 'hepl']);
    expect(JSON.parse(t.storage.map.get(HISTORY_KEY)!)).toEqual(['help', 'hepl']);
    expect(await t.run('history')).toMatch(/1 {2}help\n2 {2}hepl\n3 {2}history/);
    await t.run('history clear');
    expect(t.session.history.entries).toEqual([]);
  });
});
