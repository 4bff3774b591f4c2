// The write side as one object with a plain-data interface: the browser
// hosts it in its own worker, Node calls it directly. It owns the event store
// (a sql.js database), the domain's deciders, the outbox, the snapshots and
// the sagas' state; it knows nothing of time except the `at` it is handed.
// At separation level 1 it also hosts the read models, in the same database.
import type { DomainDefinition, Rejection, SagaCommand } from './domain.ts';
import { InvalidIntentError, UnknownStreamError } from './errors.ts';
import { CHECKPOINT_TABLES } from './read/checkpoint.ts';
import { tablesOf } from './read/readStoreTables.ts';
import { ReadModels } from './read/readModels.ts';
import type { ReadModelsPort } from './readSide.ts';
import { runReadOnlySql, type SqlResult } from './readOnlySql.ts';
import type { SeparationLevel } from './settings.ts';
import { SqlDb, type SqlJsStatic } from './sqlite.ts';
import type { EventEnvelope } from './vocabulary/envelope.ts';
import { ReadModelsHost } from './read/readModelsHost.ts';
import { aggregateAt, type AggregateAtRequest, type AggregateAtResult } from './write/aggregateAt.ts';
import type { SnapshotPolicy } from './write/aggregateStreams.ts';
import { CommandHandler, type AppendOutcome, type AppendRequest, type LoadOutcome, type LoadRequest } from './write/commandHandler.ts';
import { importEvents, type ImportRequest } from './write/legacyImport.ts';
import { predict, type PredictOutcome } from './write/prediction.ts';
import { EventStore, type StreamInfo } from './write/eventStore.ts';
import { SagaStore, type SagaEnv, type SagaInstance, type SagaOutcome } from './write/sagaStore.ts';
import { Upcasting } from './write/upcasting.ts';

type MaybePromise<T> = T | Promise<T>;

export type SagaHandleRequest = SagaEnv & { saga: string; event: EventEnvelope };
export type SagaTimeoutRequest = SagaEnv & { saga: string; sagaId: string; name: string; dueAt: number };
export type SagaRejectedRequest = SagaEnv & { saga: string; sagaId: string; command: SagaCommand; rejection: Rejection };

/**
 * What the coordinator needs from the write side (sync here, async over a
 * worker). The read-model methods are used at separation level 1 only.
 */
export interface WriteSidePort extends Omit<ReadModelsPort, 'readOnlySql'> {
  load(req: LoadRequest): MaybePromise<LoadOutcome>;
  append(req: AppendRequest): MaybePromise<AppendOutcome>;
  readStream(streamId: string): MaybePromise<EventEnvelope[]>;
  readAll(fromPosition: number, limit: number): MaybePromise<EventEnvelope[]>;
  head(): MaybePromise<number>;
  listStreams(): MaybePromise<StreamInfo[]>;
  readOnlySql(sql: string): MaybePromise<SqlResult>;
  predict(req: { commandType: string; data: Record<string, unknown>; snapshots?: SnapshotPolicy }): MaybePromise<PredictOutcome>;
  aggregateAt(req: AggregateAtRequest): MaybePromise<AggregateAtResult>;
  positionAt(at: number): MaybePromise<number>;
  importEvents(req: ImportRequest): MaybePromise<EventEnvelope[]>;
  outboxPending(limit: number): MaybePromise<EventEnvelope[]>;
  outboxMarkPublished(positions: number[], at: number): MaybePromise<void>;
  outboxBacklog(): MaybePromise<number>;
  sagaHandle(req: SagaHandleRequest): MaybePromise<SagaOutcome>;
  sagaTimeout(req: SagaTimeoutRequest): MaybePromise<SagaOutcome>;
  sagaRejected(req: SagaRejectedRequest): MaybePromise<SagaOutcome>;
  sagaInstances(saga?: string): MaybePromise<SagaInstance[]>;
  /** Learner SQL on the read models hosted here (level 1). */
  readModelSql(projection: string, sql: string): MaybePromise<SqlResult>;
}

// Read-model calls (level 1) come from ReadModelsHost.
export class WriteSide extends ReadModelsHost implements WriteSidePort {
  readonly db: SqlDb;
  readonly store: EventStore;
  readonly handler: CommandHandler;
  readonly sagas: SagaStore;
  readonly domain: DomainDefinition;
  readonly #sqlJs: SqlJsStatic;
  #level: SeparationLevel = 3;
  /** The read models hosted in this database (level 1); the handler applies synchronous ones inside its transaction. */
  #models: ReadModels | undefined;

