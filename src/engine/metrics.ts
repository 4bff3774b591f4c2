// Pure functions over the trace: what the sandbox charts. Nothing here reads
// the engine; give it the records and it computes.
import type { TraceOf, TraceRecord } from './vocabulary/trace.ts';

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)]!;
}

export function percentiles(values: readonly number[], ps: readonly number[] = [50, 90, 99]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of ps) out[`p${p}`] = percentile(values, p);
  return out;
}

export interface ConsistencyWindow {
  commandId: string;
  commandType: string;
  projection: string;
  /** When the command's events were appended. */
  appendedAt: number;
  /** When the last of those events was applied by the projection. */
  appliedAt: number;
  windowMs: number;
}

/**
 * For each command and each projection that applied its events: how long the
 * read model was behind the write (append → applied): the consistency lag
 * a learner sees as "my write is not visible yet".
 */
export function consistencyWindows(trace: readonly TraceRecord[]): ConsistencyWindow[] {
  const commandType = new Map<string, string>();
  const appended = new Map<number, { commandId: string; at: number }>();
  const order: string[] = [];
  const appendedAt = new Map<string, number>();
  const applied = new Map<string, Map<string, number>>();
  for (const r of trace) {
    if (r.type === 'command.received') commandType.set(r.commandId, r.commandType);
    else if (r.type === 'events.appended') {
      if (!appendedAt.has(r.commandId)) order.push(r.commandId);
      appendedAt.set(r.commandId, r.at);
      for (const e of r.events) appended.set(e.position, { commandId: r.commandId, at: r.at });
    } else if (r.type === 'projection.applied') {
      const source = appended.get(r.position);
      if (!source) continue;
      let byProjection = applied.get(source.commandId);
      if (!byProjection) applied.set(source.commandId, (byProjection = new Map()));
      byProjection.set(r.projection, Math.max(byProjection.get(r.projection) ?? 0, r.at));
    }
  }
  const out: ConsistencyWindow[] = [];
  for (const commandId of order) {
    const at = appendedAt.get(commandId)!;
    for (const [projection, appliedAt] of applied.get(commandId) ?? []) {
      out.push({
        commandId,
        commandType: commandType.get(commandId) ?? '',
        projection,
        appendedAt: at,
        appliedAt,
        windowMs: appliedAt - at,
      });
    }
  }
  return out;
}

export interface LagPoint {
  at: number;
  watermark: number;
  headPosition: number;
  lagEvents: number;
}

/** Lag in events of one projection over time, one point per checkpoint. */
export function lagSeries(trace: readonly TraceRecord[], projection: string): LagPoint[] {
  return trace
    .filter((r): r is TraceOf<'projection.checkpointed'> => r.type === 'projection.checkpointed' && r.projection === projection)
    .map((r) => ({ at: r.at, watermark: r.watermark, headPosition: r.headPosition, lagEvents: r.lagEvents }));
}

export interface ProjectionMetrics {
  projection: string;
  applied: number;
  duplicatesSkipped: number;
  gapsDetected: number;
  crashes: number;
  /** Percentiles of windowMs (append → applied) in virtual ms. */
  windowMs: Record<string, number>;
}

export function projectionMetrics(trace: readonly TraceRecord[]): ProjectionMetrics[] {
  const byName = new Map<string, ProjectionMetrics>();
  const get = (projection: string): ProjectionMetrics => {
    let m = byName.get(projection);
    if (!m) byName.set(projection, (m = { projection, applied: 0, duplicatesSkipped: 0, gapsDetected: 0, crashes: 0, windowMs: {} }));
    return m;
  };
  for (const r of trace) {
    if (r.type === 'projection.applied') get(r.projection).applied++;
    else if (r.type === 'projection.duplicateSkipped') get(r.projection).duplicatesSkipped++;
    else if (r.type === 'projection.gapDetected') get(r.projection).gapsDetected++;
    else if (r.type === 'projection.crashed') get(r.projection).crashes++;
  }
  const windows = consistencyWindows(trace);
  for (const m of byName.values()) m.windowMs = percentiles(windows.filter((w) => w.projection === m.projection).map((w) => w.windowMs));
  return [...byName.values()];
}

export interface CommandMetrics {
  completed: number;
  rejected: number;
  duplicates: number;
  conflicts: number;
  failed: number;
  /** Percentiles of received → completed, virtual ms. */
  durationMs: Record<string, number>;
}

