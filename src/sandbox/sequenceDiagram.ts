// A mermaid sequence diagram of one command's real trace: client → command
// handler → event store → bus → each projection → queries by the same
// session. Built only from trace records; every arrow is one record.
import type { TraceRecord } from '../engine/trace.ts';

export interface CommandStory {
  commandId: string;
  records: TraceRecord[];
}

/**
 * The records that tell one command's story: its own (by commandId or
 * correlationId), what the bus and the projections did with its events, and
 * up to `queries` queries by the same session that ran after the append.
 */
export function commandStory(trace: readonly TraceRecord[], commandId: string, queries = 3): CommandStory {
  const positions = new Set<number>();
  const out: TraceRecord[] = [];
  let sessionId: string | undefined;
  let appended = false;
  let queriesLeft = queries;
  const ownQueries = new Set<string>();
  /** Projections that got one of its events but have not applied it yet. */
  const waiting = new Set<string>();
  for (const r of trace) {
    if ('commandId' in r && (r.commandId === commandId || ('correlationId' in r && r.correlationId === commandId))) {
      if (r.type === 'events.appended') {
        appended = true;
        for (const e of r.events) positions.add(e.position);
      }
      if ('sessionId' in r && r.sessionId !== undefined) sessionId = r.sessionId;
      if (r.type === 'projection.applied') {
        if (!positions.has(r.position)) continue;
        waiting.delete(r.projection);
      }
      out.push(r);
      continue;
    }
    switch (r.type) {
      case 'bus.published':
        if (positions.has(r.position)) out.push(r);
        break;
      case 'bus.duplicated':
      case 'bus.dropped':
      case 'bus.delivered':
      case 'bus.held':
      case 'bus.discarded':
        if (positions.has(r.position)) {
          out.push(r);
          waiting.add(r.projection);
        }
        break;
      case 'projection.duplicateSkipped':
      case 'projection.gapDetected':
      case 'projection.held':
        if (positions.has(r.position)) out.push(r);
        break;
      case 'projection.crashed':
      case 'projection.rebuildFinished':
      case 'projection.caughtUp':
        if (waiting.has(r.projection)) {
          out.push(r);
          if (r.type === 'projection.rebuildFinished') waiting.delete(r.projection);
        }
        break;
      case 'query.received':
        if (appended && sessionId !== undefined && r.sessionId === sessionId && queriesLeft > 0) {
          queriesLeft--;
          ownQueries.add(r.queryId);
          out.push(r);
        }
        break;
      case 'query.executed':
        if (ownQueries.has(r.queryId)) out.push(r);
        break;
      default:
        break;
    }
  }
  return { commandId, records: out };
}