  constructor(sql: SqlJsStatic, domain: DomainDefinition, options: { separationLevel?: SeparationLevel } = {}) {
    super();
    Upcasting.validate(domain);
    this.domain = domain;
    this.#sqlJs = sql;
    this.db = SqlDb.create(sql);
    this.store = new EventStore(this.db, new Upcasting(domain));
    this.handler = new CommandHandler(this.store, domain);
    this.sagas = new SagaStore(this.db, domain);
    if (options.separationLevel !== undefined) this.setSeparationLevel(options.separationLevel);
  }

  get separationLevel(): SeparationLevel {
    return this.#level;
  }

  /** The read models hosted in this database (level 1 only). */
  get models(): ReadModels {
    const m = this.#models;
    if (!m) throw new InvalidIntentError(`The write side hosts the read models only at separation level 1 (now ${this.#level}).`);
    return m;
  }

  setSeparationLevel(level: SeparationLevel): void {
    if (level === this.#level) return;
    const models = this.#models;
    if (models) {
      models.close();
      // Take the read-model tables out of the event store's database again.
      for (const p of this.domain.projections) for (const t of tablesOf(this.#sqlJs, p)) this.db.run(`DROP TABLE IF EXISTS "${t}"`);
      for (const t of CHECKPOINT_TABLES) this.db.run(`DROP TABLE IF EXISTS "${t}"`);
      this.#models = undefined;
      this.handler.readModels = undefined;
    }
    this.#level = level;
    if (level === 1) {
      this.#models = new ReadModels(this.#sqlJs, this.domain, this.db);
      this.handler.readModels = this.#models;
    }
  }

  load(req: LoadRequest): LoadOutcome {
    return this.handler.load(req);
  }
  append(req: AppendRequest): AppendOutcome {
    return this.handler.append(req);
  }
  predict(req: { commandType: string; data: Record<string, unknown>; snapshots?: SnapshotPolicy }): PredictOutcome {
    return predict(this.handler.streams, req);
  }
  aggregateAt(req: AggregateAtRequest): AggregateAtResult {
    return aggregateAt(this.handler.streams, req);
  }
  positionAt(at: number): number {
    return this.store.positionAt(at);
  }
  importEvents(req: ImportRequest): EventEnvelope[] {
    return importEvents(this.handler.streams, req);
  }
  readStream(streamId: string): EventEnvelope[] {
    const events = this.store.readStream(streamId);
    if (events.length === 0) throw new UnknownStreamError(streamId);
    return events;
  }
  readAll(fromPosition: number, limit: number): EventEnvelope[] {
    return this.store.readAll(fromPosition, limit);
  }
  head(): number {
    return this.store.head;
  }
  listStreams(): StreamInfo[] {
    return this.store.listStreams();
  }
  readOnlySql(sql: string): SqlResult {
    return runReadOnlySql(this.db.db, 'write', sql);
  }
  readModelSql(projection: string, sql: string): SqlResult {
    this.models.runner(projection);
    return runReadOnlySql(this.db.db, projection, sql);
  }
  /** A copy of this database: the event log, and at level 1 the read models too. */
  exportStore(store: 'write' | string): Uint8Array {
    if (store !== 'write') this.models.runner(store);
    return this.db.db.export();
  }

  // outbox
  outboxPending(limit: number): EventEnvelope[] {
    return this.store.outboxPending(limit);
  }
  outboxMarkPublished(positions: number[], at: number): void {
    this.store.outboxMarkPublished(positions, at);
  }
  outboxBacklog(): number {
    return this.store.outboxBacklog();
  }

  // sagas
  sagaHandle(req: SagaHandleRequest): SagaOutcome {
    return this.sagas.handle(req);
  }
  sagaTimeout(req: SagaTimeoutRequest): SagaOutcome {
    return this.sagas.timeout(req);
  }
  sagaRejected(req: SagaRejectedRequest): SagaOutcome {
    return this.sagas.rejected(req);
  }
  sagaInstances(saga?: string): SagaInstance[] {
    return this.sagas.instances(saga);
  }

  close(): void {
    this.#models?.close();
    this.db.close();
  }
}
