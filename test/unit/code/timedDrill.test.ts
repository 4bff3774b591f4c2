import { describe, expect, it } from 'vitest';
import { clockText, FIFTEEN_MINUTES } from '../../../src/code/drill/timedDrill.ts';
import { exerciseById } from '../../../src/code/exercises/index.ts';

describe('implement it in 15 minutes', () => {
  it('opens an exercise that exists', () => {
    expect(exerciseById(FIFTEEN_MINUTES.exerciseId)?.kind).toBe('decider');
    expect(FIFTEEN_MINUTES.minutes).toBe(15);
  });

  it('shows the time left, rounded up to the second, then how far over', () => {
    expect(clockText(0, 15)).toBe('15:00 left');
    expect(clockText(1, 15)).toBe('15:00 left');
    expect(clockText(1000, 15)).toBe('14:59 left');
    expect(clockText(14 * 60_000 + 59_500, 15)).toBe('0:01 left');
    expect(clockText(15 * 60_000, 15)).toBe('over by 0:00');
    expect(clockText(15 * 60_000 + 31_400, 15)).toBe('over by 0:31');
    expect(clockText(-5000, 15)).toBe('15:00 left');
  });
});
