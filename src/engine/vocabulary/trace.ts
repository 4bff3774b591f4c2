// The single record of what happened. The sandbox's timeline, lag charts and
// sequence diagrams are drawn from it, and replaying a script must produce
// the same JSON byte for byte, so records are plain data built in a fixed
// field order, stamped with a sequence number and virtual time.
import type { FanOutStrategy, Rejection } from '../domain.ts';
import type { AsOf, ConsistencyOptions, ConsistencyStrategy } from './intent.ts';
import type { EventRef, StreamVersion } from './envelope.ts';
import type { AnswerSource } from './results.ts';
import type { SettingsPatch } from '../settings.ts';

export interface TraceBase {
  /** 1-based, gap-free, in the order things happened. */
  seq: number;
  /** Virtual milliseconds. */
  at: number;
}

interface Ids {
  commandId: string;
  correlationId: string;
  sessionId?: string;
}

export type TraceBody =
  // write side
  | ({ type: 'command.received'; commandType: string; attempt: number } & Ids)
  | ({ type: 'command.loaded'; streams: StreamVersion[]; attempt: number } & Ids)
  | ({ type: 'command.duplicate'; commandType: string; consistencyToken: number | null } & Ids)
  | ({ type: 'command.decided'; events: { streamId: string; eventType: string }[]; attempt: number } & Ids)
  | ({ type: 'command.rejected'; commandType: string; rejection: Rejection } & Ids)
  | ({ type: 'command.conflict'; streamId: string; expectedVersion: number; actualVersion: number; attempt: number } & Ids)
  | ({ type: 'command.retried'; attempt: number; retryAt: number } & Ids)
  /** The client's expected version did not hold (checked at load, or again in the append's transaction): not retried. */
  | ({
      type: 'command.staleVersion';
      streamId: string;
      expectedVersion: number;
      actualVersion: number;
      stage: 'load' | 'append';
      attempt: number;
    } & Ids)
  | ({ type: 'command.failed'; code: string; message: string; attempts: number } & Ids)
  | ({ type: 'events.appended'; causationId: string; events: EventRef[]; consistencyToken: number } & Ids)
  | ({ type: 'command.completed'; commandType: string; consistencyToken: number; durationMs: number; attempts: number } & Ids)
  /** Synchronous projections applied the command's events before it returned (their cost is in its latency). */
  | ({ type: 'command.projected'; projections: string[]; events: number; costMs: number; sameTransaction: boolean } & Ids)
  // snapshots
  | ({
      type: 'snapshot.loaded';
      streamId: string;
      snapshotVersion: number;
      stateVersion: number;
      eventsFolded: number;
      eventsSkipped: number;
    } & Ids)
  | ({
      type: 'snapshot.ignored';
      streamId: string;
      snapshotVersion: number;
      snapshotStateVersion: number;
      expectedStateVersion: number;
      eventsFolded: number;
    } & Ids)
  | ({ type: 'snapshot.taken'; streamId: string; version: number; stateVersion: number } & Ids)
  // delivery
  | { type: 'events.imported'; commandId: string; events: EventRef[]; upcast: number }
  | { type: 'publish.lost'; commandId: string; positions: number[]; reason: string }
  | { type: 'outbox.relayed'; positions: number[]; attempt: number }
  | { type: 'outbox.relayCrashed'; positions: number[]; stage: 'beforePublish' | 'afterPublish'; retryAt: number }
  | { type: 'fault.armed'; fault: 'publishCrash'; stage: 'beforePublish' | 'afterPublish'; count: number }
  // bus
  /** `deliverAt[i]`: when the first copy for `subscribers[i]` is due (virtual ms). */
  | {
      type: 'bus.published';
      position: number;
      streamId: string;
      version: number;
      eventType: string;
      commandId: string;
      subscribers: string[];
      deliverAt: number[];
    }
  | { type: 'bus.duplicated'; projection: string; position: number; deliverAt: number }
  | { type: 'bus.dropped'; projection: string; position: number; attempt: number; duplicate: boolean; redeliverAt: number }
  | {
      type: 'bus.delivered';
      projection: string;
      position: number;
      streamId: string;
      version: number;
      eventType: string;
      attempt: number;
      duplicate: boolean;
      publishedAt: number;
    }
  | { type: 'bus.held'; projection: string; position: number }
  | { type: 'bus.released'; projection: string; count: number }
  | { type: 'bus.discarded'; projection: string; position: number; reason: string }
  // projections
  | {
      type: 'projection.applied';
      projection: string;
      position: number;
      streamId: string;
      version: number;
      eventType: string;
      commandId: string;
      mode: 'live' | 'catchUp' | 'sync';
    }
  | { type: 'projection.duplicateSkipped'; projection: string; position: number; streamId: string; version: number; appliedVersion: number }
  | {
      type: 'projection.gapDetected';
      projection: string;
      position: number;
      streamId: string;
      expectedVersion: number;
      receivedVersion: number;
    }
  | { type: 'projection.held'; projection: string; position: number; streamId: string; version: number }
  /** A poison event parked in the projection's dead-letter table and skipped (projection.deadLetter on). */
  | {
      type: 'projection.deadLettered';
      projection: string;
      position: number;
      streamId: string;
      version: number;
      eventType: string;
      reason: string;
    }
  | { type: 'projection.checkpointed'; projection: string; watermark: number; headPosition: number; lagEvents: number; events: number }
  | { type: 'projection.paused'; projection: string }
  | { type: 'projection.resumed'; projection: string; from: 'paused' | 'crashed' }
  | { type: 'projection.crashRequested'; projection: string; crashPoint?: 'beforeCheckpoint' }
  | {
      type: 'projection.crashed';
      projection: string;
      reason: string;
      rolledBack: number;
      lostInbox: number;
      watermark: number;
      committedWithoutCheckpoint?: number;
    }
  | { type: 'projection.catchUpStarted'; projection: string; fromPosition: number; headPosition: number }
  | { type: 'projection.caughtUp'; projection: string; watermark: number }
  | { type: 'projection.rebuildStarted'; projection: string; headPosition: number }
  | { type: 'projection.rebuildProgress'; projection: string; position: number; headPosition: number; events: number }
  | { type: 'projection.rebuildFinished'; projection: string; watermark: number; events: number }
  | { type: 'projection.shadowStarted'; projection: string; variant: string; liveVariant: string; headPosition: number }
  | {
      type: 'projection.shadowProgress';
      projection: string;
      variant: string;
      role: 'candidate' | 'previous';
      position: number;
      headPosition: number;
      events: number;
    }
  | { type: 'projection.shadowCaughtUp'; projection: string; variant: string; watermark: number }
  | {
      type: 'projection.compared';
      projection: string;
      liveVariant: string;
      otherVariant: string;
      livePosition: number;
      otherPosition: number;
      differingRows: number;
      tables: { table: string; changed: number; onlyLive: number; onlyOther: number }[];
    }
  | { type: 'projection.flipped'; projection: string; from: string; to: string; watermark: number; caughtUpEvents: number }
  | { type: 'projection.rolledBack'; projection: string; from: string; to: string; watermark: number; caughtUpEvents: number }
  | { type: 'projection.shadowDropped'; projection: string; variant: string; role: 'candidate' | 'previous' }
  // sagas
  | { type: 'saga.started'; saga: string; sagaId: string; position: number; eventType: string; correlationId: string }
  | {
      type: 'saga.stepped';
      saga: string;
      sagaId: string;
      trigger: 'event' | 'timeout' | 'rejection';
      cause: string;
      position: number | null;
      from: string | null;
      to: string;
      commands: string[];
      done: boolean;
    }
  | { type: 'saga.duplicateSkipped'; saga: string; sagaId: string; position: number }
  | { type: 'saga.ignored'; saga: string; sagaId: string | null; position: number | null; reason: string }
  | { type: 'saga.commandSent'; saga: string; sagaId: string; commandId: string; commandType: string; attempt: number }
  | { type: 'saga.commandRefused'; saga: string; sagaId: string; commandId: string; commandType: string; code: string; willRetry: boolean }
  | { type: 'saga.timeoutScheduled'; saga: string; sagaId: string; name: string; dueAt: number }
  | { type: 'saga.timedOut'; saga: string; sagaId: string; name: string }
  | { type: 'saga.finished'; saga: string; sagaId: string; status: string }
  // feeds
  | {
      type: 'feed.written';
      projection: string;
      strategy: FanOutStrategy;
      position: number;
      eventType: string;
      rowsWritten: number;
      rowsRead: number;
    }
  | { type: 'feed.read'; queryId: string; projection: string; strategy: FanOutStrategy; rowsRead: number }
  // queries and settings
  | {
      type: 'query.received';
      queryId: string;
      queryType: string;
      projection: string;
      sessionId?: string;
      strategy?: ConsistencyStrategy;
      requiredPosition?: number | null;
    }
  | {
      type: 'query.executed';
      queryId: string;
      queryType: string;
      projection: string;
      position: number;
      headPosition: number;
      lagEvents: number;
      lagMs: number;
      sessionId?: string;
      strategy?: ConsistencyStrategy;
      source?: AnswerSource;
      waitedMs?: number;
      polls?: number;
      stale?: boolean;
      sawOwnWrite?: boolean | null;
    }
  | { type: 'query.waiting'; queryId: string; projection: string; target: number; position: number; timeoutAt: number }
  | { type: 'query.waited'; queryId: string; projection: string; target: number; position: number; waitedMs: number; satisfied: boolean }
  | { type: 'query.polled'; queryId: string; projection: string; poll: number; position: number; target: number; satisfied: boolean }
  | {
      type: 'query.pushed';
      queryId: string;
      projection: string;
      subscriptionId: string;
      target: number;
      position: number;
      waitedMs: number;
    }
  | { type: 'query.fromWriteSide'; queryId: string; projection: string; fromPosition: number; toPosition: number; events: number }
  | {
      type: 'query.optimistic';
      queryId: string;
      projection: string;
      commandIds: string[];
      predictedEvents: number;
      confirmedEvents: number;
      position: number;
      sessionId?: string;
    }
  | {
      type: 'query.reconciled';
      queryId: string;
      projection: string;
      position: number;
      /** The optimistic answer equals the real one. */
      matched: boolean;
      /** Paths where they differ (e.g. "stock", "updatedAt"). */
      differences: string[];
      commandIds: string[];
      afterMs: number;
      sessionId?: string;
    }
  | {
      type: 'query.rolledBack';
      queryId: string;
      projection: string;
      commandId: string;
      rejection: Rejection;
      afterMs: number;
      sessionId?: string;
    }
  | { type: 'query.cacheHit'; queryId: string; projection: string; position: number; cachedAt: number; ageMs: number }
  | { type: 'query.revalidated'; queryId: string; projection: string; position: number; changed: boolean }
  | { type: 'session.configured'; sessionId: string; consistency: ConsistencyOptions | null }
  | { type: 'subscription.created'; subscriptionId: string; projection: string; position: number; sessionId?: string }
  | {
      type: 'subscription.notified';
      subscriptionId: string;
      projection: string;
      position: number;
      watermark: number;
      waitedMs: number;
      sessionId?: string;
    }
  | {
      type: 'temporal.aggregate';
      streamId: string;
      asOf: AsOf;
      version: number;
      position: number;
      eventsFolded: number;
      snapshotVersion: number | null;
    }
  | {
      type: 'temporal.projection';
      projection: string;
      asOf: { position: number } | { at: number };
      position: number;
      events: number;
      queryType: string | null;
    }
  | { type: 'settings.changed'; changes: SettingsPatch };

