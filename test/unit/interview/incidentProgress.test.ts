// Generated incidents in the saved progress: one review card per root cause,
// the level rising with successes and falling with wrong diagnoses, due causes
// in the queue, and the history kept through export and import.
import { describe, expect, it } from 'vitest';
import {
  applyIncidentAnswer,
  applyIncidentFix,
  emptyProgress,
  memoryStorage,
  progressSchema,
  ProgressStore,
  type Progress,
} from '../../../src/interview/progress';
import { dueIncidents } from '../../../src/interview/queue';
import { exportProgress, importProgress, mergeProgress } from '../../../src/interview/transfer';
import { levelFrom, MAX_LEVEL } from '../../../src/incidents/level';
import { describeSnapshot, exportCarry, importCarry, readSnapshot, type CarryStorage } from '../../../src/progress/carry';

const t0 = new Date('2026-03-02T12:00:00Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

function carryStorage(initial: Record<string, string> = {}): CarryStorage & { dump(): Record<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
    key: (i) => [...data.keys()][i] ?? null,
    get length() {
      return data.size;
    },
    dump: () => Object.fromEntries(data),
  };
}

describe('incident progress', () => {
  it('schedules a card per root cause: a wrong diagnosis comes back within the hour, a right one days later', () => {
    let p = applyIncidentAnswer(emptyProgress(), 'dedupeOff', { seed: 7, level: 1, choice: 'noiseBatch', right: false }, t0);
    p = applyIncidentAnswer(p, 'dualWriteLoss', { seed: 8, level: 1, choice: 'dualWriteLoss', right: true }, t0);
    const wrongDue = Date.parse(p.incidents!.dedupeOff!.card.due) - t0.getTime();
    const rightDue = Date.parse(p.incidents!.dualWriteLoss!.card.due) - t0.getTime();
    expect(wrongDue).toBeLessThanOrEqual(60 * 60_000);
    expect(rightDue).toBeGreaterThan(wrongDue);
    expect(p.incidents!.dedupeOff!.attempts[0]).toMatchObject({ seed: 7, choice: 'noiseBatch', right: false, fixed: false });
    expect(dueIncidents(p, later(30))).toEqual(['dedupeOff']);
    expect(progressSchema.safeParse(p).success).toBe(true);
  });

  it('marks the attempt fixed, and the level rises with fixed right answers and falls with wrong ones', () => {
    let p: Progress = emptyProgress();
    expect(levelFrom(p)).toBe(1);
    for (let i = 0; i < 3; i++) {
      p = applyIncidentAnswer(p, 'orderingOff', { seed: i, level: levelFrom(p), choice: 'orderingOff', right: true }, later(i));
      // Right but not yet fixed: no change.
      expect(levelFrom(p)).toBe(1 + i);
      p = applyIncidentFix(p, 'orderingOff', later(i).toISOString());
      expect(levelFrom(p)).toBe(2 + i);
    }
    p = applyIncidentAnswer(p, 'noRetry', { seed: 9, level: 4, choice: 'screenEventual', right: false }, later(10));
    expect(levelFrom(p)).toBe(3);
    // An unknown answer time changes nothing.
    expect(applyIncidentFix(p, 'noRetry', later(99).toISOString())).toBe(p);
    let high = p;
    for (let i = 0; i < 10; i++) {
      high = applyIncidentAnswer(high, 'noRetry', { seed: i, level: 1, choice: 'noRetry', right: true }, later(20 + i));
      high = applyIncidentFix(high, 'noRetry', later(20 + i).toISOString());
    }
    expect(levelFrom(high)).toBe(MAX_LEVEL);
  });

  it('is kept by the store, and an unknown root cause in stored progress is refused', () => {
    const storage = memoryStorage();
    const store = new ProgressStore(storage);
    store.recordIncident('eventualConfirmation', { seed: 3, level: 2, choice: 'eventualConfirmation', right: true }, t0);
    store.recordIncidentFix('eventualConfirmation', t0.toISOString());
    expect(store.read().incidents!.eventualConfirmation!.attempts[0]!.fixed).toBe(true);
    const bad = { ...store.read(), incidents: { madeUp: store.read().incidents!.eventualConfirmation } };
    expect(progressSchema.safeParse(bad).success).toBe(false);
  });

  it('travels in both exports and merges without losing a fix', () => {
    const here = applyIncidentAnswer(emptyProgress(), 'idempotencyOff', { seed: 1, level: 1, choice: 'idempotencyOff', right: true }, t0);
    const there = applyIncidentFix(here, 'idempotencyOff', t0.toISOString());
    const merged = mergeProgress(here, there).progress;
    expect(merged.incidents!.idempotencyOff!.attempts).toHaveLength(1);
    expect(merged.incidents!.idempotencyOff!.attempts[0]!.fixed).toBe(true);
    const imported = importProgress(emptyProgress(), exportProgress(there, t0));
    expect(imported.ok && imported.progress.incidents).toEqual(there.incidents);

    const browser = carryStorage();
    new ProgressStore(browser).recordIncident('dedupeOff', { seed: 5, level: 1, choice: 'dedupeOff', right: true }, t0);
    const file = exportCarry(readSnapshot(browser), t0);
    expect(describeSnapshot(readSnapshot(browser))).toContain('1 incident diagnosed');
    const fresh = carryStorage();
    expect(importCarry(fresh, file).ok).toBe(true);
    expect(new ProgressStore(fresh).read().incidents!.dedupeOff!.attempts[0]!.seed).toBe(5);
  });
});
