// Property checks with fast-check: a fixed seed (the same code always gets the
// same verdict and the same counter-example), shrinking to the smallest
// failing case.
import fc from 'fast-check';

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
