// The scrubbable timeline: what the world looked like at any record of the
// trace (head of the event store, each projection's position and status),
// and a one-line description of every record.
import type { TraceRecord } from '../../engine/index.ts';
import type { ProjectionStatus } from '../../engine/index.ts';

export interface WorldAt {
  seq: number;
  at: number;
  head: number;
  projections: { name: string; position: number; status: ProjectionStatus }[];
}

export function emptyWorld(projectionNames: readonly string[]): WorldAt {
  return { seq: 0, at: 0, head: 0, projections: projectionNames.map((name) => ({ name, position: 0, status: 'live' })) };
}

/**
 * Fold the records up to and including `seq`, starting from `from` (the
 * world before the first record given; by default the empty world).
 */
export function worldAt(trace: readonly TraceRecord[], projectionNames: readonly string[], seq: number, from?: WorldAt): WorldAt {
  const start = from ?? emptyWorld(projectionNames);
  const state = new Map(start.projections.map((p) => [p.name, { position: p.position, status: p.status }]));
  let head = start.head;
  let at = start.at;
  let last = start.seq;
  for (const r of trace) {
    if (r.seq <= start.seq) continue;
    if (r.seq > seq) break;
    at = r.at;
    last = r.seq;
    foldWorld(state, r, (h) => (head = Math.max(head, h)));
  }
  return { seq: last, at, head, projections: [...state].map(([name, s]) => ({ name, ...s })) };
}

/**
 * Keeps the world every `every` records, so the timeline can start folding
 * from the nearest keyframe even after old records left memory.
 */
export class WorldKeyframes {
  readonly every: number;
  readonly frames: WorldAt[];
  #state: Map<string, { position: number; status: ProjectionStatus }>;
  #head = 0;
  #at = 0;

  constructor(projectionNames: readonly string[], every = 1000) {
    this.every = every;
    this.frames = [emptyWorld(projectionNames)];
    this.#state = new Map(projectionNames.map((n) => [n, { position: 0, status: 'live' as ProjectionStatus }]));
  }