const clean = (s: string): string => s.replace(/[;#<>{}:]/g, ' ').replace(/\s+/g, ' ').trim();
const pid = (projection: string): string => `P_${projection.replace(/[^A-Za-z0-9_]/g, '_')}`;

/** Mermaid source for a command story. Time is shown as `t=<virtual ms>` on each arrow. */
export function sequenceDiagramSource(story: CommandStory): string {
  const rs = story.records;
  const projections: string[] = [];
  for (const r of rs) if ('projection' in r && typeof r.projection === 'string' && !projections.includes(r.projection)) projections.push(r.projection);
  const hasQueries = rs.some((r) => r.type === 'query.received');
  const lines = [
    'sequenceDiagram',
    '  participant C as Client',
    '  participant H as Command handler',
    '  participant S as Event store',
    '  participant B as Bus',
    ...projections.map((p) => `  participant ${pid(p)} as ${clean(p)}`),
    ...(hasQueries ? ['  participant Q as Query handler'] : []),
  ];
  let appendAt: number | undefined;
  const arrow = (from: string, to: string, text: string, kind = '->>'): void => {
    lines.push(`  ${from}${kind}${to}: ${clean(text)}`);
  };
  for (const r of rs) {
    const t = `t=${r.at}`;
    switch (r.type) {
      case 'command.received':
        arrow('C', 'H', `${r.commandType} ${r.commandId}${r.attempt > 1 ? ` attempt ${r.attempt}` : ''} ${t}`);
        break;
      case 'command.loaded':
        arrow('H', 'S', `load ${r.streams.map((s) => `${s.streamId} v${s.version}`).join(', ')} ${t}`);
        break;
      case 'command.conflict':
        arrow('S', 'H', `conflict on ${r.streamId} expected v${r.expectedVersion} found v${r.actualVersion} ${t}`, '--x');
        break;
      case 'command.retried':
        lines.push(`  Note over H: ${clean(`retry attempt ${r.attempt} at t=${r.retryAt}`)}`);
        break;
      case 'command.rejected':
        arrow('H', 'C', `rejected ${r.rejection.code} ${t}`, '-->>');
        break;
      case 'command.failed':
        arrow('H', 'C', `failed ${r.code} after ${r.attempts} attempts ${t}`, '-->>');
        break;
      case 'command.duplicate':
        arrow('H', 'C', `duplicate, first result returned ${t}`, '-->>');
        break;
      case 'events.appended':
        appendAt = r.at;
        arrow('H', 'S', `append ${r.events.map((e) => `${e.eventType} pos ${e.position}`).join(', ')} ${t}`);
        break;
      case 'command.completed':
        arrow('H', 'C', `ok, token ${r.consistencyToken} ${t}`, '-->>');
        break;
      case 'bus.published':
        arrow('S', 'B', `publish pos ${r.position} ${t}`);
        break;
      case 'bus.duplicated':
        lines.push(`  Note over B: ${clean(`pos ${r.position} duplicated for ${r.projection}, copy at t=${r.deliverAt}`)}`);
        break;
      case 'bus.dropped':
        arrow('B', pid(r.projection), `pos ${r.position} lost, redelivery at t=${r.redeliverAt} ${t}`, '--x');
        break;
      case 'bus.held':
        lines.push(`  Note over B: ${clean(`pos ${r.position} held for ${r.projection} (paused) ${t}`)}`);
        break;
      case 'bus.discarded':
        lines.push(`  Note over B: ${clean(`pos ${r.position} discarded for ${r.projection} (down) ${t}`)}`);
        break;
      case 'bus.delivered':
        arrow('B', pid(r.projection), `deliver pos ${r.position}${r.duplicate ? ' (copy)' : ''}${r.attempt > 1 ? ` attempt ${r.attempt}` : ''} ${t}`);
        break;
      case 'projection.applied':
        lines.push(`  Note over ${pid(r.projection)}: ${clean(`applied pos ${r.position} ${t}${appendAt !== undefined ? ` window ${r.at - appendAt} ms` : ''}`)}`);
        break;
      case 'projection.duplicateSkipped':
        lines.push(`  Note over ${pid(r.projection)}: ${clean(`pos ${r.position} skipped (duplicate) ${t}`)}`);
        break;
      case 'projection.gapDetected':
        lines.push(`  Note over ${pid(r.projection)}: ${clean(`gap, expected v${r.expectedVersion} got v${r.receivedVersion} ${t}`)}`);
        break;
      case 'projection.held':
        lines.push(`  Note over ${pid(r.projection)}: ${clean(`pos ${r.position} held until its predecessor arrives`)}`);
        break;
      case 'projection.crashed':
        lines.push(`  Note over ${pid(r.projection)}: ${clean(`crashed (${r.reason}) ${t}`)}`);
        break;
      case 'projection.caughtUp':
        lines.push(`  Note over ${pid(r.projection)}: ${clean(`caught up to pos ${r.watermark} ${t}`)}`);
        break;
      case 'projection.rebuildFinished':
        lines.push(`  Note over ${pid(r.projection)}: ${clean(`rebuilt up to pos ${r.watermark} ${t}`)}`);
        break;
      case 'query.received':
        arrow('C', 'Q', `${r.queryType} ${r.queryId} ${t}`);
        break;
      case 'query.executed':
        arrow('Q', 'C', `from ${r.projection} at pos ${r.position}, ${r.lagEvents === 0 ? 'fresh' : `${r.lagEvents} behind, ${r.lagMs} ms`} ${t}`, '-->>');
        break;
      default:
        break;
    }
  }
  return lines.join('\n');
}
