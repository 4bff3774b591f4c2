// The consistency window, measured from the trace: for each command and each
// projection that handles its events, the virtual time from the append to
// the moment the projection applied the last of them. Incremental (records
// are folded one at a time, at 1,000 events/s) and equal to the engine's
// `metrics.consistencyWindows` on the same trace; a rebuild that applies
// events silently closes their windows when the new store is swapped in.
import type { DomainDefinition } from '../../engine/index.ts';
import { percentile, type ConsistencyWindow } from '../../engine/index.ts';
import type { TraceRecord } from '../../engine/index.ts';

export interface MeasuredWindow extends ConsistencyWindow {
  /** Trace seq of the record that closed the window. */
  seq: number;
}

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

export interface WindowSummary {
  projection: string;
  count: number;
  min: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  bins: HistogramBin[];
}

interface OpenWindow {
  commandId: string;
  commandType: string;
  appendedAt: number;
  positions: number[];
  /** projection → positions still to apply, and the latest apply time so far. */
  pending: Map<string, { positions: Set<number>; lastAt: number }>;
}

export class WindowTracker {
  readonly #handles: Map<string, Set<string>>;
  readonly #types = new Map<string, string>();
  readonly #open = new Map<string, OpenWindow>();
  /** Open position → commandId. */
  readonly #byPosition = new Map<number, string>();
  /**
   * Every closed window's length, per projection, as sorted counts: a
   * summary costs the distinct lengths, not the windows of the whole run.
   */
  readonly values = new Map<string, SortedCounts>();
  readonly #all = new SortedCounts();
  /** The latest closed windows, newest last. */
  readonly recent: MeasuredWindow[] = [];
  readonly recentLimit: number;
  #version = 0;

  constructor(domain: Pick<DomainDefinition, 'projections'>, recentLimit = 200) {
    this.#handles = new Map(domain.projections.map((p) => [p.name, new Set(p.handles)]));
    for (const p of domain.projections) this.values.set(p.name, new SortedCounts());
    this.recentLimit = recentLimit;
  }

  /** Changes whenever a window closes (cheap change detection for summaries). */
  get version(): number {
    return this.#version;
  }
  get openCount(): number {
    return this.#open.size;
  }

  add(r: TraceRecord): void {
    switch (r.type) {
      case 'command.received':
        this.#types.set(r.commandId, r.commandType);
        return;
      case 'events.appended': {
        const pending = new Map<string, { positions: Set<number>; lastAt: number }>();
        for (const [projection, handles] of this.#handles) {
          const positions = new Set(r.events.filter((e) => handles.has(e.eventType)).map((e) => e.position));
          if (positions.size > 0) pending.set(projection, { positions, lastAt: r.at });
        }
        if (pending.size === 0) return;
        const commandType = this.#types.get(r.commandId) ?? '';
        this.#types.delete(r.commandId);
        this.#open.set(r.commandId, {
          commandId: r.commandId,
          commandType,
          appendedAt: r.at,
          positions: r.events.map((e) => e.position),
          pending,
        });
        for (const e of r.events) this.#byPosition.set(e.position, r.commandId);
        return;
      }
      case 'projection.applied': {
        const commandId = this.#byPosition.get(r.position);
        if (commandId === undefined) return;
        const open = this.#open.get(commandId)!;
        const p = open.pending.get(r.projection);
        if (!p || !p.positions.delete(r.position)) return;
        p.lastAt = Math.max(p.lastAt, r.at);
        if (p.positions.size === 0) this.#close(open, r.projection, p.lastAt, r.seq);
        return;
      }
      case 'projection.rebuildFinished':
        // The rebuilt store holds every event up to its watermark: windows
        // still open for this projection close when it is swapped in.
        for (const open of [...this.#open.values()]) {
          const p = open.pending.get(r.projection);
          if (p && [...p.positions].every((pos) => pos <= r.watermark)) this.#close(open, r.projection, r.at, r.seq);
        }
        return;
      default:
        return;
    }
  }

  #close(open: OpenWindow, projection: string, appliedAt: number, seq: number): void {
    open.pending.delete(projection);
    if (open.pending.size === 0) {
      this.#open.delete(open.commandId);
      for (const pos of open.positions) this.#byPosition.delete(pos);
    }
    const windowMs = appliedAt - open.appendedAt;
    const counts = this.values.get(projection);
    if (counts) {
      counts.add(windowMs);
      this.#all.add(windowMs);
    }
    this.recent.push({
      commandId: open.commandId,
      commandType: open.commandType,
      projection,
      appendedAt: open.appendedAt,
      appliedAt,
      windowMs,
      seq,
    });
    if (this.recent.length > this.recentLimit * 2) this.recent.splice(0, this.recent.length - this.recentLimit);
    this.#version++;
  }

  /** Percentiles and a histogram per projection, plus 'all' (every projection together). */
  summaries(binCount = 20): WindowSummary[] {
    const all = this.#all;
    const width = niceBinWidth(all.count === 0 ? 0 : Math.max(0, all.max) - all.min, binCount);
    return [summarizeCounts('all', all, width), ...[...this.values].map(([projection, v]) => summarizeCounts(projection, v, width))];
  }
}

