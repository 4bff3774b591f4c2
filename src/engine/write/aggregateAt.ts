// Temporal query on the write side: an aggregate's state as it stood at a
// global position, a virtual time or one of its stream's versions.
import { UnknownStreamError } from '../errors.ts';
import type { AggregateStreams, SnapshotPolicy, SnapshotUse } from './aggregateStreams.ts';

export interface AggregateAtRequest {
  streamId: string;
  /** One of: the stream as it stood at a global position, at a virtual time, or at one of its versions. */
  position?: number;
  at?: number;
  version?: number;
  snapshots?: SnapshotPolicy;
}

export interface AggregateAtResult {
  streamId: string;
  aggregate: string;
  /** Stream version reached (0: the stream did not exist yet). */
  version: number;
  /** Global position and virtual time of that version's event (0 when none). */
  position: number;
  recordedAt: number;
  state: unknown;
  eventsFolded: number;
  snapshot: SnapshotUse | null;
}

/** A temporal query: the aggregate's state as it stood at a position, a virtual time or a version. */
export function aggregateAt(streams: AggregateStreams, req: AggregateAtRequest): AggregateAtResult {
  const current = streams.store.streamVersion(req.streamId);
  if (current === 0) throw new UnknownStreamError(req.streamId);
  const aggregate = streams.aggregateOf(req.streamId);
  let target = current;
  if (req.version !== undefined) target = Math.min(req.version, current);
  else if (req.position !== undefined) target = streams.store.streamVersionAtPosition(req.streamId, req.position);
  else if (req.at !== undefined) target = streams.store.streamVersionAtPosition(req.streamId, streams.store.positionAt(req.at));
  const folded = streams.fold(req.streamId, aggregate.name, req.snapshots, target);
  const last = target > 0 ? streams.store.readStream(req.streamId, target)[0] : undefined;
  return {
    streamId: req.streamId,
    aggregate: aggregate.name,
    version: folded.version,
    position: last?.position ?? 0,
    recordedAt: last?.metadata.recordedAt ?? 0,
    state: folded.state,
    eventsFolded: folded.eventsFolded ?? folded.version,
    snapshot: folded.snapshot ?? null,
  };
}
