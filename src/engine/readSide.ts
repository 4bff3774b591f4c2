// The read side as one object with a plain-data interface (the browser hosts
// it in its own worker). It owns the projections' read stores and knows
// nothing of the bus or the clock: the coordinator hands it batches and turns
// what it returns into trace records.
//
// Separation level 3 (the default): one sql.js database per projection.
// Level 2: one separate read database shared by every projection.
// Level 1: the read models live in the write side's database; this side then
// hosts nothing and the coordinator sends read-model work to the write side.
import type { DomainDefinition } from './domain.ts';
import { InvalidIntentError } from './errors.ts';
import type { ApplyBatchRequest, BatchOutcome, Comparison, OtherStoreInfo } from './vocabulary/projection.ts';
import {
  ReadModels,
  type OverlayQueryRequest,
  type ProjectionAtAnswer,
  type ProjectionAtRequest,
  type ProjectionState,
  type QueryAnswer,
  type RebuildBatchRequest,
  type ShadowState,
} from './read/readModels.ts';
import type { SqlResult } from './readOnlySql.ts';
import { SqlDb, type SqlJsStatic } from './sqlite.ts';
import { ReadModelsHost } from './read/readModelsHost.ts';
import type { SeparationLevel } from './settings.ts';

export type {
  ApplyBatchRequest,
  RebuildBatchRequest,
  ProjectionState,
  OverlayQueryRequest,
  ProjectionAtRequest,
  ProjectionAtAnswer,
  ShadowState,
  QueryAnswer,
};

type MaybePromise<T> = T | Promise<T>;

/**
 * Read-model work, whoever hosts it: the read side, or the write side at
 * separation level 1. Plain data in and out (the sides may live in workers).
 */
export interface ReadModelsPort {
  applyBatch(req: ApplyBatchRequest): MaybePromise<BatchOutcome>;
  crash(projection: string): MaybePromise<ProjectionState>;
  startRebuild(projection: string): MaybePromise<void>;
  rebuildBatch(req: RebuildBatchRequest): MaybePromise<{ crashed: boolean; watermark: number; reason?: string }>;
  finishRebuild(projection: string): MaybePromise<ProjectionState>;
  state(projection: string): MaybePromise<ProjectionState>;
  query(type: string, params: Record<string, unknown>): MaybePromise<QueryAnswer>;
  readOnlySql(projection: string, sql: string): MaybePromise<SqlResult>;
  /**
   * Several live batches in one call (one round trip to a worker), applied
   * strictly in order, exactly as that many applyBatch calls would be. The
   * engine sends the batches of distinct projections due at the same instant.
   * Optional: without it, each batch is one applyBatch call.
   */
  applyBatches?(requests: ApplyBatchRequest[]): MaybePromise<BatchOutcome[]>;
  /** A copy of the database file holding a read store (the terminal runs learner SQL on it elsewhere). */
  exportStore(store: string): MaybePromise<Uint8Array>;
  overlayQuery(req: OverlayQueryRequest): MaybePromise<QueryAnswer & { applied: number }>;
  projectionAt(req: ProjectionAtRequest): MaybePromise<ProjectionAtAnswer>;
  shadowStart(projection: string, variant: string): MaybePromise<void>;
  shadowBatch(projection: string, events: import('./vocabulary/envelope.ts').EventEnvelope[]): MaybePromise<{ watermark: number }>;
  shadowSwap(projection: string): MaybePromise<ShadowState>;
  shadowDrop(projection: string): MaybePromise<void>;
  shadowCompare(projection: string): MaybePromise<Comparison>;
  shadowInfo(projection: string): MaybePromise<OtherStoreInfo | null>;
  /** Choose where the read models live; only while nothing has been projected. */
  setSeparationLevel(level: SeparationLevel): MaybePromise<void>;
}

export type ReadSidePort = ReadModelsPort;

export class ReadSide extends ReadModelsHost implements ReadSidePort {
  readonly domain: DomainDefinition;
  readonly #sqlJs: SqlJsStatic;
  #level: SeparationLevel;
  #models: ReadModels | undefined;
  #shared: SqlDb | undefined;

  constructor(sql: SqlJsStatic, domain: DomainDefinition, options: { separationLevel?: SeparationLevel } = {}) {
    super();
    this.domain = domain;
    this.#sqlJs = sql;
    this.#level = options.separationLevel ?? 3;
    this.#build();
  }

  get separationLevel(): SeparationLevel {
    return this.#level;
  }

  /** The read models this side hosts (none at level 1). */
  get models(): ReadModels {
    if (!this.#models) {
      throw new InvalidIntentError('At separation level 1 the read models live in the write store; this read side hosts none.');
    }
    return this.#models;
  }

  runner(name: string): ReturnType<ReadModels['runner']> {
    return this.models.runner(name);
  }

  setSeparationLevel(level: SeparationLevel): void {
    if (level === this.#level) return;
    this.#teardown();
    this.#level = level;
    this.#build();
  }

  /** In order; if one throws, those before it stay applied, as with separate calls. */
  applyBatches(requests: ApplyBatchRequest[]): BatchOutcome[] {
    return requests.map((r) => this.models.applyBatch(r));
  }
  readOnlySql(projection: string, sql: string): SqlResult {
    return this.models.readOnlySql(projection, sql);
  }
  exportStore(projection: string): Uint8Array {
    return this.models.exportStore(projection);
  }
  close(): void {
    this.#teardown();
  }

  #build(): void {
    if (this.#level === 1) return;
    if (this.#level === 2) this.#shared = SqlDb.create(this.#sqlJs);
    this.#models = new ReadModels(this.#sqlJs, this.domain, this.#shared);
  }

  #teardown(): void {
    this.#models?.close();
    this.#models = undefined;
    this.#shared?.close();
    this.#shared = undefined;
  }
}
