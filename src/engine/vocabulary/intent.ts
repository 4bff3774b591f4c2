// The one vocabulary that drives the engine: sandbox controls, terminal,
// lessons, scenarios and drills all dispatch intents. Plain JSON, so a run
// can be recorded, shared in a URL and replayed.
import type { SettingsPatch } from '../settings.ts';

export interface CommandInput {
  type: string;
  data: Record<string, unknown>;
  /** Idempotency key. When omitted the engine assigns `cmd-<n>`. */
  commandId?: string;
  /** Defaults to the commandId. */
  correlationId?: string;
  /**
   * The client's optimistic concurrency: the version of the command's stream
   * it decided on (0 = the stream must not exist yet). If the stream is at
   * another version, the command fails with a ConcurrencyError naming both,
   * and is not retried. Only for a command that writes one stream.
   */
  expectedVersion?: number;
}

export interface QueryInput {
  type: string;
  params?: Record<string, unknown>;
}

/**
 * How a query copes with a read model that may be behind:
 * - eventual: read the read store as it is;
 * - readYourWrites: the session's own writes must be visible: wait for the
 *   read model to pass the session's last write (`via: 'wait'`, default), or
 *   complete the answer from the event store (`via: 'writeSide'`);
 * - token: wait until the read model reaches `token` (a command's
 *   consistency token), or answer stale after `timeoutMs`;
 * - poll: the client asks again every `pollIntervalMs` until the read model
 *   reaches the token (polls are counted), or gives up after `timeoutMs`;
 * - push: the client subscribes to the projection passing the token and
 *   asks when notified (or after `timeoutMs`);
 * - optimistic: answer at once with the session's pending commands applied on
 *   top of the read model (predicted), then reconcile when the projection
 *   catches up, or roll back when a command is refused;
 * - staleWhileRevalidate: answer from the session's cache at once and refresh
 *   it in the background (a miss reads the read model).
 */
export type ConsistencyStrategy = 'eventual' | 'readYourWrites' | 'token' | 'poll' | 'push' | 'optimistic' | 'staleWhileRevalidate';

export const CONSISTENCY_STRATEGIES: readonly ConsistencyStrategy[] = [
  'eventual',
  'readYourWrites',
  'token',
  'poll',
  'push',
  'optimistic',
  'staleWhileRevalidate',
];

export interface ConsistencyOptions {
  strategy: ConsistencyStrategy;
  /** token / poll / push: the position to reach (default: the session's last write). */
  token?: number;
  /** Waiting strategies: give up after this long and answer stale (default settings.consistency.timeoutMs). */
  timeoutMs?: number;
  /** poll: interval between polls (default settings.consistency.pollIntervalMs). */
  pollIntervalMs?: number;
  /** readYourWrites: wait for the read model (default) or complete the answer from the write side. */
  via?: 'wait' | 'writeSide';
}

export type ProjectionAction =
  | 'pause'
  | 'resume'
  | 'crash'
  | 'rebuild'
  /** Build a version of the projection beside the live one, from position 0 (blue/green). */
  | 'shadowRebuild'
  /** Rows that differ between the live store and the shadow (or previous) one. */
  | 'compare'
  /** The caught-up shadow takes over, atomically; the old version is kept up to date for a rollback. */
  | 'flip'
  /** Go back to the version before the last flip. */
  | 'rollback'
  /** Discard the shadow (or previous) store. */
  | 'dropShadow';

export const PROJECTION_ACTIONS: readonly ProjectionAction[] = [
  'pause',
  'resume',
  'crash',
  'rebuild',
  'shadowRebuild',
  'compare',
  'flip',
  'rollback',
  'dropShadow',
];

/** A point in history: a global position, a virtual time, or (aggregates) a stream version. */
export type AsOf = { position: number } | { at: number } | { version: number };

export interface ImportedEventInput {
  streamId: string;
  type: string;
  /** The schema version the payload is written in (default: the current one). */
  schemaVersion?: number;
  data: Record<string, unknown>;
}

export type Intent =
  | { kind: 'command'; command: CommandInput; sessionId?: string }
  | { kind: 'query'; query: QueryInput; sessionId?: string; consistency?: ConsistencyOptions }
  | { kind: 'configure'; settings: SettingsPatch }
  /**
   * `crashPoint` (crash only): where the armed crash strikes. `midBatch` (the
   * default) dies halfway through a batch, which rolls back with its
   * checkpoint. `beforeCheckpoint` simulates a projection that saves its
   * checkpoint in a separate transaction and dies in between: the next
   * batch's rows are committed, its checkpoint is not, so resuming applies
   * those events again.
   */
  | { kind: 'projection'; action: ProjectionAction; name: string; variant?: string; crashPoint?: CrashPoint }
  /** The session's default consistency strategy for its queries (null: back to eventual). */
  | { kind: 'session'; sessionId: string; consistency: ConsistencyOptions | null }
  /** Push: be notified when `projection` has reflected everything up to `position`. */
  | { kind: 'subscribe'; projection: string; position: number; sessionId?: string }
  /** Temporal query: an aggregate's state as of a position, a virtual time or a stream version. */
  | { kind: 'aggregateAt'; streamId: string; asOf: AsOf }
  /** Temporal query: a projection's state (or one query's answer) as of a position or a virtual time. */
  | { kind: 'projectionAt'; projection: string; asOf: { position: number } | { at: number }; query?: QueryInput }
  /** Append history written by an older system (any schema version), e.g. to watch upcasting. */
  | { kind: 'import'; events: ImportedEventInput[] }
  /** Arm a fault: the next `count` publishes crash (dual write: before publishing; outbox: the relay, before or after). */
  | { kind: 'fault'; fault: 'publishCrash'; stage?: 'beforePublish' | 'afterPublish'; count?: number };

export type IntentKind = Intent['kind'];

/** Where a requested projection crash strikes (see the projection intent). */
export type CrashPoint = 'midBatch' | 'beforeCheckpoint';
export const CRASH_POINTS: readonly CrashPoint[] = ['midBatch', 'beforeCheckpoint'];

/**
 * One recorded intent. `step` is the number of scheduler steps that had run
 * when it was dispatched, which pins it exactly between two tasks of the same
 * virtual instant; hand-written scripts may omit it and give only `at`.
 */
export interface ScriptEntry {
  at: number;
  step?: number;
  intent: Intent;
}
