// Drill-only measurements: pure functions over the trace of a drill's load,
// each returning the number and, for a failure, a sentence built from the
// same records (what was slow, stale or lost, and the design choice behind it).
import { consistencyWindows, percentile } from '../engine/index.ts';
import type { TraceOf, TraceRecord } from '../engine/index.ts';
import type { ConsistencyOptions } from '../engine/index.ts';
import { describeConsistency } from './design.ts';
import type { Measure } from './types.ts';

/** What the runner knows beyond the trace: which screen each load query was for. */
export interface RunFacts {
  trace: readonly TraceRecord[];
  /** queryId → screen id, for the load's reads only. */
  screenOf: Map<string, string>;
  screens: Record<string, { label: string; query: string; projection: string; consistency: ConsistencyOptions }>;
}

export interface Measured {
  value: number;
  /** Noun phrase with unit, e.g. "84 ms", "3 reads". */
  shown: string;
  /** Why the number is what it is (used when the requirement fails). */
  why: string;
  /** The records behind the number, one per line (the first few), when there are any to name. */
  details?: string[];
}

/** At most this many evidence lines per measure (the rest summed up). */
const MAX_DETAILS = 5;
const capped = (lines: string[]): string[] =>
  lines.length <= MAX_DETAILS ? lines : [...lines.slice(0, MAX_DETAILS), `… and ${lines.length - MAX_DETAILS} more`];

