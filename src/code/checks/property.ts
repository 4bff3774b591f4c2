// Property checks with fast-check: a fixed seed (the same code always gets the
// same verdict and the same counter-example), shrinking to the smallest
// failing case.
import fc from 'fast-check';
import type { CheckResult } from './report.ts';

export interface PropertyOutcome<T> {
  passed: boolean;
  runs: number;
  /** The shrunk failing case. */
  counterexample?: T;
}

export const PROPERTY_SEED = 20_261_206;

export async function checkProperty<T>(
  arbitrary: fc.Arbitrary<T>,
  holds: (value: T) => Promise<boolean>,
  numRuns: number,
): Promise<PropertyOutcome<T>> {
  const details = await fc.check(
    fc.asyncProperty(arbitrary, (value) => holds(value)),
    { numRuns, seed: PROPERTY_SEED },
  );
  if (!details.failed) return { passed: true, runs: details.numRuns };
  if (!details.counterexample) throw details.errorInstance ?? new Error('the property check failed without a counter-example');
  return { passed: false, runs: details.numRuns, counterexample: details.counterexample[0] };
}

/**
 * A property check as one line of the report: how many runs held, or the shrunk failing case played once
 * more so the learner sees what it did.
 */
export async function propertyReport<T, P>(check: {
  name: string;
  arbitrary: fc.Arbitrary<T>;
  play: (value: T) => Promise<P>;
  holds: (played: P) => boolean;
  runs: number;
  passedDetail: (runs: number) => string;
  failure: (value: T, played: P) => Pick<CheckResult, 'counterexample' | 'error'>;
}): Promise<CheckResult> {
  const outcome = await checkProperty(check.arbitrary, async (value) => check.holds(await check.play(value)), check.runs);
  const line = { name: check.name, kind: 'property' as const, runs: outcome.runs };
  if (outcome.passed) return { ...line, passed: true, detail: check.passedDetail(outcome.runs) };
  const value = outcome.counterexample!;
  return {
    ...line,
    passed: false,
    detail: `Failed after ${outcome.runs} run(s); the smallest failing case found:`,
    ...check.failure(value, await check.play(value)),
  };
}