  add(r: TraceRecord): void {
    this.#at = r.at;
    foldWorld(this.#state, r, (h) => (this.#head = Math.max(this.#head, h)));
    if (r.seq % this.every === 0) {
      this.frames.push({ seq: r.seq, at: this.#at, head: this.#head, projections: [...this.#state].map(([name, s]) => ({ name, ...s })) });
    }
  }

  /** The latest keyframe at or before `seq`. */
  before(seq: number): WorldAt {
    let lo = 0;
    let hi = this.frames.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.frames[mid]!.seq <= seq) lo = mid;
      else hi = mid - 1;
    }
    return this.frames[lo]!;
  }
}

function foldWorld(
  state: Map<string, { position: number; status: ProjectionStatus }>,
  r: TraceRecord,
  onHead: (position: number) => void,
): void {
  {
    switch (r.type) {
      case 'events.appended':
        for (const e of r.events) onHead(e.position);
        break;
      case 'projection.checkpointed':
        state.get(r.projection)!.position = r.watermark;
        break;
      case 'projection.caughtUp':
        Object.assign(state.get(r.projection)!, { position: r.watermark, status: 'live' });
        break;
      case 'projection.rebuildFinished':
        Object.assign(state.get(r.projection)!, { position: r.watermark, status: 'live' });
        break;
      case 'projection.crashed':
        Object.assign(state.get(r.projection)!, { position: r.watermark, status: 'crashed' });
        break;
      case 'projection.paused':
        state.get(r.projection)!.status = 'paused';
        break;
      case 'projection.resumed':
        state.get(r.projection)!.status = r.from === 'paused' ? 'live' : 'catchingUp';
        break;
      case 'projection.rebuildStarted':
        state.get(r.projection)!.status = 'rebuilding';
        break;
      default:
        break;
    }
  }
}

/** One line a learner can read, e.g. "bus delivered pos 12 to catalogue". */
export function describeRecord(r: TraceRecord): string {
  switch (r.type) {
    case 'command.received':
      return `${r.commandId} ${r.commandType} received${r.attempt > 1 ? ` (attempt ${r.attempt})` : ''}${r.sessionId ? ` from ${r.sessionId}` : ''}`;
    case 'command.loaded':
      return `${r.commandId} loaded ${r.streams.map((s) => `${s.streamId} at v${s.version}`).join(', ')}`;
    case 'command.duplicate':
      return `${r.commandId} is a duplicate: first result returned`;
    case 'command.decided':
      return `${r.commandId} decided ${r.events.map((e) => e.eventType).join(', ') || 'nothing'}`;
    case 'command.rejected':
      return `${r.commandId} rejected: ${r.rejection.code}`;
    case 'command.conflict':
      return `${r.commandId} conflict on ${r.streamId} (expected v${r.expectedVersion}, found v${r.actualVersion})`;
    case 'command.retried':
      return `${r.commandId} retry ${r.attempt} at t=${r.retryAt}`;
    case 'command.staleVersion':
      return `${r.commandId} expected ${r.streamId} at v${r.expectedVersion}, found v${r.actualVersion}: stale, not retried`;
    case 'command.failed':
      return `${r.commandId} failed: ${r.code}`;
    case 'events.appended':
      return `${r.commandId} appended ${r.events.map((e) => `${e.eventType} at pos ${e.position}`).join(', ')}`;
    case 'command.completed':
      return `${r.commandId} completed, token ${r.consistencyToken} (${r.durationMs} ms)`;
    case 'bus.published':
      return `bus published pos ${r.position} (${r.eventType})`;
    case 'bus.duplicated':
      return `bus will deliver pos ${r.position} twice to ${r.projection}`;
    case 'bus.dropped':
      return `bus lost pos ${r.position} for ${r.projection}; redelivery at t=${r.redeliverAt}`;
    case 'bus.delivered':
      return `bus delivered pos ${r.position} to ${r.projection}${r.duplicate ? ' (copy)' : ''}`;
    case 'bus.held':
      return `bus held pos ${r.position} for paused ${r.projection}`;
    case 'bus.released':
      return `bus released ${r.count} held events to ${r.projection}`;
    case 'bus.discarded':
      return `bus discarded pos ${r.position} for ${r.projection} (down)`;
    case 'projection.applied':
      return `${r.projection} applied pos ${r.position} (${r.eventType})${r.mode === 'catchUp' ? ' catching up' : ''}`;
    case 'projection.duplicateSkipped':
      return `${r.projection} skipped duplicate pos ${r.position}`;
    case 'projection.gapDetected':
      return `${r.projection} gap on ${r.streamId}: expected v${r.expectedVersion}, got v${r.receivedVersion}`;
    case 'projection.held':
      return `${r.projection} holds pos ${r.position} until its predecessor arrives`;
    case 'projection.deadLettered':
      return `${r.projection} dead-lettered pos ${r.position} (${r.eventType}): ${r.reason}`;
    case 'projection.checkpointed':
      return `${r.projection} checkpoint at pos ${r.watermark} (${r.lagEvents} behind)`;
    case 'projection.paused':
      return `${r.projection} paused`;
    case 'projection.resumed':
      return `${r.projection} resumed after ${r.from === 'paused' ? 'a pause' : 'a crash'}`;
    case 'projection.crashRequested':
      return `${r.projection} crash requested`;
    case 'projection.crashed':
      return `${r.projection} crashed (${r.reason}); ${r.rolledBack} rolled back, ${r.lostInbox} lost from its inbox`;
    case 'projection.catchUpStarted':
      return `${r.projection} catching up from pos ${r.fromPosition}`;
    case 'projection.caughtUp':
      return `${r.projection} caught up at pos ${r.watermark}`;
    case 'projection.rebuildStarted':
      return `${r.projection} rebuild started`;
    case 'projection.rebuildProgress':
      return `${r.projection} rebuilt up to pos ${r.position}`;
    case 'projection.rebuildFinished':
      return `${r.projection} rebuild finished at pos ${r.watermark}`;
    case 'query.received':
      return `${r.queryId} ${r.queryType} received${r.sessionId ? ` from ${r.sessionId}` : ''}`;
    case 'query.executed':
      return `${r.queryId} answered from ${r.projection} at pos ${r.position}${r.lagEvents > 0 ? `, ${r.lagEvents} behind (${r.lagMs} ms)` : ', up to date'}`;
    case 'settings.changed':
      return `settings changed: ${JSON.stringify(r.changes)}`;
    default:
      // Record types added to the engine later still get a line.
      return (r as { type: string }).type;
  }
}
