// What applying events to a read model gives back, and how two versions of
// a read model compare. Shared by the read side, the write side (level 1:
// synchronous projections inside the command's transaction) and the
// coordinator, so none of them imports another for these shapes.
import type { SqlRow } from '../sqlite.ts';
import type { ApplyGuards } from '../settings.ts';
import type { EventEnvelope } from './envelope.ts';
import type { TraceBody } from './trace.ts';

export interface ProjectionCounters {
  /** Events applied to the read model (handled types only). */
  applied: number;
  /** Deliveries skipped because that stream version was already applied. */
  duplicatesSkipped: number;
  /** Events of types this projection does not handle (they only move the checkpoint). */
  ignored: number;
  gapsDetected: number;
  /** Events currently held, waiting for a predecessor. */
  held: number;
}

export interface BatchOutcome {
  crashed: boolean;
  /** Trace records to emit, in order (empty for a rolled-back batch; the applied records of a batch committed without its checkpoint). */
  drafts: TraceBody[];
  /** Events whose rows were committed by a batch that crashed before saving its checkpoint. */
  committedWithoutCheckpoint?: number;
  /** Events the crashed batch had applied before it failed, now rolled back. */
  rolledBack: number;
  /** Why it crashed: 'requested' (a simulated crash) or the handler's error message. */
  reason?: string;
  watermark: number;
  counters: ProjectionCounters;
  /** Read-model rows written by the batch (when metered). */
  rowsWritten?: number;
}

export interface TableDiff {
  table: string;
  /** Same key, different values. */
  changed: number;
  onlyLive: number;
  onlyOther: number;
  samples: { key: string; live: SqlRow | null; other: SqlRow | null }[];
}

export interface Comparison {
  liveVariant: string;
  otherVariant: string;
  livePosition: number;
  otherPosition: number;
  /** Rows that differ in total (changed + only on one side). */
  differingRows: number;
  tables: TableDiff[];
}

export interface OtherStoreInfo {
  variant: string;
  role: 'candidate' | 'previous';
  watermark: number;
  /** Events applied to it since it was started. */
  events: number;
}

export interface ApplyBatchRequest {
  projection: string;
  events: EventEnvelope[];
  mode: 'live' | 'catchUp';
  guards: ApplyGuards;
  headPosition: number;
  /** Simulate a crash after this many events of the batch. */
  failAfter?: number;
  /** Simulate a crash after the batch's rows commit, before its checkpoint is saved. */
  crashBeforeCheckpoint?: boolean;
  /** Count rows written (costs.projectRowMs). Feed projections are always metered. */
  meter?: boolean;
  /** Label of the projection.applied records ('sync' when applied inside a command). */
  label?: 'live' | 'catchUp' | 'sync';
}
