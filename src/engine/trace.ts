// The single record of what happened. The sandbox's timeline, lag charts and
// sequence diagrams are drawn from it, and replaying a script must produce
// the same JSON byte for byte, so records are plain data built in a fixed
// field order, stamped with a sequence number and virtual time.
import type { Rejection } from './domain.ts';
import type { SettingsPatch } from './settings.ts';

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

export interface StreamVersion {
  streamId: string;
  version: number;
}

export interface EventRef {
  position: number;
  streamId: string;
  version: number;
  eventType: string;
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
  | ({ type: 'command.failed'; code: string; message: string; attempts: number } & Ids)
  | ({ type: 'events.appended'; causationId: string; events: EventRef[]; consistencyToken: number } & Ids)
  | ({ type: 'command.completed'; commandType: string; consistencyToken: number; durationMs: number; attempts: number } & Ids)
  // bus
  | { type: 'bus.published'; position: number; streamId: string; version: number; eventType: string; commandId: string; subscribers: string[] }
  | { type: 'bus.duplicated'; projection: string; position: number; deliverAt: number }
  | { type: 'bus.dropped'; projection: string; position: number; attempt: number; redeliverAt: number }
  | { type: 'bus.delivered'; projection: string; position: number; streamId: string; version: number; eventType: string; attempt: number; duplicate: boolean; publishedAt: number }
  | { type: 'bus.held'; projection: string; position: number }
  | { type: 'bus.released'; projection: string; count: number }
  | { type: 'bus.discarded'; projection: string; position: number; reason: string }
  // projections
  | { type: 'projection.applied'; projection: string; position: number; streamId: string; version: number; eventType: string; commandId: string; mode: 'live' | 'catchUp' }
  | { type: 'projection.duplicateSkipped'; projection: string; position: number; streamId: string; version: number; appliedVersion: number }
  | { type: 'projection.gapDetected'; projection: string; position: number; streamId: string; expectedVersion: number; receivedVersion: number }
  | { type: 'projection.held'; projection: string; position: number; streamId: string; version: number }
  | { type: 'projection.checkpointed'; projection: string; watermark: number; headPosition: number; lagEvents: number; events: number }
  | { type: 'projection.paused'; projection: string }
  | { type: 'projection.resumed'; projection: string; from: 'paused' | 'crashed' }
  | { type: 'projection.crashRequested'; projection: string }
  | { type: 'projection.crashed'; projection: string; reason: string; rolledBack: number; lostInbox: number; watermark: number }
  | { type: 'projection.catchUpStarted'; projection: string; fromPosition: number; headPosition: number }
  | { type: 'projection.caughtUp'; projection: string; watermark: number }
  | { type: 'projection.rebuildStarted'; projection: string; headPosition: number }
  | { type: 'projection.rebuildProgress'; projection: string; position: number; headPosition: number; events: number }
  | { type: 'projection.rebuildFinished'; projection: string; watermark: number; events: number }
  // queries and settings
  | { type: 'query.received'; queryId: string; queryType: string; projection: string; sessionId?: string }
  | { type: 'query.executed'; queryId: string; queryType: string; projection: string; position: number; headPosition: number; lagEvents: number; lagMs: number; sessionId?: string }
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

  constructor(limit = Number.POSITIVE_INFINITY) {
    this.limit = limit;
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
      if (this.#records.length > this.limit * 2) this.#records.splice(0, this.#records.length - this.limit);
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
