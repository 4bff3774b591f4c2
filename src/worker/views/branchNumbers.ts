// A branch's key numbers from its fork point on: what the compare panel puts
// side by side for the abandoned run and the current one. Folded from the
// trace records after the fork record (the records up to it, and the rest of
// the step that emitted it, are the same in both branches), so commands that
// started before the fork count in neither.
import type { DomainDefinition, TraceRecord } from '../../engine/index.ts';
import { WindowTracker } from './consistencyWindow.ts';

export interface BranchNumbers {
  /** The fork record: numbers count the records after it. */
  fromSeq: number;
  /** The latest record folded. */
  lastSeq: number;
  /** Virtual time of the latest record folded (the fork record's own when none came after it). */
  at: number;
  /** Commands received (first attempts). */
  commands: number;
  /** Events appended. */
  events: number;
  queries: number;
  /** Answers from a read model behind the head of the event store. */
  staleReads: number;
  /** The consistency window's p95 over every projection (null: no window closed yet). */
  windowP95: number | null;
  /** Per projection: windows closed and their p95. */
  windows: { projection: string; count: number; p95: number | null }[];
}

export class BranchTally {
  readonly fromSeq: number;
  readonly #windows: WindowTracker;
  #lastSeq: number;
  #at = 0;
  #commands = 0;
  #events = 0;
  #queries = 0;
  #stale = 0;

  constructor(domain: Pick<DomainDefinition, 'projections'>, fromSeq: number) {
    this.fromSeq = fromSeq;
    this.#lastSeq = fromSeq;
    this.#windows = new WindowTracker(domain, 0);
  }

  /** Fold one record; records up to the fork record only set the clock. */
  add(r: TraceRecord): void {
    if (r.seq <= this.fromSeq) {
      if (r.seq === this.fromSeq) this.#at = r.at;
      return;
    }
    this.#lastSeq = r.seq;
    this.#at = r.at;
    this.#windows.add(r);
    switch (r.type) {
      case 'command.received':
        if (r.attempt === 1) this.#commands++;
        break;
      case 'events.appended':
        this.#events += r.events.length;
        break;
      case 'query.executed':
        this.#queries++;
        if (r.lagEvents > 0) this.#stale++;
        break;
      default:
        break;
    }
  }

  numbers(): BranchNumbers {
    const [all, ...perProjection] = this.#windows.summaries();
    return {
      fromSeq: this.fromSeq,
      lastSeq: this.#lastSeq,
      at: this.#at,
      commands: this.#commands,
      events: this.#events,
      queries: this.#queries,
      staleReads: this.#stale,
      windowP95: all?.p95 ?? null,
      windows: perProjection.map((w) => ({ projection: w.projection, count: w.count, p95: w.p95 })),
    };
  }
}

/** The numbers of `records` after `fromSeq`, in one pass. */
export function branchNumbers(
  domain: Pick<DomainDefinition, 'projections'>,
  records: Iterable<TraceRecord>,
  fromSeq: number,
): BranchNumbers {
  const tally = new BranchTally(domain, fromSeq);
  for (const r of records) tally.add(r);
  return tally.numbers();
}
