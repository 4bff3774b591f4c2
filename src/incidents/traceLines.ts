// The trace lines an incident shows as evidence: the records that tell its
// story (faults on the way to the screen's projection, its guards at work,
// command failures, reads that missed) and that projection's applies, one
// short line each, `#seq at ms: …`.
import type { TraceRecord } from '../engine/index.ts';

/** Most lines kept. */
export const MAX_TRACE_LINES = 24;

/** One line for a telling record; undefined for the rest (and for other projections' records: the screen's story only). */
function describe(r: TraceRecord, projection: string): string | undefined {
  if ('projection' in r && r.type !== 'query.executed' && r.projection !== projection) return undefined;
  switch (r.type) {
    case 'bus.duplicated':
      return `the bus will deliver #${r.position} to ${r.projection} a second time, at ${r.deliverAt} ms`;
    case 'bus.dropped':
      return `delivery of #${r.position} to ${r.projection} lost, redelivered at ${r.redeliverAt} ms`;
    case 'publish.lost':
      return `${r.commandId}: event(s) #${r.positions.join(', #')} committed but never published (${r.reason})`;
    case 'outbox.relayCrashed':
      return `the outbox relay crashed ${r.stage === 'afterPublish' ? 'after' : 'before'} publishing #${r.positions.join(', #')}, runs again at ${r.retryAt} ms`;
    case 'command.duplicate':
      return `${r.commandType} ${r.commandId} repeated: recognised, first result returned, nothing appended`;
    case 'command.conflict':
      return `${r.commandId} conflict on ${r.streamId}: loaded v${r.expectedVersion}, now v${r.actualVersion}`;
    case 'command.retried':
      return `${r.commandId} retried (attempt ${r.attempt})`;
    case 'command.failed':
      return `${r.commandId} failed after ${r.attempts} attempt(s): ${r.message}`;
    case 'projection.duplicateSkipped':
      return `${r.projection} skipped #${r.position} ${r.streamId}@${r.version}: already at v${r.appliedVersion}`;
    case 'projection.gapDetected':
      return `${r.projection} gap on ${r.streamId}: expected v${r.expectedVersion}, got v${r.receivedVersion}`;
    case 'projection.held':
      return `${r.projection} holds #${r.position} ${r.streamId}@${r.version} until its predecessor arrives`;
    case 'projection.applied':
      return `${r.projection} applied #${r.position} ${r.eventType} ${r.streamId}@${r.version}`;
    case 'query.executed':
      return r.sawOwnWrite === false
        ? `${r.queryType} for ${r.sessionId ?? 'a client'} answered ${r.lagEvents} event(s) behind, without its own write (${r.strategy ?? 'eventual'})`
        : undefined;
    default:
      return undefined;
  }
}

/** The telling lines in trace order; past MAX_TRACE_LINES the screen's plain applies go first, so no fault or miss is cut. */
export function traceLines(records: readonly TraceRecord[], projection: string): string[] {
  const lines = records.flatMap((r) => {
    const line = describe(r, projection);
    return line === undefined ? [] : [{ seq: r.seq, text: `#${r.seq} at ${r.at} ms: ${line}`, apply: r.type === 'projection.applied' }];
  });
  if (lines.length <= MAX_TRACE_LINES) return lines.map((l) => l.text);
  const telling = lines.filter((l) => !l.apply).slice(0, MAX_TRACE_LINES);
  const applies = lines.filter((l) => l.apply).slice(0, MAX_TRACE_LINES - telling.length);
  const kept = [...telling, ...applies].sort((a, b) => a.seq - b.seq);
  return [...kept.map((l) => l.text), `… and ${lines.length - kept.length} more`];
}