const ms = (n: number) => (Number.isNaN(n) ? 'no data' : `${Math.round(n * 10) / 10} ms`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function screenReads(facts: RunFacts, screen: string): { received: Map<string, number>; executed: TraceOf<'query.executed'>[] } {
  const received = new Map<string, number>();
  const executed: TraceOf<'query.executed'>[] = [];
  for (const r of facts.trace) {
    if (r.type === 'query.received' && facts.screenOf.get(r.queryId) === screen) received.set(r.queryId, r.at);
    else if (r.type === 'query.executed' && facts.screenOf.get(r.queryId) === screen) executed.push(r);
  }
  return { received, executed };
}

/** The trace's evidence of synchronous projection work and write conflicts, for latency sentences. */
function commandCauses(trace: readonly TraceRecord[], commandType: string): string {
  const ids = new Set(
    trace
      .filter((r): r is TraceOf<'command.received'> => r.type === 'command.received' && r.commandType === commandType)
      .map((r) => r.commandId),
  );
  const projected = trace.filter((r): r is TraceOf<'command.projected'> => r.type === 'command.projected' && ids.has(r.commandId));
  const conflicts = trace.filter((r) => r.type === 'command.conflict' && ids.has(r.commandId)).length;
  const parts: string[] = [];
  if (projected.length > 0) {
    const cost = projected.reduce((sum, r) => sum + r.costMs, 0) / projected.length;
    parts.push(
      `each one also updated ${plural(projected[0]!.projections.length, 'projection')} synchronously (${ms(cost)} per command on average)`,
    );
  }
  if (conflicts > 0) parts.push(`${plural(conflicts, 'write conflict')} on the same stream forced retries`);
  return parts.length > 0 ? parts.join('; ') : 'the service time of the command itself';
}

export function measure(m: Measure, facts: RunFacts): Measured {
  const { trace } = facts;
  switch (m.kind) {
    case 'ownWriteMisses': {
      const s = facts.screens[m.screen]!;
      const reads = screenReads(facts, m.screen).executed.filter((r) => r.sawOwnWrite !== null && r.sawOwnWrite !== undefined);
      const misses = reads.filter((r) => r.sawOwnWrite === false);
      const missed = misses.length;
      return {
        value: missed,
        shown: plural(missed, 'stale read'),
        why: `${s.query} answered ${missed} of ${plural(reads.length, 'read')} before the session's own write was projected (${describeConsistency(s.consistency)} on the ${s.label} screen).`,
        details: capped(
          misses.map((r) => `#${r.seq} at ${r.at} ms: ${r.sessionId ?? 'a session'} read ${s.projection} ${ms(r.lagMs)} behind`),
        ),
      };
    }
    case 'readStaleness': {
      const s = facts.screens[m.screen]!;
      const executed = screenReads(facts, m.screen).executed;
      const lags = executed.map((r) => r.lagMs);
      const value = percentile(lags, m.percentile);
      const behind = executed.filter((r) => r.lagEvents > 0).length;
      return {
        value,
        shown: ms(value),
        why: `${behind} of ${executed.length} ${s.label} reads found ${s.projection} behind the event store; at p${m.percentile} the oldest event it had not applied was ${ms(value)} old (${describeConsistency(s.consistency)}).`,
      };
    }
    case 'readLatency': {
      const s = facts.screens[m.screen]!;
      const { received, executed } = screenReads(facts, m.screen);
      const durations = executed.map((r) => r.at - (received.get(r.queryId) ?? r.at));
      const value = percentile(durations, m.percentile);
      const waited = executed.filter((r) => (r.waitedMs ?? 0) > 0).length;
      const polls = executed.reduce((sum, r) => sum + (r.polls ?? 0), 0);
      return {
        value,
        shown: ms(value),
        why: `${waited} of ${executed.length} ${s.label} reads waited for ${s.projection} to catch up${polls > 0 ? ` (${plural(polls, 'poll')})` : ''}, so p${m.percentile} took ${ms(value)} (${describeConsistency(s.consistency)}).`,
      };
    }
    case 'rowsRead': {
      const s = facts.screens[m.screen]!;
      const rows = trace
        .filter((r): r is TraceOf<'feed.read'> => r.type === 'feed.read' && facts.screenOf.get(r.queryId) === m.screen)
        .map((r) => r.rowsRead);
      const value = percentile(rows, m.percentile);
      return {
        value,
        shown: Number.isNaN(value) ? 'no data' : plural(value, 'row'),
        why: `Each ${s.label} read ran ${s.query} on ${s.projection}; at p${m.percentile} one read returned ${plural(value, 'row')} from its statements (the cost of assembling the feed when it is read).`,
      };
    }
    case 'commandLatency': {
      const completed = trace.filter(
        (r): r is TraceOf<'command.completed'> => r.type === 'command.completed' && r.commandType === m.command,
      );
      const value = percentile(
        completed.map((r) => r.durationMs),
        m.percentile,
      );
      const slowest = [...completed].sort((a, b) => b.durationMs - a.durationMs || a.seq - b.seq);
      return {
        value,
        shown: ms(value),
        why: `${m.command} took ${ms(value)} at p${m.percentile} because ${commandCauses(trace, m.command)}.`,
        details: slowest.slice(0, 3).map((r) => `#${r.seq} at ${r.at} ms: ${r.commandId} took ${ms(r.durationMs)}`),
      };
    }
    case 'commandsFailed': {
      const types = new Map(
        trace.filter((r): r is TraceOf<'command.received'> => r.type === 'command.received').map((r) => [r.commandId, r.commandType]),
      );
      const failed = trace.filter(
        (r): r is TraceOf<'command.failed'> => r.type === 'command.failed' && (!m.command || types.get(r.commandId) === m.command),
      );
      const codes = [...new Set(failed.map((r) => r.code))];
      const failedLines = capped(failed.map((r) => `#${r.seq} at ${r.at} ms: ${r.commandId} failed with ${r.code}`));
      const conflicts = trace.filter((r) => r.type === 'command.conflict').length;
      return {
        value: failed.length,
        shown: plural(failed.length, 'failed command'),
        why: `${plural(failed.length, 'command')} failed (${codes.join(', ')}) after ${plural(conflicts, 'write conflict')}: concurrent writers on one stream and too few retries to get through.`,
        details: failedLines,
      };
    }
    case 'duplicateAppends': {
      const seen = new Set<string>();
      let again = 0;
      const lines: string[] = [];
      for (const r of trace) {
        if (r.type !== 'events.appended') continue;
        if (seen.has(r.commandId)) {
          again++;
          lines.push(`#${r.seq} at ${r.at} ms: ${r.commandId} appended again`);
        }
        seen.add(r.commandId);
      }
      const resends = trace.filter((r) => r.type === 'command.duplicate').length;
      return {
        value: again,
        shown: plural(again, 'command') + ' appended twice',
        why: `${plural(again, 'resent command')} with a commandId already processed appended new events (${resends} recognised as duplicates): nothing recorded the commandIds.`,
        details: capped(lines),
      };
    }
    case 'visibleAfter': {
      const s = facts.screens[m.screen]!;
      const types = new Map(
        trace.filter((r): r is TraceOf<'command.received'> => r.type === 'command.received').map((r) => [r.commandId, r.commandType]),
      );
      const windows = consistencyWindows(trace).filter((w) => w.projection === s.projection && types.get(w.commandId) === m.command);
      const value = percentile(
        windows.map((w) => w.windowMs),
        m.percentile,
      );
      const busy = trace.filter((r): r is TraceOf<'feed.written'> => r.type === 'feed.written' && r.projection === s.projection);
      const heaviest = busy.reduce((max, r) => Math.max(max, r.rowsWritten), 0);
      return {
        value,
        shown: ms(value),
        why: `A ${m.command} reached ${s.projection} ${ms(value)} after it was appended at p${m.percentile}${heaviest > 1 ? `: one event made it write ${plural(heaviest, 'row')}, and every event queued behind it` : ''}.`,
      };
    }
  }
}
