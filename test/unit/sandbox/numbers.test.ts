import { describe, expect, it } from 'vitest';
import { count, fixed } from '../../../src/components/picture/numbers.ts';

// The cached formatters must write exactly what toLocaleString('en-US') wrote (tests and learners read these texts).
describe('numbers as the sandbox writes them', () => {
  it('groups whole numbers as en-US', () => {
    for (const x of [0, 7, 999, 1000, 12345, 1234567, -4321]) expect(count(x)).toBe(x.toLocaleString('en-US'));
    expect(count(1234567)).toBe('1,234,567');
  });

  it('writes a fixed number of decimals', () => {
    for (const [x, d] of [
      [0, 1],
      [1.25, 2],
      [1234.5, 1],
      [0.005, 2],
      [98765.4321, 2],
    ] as const)
      expect(fixed(x, d)).toBe(x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
    expect(fixed(1234.5, 2)).toBe('1,234.50');
  });
});
