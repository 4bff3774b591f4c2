import { describe, expect, it } from 'vitest';
import { describeInterval, isDueBy, newCard, preview, schedule } from '../../../src/interview/schedule';
import { at } from './fixtures';

const DAY = 86_400_000;
const noon = at('2026-03-02T12:00:00Z');

describe('scheduling (FSRS via ts-fsrs)', () => {
  it('makes a new question due at once', () => {
    const card = newCard(noon);
    expect(card.state).toBe('new');
    expect(isDueBy(card, noon)).toBe(true);
  });

  it('moves a question forward after "good" and keeps doing so as reviews succeed', () => {
    const first = schedule(undefined, 'good', noon);
    expect(Date.parse(first.due)).toBeGreaterThan(noon.getTime() + DAY);
    const firstGap = Date.parse(first.due) - noon.getTime();

    const reviewedAt = new Date(first.due);
    const second = schedule(first, 'good', reviewedAt);
    const secondGap = Date.parse(second.due) - reviewedAt.getTime();
    expect(second.state).toBe('review');
    expect(secondGap).toBeGreaterThan(firstGap);
  });

  it('brings a question back soon after "again", counting a lapse once it had been learned', () => {
    const learned = schedule(schedule(undefined, 'good', noon), 'good', at('2026-03-04T12:00:00Z'));
    const reviewAt = new Date(learned.due);
    const forgotten = schedule(learned, 'again', reviewAt);
    expect(forgotten.scheduledDays).toBe(0);
    expect(Date.parse(forgotten.due) - reviewAt.getTime()).toBeLessThanOrEqual(15 * 60_000);
    expect(forgotten.lapses).toBe(learned.lapses + 1);
    expect(forgotten.state).toBe('relearning');
    // Compared with "good" at the same moment, "again" schedules it far earlier.
    expect(Date.parse(forgotten.due)).toBeLessThan(Date.parse(schedule(learned, 'good', reviewAt).due) - DAY);
  });

  it('moves the due date back when a question is failed before it was due (say, in a mock interview)', () => {
    const learned = schedule(schedule(undefined, 'good', noon), 'good', at('2026-03-04T12:00:00Z'));
    const early = new Date(Date.parse(learned.due) - 2 * DAY);
    const failed = schedule(learned, 'again', early);
    expect(Date.parse(failed.due)).toBeLessThan(Date.parse(learned.due) - DAY);
    expect(Date.parse(failed.due) - early.getTime()).toBeLessThanOrEqual(15 * 60_000);
  });

  it('orders the four grades from soonest to latest', () => {
    const options = preview(undefined, noon);
    const dues = (['again', 'hard', 'good', 'easy'] as const).map((grade) => Date.parse(options[grade].due));
    expect([...dues].sort((a, b) => a - b)).toEqual(dues);
    expect(new Set(dues).size).toBe(4);
  });

  it('is deterministic: the same reviews at the same times give the same card', () => {
    const run = () => schedule(schedule(undefined, 'hard', noon), 'good', at('2026-03-03T09:00:00Z'));
    expect(run()).toEqual(run());
  });

  it('describes intervals for people', () => {
    expect(describeInterval(10 * 60_000)).toBe('10 min');
    expect(describeInterval(3 * 3_600_000)).toBe('3 h');
    expect(describeInterval(DAY)).toBe('1 day');
    expect(describeInterval(8 * DAY)).toBe('8 days');
    expect(describeInterval(90 * DAY)).toBe('3 months');
  });
});
