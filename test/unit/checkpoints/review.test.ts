// A lesson checkpoint answered in the page becomes a card in the same FSRS queue as the
// interview questions: a missed one is due again within minutes, a right one days later.
import { describe, expect, it } from 'vitest';
import { applyCheckpointAnswer, emptyProgress, memoryStorage, progressSchema, ProgressStore } from '../../../src/interview/progress';
import { dueCheckpoints, dueToday } from '../../../src/interview/queue';
import { exportProgress, importProgress } from '../../../src/interview/transfer';
import { at, question } from '../interview/fixtures';

const MINUTE = 60_000;
const now = at('2026-03-02T09:00:00Z');
const known = ['sagas#timeout', 'projections#double-decrement', 'outbox#lost-events'];

describe('checkpoint review cards', () => {
  it('a wrong answer is due again within minutes; a right one is scheduled days out', () => {
    let progress = applyCheckpointAnswer(emptyProgress(), 'sagas#timeout', { verdict: 'wrong', response: 0 }, now);
    progress = applyCheckpointAnswer(progress, 'projections#double-decrement', { verdict: 'right', response: 1 }, now);
    const missed = progress.checkpoints!['sagas#timeout']!;
    const right = progress.checkpoints!['projections#double-decrement']!;
    expect(Date.parse(missed.card.due) - now.getTime()).toBeLessThanOrEqual(10 * MINUTE);
    expect(Date.parse(right.card.due) - now.getTime()).toBeGreaterThanOrEqual(24 * 60 * MINUTE);
    expect(missed.attempts).toEqual([{ at: now.toISOString(), verdict: 'wrong', response: 0 }]);
    expect(progressSchema.safeParse(progress).success).toBe(true);
  });

  it('the missed checkpoint is in the queue today, beside the interview questions; the right one is not', () => {
    const store = new ProgressStore(memoryStorage());
    store.recordReview('a', 'again', { hit: 0, total: 2 }, now);
    store.recordCheckpoint('sagas#timeout', { verdict: 'wrong', response: 2 }, now);
    store.recordCheckpoint('outbox#lost-events', { verdict: 'right', response: 58 }, now);
    const progress = store.read();
    const later = new Date(now.getTime() + 15 * MINUTE);
    expect(dueCheckpoints(known, progress, later)).toEqual(['sagas#timeout']);
    expect(dueToday([question('a')], progress, later)).toEqual(['a']);
  });

  it('a partly right answer comes back sooner than a right one', () => {
    const partial = applyCheckpointAnswer(emptyProgress(), 'sagas#timeout', { verdict: 'partial', response: [1, 2] }, now);
    const right = applyCheckpointAnswer(emptyProgress(), 'sagas#timeout', { verdict: 'right', response: [1, 3] }, now);
    expect(Date.parse(partial.checkpoints!['sagas#timeout']!.card.due)).toBeLessThan(
      Date.parse(right.checkpoints!['sagas#timeout']!.card.due),
    );
  });

  it('answering on review again moves the card: right pushes it out', () => {
    const missed = applyCheckpointAnswer(emptyProgress(), 'sagas#timeout', { verdict: 'wrong', response: 0 }, now);
    const reviewAt = new Date(now.getTime() + 20 * MINUTE);
    const reviewed = applyCheckpointAnswer(missed, 'sagas#timeout', { verdict: 'right', response: 3 }, reviewAt);
    expect(dueCheckpoints(known, reviewed, reviewAt)).toEqual([]);
    expect(reviewed.checkpoints!['sagas#timeout']!.attempts.map((a) => a.verdict)).toEqual(['wrong', 'right']);
  });

  it('checkpoints unknown to the site (a lesson removed) are left out of the queue', () => {
    const progress = applyCheckpointAnswer(emptyProgress(), 'gone#old', { verdict: 'wrong', response: 0 }, now);
    expect(dueCheckpoints(known, progress, now)).toEqual([]);
  });

  it('refuses a malformed key', () => {
    expect(() => applyCheckpointAnswer(emptyProgress(), 'no-hash', { verdict: 'wrong', response: 0 }, now)).toThrow(/Not a checkpoint key/);
  });

  it('checkpoint cards travel through the interview export and merge by latest review', () => {
    const ours = applyCheckpointAnswer(emptyProgress(), 'sagas#timeout', { verdict: 'wrong', response: 0 }, now);
    const theirs = applyCheckpointAnswer(ours, 'sagas#timeout', { verdict: 'right', response: 3 }, new Date(now.getTime() + 30 * MINUTE));
    const result = importProgress(ours, exportProgress(theirs, now));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.progress.checkpoints!['sagas#timeout']).toEqual(theirs.checkpoints!['sagas#timeout']);
    expect(result.message).toContain('Lesson checkpoints in the file: 1.');
  });
});
