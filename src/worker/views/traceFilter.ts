// Which trace records a reader asked for (the terminal's `trace`, the
// sandbox's event views): one filter, answered the same way by the worker
// host and by the terminal's in-process backend.
import type { TraceRecord } from '../../engine/index.ts';

/** Which trace records to return; all given conditions must hold. */
export interface TraceFilter {
  /**
   * A commandId, correlationId or queryId: the records carrying it, and for a
   * command also the bus and projection records of the events it appended.
   */
  id?: string;
  /** Record types, exact (`bus.dropped`) or by prefix ending in a dot (`projection.`). */
  types?: string[];
  projection?: string;
  /** Only records with seq ≥ this. */
  fromSeq?: number;
  /** Keep only the last N of what matched. */
  last?: number;
}

/**
 * Filter trace records (shared by backends, so every one answers the same).
 * `records` in seq order.
 */
export function filterTrace(records: readonly TraceRecord[], filter: TraceFilter): TraceRecord[] {
  const only = Object.keys(filter).filter((k) => filter[k as keyof TraceFilter] !== undefined);
  // The common cases on a long trace: the latest n, or everything since a seq.
  if (only.length === 1 && filter.last !== undefined) return records.slice(Math.max(0, records.length - Math.max(0, filter.last)));
  let out: readonly TraceRecord[] = records;
  if (filter.fromSeq !== undefined) {
    const from = filter.fromSeq;
    // seq grows by one per record: binary search for the first one at or after `from`.
    let lo = 0;
    let hi = out.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (out[mid]!.seq < from) lo = mid + 1;
      else hi = mid;
    }
    out = out.slice(lo);
  }
  if (filter.id !== undefined) {
    const id = filter.id;
    const positions = new Set<number>();
    for (const r of out) {
      if (r.type === 'events.appended' && (r.commandId === id || r.correlationId === id)) {
        for (const e of r.events) positions.add(e.position);
      }
    }
    out = out.filter((r) => {
      const x = r as unknown as Record<string, unknown>;
      if (x['commandId'] === id || x['correlationId'] === id || x['queryId'] === id || x['causationId'] === id) return true;
      const pos = x['position'];
      return typeof pos === 'number' && positions.has(pos) && (r.type.startsWith('bus.') || r.type.startsWith('projection.'));
    });
  }
  if (filter.types !== undefined && filter.types.length > 0) {
    const types = filter.types;
    out = out.filter((r) => types.some((t) => (t.endsWith('.') ? r.type.startsWith(t) : r.type === t)));
  }
  if (filter.projection !== undefined) {
    const p = filter.projection;
    out = out.filter((r) => (r as { projection?: unknown }).projection === p);
  }
  const result = [...out];
  if (filter.last !== undefined && result.length > filter.last) return result.slice(result.length - Math.max(0, filter.last));
  return result;
}
