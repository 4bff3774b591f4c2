// Drills in the mock interview and in the saved progress: one drill after the
// questions, its verdict in the summary, runs kept through export and import.
import { describe, expect, it } from 'vitest';
import { currentSlot, DRILL_MINUTES, loadMock, planMock, recordMockResult, saveMock, summarizeMock } from '../../../src/interview/mock';
import { applyDrillAttempt, emptyProgress, memoryStorage, ProgressStore, type DrillAttempt } from '../../../src/interview/progress';
import { exportProgress, importProgress } from '../../../src/interview/transfer';
import { at, question } from './fixtures';

const bank = [question('a', { minutes: 5 }), question('b', { minutes: 8 }), question('c', { minutes: 4 })];
const drills = [
  { slug: 'flash-sale', title: 'The flash sale' },
  { slug: 'celebrity-feed', title: 'A feed with a celebrity in it' },
];
const start = at('2026-03-02T12:00:00Z');
const fixed = (values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};
const run: DrillAttempt = { at: '2026-03-02T12:20:00.000Z', design: { fanOut: 'hybrid' }, passed: true, failed: [], requirementsTotal: 2 };

describe('mock interview with a drill', () => {
  it('adds one random drill after the questions and gives it time on the clock', () => {
    const planned = planMock(bank, { count: 2, level: '', topic: '' }, start, fixed([0.1, 0.2, 0.9, 0.3]), drills)!;
    expect(planned.slots.map((slot) => slot.kind)).toEqual(['question', 'question', 'drill']);
    expect(drills.map((d) => d.slug)).toContain(planned.slots[2]!.slug);
    const questionMinutes = planned.slots.slice(0, 2).reduce((sum, slot) => sum + bank.find((q) => q.slug === slot.slug)!.minutes, 0);
    expect(planned.durationMs).toBe((questionMinutes + DRILL_MINUTES) * 60_000);
  });

  it('records the drill verdict, finishes the run and shows the drill in the summary', () => {
    let planned = planMock(bank, { count: 1, level: '', topic: '' }, start, fixed([0.5]), drills)!;
    planned = recordMockResult(planned, planned.slots[0]!.slug, {
      grade: 'good',
      rubricHit: 2,
      rubricTotal: 3,
      at: '2026-03-02T12:05:00.000Z',
    });
    expect(currentSlot(planned)).toBe(1);
    const drill = planned.slots[1]!;
    planned = recordMockResult(planned, drill.slug, { passed: false, met: 1, total: 2, at: '2026-03-02T12:15:00.000Z' });
    expect(planned.finishedAt).toBe('2026-03-02T12:15:00.000Z');

    const summary = summarizeMock(planned, bank, at('2026-03-02T12:16:00Z'), drills);
    expect(summary.total).toBe(1);
    expect(summary.answered).toBe(1);
    expect(summary.drill).toEqual({
      slug: drill.slug,
      title: drills.find((d) => d.slug === drill.slug)!.title,
      result: { passed: false, met: 1, total: 2, at: '2026-03-02T12:15:00.000Z' },
    });
    expect(summary.rows.map((row) => row.kind)).toEqual(['question', 'drill']);
  });

  it('keeps a run with a drill slot across a reload', () => {
    const storage = memoryStorage();
    const planned = planMock(bank, { count: 1, level: '', topic: '' }, start, fixed([0.5]), drills)!;
    saveMock(storage, planned);
    expect(loadMock(storage)).toEqual(planned);
  });
});

describe('drill runs in the progress', () => {
  it('records runs and keeps them through export and import', () => {
    const storage = memoryStorage();
    const store = new ProgressStore(storage);
    store.recordDrill('celebrity-feed', run);
    const text = exportProgress(store.read(), at('2026-03-03T09:00:00Z'));
    const imported = importProgress(emptyProgress(), text);
    expect(imported.ok).toBe(true);
    if (imported.ok) expect(imported.progress.drills).toEqual({ 'celebrity-feed': [run] });
  });

  it('merges drill runs from two devices without repeating one', () => {
    const mine = applyDrillAttempt(emptyProgress(), 'flash-sale', run);
    const theirs = applyDrillAttempt(mine, 'flash-sale', {
      ...run,
      at: '2026-03-04T08:00:00.000Z',
      passed: false,
      failed: ['checkout-ryw'],
    });
    const result = importProgress(mine, exportProgress(theirs, at('2026-03-04T09:00:00Z')));
    expect(result.ok && result.progress.drills?.['flash-sale']?.map((r) => r.passed)).toEqual([true, false]);
  });

  it('still refuses a damaged file, naming the drill field, and changes nothing', () => {
    const file = JSON.parse(exportProgress(applyDrillAttempt(emptyProgress(), 'flash-sale', run), start));
    file.progress.drills['flash-sale'][0].passed = 'maybe';
    const result = importProgress(emptyProgress(), JSON.stringify(file));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/progress\.drills\.flash-sale\.0\.passed/);
  });

  it('imports a file written before drills existed', () => {
    const result = importProgress(emptyProgress(), exportProgress(emptyProgress(), start));
    expect(result.ok).toBe(true);
  });
});
