// A mermaid sequence diagram of one command's real trace: client → command
// handler → event store → bus → each projection → queries by the same
// session. Built only from trace records; every arrow is one record.
import type { TraceRecord } from '../../engine/index.ts';

export interface CommandStory {
  commandId: string;
  records: TraceRecord[];
}

/**
 * The records that tell one command's story: its own (by commandId or
 * correlationId), what the bus and the projections did with its events, and
 * up to `queries` queries by the same session that ran after the append.
 */
export function commandStory(trace: Iterable<TraceRecord>, commandId: string, queries = 3): CommandStory {
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

/** Record types a command's story picks by event position. */
const BY_POSITION = new Set<string>([
  'bus.published',
  'bus.duplicated',
  'bus.dropped',
  'bus.delivered',
  'bus.held',
  'bus.discarded',
  'projection.duplicateSkipped',
  'projection.gapDetected',
  'projection.held',
]);
/** Record types a story picks by projection (while one of its events waits there). */
const BY_PROJECTION = new Set<string>(['projection.crashed', 'projection.rebuildFinished', 'projection.caughtUp']);

const push = <K>(map: Map<K, TraceRecord[]>, key: K, r: TraceRecord): void => {
  const list = map.get(key);
  if (list) list.push(r);
  else map.set(key, [r]);
};

/** The first index in a seq-ordered list whose record has seq >= `seq`. */
function fromSeq(list: readonly TraceRecord[], seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function dropBefore<K>(map: Map<K, TraceRecord[]>, firstSeq: number): void {
  for (const [key, list] of map) {
    const from = fromSeq(list, firstSeq);
    if (from === list.length) map.delete(key);
    else if (from > 0) list.splice(0, from);
  }
}

/**
 * The trace indexed as it arrives, so a command's story costs its own
 * records rather than a scan of the whole trace. `story()` gathers every
 * record `commandStory` could use (the command's own, those at its event
 * positions, its projections' crashes and rebuilds, its session's queries)
 * and runs `commandStory` on them in trace order: the same story.
 */
export class StoryIndex {
  readonly #byCommand = new Map<string, TraceRecord[]>();
  readonly #byPosition = new Map<number, TraceRecord[]>();
  readonly #byProjection = new Map<string, TraceRecord[]>();
  readonly #queriesBySession = new Map<string, TraceRecord[]>();
  readonly #executedByQuery = new Map<string, TraceRecord[]>();
  /** Records before this seq have left the trace and are left out. */
  #firstSeq = 1;

  add(r: TraceRecord): void {
    if ('commandId' in r) {
      if (typeof r.commandId === 'string') push(this.#byCommand, r.commandId, r);
      if ('correlationId' in r && typeof r.correlationId === 'string' && r.correlationId !== r.commandId)
        push(this.#byCommand, r.correlationId, r);
    }
    if (BY_POSITION.has(r.type) && 'position' in r) push(this.#byPosition, r.position as number, r);
    else if (BY_PROJECTION.has(r.type) && 'projection' in r) push(this.#byProjection, r.projection as string, r);
    else if (r.type === 'query.received' && r.sessionId !== undefined) push(this.#queriesBySession, r.sessionId, r);
    else if (r.type === 'query.executed') push(this.#executedByQuery, r.queryId, r);
  }

  /** Forget the records before `firstSeq` (they left the bounded trace). */
  forgetBefore(firstSeq: number): void {
    if (firstSeq <= this.#firstSeq) return;
    this.#firstSeq = firstSeq;
    dropBefore(this.#byCommand, firstSeq);
    dropBefore(this.#byPosition, firstSeq);
    dropBefore(this.#byProjection, firstSeq);
    dropBefore(this.#queriesBySession, firstSeq);
    dropBefore(this.#executedByQuery, firstSeq);
  }

  story(commandId: string, queries = 3): CommandStory {
    const own = this.#byCommand.get(commandId) ?? [];
    const picked = new Map<number, TraceRecord>();
    const take = (r: TraceRecord): void => {
      if (r.seq >= this.#firstSeq) picked.set(r.seq, r);
    };
    own.forEach(take);
    const positions: number[] = [];
    let appendSeq: number | undefined;
    /** Each session the command's records name, from the first record naming it. */
    const sessions = new Map<string, number>();
    for (const r of own) {
      if (r.seq < this.#firstSeq) continue;
      if (r.type === 'events.appended') {
        appendSeq ??= r.seq;
        for (const e of r.events) positions.push(e.position);
      }
      if ('sessionId' in r && r.sessionId !== undefined && !sessions.has(r.sessionId)) sessions.set(r.sessionId, r.seq);
    }
    const projections = new Set<string>();
    for (const pos of positions) {
      for (const r of this.#byPosition.get(pos) ?? []) {
        take(r);
        if ('projection' in r && typeof r.projection === 'string') projections.add(r.projection);
      }
    }
    const firstOwn = own.find((r) => r.seq >= this.#firstSeq)?.seq ?? this.#firstSeq;
    for (const p of projections) {
      const list = this.#byProjection.get(p) ?? [];
      for (let i = fromSeq(list, firstOwn); i < list.length; i++) take(list[i]!);
    }
    // The session's first queries once both the append and the session are known
    // (a command naming two sessions, which no engine path does, keeps them all).
    if (appendSeq !== undefined) {
      const limit = sessions.size > 1 ? Number.POSITIVE_INFINITY : queries;
      for (const [s, named] of sessions) {
        const list = this.#queriesBySession.get(s) ?? [];
        for (let i = fromSeq(list, Math.max(appendSeq, named)), n = 0; i < list.length && n < limit; i++, n++) {
          const q = list[i]!;
          take(q);
          if (q.type === 'query.received') this.#executedByQuery.get(q.queryId)?.forEach(take);
        }
      }
    }
    return commandStory(
      [...picked.values()].sort((a, b) => a.seq - b.seq),
      commandId,
      queries,
    );
  }
}

const clean = (s: string): string =>
  s
    .replace(/[;#<>{}:]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
const pid = (projection: string): string => `P_${projection.replace(/[^A-Za-z0-9_]/g, '_')}`;

/** Mermaid source for a command story. Time is shown as `t=<virtual ms>` on each arrow. */
export function sequenceDiagramSource(story: CommandStory): string {
  const rs = story.records;
  const projections: string[] = [];
  for (const r of rs)
    if ('projection' in r && typeof r.projection === 'string' && !projections.includes(r.projection)) projections.push(r.projection);
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
        arrow(
          'B',
          pid(r.projection),
          `deliver pos ${r.position}${r.duplicate ? ' (copy)' : ''}${r.attempt > 1 ? ` attempt ${r.attempt}` : ''} ${t}`,
        );
        break;
      case 'projection.applied':
        lines.push(
          `  Note over ${pid(r.projection)}: ${clean(`applied pos ${r.position} ${t}${appendAt !== undefined ? ` window ${r.at - appendAt} ms` : ''}`)}`,
        );
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
        arrow(
          'Q',
          'C',
          `from ${r.projection} at pos ${r.position}, ${r.lagEvents === 0 ? 'fresh' : `${r.lagEvents} behind, ${r.lagMs} ms`} ${t}`,
          '-->>',
        );
        break;
      default:
        break;
    }
  }
  return lines.join('\n');
}
