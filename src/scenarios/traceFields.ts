// The fields of every trace record type, for authors and the schema: a
// `traceCount` criterion may only name a real record type and filter on its
// real fields (a typo would otherwise validate and silently count 0).
// The compiler checks every type is here with fields it really has; a test
// checks no field a run produces is missing.
import type { TraceBody, TraceType } from '../engine/index.ts';

type FieldsOf<T extends TraceType> = Exclude<keyof Extract<TraceBody, { type: T }>, 'type'>;

/** Every record also carries these. */
export const TRACE_BASE_FIELDS = ['seq', 'at'] as const;

export const TRACE_FIELDS = {
  'command.received': ['commandType', 'attempt', 'commandId', 'correlationId', 'sessionId'],
  'command.loaded': ['streams', 'attempt', 'commandId', 'correlationId', 'sessionId'],
  'command.duplicate': ['commandType', 'consistencyToken', 'commandId', 'correlationId', 'sessionId'],
  'command.decided': ['events', 'attempt', 'commandId', 'correlationId', 'sessionId'],
  'command.rejected': ['commandType', 'rejection', 'commandId', 'correlationId', 'sessionId'],
  'command.conflict': ['streamId', 'expectedVersion', 'actualVersion', 'attempt', 'commandId', 'correlationId', 'sessionId'],
  'command.retried': ['attempt', 'retryAt', 'commandId', 'correlationId', 'sessionId'],
  'command.staleVersion': ['streamId', 'expectedVersion', 'actualVersion', 'stage', 'attempt', 'commandId', 'correlationId', 'sessionId'],
  'command.failed': ['code', 'message', 'attempts', 'commandId', 'correlationId', 'sessionId'],
  'events.appended': ['causationId', 'events', 'consistencyToken', 'commandId', 'correlationId', 'sessionId'],
  'command.completed': ['commandType', 'consistencyToken', 'durationMs', 'attempts', 'commandId', 'correlationId', 'sessionId'],
  'command.projected': ['projections', 'events', 'costMs', 'sameTransaction', 'commandId', 'correlationId', 'sessionId'],
  'snapshot.loaded': [
    'streamId',
    'snapshotVersion',
    'stateVersion',
    'eventsFolded',
    'eventsSkipped',
    'commandId',
    'correlationId',
    'sessionId',
  ],
  'snapshot.ignored': [
    'streamId',
    'snapshotVersion',
    'snapshotStateVersion',
    'expectedStateVersion',
    'eventsFolded',
    'commandId',
    'correlationId',
    'sessionId',
  ],
  'snapshot.taken': ['streamId', 'version', 'stateVersion', 'commandId', 'correlationId', 'sessionId'],
  'events.imported': ['commandId', 'events', 'upcast'],
  'publish.lost': ['commandId', 'positions', 'reason'],
  'outbox.relayed': ['positions', 'attempt'],
  'outbox.relayCrashed': ['positions', 'stage', 'retryAt'],
  'fault.armed': ['fault', 'stage', 'count'],
  'bus.published': ['position', 'streamId', 'version', 'eventType', 'commandId', 'subscribers', 'deliverAt'],
  'bus.duplicated': ['projection', 'position', 'deliverAt'],
  'bus.dropped': ['projection', 'position', 'attempt', 'duplicate', 'redeliverAt'],
  'bus.delivered': ['projection', 'position', 'streamId', 'version', 'eventType', 'attempt', 'duplicate', 'publishedAt'],
  'bus.held': ['projection', 'position'],
  'bus.released': ['projection', 'count'],
  'bus.discarded': ['projection', 'position', 'reason'],
  'projection.applied': ['projection', 'position', 'streamId', 'version', 'eventType', 'commandId', 'mode'],
  'projection.duplicateSkipped': ['projection', 'position', 'streamId', 'version', 'appliedVersion'],
  'projection.gapDetected': ['projection', 'position', 'streamId', 'expectedVersion', 'receivedVersion'],
  'projection.held': ['projection', 'position', 'streamId', 'version'],
  'projection.deadLettered': ['projection', 'position', 'streamId', 'version', 'eventType', 'reason'],
  'projection.checkpointed': ['projection', 'watermark', 'headPosition', 'lagEvents', 'events'],
  'projection.paused': ['projection'],
  'projection.resumed': ['projection', 'from'],
  'projection.crashRequested': ['projection', 'crashPoint'],
  'projection.crashed': ['projection', 'reason', 'rolledBack', 'lostInbox', 'watermark', 'committedWithoutCheckpoint'],
  'projection.catchUpStarted': ['projection', 'fromPosition', 'headPosition'],
  'projection.caughtUp': ['projection', 'watermark'],
  'projection.rebuildStarted': ['projection', 'headPosition'],
  'projection.rebuildProgress': ['projection', 'position', 'headPosition', 'events'],
  'projection.rebuildFinished': ['projection', 'watermark', 'events'],
  'projection.shadowStarted': ['projection', 'variant', 'liveVariant', 'headPosition'],
  'projection.shadowProgress': ['projection', 'variant', 'role', 'position', 'headPosition', 'events'],
  'projection.shadowCaughtUp': ['projection', 'variant', 'watermark'],
  'projection.compared': ['projection', 'liveVariant', 'otherVariant', 'livePosition', 'otherPosition', 'differingRows', 'tables'],
  'projection.flipped': ['projection', 'from', 'to', 'watermark', 'caughtUpEvents'],
  'projection.rolledBack': ['projection', 'from', 'to', 'watermark', 'caughtUpEvents'],
  'projection.shadowDropped': ['projection', 'variant', 'role'],
  'saga.started': ['saga', 'sagaId', 'position', 'eventType', 'correlationId'],
  'saga.stepped': ['saga', 'sagaId', 'trigger', 'cause', 'position', 'from', 'to', 'commands', 'done'],
  'saga.duplicateSkipped': ['saga', 'sagaId', 'position'],
  'saga.ignored': ['saga', 'sagaId', 'position', 'reason'],
  'saga.commandSent': ['saga', 'sagaId', 'commandId', 'commandType', 'attempt'],
  'saga.commandRefused': ['saga', 'sagaId', 'commandId', 'commandType', 'code', 'willRetry'],
  'saga.timeoutScheduled': ['saga', 'sagaId', 'name', 'dueAt'],
  'saga.timedOut': ['saga', 'sagaId', 'name'],
  'saga.finished': ['saga', 'sagaId', 'status'],
  'feed.written': ['projection', 'strategy', 'position', 'eventType', 'rowsWritten', 'rowsRead'],
  'feed.read': ['queryId', 'projection', 'strategy', 'rowsRead'],
  'query.received': ['queryId', 'queryType', 'projection', 'sessionId', 'strategy', 'requiredPosition'],
  'query.executed': [
    'queryId',
    'queryType',
    'projection',
    'position',
    'headPosition',
    'lagEvents',
    'lagMs',
    'sessionId',
    'strategy',
    'source',
    'waitedMs',
    'polls',
    'stale',
    'sawOwnWrite',
  ],
  'query.waiting': ['queryId', 'projection', 'target', 'position', 'timeoutAt'],
  'query.waited': ['queryId', 'projection', 'target', 'position', 'waitedMs', 'satisfied'],
  'query.polled': ['queryId', 'projection', 'poll', 'position', 'target', 'satisfied'],
  'query.pushed': ['queryId', 'projection', 'subscriptionId', 'target', 'position', 'waitedMs'],
  'query.fromWriteSide': ['queryId', 'projection', 'fromPosition', 'toPosition', 'events'],
  'query.optimistic': ['queryId', 'projection', 'commandIds', 'predictedEvents', 'confirmedEvents', 'position', 'sessionId'],
  'query.reconciled': ['queryId', 'projection', 'position', 'matched', 'differences', 'commandIds', 'afterMs', 'sessionId'],
  'query.rolledBack': ['queryId', 'projection', 'commandId', 'rejection', 'afterMs', 'sessionId'],
  'query.cacheHit': ['queryId', 'projection', 'position', 'cachedAt', 'ageMs'],
  'query.revalidated': ['queryId', 'projection', 'position', 'changed'],
  'session.configured': ['sessionId', 'consistency'],
  'subscription.created': ['subscriptionId', 'projection', 'position', 'sessionId'],
  'subscription.notified': ['subscriptionId', 'projection', 'position', 'watermark', 'waitedMs', 'sessionId'],
  'temporal.aggregate': ['streamId', 'asOf', 'version', 'position', 'eventsFolded', 'snapshotVersion'],
  'temporal.projection': ['projection', 'asOf', 'position', 'events', 'queryType'],
  'settings.changed': ['changes'],
} as const satisfies { [K in TraceType]: readonly FieldsOf<K>[] };

export const TRACE_TYPES = Object.keys(TRACE_FIELDS) as TraceType[];

export function isTraceType(type: string): type is TraceType {
  return Object.hasOwn(TRACE_FIELDS, type);
}

/** The fields a `where` may name for a record type (its own and seq, at). */
export function traceFieldsOf(type: TraceType): readonly string[] {
  return [...TRACE_BASE_FIELDS, ...TRACE_FIELDS[type]];
}
