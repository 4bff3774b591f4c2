import { beforeAll, expect, it } from 'vitest';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { BOARD_LAB_SIZES, measureBoardReadPaths, readsPerSampleFor } from '../../../src/lab/workItemBoardReadPaths.ts';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await initSqlJs();
});

// A fake clock that ticks once per call: the report's arithmetic is checked without real timing.
function tickingClock(): () => number {
  let t = 0;
  return () => (t += 0.01);
}

it('gets the same board from the JOIN over normalised tables and from the board projection, for every read', () => {
  const report = measureBoardReadPaths(SQL, tickingClock(), { boards: 4, itemsPerBoard: 30, reads: 40, seed: 7 });
  expect(report.sameAnswers).toBe(true);
  expect(report.options).toEqual({ boards: 4, itemsPerBoard: 30, reads: 40, seed: 7 });
  expect(report.data.items).toBe(120);
  // Every item has at least its creation event; most have several.
  expect(report.data.events).toBeGreaterThan(120);
  // The normalised side keeps a row per change, the projection a row per card plus column totals.
  expect(report.data.normalizedRows).toBeGreaterThan(report.data.projectionRows);
  expect(report.data.projectionRows).toBeGreaterThanOrEqual(120);
  expect(report.readsPerSample).toBe(2);
  for (const timing of [report.joined, report.projection]) {
    expect(timing.medianMicros).toBeGreaterThan(0);
    expect(timing.p95Micros).toBeGreaterThanOrEqual(timing.medianMicros);
    expect(Number.isFinite(timing.readsPerSecond) && timing.readsPerSecond > 0).toBe(true);
  }
  expect(report.speedup).toBeCloseTo(report.projection.readsPerSecond / report.joined.readsPerSecond);
});

it('builds the same boards from the same seed, and different ones from another', () => {
  const a = measureBoardReadPaths(SQL, tickingClock(), { boards: 2, itemsPerBoard: 20, reads: 5, seed: 1 });
  const b = measureBoardReadPaths(SQL, tickingClock(), { boards: 2, itemsPerBoard: 20, reads: 5, seed: 1 });
  const c = measureBoardReadPaths(SQL, tickingClock(), { boards: 2, itemsPerBoard: 20, reads: 5, seed: 2 });
  expect(b.data).toEqual(a.data);
  expect(c.data.events).not.toBe(a.data.events);
});

it('refuses sizes it cannot build, saying what it expected', () => {
  expect(() => measureBoardReadPaths(SQL, tickingClock(), { boards: 0 })).toThrow(/boards must be a whole number from 1 to 1000, got 0/);
  expect(() => measureBoardReadPaths(SQL, tickingClock(), { reads: 2.5 })).toThrow(/reads must be a whole number/);
  expect(() => measureBoardReadPaths(SQL, tickingClock(), { boards: 100, itemsPerBoard: 500 })).toThrow(
    /at most 20000 work items, got 100 × 500 = 50000/,
  );
});

it('offers board sizes that each give at least ten timed samples', () => {
  for (const { reads } of BOARD_LAB_SIZES) expect(reads / readsPerSampleFor(reads)).toBeGreaterThanOrEqual(10);
});
