import { beforeAll, expect, it } from 'vitest';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { measureReadPaths } from '../../../src/lab/flashSaleReadPaths.ts';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await initSqlJs();
});

// A fake clock that ticks once per call: the report's arithmetic is checked without real timing.
function tickingClock(): () => number {
  let t = 0;
  return () => (t += 0.01);
}

it('answers every product page identically on both read paths', () => {
  const report = measureReadPaths(SQL, tickingClock(), { products: 300, lookups: 200, seed: 7 });
  expect(report.sameAnswers).toBe(true);
  expect(report.options).toEqual({ products: 300, lookups: 200, seed: 7 });
  expect(report.join.medianMicros).toBeGreaterThan(0);
  expect(report.projection.medianMicros).toBeGreaterThan(0);
});

it('refuses a catalogue size it cannot build, saying what it expected', () => {
  expect(() => measureReadPaths(SQL, tickingClock(), { products: 0 })).toThrow(/products must be a whole number from 1 to 200000, got 0/);
  expect(() => measureReadPaths(SQL, tickingClock(), { lookups: 1.5 })).toThrow(/lookups must be a whole number/);
});
