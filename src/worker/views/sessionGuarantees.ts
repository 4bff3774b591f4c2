// Session guarantees, checked on the trace as it streams in:
//   read-your-writes — a query by session S answered from a read model whose
//     position is below the consistency token of a write S had already seen
//     acknowledged when it sent the query;
//   monotonic reads  — a query by S answered from a position lower than an
//     answer S had already received (from any read model: positions are
//     positions in the one event log).
// Each violation names the records that show it (their trace seq numbers).
// Also counts stale reads: answers from a read model behind the event store.
import type { TraceRecord } from '../../engine/index.ts';

export type Violation =
  | {
      kind: 'read-your-writes';
      sessionId: string;
      queryId: string;
      queryType: string;
      projection: string;
      /** Position the read model answered from. */
      position: number;
      /** The session's write the answer should have reflected. */
      expected: number;
      commandId: string;
      at: number;
      /** seq of the query.executed record. */
      seq: number;
      /** seq of the command.completed (or duplicate) record that acknowledged the write. */
      causeSeq: number;
    }
  | {
      kind: 'monotonic-reads';
      sessionId: string;
      queryId: string;
      queryType: string;
      projection: string;
      position: number;
      expected: number;
      /** The earlier, fresher answer. */
      previousQueryId: string;
      previousProjection: string;
      at: number;
      seq: number;
      causeSeq: number;
    };

export interface ReadStats {
  queries: number;
  /** Answers from a read model behind the head of the event store. */
  stale: number;
  readYourWrites: number;
  monotonicReads: number;
  perProjection: Record<string, { queries: number; stale: number }>;
}

interface SessionView {
  token: number;
  tokenCommandId: string;
  tokenSeq: number;
  seen: number;
  seenQueryId: string;
  seenProjection: string;
  seenSeq: number;
}

type Expectation = {
  token: number;
  tokenCommandId: string;
  tokenSeq: number;
  seen: number;
  seenQueryId: string;
  seenProjection: string;
  seenSeq: number;
};

export class GuaranteeChecker {
  readonly #sessions = new Map<string, SessionView>();
  /** What the session knew when each of its queries was received. */
  readonly #expect = new Map<string, Expectation>();
  readonly violations: Violation[] = [];
  readonly stats: ReadStats = { queries: 0, stale: 0, readYourWrites: 0, monotonicReads: 0, perProjection: {} };
  readonly limit: number;

  constructor(limit = 500) {
    this.limit = limit;
  }

  #session(id: string): SessionView {
    let s = this.#sessions.get(id);
    if (!s)
      this.#sessions.set(id, (s = { token: 0, tokenCommandId: '', tokenSeq: 0, seen: 0, seenQueryId: '', seenProjection: '', seenSeq: 0 }));
    return s;
  }

  /** Fold one record; returns the violation it revealed, if any. */
  add(r: TraceRecord): Violation | undefined {
    switch (r.type) {
      case 'command.completed':
      case 'command.duplicate': {
        if (r.sessionId === undefined || r.consistencyToken === null) return undefined;
        const s = this.#session(r.sessionId);
        if (r.consistencyToken >= s.token) {
          s.token = r.consistencyToken;
          s.tokenCommandId = r.commandId;
          s.tokenSeq = r.seq;
        }
        return undefined;
      }
      case 'query.received': {
        if (r.sessionId === undefined) return undefined;
        this.#expect.set(r.queryId, { ...this.#session(r.sessionId) });
        return undefined;
      }
      case 'query.executed': {
        this.stats.queries++;
        const per = (this.stats.perProjection[r.projection] ??= { queries: 0, stale: 0 });
        per.queries++;
        if (r.lagEvents > 0) {
          this.stats.stale++;
          per.stale++;
        }
        if (r.sessionId === undefined) return undefined;
        const before = this.#expect.get(r.queryId);
        this.#expect.delete(r.queryId);
        const s = this.#session(r.sessionId);
        let found: Violation | undefined;
        if (before && r.position < before.token) {
          found = {
            kind: 'read-your-writes',
            sessionId: r.sessionId,
            queryId: r.queryId,
            queryType: r.queryType,
            projection: r.projection,
            position: r.position,
            expected: before.token,
            commandId: before.tokenCommandId,
            at: r.at,
            seq: r.seq,
            causeSeq: before.tokenSeq,
          };
          this.stats.readYourWrites++;
        } else if (before && r.position < before.seen) {
          found = {
            kind: 'monotonic-reads',
            sessionId: r.sessionId,
            queryId: r.queryId,
            queryType: r.queryType,
            projection: r.projection,
            position: r.position,
            expected: before.seen,
            previousQueryId: before.seenQueryId,
            previousProjection: before.seenProjection,
            at: r.at,
            seq: r.seq,
            causeSeq: before.seenSeq,
          };
          this.stats.monotonicReads++;
        }
        if (r.position > s.seen) {
          s.seen = r.position;
          s.seenQueryId = r.queryId;
          s.seenProjection = r.projection;
          s.seenSeq = r.seq;
        }
        if (found) {
          this.violations.push(found);
          if (this.violations.length > this.limit * 2) this.violations.splice(0, this.violations.length - this.limit);
        }
        return found;
      }
      default:
        return undefined;
    }
  }
}

/** Check a whole trace (tests, replays). */
export function checkGuarantees(trace: readonly TraceRecord[]): GuaranteeChecker {
  const c = new GuaranteeChecker(Number.POSITIVE_INFINITY);
  for (const r of trace) c.add(r);
  return c;
}
