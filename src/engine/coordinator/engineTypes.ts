// What the engine's public methods give back, beside the command and query
// results of the shared vocabulary.
import type { DomainDefinition } from '../domain.ts';
import type { ReadSidePort } from '../readSide.ts';
import type { EngineSettings, ProjectionGuards, SeparationLevel, SettingsPatch } from '../settings.ts';
import type { SqlJsStatic } from '../sqlite.ts';
import type { ConsistencyOptions, Intent, ProjectionAction } from '../vocabulary/intent.ts';
import type { Comparison, ProjectionCounters } from '../vocabulary/projection.ts';
import type { CommandResult, ProjectionStatus, QueryResult } from '../vocabulary/results.ts';
import type { AggregateAtResult } from '../write/aggregateAt.ts';
import type { WriteSidePort } from '../writeSide.ts';

export interface EngineOptions {
  domain: DomainDefinition;
  seed: number;
  settings?: SettingsPatch;
  /** The initialised sql.js module; used to build both sides in-process. */
  sql?: SqlJsStatic;
  /** Or the sides themselves (e.g. proxies to workers). */
  write?: WriteSidePort;
  read?: ReadSidePort;
  /** Keep only the latest N trace records in memory (listeners still get all). */
  traceLimit?: number;
}

export interface ShadowInfo {
  variant: string;
  /** candidate: built beside the live store, waiting to take over; previous: the version a flip replaced, kept for a rollback. */
  role: 'candidate' | 'previous';
  /** building: still replaying history; caughtUp: it reached the head once and now follows the log. */
  status: 'building' | 'caughtUp';
  position: number;
  lagEvents: number;
  events: number;
}

export interface ProjectionInfo {
  name: string;
  status: ProjectionStatus;
  /** Watermark: every event up to here is reflected. */
  position: number;
  headPosition: number;
  lagEvents: number;
  lagMs: number;
  /** Delivered but not yet applied. */
  inbox: number;
  /** Held by the bus during a pause. */
  heldByBus: number;
  counters: ProjectionCounters;
  guards: ProjectionGuards;
  /** How it is fed now: through the bus, or inside every command. */
  mode: 'async' | 'sync';
  /** The version of its code answering queries ('current' unless a shadow build was flipped in). */
  variant: string;
  /** The store beside the live one (shadow build), if any. */
  shadow: ShadowInfo | null;
}

export interface EngineStatus {
  at: number;
  step: number;
  pendingTasks: number;
  headPosition: number;
  projections: ProjectionInfo[];
  separationLevel: SeparationLevel;
  delivery: EngineSettings['delivery'];
  /** Positions whose publication was lost (dual write under a fault): no read model will get them through the bus. */
  lostPositions: number[];
}

export interface SubscriptionReceipt {
  subscriptionId: string;
  projection: string;
  position: number;
}

export interface ShadowComparison extends Comparison {
  projection: string;
}

export interface ProjectionAtResult {
  projection: string;
  asOf: { position: number } | { at: number };
  /** The log position the state was rebuilt to. */
  position: number;
  /** The query's answer on that state, when a query was given. */
  data?: unknown;
  /** Every table of the projection as of then, when no query was given. */
  tables?: Record<string, { columns: string[]; rows: unknown[][]; truncated: boolean }>;
}

export interface ImportResult {
  commandId: string;
  events: { position: number; streamId: string; version: number; eventType: string; storedSchemaVersion: number }[];
}

export interface SessionInfo {
  sessionId: string;
  /** Consistency token of the session's last accepted write (0: none). */
  lastWrite: number;
  consistency: ConsistencyOptions | null;
}

export interface FaultInfo {
  fault: 'publishCrash';
  stage: 'beforePublish' | 'afterPublish';
  /** Crashes armed in total. */
  armed: number;
}

export type SubmitReceipt =
  | { kind: 'command'; commandId: string }
  | { kind: 'query'; queryId: string }
  | { kind: 'configure'; settings: EngineSettings }
  | { kind: 'projection'; projection: ProjectionInfo }
  | { kind: 'session'; session: SessionInfo }
  | { kind: 'subscribe'; subscription: SubscriptionReceipt }
  | { kind: 'aggregateAt'; requestId: string }
  | { kind: 'projectionAt'; requestId: string }
  | { kind: 'import'; commandId: string }
  | { kind: 'fault'; fault: FaultInfo };

/**
 * What `dispatch` answers for an intent, by its kind (and, for projection
 * intents, its action: `compare` answers a comparison, the others the
 * projection's info). A union of intents gives the union of their answers.
 */
export type ResultOf<I extends Intent> = I extends { kind: 'command' }
  ? CommandResult
  : I extends { kind: 'query' }
    ? QueryResult
    : I extends { kind: 'configure' }
      ? EngineSettings
      : I extends { kind: 'projection'; action: 'compare' }
        ? ShadowComparison
        : I extends { kind: 'projection'; action: Exclude<ProjectionAction, 'compare'> }
          ? ProjectionInfo
          : I extends { kind: 'projection' }
            ? ProjectionInfo | ShadowComparison
            : I extends { kind: 'session' }
              ? SessionInfo
              : I extends { kind: 'subscribe' }
                ? SubscriptionReceipt
                : I extends { kind: 'aggregateAt' }
                  ? AggregateAtResult
                  : I extends { kind: 'projectionAt' }
                    ? ProjectionAtResult
                    : I extends { kind: 'import' }
                      ? ImportResult
                      : I extends { kind: 'fault' }
                        ? FaultInfo
                        : never;

/** Any answer of `dispatch`. */
export type DispatchResult = ResultOf<Intent>;
