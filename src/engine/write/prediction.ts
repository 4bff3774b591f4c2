// Deciding a command without appending: the events it would append right
// now, which an optimistic UI shows before the real answer.
import { isRejection, type Rejection } from '../domain.ts';
import type { AggregateStreams, SnapshotPolicy } from './aggregateStreams.ts';

export type PredictOutcome =
  | { kind: 'events'; events: { streamId: string; version: number; type: string; data: Record<string, unknown> }[] }
  | { kind: 'rejected'; rejection: Rejection };

/** Decide without appending: the events a command would append right now (an optimistic UI's prediction). */
export function predict(
  streams: AggregateStreams,
  req: { commandType: string; data: Record<string, unknown>; snapshots?: SnapshotPolicy },
): PredictOutcome {
  const out: Extract<PredictOutcome, { kind: 'events' }>['events'] = [];
  for (const route of streams.routes(req.commandType, req.data)) {
    const loaded = streams.fold(route.streamId, route.aggregate, req.snapshots);
    const decision = streams.aggregate(route.aggregate).decider.decide(route.command, loaded.state);
    if (isRejection(decision)) return { kind: 'rejected', rejection: { code: decision.code, message: decision.message } };
    let version = loaded.version;
    for (const e of decision)
      out.push({ streamId: route.streamId, version: ++version, type: e.type, data: e.data as Record<string, unknown> });
  }
  return { kind: 'events', events: out };
}