export function commandMetrics(trace: readonly TraceRecord[]): CommandMetrics {
  const durations: number[] = [];
  const m: CommandMetrics = { completed: 0, rejected: 0, duplicates: 0, conflicts: 0, failed: 0, durationMs: {} };
  for (const r of trace) {
    if (r.type === 'command.completed') {
      m.completed++;
      durations.push(r.durationMs);
    } else if (r.type === 'command.rejected') m.rejected++;
    else if (r.type === 'command.duplicate') m.duplicates++;
    else if (r.type === 'command.conflict') m.conflicts++;
    else if (r.type === 'command.failed') m.failed++;
  }
  m.durationMs = percentiles(durations);
  return m;
}

export interface FanOutMetrics {
  projection: string;
  strategy: string;
  /** Posts (PostPublished events) applied. */
  posts: number;
  /** Rows written for posts, in total and per post: the write amplification. */
  rowsWrittenForPosts: number;
  writeAmplification: number;
  /** Rows written for every event the projection handled. */
  rowsWritten: number;
  /** Feed queries answered, rows their statements read, and the mean per query: the read cost. */
  reads: number;
  rowsRead: number;
  readCost: number;
}

/** Write amplification and read cost per feed projection, from feed.written and feed.read records. */
export function fanOutMetrics(trace: readonly TraceRecord[], postEventType = 'PostPublished'): FanOutMetrics[] {
  const by = new Map<string, FanOutMetrics>();
  const get = (projection: string, strategy: string): FanOutMetrics => {
    let m = by.get(projection);
    if (!m)
      by.set(
        projection,
        (m = {
          projection,
          strategy,
          posts: 0,
          rowsWrittenForPosts: 0,
          writeAmplification: 0,
          rowsWritten: 0,
          reads: 0,
          rowsRead: 0,
          readCost: 0,
        }),
      );
    return m;
  };
  for (const r of trace) {
    if (r.type === 'feed.written') {
      const m = get(r.projection, r.strategy);
      m.rowsWritten += r.rowsWritten;
      if (r.eventType === postEventType) {
        m.posts++;
        m.rowsWrittenForPosts += r.rowsWritten;
      }
    } else if (r.type === 'feed.read') {
      const m = get(r.projection, r.strategy);
      m.reads++;
      m.rowsRead += r.rowsRead;
    }
  }
  for (const m of by.values()) {
    m.writeAmplification = m.posts === 0 ? 0 : m.rowsWrittenForPosts / m.posts;
    m.readCost = m.reads === 0 ? 0 : m.rowsRead / m.reads;
  }
  return [...by.values()];
}

export interface SnapshotMetrics {
  taken: number;
  loadsFromSnapshot: number;
  ignored: number;
  /** Events not folded thanks to snapshots (the load cost saved). */
  eventsSkipped: number;
  /** Events folded by loads that used or ignored a snapshot. */
  eventsFolded: number;
}

export function snapshotMetrics(trace: readonly TraceRecord[]): SnapshotMetrics {
  const m: SnapshotMetrics = { taken: 0, loadsFromSnapshot: 0, ignored: 0, eventsSkipped: 0, eventsFolded: 0 };
  for (const r of trace) {
    if (r.type === 'snapshot.taken') m.taken++;
    else if (r.type === 'snapshot.loaded') {
      m.loadsFromSnapshot++;
      m.eventsSkipped += r.eventsSkipped;
      m.eventsFolded += r.eventsFolded;
    } else if (r.type === 'snapshot.ignored') {
      m.ignored++;
      m.eventsFolded += r.eventsFolded;
    }
  }
  return m;
}

export interface QueryStrategyMetrics {
  strategy: string;
  queries: number;
  stale: number;
  sawOwnWrite: number;
  missedOwnWrite: number;
  /** Percentiles of waitedMs. */
  waitedMs: Record<string, number>;
  polls: number;
}

/** Per consistency strategy: how many answers were stale, saw or missed the session's write, and how long they waited. */
export function queryStrategyMetrics(trace: readonly TraceRecord[]): QueryStrategyMetrics[] {
  const by = new Map<string, { m: QueryStrategyMetrics; waits: number[] }>();
  for (const r of trace) {
    if (r.type !== 'query.executed') continue;
    const strategy = r.strategy ?? 'eventual';
    let e = by.get(strategy);
    if (!e)
      by.set(
        strategy,
        (e = { m: { strategy, queries: 0, stale: 0, sawOwnWrite: 0, missedOwnWrite: 0, waitedMs: {}, polls: 0 }, waits: [] }),
      );
    e.m.queries++;
    if (r.stale) e.m.stale++;
    if (r.sawOwnWrite === true) e.m.sawOwnWrite++;
    if (r.sawOwnWrite === false) e.m.missedOwnWrite++;
    e.m.polls += r.polls ?? 0;
    e.waits.push(r.waitedMs ?? 0);
  }
  return [...by.values()].map(({ m, waits }) => ({ ...m, waitedMs: percentiles(waits) }));
}