export type TraceType = TraceBody['type'];
export type TraceRecord = TraceBase & TraceBody;
export type TraceOf<T extends TraceType> = TraceBase & Extract<TraceBody, { type: T }>;

/** Find records of one type, typed. */
export function recordsOf<T extends TraceType>(trace: readonly TraceRecord[], type: T): TraceOf<T>[] {
  return trace.filter((r) => r.type === type) as TraceOf<T>[];
}

export type TraceListener = (record: TraceRecord) => void;

/**
 * Append-only log of records. `limit` keeps only the most recent records in
 * memory (listeners still see every one); seq numbers stay global.
 */
export class Trace {
  #records: TraceRecord[] = [];
  #seq = 0;
  #listeners = new Set<TraceListener>();
  readonly limit: number;
  /**
   * Records held before the oldest are dropped back to `limit`: a quarter over it, so a drop
   * (moving `limit` references) comes once per limit/4 records, and memory peaks at 1.25 × limit
   * (at 2 × it was the coordinator's largest heap, about 200 MB at the sandbox's 200,000).
   */
  readonly #trimAt: number;

  constructor(limit = Number.POSITIVE_INFINITY) {
    this.limit = limit;
    this.#trimAt = limit + Math.ceil(limit / 4);
  }

  get records(): readonly TraceRecord[] {
    return this.#records;
  }
  get count(): number {
    return this.#seq;
  }

  emit(at: number, body: TraceBody): TraceRecord {
    const record = { seq: ++this.#seq, at, ...body } as TraceRecord;
    if (this.limit > 0) {
      this.#records.push(record);
      if (this.#records.length > this.#trimAt) this.#records.splice(0, this.#records.length - this.limit);
    }
    for (const listener of this.#listeners) listener(record);
    return record;
  }

  onRecord(listener: TraceListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The retained records, at most `limit` of them. */
  snapshot(): TraceRecord[] {
    const r = this.#records;
    return Number.isFinite(this.limit) && r.length > this.limit ? r.slice(r.length - this.limit) : [...r];
  }
}
