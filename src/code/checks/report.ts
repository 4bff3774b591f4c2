// What checking a learner's code gives back: plain data, posted from the
// worker to the page as it is.
import type { TraceRecord } from '../../engine/index.ts';
import type { LearnerDiagnostic } from '../sandbox/errors.ts';

/** A failing case told as a specification: what there was, what happened, what was expected. */
export interface GivenWhenThen {
  given: string[];
  when: string[];
  then: string[];
  /** The faults it ran under, in words (with the seed that drew them). */
  faults?: string;
  /** What the engine's trace shows of it, one line per record worth reading. */
  trace?: string[];
  /** The engine's whole trace of the case (the latest records), for the read-only timeline. */
  records?: TraceRecord[];
}

export interface CheckResult {
  name: string;
  kind: 'example' | 'property';
  passed: boolean;
  /** Cases tried (1 for an example). */
  runs: number;
  /** One sentence: what was checked, or what went wrong. */
  detail: string;
  /** The smallest failing case found (shrunk), when one failed. */
  counterexample?: GivenWhenThen;
  /** The learner's code failed (threw, ran too long, broke the API) at this place. */
  error?: LearnerDiagnostic;
}

export interface ExerciseReport {
  exerciseId: string;
  passed: boolean;
  /** The module did not load (syntax, a missing export): no check ran. */
  loadError?: LearnerDiagnostic;
  checks: CheckResult[];
  /** console.log lines of the first example run, at most 50. */
  logs: string[];
}
