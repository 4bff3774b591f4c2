// What a shrink answers across the worker boundary: plain JSON the page shows
// (the one-line summary, how far it got) and the session the sandbox opens.
import type { SessionState } from '../sandbox/sessionState.ts';
import { sessionOf } from './failingRun.ts';
import type { ShrinkOutcome } from './shrink.ts';
import { summarizeRun } from './summary.ts';

export interface ShrinkReport {
  status: ShrinkOutcome['status'];
  /** How far it got, e.g. "Finished after 62 replays: no smaller run fails (3 of 12 intents)." */
  message: string;
  /** The shrunk run in one line: "2 commands, 1 duplicate delivery, …: "…" fails: 2 instead of 1". */
  summary: string;
  /** The criterion the run fails. */
  criterion: string;
  tried: number;
  originalSize: number;
  size: number;
  /** The shrunk run as a sandbox session (timeline and live picture). */
  session: SessionState;
}

export function shrinkReport(outcome: ShrinkOutcome): ShrinkReport {
  return {
    status: outcome.status,
    message: outcome.message,
    summary: summarizeRun(outcome.run, outcome.check.facts, outcome.check.result),
    criterion: outcome.run.criterion.description,
    tried: outcome.tried,
    originalSize: outcome.originalSize,
    size: outcome.size,
    session: sessionOf(outcome.run, outcome.check.until),
  };
}
