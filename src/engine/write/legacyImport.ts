// Importing history written by an older system: events appended as they
// are, at any schema version, without a decider (upcast when read back).
import { InvalidIntentError } from '../errors.ts';
import type { EventEnvelope } from '../vocabulary/envelope.ts';
import type { AggregateStreams } from './aggregateStreams.ts';

export interface ImportedEvent {
  streamId: string;
  type: string;
  /** Schema version the payload is in (default: the current one). */
  schemaVersion?: number;
  data: Record<string, unknown>;
}

export interface ImportRequest {
  commandId: string;
  events: ImportedEvent[];
  at: number;
  outbox?: boolean;
}

/**
 * Legacy import: append events as they were written by an older system
 * (any schema version from 1 to the current one), at the end of their
 * streams, in one transaction. No decider runs: this is history, not a
 * command. Returns them as readers see them (upcast).
 */
export function importEvents(streams: AggregateStreams, req: ImportRequest): EventEnvelope[] {
  const next = new Map<string, number>();
  const pending: Omit<EventEnvelope, 'position'>[] = [];
  for (const e of req.events) {
    const spec = streams.domain.events.find((s) => s.type === e.type);
    if (!spec) throw new InvalidIntentError(`Unknown event type '${e.type}'.`);
    const aggregate = streams.aggregateOf(e.streamId);
    if (aggregate.name !== spec.aggregate) {
      throw new InvalidIntentError(`Event '${e.type}' belongs to ${spec.aggregate} streams, not to '${e.streamId}'.`);
    }
    const version = (next.get(e.streamId) ?? streams.store.streamVersion(e.streamId)) + 1;
    next.set(e.streamId, version);
    pending.push({
      streamId: e.streamId,
      version,
      type: e.type,
      schemaVersion: e.schemaVersion ?? spec.schemaVersion,
      data: e.data,
      metadata: { commandId: req.commandId, correlationId: req.commandId, causationId: req.commandId, recordedAt: req.at },
    });
  }
  const events = streams.store.sql.transaction(() => {
    const inserted = streams.store.insert(pending);
    if (req.outbox) streams.store.enqueue(inserted, req.at);
    return inserted;
  });
  streams.store.committed(events);
  const up = streams.store.upcasting;
  return events.map((e) => {
    if (!up || !up.needsUpcast(e.type, e.schemaVersion)) return e;
    return {
      ...e,
      data: up.upcast(e.type, e.schemaVersion, e.data),
      upcastFrom: e.schemaVersion,
      schemaVersion: up.currentVersion(e.type)!,
    };
  });
}
