// Fork a run at any trace record: the truncated input log that, replayed on a
// fresh engine with the same seed and settings, reaches exactly that record
// and stops. Trace records carry their seq and virtual time but not the
// scheduler step or how many intents had been recorded, so a ForkMarks
// follows the engine's trace and keeps those two numbers in runs (one run per
// step or per intent, not per record). A record emitted inside a step is
// reached at the end of that step (a replay cannot stop in the middle of a
// task); a record an intent emitted at a step boundary is reached once that
// intent has been submitted again.
import {
  createEngine,
  InvalidIntentError,
  type DomainDefinition,
  type Engine,
  type ScriptEntry,
  type SqlJsStatic,
} from '../engine/index.ts';
import type { SessionState } from './sessionState.ts';

/** Where a record stands: replaying the first `recorded` intents to (`at`, `step`) re-emits it. */
export interface ForkMark {
  seq: number;
  at: number;
  step: number;
  /** Intents recorded when the record was emitted (they all come before it). */
  recorded: number;
}

/**
 * A bad fork point, with what was asked and what exists (its message is
 * written for the learner). An invalid intent to the engine's eyes, so it
 * crosses the worker boundary as an answer, not as a fault.
 */
export class ForkPointError extends InvalidIntentError {
  readonly seq: number;
  constructor(seq: number, message: string) {
    super(message, { seq });
    this.name = 'ForkPointError';
    this.seq = seq;
  }
}

/** The part of an engine a ForkMarks reads while the trace grows. */
export type MarkedEngine = Pick<Engine, 'onTrace' | 'position' | 'recordedCount'>;

/** Follows an engine's trace from its first record and answers where any record can be forked. */
export class ForkMarks {
  // Parallel arrays, one entry per run of records sharing (at, step, recorded): first seq of the run and the three numbers.
  #seqs: number[] = [];
  #ats: number[] = [];
  #steps: number[] = [];
  #recorded: number[] = [];
  #lastSeq = 0;
  /** The oldest record still known (forgetBefore). */
  #floor = 1;
  readonly #unsubscribe: () => void;

  constructor(engine: MarkedEngine) {
    this.#unsubscribe = engine.onTrace((r) => {
      const { step } = engine.position();
      const recorded = engine.recordedCount();
      const i = this.#seqs.length - 1;
      if (i < 0 || this.#ats[i] !== r.at || this.#steps[i] !== step || this.#recorded[i] !== recorded) {
        this.#seqs.push(r.seq);
        this.#ats.push(r.at);
        this.#steps.push(step);
        this.#recorded.push(recorded);
      }
      this.#lastSeq = r.seq;
    });
  }

  /** The latest record seen (0 before the first). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Where record `seq` can be forked; a ForkPointError when no such record was traced (or it was forgotten). */
  at(seq: number): ForkMark {
    const first = this.#seqs[0];
    if (!Number.isInteger(seq) || seq < 1)
      throw new ForkPointError(seq, `A fork point is a trace record number (1 or more), not '${seq}'.`);
    if (first === undefined || seq > this.#lastSeq)
      throw new ForkPointError(
        seq,
        this.#lastSeq === 0
          ? 'Nothing has been traced yet: there is no record to fork from.'
          : `No record #${seq}: the trace ends at #${this.#lastSeq}.`,
      );
    if (seq < Math.max(first, this.#floor))
      throw new ForkPointError(seq, `Record #${seq} has left memory: the oldest record kept is #${Math.max(first, this.#floor)}.`);
    const i = this.#runOf(seq);
    return { seq, at: this.#ats[i]!, step: this.#steps[i]!, recorded: this.#recorded[i]! };
  }

  /** The index of the last run starting at or before seq (0 when none does). */
  #runOf(seq: number): number {
    let lo = 0;
    let hi = this.#seqs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#seqs[mid]! <= seq) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(lo, 0);
  }

  /**
   * Forget the records before `seq` (the bounded trace forgot them too). The
   * runs that end before it are dropped in chunks, so a trace that loses one
   * record per new one does not copy the arrays each time.
   */
  forgetBefore(seq: number): void {
    if (seq <= this.#floor) return;
    this.#floor = seq;
    // Keep the run that contains seq: drop only the runs that end before it.
    const n = this.#runOf(seq);
    if (n < 1024 && n * 2 < this.#seqs.length) return;
    this.#seqs.splice(0, n);
    this.#ats.splice(0, n);
    this.#steps.splice(0, n);
    this.#recorded.splice(0, n);
  }

  stop(): void {
    this.#unsubscribe();
  }
}

/**
 * The session cut at `mark`: every intent recorded before the record and the
 * position that replays exactly to it. A new object; `session` is not touched.
 */
export function truncateSession(session: SessionState, mark: ForkMark): SessionState {
  if (mark.recorded > session.script.length)
    throw new ForkPointError(
      mark.seq,
      `Record #${mark.seq} needs ${mark.recorded} recorded intents; this session has ${session.script.length}.`,
    );
  return {
    domain: session.domain,
    seed: session.seed,
    settings: structuredClone(session.settings),
    script: structuredClone(session.script.slice(0, mark.recorded)) as ScriptEntry[],
    until: { at: mark.at, step: mark.step },
  };
}

/**
 * Where record `seq` of `session` can be forked, found by replaying the
 * session on a scratch engine (for callers that did not follow the live
 * engine with a ForkMarks).
 */
export async function forkMarkOf(sql: SqlJsStatic, domain: DomainDefinition, session: SessionState, seq: number): Promise<ForkMark> {
  const engine = createEngine({ sql, domain, seed: session.seed, settings: session.settings });
  try {
    const marks = new ForkMarks(engine);
    await engine.replay(session.script);
    if (session.until) {
      await engine.runToStep(session.until.step);
      if (session.until.at > engine.now) engine.clock.set(session.until.at);
    } else await engine.runUntilIdle();
    return marks.at(seq);
  } finally {
    engine.close();
  }
}

/** The truncated session that replays `session` up to record `seq` (see forkMarkOf). */
export async function forkSession(sql: SqlJsStatic, domain: DomainDefinition, session: SessionState, seq: number): Promise<SessionState> {
  return truncateSession(session, await forkMarkOf(sql, domain, session, seq));
}
