// The engine's own trace of a failing case, kept beside its given / when /
// then so the page can open it on a read-only timeline (the learner's code
// runs in the code worker, not in a sandbox session that /sandbox/ could open).
import type { Engine, TraceRecord } from '../../engine/index.ts';

/** At most this many records travel with a case (the latest ones): a shrunk case is far smaller. */
export const TIMELINE_RECORDS = 2000;

export function timelineRecords(engine: Engine): TraceRecord[] {
  const trace = engine.trace;
  return trace.length > TIMELINE_RECORDS ? trace.slice(-TIMELINE_RECORDS) : [...trace];
}
