// Append times are kept two bytes each where they fit, and read back exactly
// whatever was appended: fractional, far apart, out of order or missing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppendTimes } from '../../../src/engine/coordinator/appendTimes.ts';

describe('append times', () => {
  it('give back the time of every position set, and nothing for the others', () => {
    const time = fc.oneof(
      fc.integer({ min: 0, max: 200_000 }),
      fc.double({ min: 0, max: 1e12, noNaN: true, noDefaultInfinity: true }),
      fc.constant(65_535),
      fc.constant(65_534),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), time), { maxLength: 3000 }), (sets) => {
        const times = new AppendTimes();
        const expected = new Map<number, number>();
        for (const [position, at] of sets) {
          times.set(position, at);
          expected.set(position, at);
        }
        const all = (get: (p: number) => number | undefined) => Array.from({ length: 5101 }, (_, p) => get(p));
        expect(all((p) => times.get(p))).toEqual(all((p) => expected.get(p)));
      }),
      { numRuns: 30 },
    );
  });

  it('keep a steady run in order, millisecond by millisecond, as it was appended', () => {
    const times = new AppendTimes();
    for (let p = 1; p <= 100_000; p++) times.set(p, 50 + Math.floor(p / 3));
    expect([1, 1023, 1024, 99_999, 100_000].map((p) => times.get(p))).toEqual([50, 391, 391, 33_383, 33_383]);
    expect(times.get(100_001)).toBeUndefined();
  });
});
