import { describe, expect, it } from 'vitest';
import { applyReview, emptyProgress, memoryStorage, PROGRESS_KEY, ProgressStore } from '../../../src/interview/progress';
import { at } from './fixtures';

describe('progress store', () => {
  it('records a review, schedules it, and reads it back from storage', () => {
    const storage = memoryStorage();
    const store = new ProgressStore(storage);
    store.recordReview('cqrs-vs-crud', 'good', { hit: 3, total: 4 }, at('2026-03-02T12:00:00Z'));
    const again = new ProgressStore(storage).read();
    const entry = again.questions['cqrs-vs-crud']!;
    expect(entry.attempts).toEqual([{ at: '2026-03-02T12:00:00.000Z', grade: 'good', rubricHit: 3, rubricTotal: 4 }]);
    expect(entry.card.reps).toBe(1);
    expect(Date.parse(entry.card.due)).toBeGreaterThan(Date.parse('2026-03-03T12:00:00Z'));
  });

  it('re-reads before writing, so a review made in another tab is kept', () => {
    const storage = memoryStorage();
    const tabA = new ProgressStore(storage);
    const tabB = new ProgressStore(storage);
    tabA.recordReview('a', 'good', { hit: 1, total: 2 }, at('2026-03-02T12:00:00Z'));
    tabB.recordReview('b', 'hard', { hit: 1, total: 2 }, at('2026-03-02T12:05:00Z'));
    expect(Object.keys(tabA.read().questions).sort()).toEqual(['a', 'b']);
  });

  it('keeps only the latest attempts per question', () => {
    let progress = emptyProgress();
    for (let i = 0; i < 25; i++) progress = applyReview(progress, 'q', 'good', { hit: 1, total: 1 }, new Date(Date.UTC(2026, 0, 1 + i)));
    expect(progress.questions.q!.attempts).toHaveLength(20);
    expect(progress.questions.q!.attempts.at(-1)!.at).toBe('2026-01-25T00:00:00.000Z');
  });

  it.each([
    ['not JSON', '{"version": 1, "questions": '],
    ['the wrong shape', JSON.stringify({ version: 1, questions: { q: { card: 'soon' } } })],
  ])('sets aside stored progress that is %s instead of losing it', (_case, raw) => {
    const storage = memoryStorage({ [PROGRESS_KEY]: raw });
    const store = new ProgressStore(storage);
    const { progress, problem } = store.readWithStatus();
    expect(progress).toEqual(emptyProgress());
    expect(problem).toMatch(/kept aside/);
    expect(storage.dump()[`${PROGRESS_KEY}:unreadable`]).toBe(raw);
    store.recordReview('q', 'good', { hit: 0, total: 1 }, at('2026-03-02T12:00:00Z'));
    expect(storage.dump()[`${PROGRESS_KEY}:unreadable`]).toBe(raw);
  });
});
