import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../../src/interview/progress';
import {
  currentSlot,
  finishMock,
  formatClock,
  loadMock,
  MOCK_KEY,
  pickRandom,
  planMock,
  recordMockResult,
  remainingMs,
  saveMock,
  summarizeMock,
} from '../../../src/interview/mock';
import { at, question } from './fixtures';

const bank = [
  question('a', { minutes: 5, topics: ['projections'] }),
  question('b', { minutes: 8, level: 'senior', topics: ['outbox'] }),
  question('c', { minutes: 4, level: 'senior', topics: ['sagas'] }),
  question('d', { minutes: 6, level: 'staff', topics: ['commands'] }),
];
const start = at('2026-03-02T12:00:00Z');

/** A seeded generator so the picks are reproducible. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('mock interview', () => {
  it('picks distinct random questions and sets the clock to their suggested minutes', () => {
    const run = planMock(bank, { count: 3, level: '', topic: '' }, start, seeded(7))!;
    const slugs = run.slots.map((slot) => slot.slug);
    expect(new Set(slugs).size).toBe(3);
    expect(run.slots.every((slot) => slot.kind === 'question')).toBe(true);
    const minutes = slugs.reduce((sum, slug) => sum + bank.find((q) => q.slug === slug)!.minutes, 0);
    expect(run.durationMs).toBe(minutes * 60_000);
    expect(planMock(bank, { count: 3, level: '', topic: '' }, start, seeded(7))).toEqual(run);
  });

  it('respects the level and topic filters and returns null when nothing matches', () => {
    const run = planMock(bank, { count: 5, level: 'senior', topic: '' }, start, seeded(1))!;
    expect(run.slots.map((slot) => slot.slug).sort()).toEqual(['b', 'c']);
    expect(planMock(bank, { count: 3, level: 'junior', topic: 'outbox' }, start, seeded(1))).toBeNull();
  });

  it('never picks the same item twice, whatever the random source returns', () => {
    expect(pickRandom([1, 2, 3], 5, () => 0.999_999).sort()).toEqual([1, 2, 3]);
  });

  it('walks the slots, finishes when all are graded, and summarises', () => {
    let run = planMock(bank, { count: 2, level: 'senior', topic: '' }, start, seeded(3))!;
    const [first, second] = run.slots.map((slot) => slot.slug) as [string, string];
    expect(currentSlot(run)).toBe(0);
    run = recordMockResult(run, first, { grade: 'good', rubricHit: 3, rubricTotal: 4, at: '2026-03-02T12:06:00.000Z' });
    expect(currentSlot(run)).toBe(1);
    expect(run.finishedAt).toBeNull();
    run = recordMockResult(run, second, { grade: 'again', rubricHit: 1, rubricTotal: 4, at: '2026-03-02T12:20:00.000Z' });
    expect(currentSlot(run)).toBeNull();
    expect(run.finishedAt).toBe('2026-03-02T12:20:00.000Z');

    const summary = summarizeMock(run, bank, at('2026-03-02T13:00:00Z'));
    expect(summary).toMatchObject({
      answered: 2,
      total: 2,
      rubricHit: 4,
      rubricTotal: 8,
      score: 0.5,
      usedMs: 20 * 60_000,
      allowedMs: 12 * 60_000,
      overtimeMs: 8 * 60_000,
    });
    expect(summary.grades).toEqual({ again: 1, hard: 0, good: 1, easy: 0 });
    const weakSlug = second;
    expect(summary.revisit.map((entry) => entry.topic)).toEqual([bank.find((q) => q.slug === weakSlug)!.topics[0]]);
  });

  it('can be ended early; unanswered questions count as topics to revisit', () => {
    const run = finishMock(planMock(bank, { count: 1, level: 'staff', topic: '' }, start, seeded(3))!, at('2026-03-02T12:03:00Z'));
    const summary = summarizeMock(run, bank, at('2026-03-02T14:00:00Z'));
    expect(summary).toMatchObject({ answered: 0, score: null, usedMs: 3 * 60_000, overtimeMs: 0 });
    expect(summary.revisit.map((entry) => entry.topic)).toEqual(['commands']);
  });

  it('counts down and formats the clock', () => {
    const run = planMock(bank, { count: 1, level: 'staff', topic: '' }, start, seeded(3))!;
    expect(remainingMs(run, at('2026-03-02T12:01:00Z'))).toBe(5 * 60_000);
    expect(formatClock(5 * 60_000)).toBe('5:00');
    expect(formatClock(61_500)).toBe('1:02');
    expect(formatClock(-30_000)).toBe('−0:30');
  });

  it('saves and loads a run, and ignores a damaged one', () => {
    const storage = memoryStorage();
    const run = planMock(bank, { count: 2, level: '', topic: '' }, start, seeded(9))!;
    saveMock(storage, run);
    expect(loadMock(storage)).toEqual(run);
    storage.setItem(MOCK_KEY, '{"version":1,');
    expect(loadMock(storage)).toBeNull();
    saveMock(storage, null);
    expect(loadMock(storage)).toBeNull();
  });
});