/**
 * A multiset of numbers kept as its distinct values in ascending order, each
 * with how often it occurs. Window lengths repeat a lot (virtual ms), so
 * there are far fewer distinct values than windows.
 */
export class SortedCounts {
  readonly keys: number[] = [];
  readonly counts: number[] = [];
  count = 0;

  add(value: number): void {
    const keys = this.keys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    if (keys[lo] === value) this.counts[lo]!++;
    else {
      keys.splice(lo, 0, value);
      this.counts.splice(lo, 0, 1);
    }
    this.count++;
  }

  get min(): number {
    return this.keys[0] ?? Number.NaN;
  }
  get max(): number {
    return this.keys[this.keys.length - 1] ?? Number.NaN;
  }

  /** The value at 1-based rank `rank` in ascending order. */
  atRank(rank: number): number {
    let seen = 0;
    for (let i = 0; i < this.keys.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return this.keys[i]!;
    }
    return this.max;
  }

  /** The same percentile as the engine's `percentile` on the values. */
  percentile(p: number): number {
    const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * this.count);
    return this.atRank(Math.max(1, rank));
  }
}

/** `summarize` of the values the counts hold, in time proportional to their distinct values. */
export function summarizeCounts(projection: string, values: SortedCounts, binWidth: number): WindowSummary {
  if (values.count === 0) return { projection, count: 0, min: null, p50: null, p95: null, p99: null, max: null, bins: [] };
  const max = Math.max(0, values.max);
  const first = Math.floor(Math.max(0, values.min) / binWidth);
  const n = Math.floor(max / binWidth) - first + 1;
  const bins: HistogramBin[] = Array.from({ length: n }, (_, i) => ({
    from: (first + i) * binWidth,
    to: (first + i + 1) * binWidth,
    count: 0,
  }));
  for (let i = 0; i < values.keys.length; i++)
    bins[Math.min(n - 1, Math.max(0, Math.floor(values.keys[i]! / binWidth) - first))]!.count += values.counts[i]!;
  return {
    projection,
    count: values.count,
    min: values.min,
    p50: values.percentile(50),
    p95: values.percentile(95),
    p99: values.percentile(99),
    max,
    bins,
  };
}

/** Windows of any run: fold every record (what the worker does incrementally). */
export function measureWindows(domain: Pick<DomainDefinition, 'projections'>, trace: readonly TraceRecord[]): WindowTracker {
  const t = new WindowTracker(domain, Number.POSITIVE_INFINITY);
  for (const r of trace) t.add(r);
  return t;
}

export function summarize(projection: string, values: readonly number[], binWidth: number): WindowSummary {
  if (values.length === 0) return { projection, count: 0, min: null, p50: null, p95: null, p99: null, max: null, bins: [] };
  // Sorted once: the engine's percentile re-sorts a copy, which is linear on sorted input.
  const sorted = Float64Array.from(values).sort();
  const v = Array.from(sorted);
  return {
    projection,
    count: values.length,
    min: v[0]!,
    p50: percentile(v, 50),
    p95: percentile(v, 95),
    p99: percentile(v, 99),
    max: maxOf(values),
    bins: histogram(values, binWidth),
  };
}

/**
 * Equal-width bins on multiples of `binWidth`, from the bin of the smallest
 * value to the bin of the largest; a value on a boundary goes to the upper bin.
 */
export function histogram(values: readonly number[], binWidth: number): HistogramBin[] {
  if (values.length === 0) return [];
  let min = Number.POSITIVE_INFINITY;
  for (const v of values) if (v < min) min = v;
  const first = Math.floor(Math.max(0, min) / binWidth);
  const n = Math.floor(maxOf(values) / binWidth) - first + 1;
  const bins: HistogramBin[] = Array.from({ length: n }, (_, i) => ({
    from: (first + i) * binWidth,
    to: (first + i + 1) * binWidth,
    count: 0,
  }));
  for (const v of values) bins[Math.min(n - 1, Math.max(0, Math.floor(v / binWidth) - first))]!.count++;
  return bins;
}

/** A round bin width (1, 2, 5 × 10^k ms) giving about `count` bins over `span`. */
export function niceBinWidth(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return Math.max(1, m * mag);
  return Math.max(1, 10 * mag);
}

function maxOf(values: readonly number[]): number {
  let m = 0;
  for (const v of values) if (v > m) m = v;
  return m;
}
