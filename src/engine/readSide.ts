// The read side as one object with a plain-data interface (the browser hosts
// it in its own worker). It owns one sql.js database per projection and knows
// nothing of the bus or the clock: the coordinator hands it batches and
// turns what it returns into trace records.
import type { DomainDefinition, QuerySpec } from './domain.ts';
import { UnknownProjectionError, UnknownQueryError } from './errors.ts';
import { runReadOnlySql, type SqlResult } from './readOnlySql.ts';
import type { SqlJsStatic } from './sqlite.ts';
import type { ProjectionGuards } from './settings.ts';
import type { EventEnvelope } from './write/envelope.ts';
import { ProjectionRunner, type BatchOutcome, type ProjectionCounters } from './read/projectionRunner.ts';
import { runQuery, type QueryAnswer } from './read/queryHandler.ts';

type MaybePromise<T> = T | Promise<T>;

export interface ApplyBatchRequest {
  projection: string;
  events: EventEnvelope[];
  mode: 'live' | 'catchUp';
  guards: ProjectionGuards;
  headPosition: number;
  /** Simulate a crash after this many events of the batch. */
  failAfter?: number;
}

export interface RebuildBatchRequest {
  projection: string;
  events: EventEnvelope[];
  guards: ProjectionGuards;
  failAfter?: number;
}

export interface ProjectionState {
  watermark: number;
  counters: ProjectionCounters;
}

export interface ReadSidePort {
  applyBatch(req: ApplyBatchRequest): MaybePromise<BatchOutcome>;
  crash(projection: string): MaybePromise<ProjectionState>;
  startRebuild(projection: string): MaybePromise<void>;
  rebuildBatch(req: RebuildBatchRequest): MaybePromise<{ crashed: boolean; watermark: number; reason?: string }>;
  finishRebuild(projection: string): MaybePromise<ProjectionState>;
  state(projection: string): MaybePromise<ProjectionState>;
  query(type: string, params: Record<string, unknown>): MaybePromise<QueryAnswer>;
  readOnlySql(projection: string, sql: string): MaybePromise<SqlResult>;
}

export class ReadSide implements ReadSidePort {
  readonly domain: DomainDefinition;
  readonly runners = new Map<string, ProjectionRunner>();
  #queries: Map<string, QuerySpec>;

  constructor(sql: SqlJsStatic, domain: DomainDefinition) {
    this.domain = domain;
    for (const p of domain.projections) this.runners.set(p.name, new ProjectionRunner(sql, p));
    this.#queries = new Map(domain.queries.map((q) => [q.type, q]));
  }

  runner(name: string): ProjectionRunner {
    const r = this.runners.get(name);
    if (!r) throw new UnknownProjectionError(name, [...this.runners.keys()]);
    return r;
  }

  applyBatch(req: ApplyBatchRequest): BatchOutcome {
    return this.runner(req.projection).applyBatch(req.events, req.mode, req.guards, req.headPosition, req.failAfter);
  }
  crash(projection: string): ProjectionState {
    const r = this.runner(projection);
    r.crash();
    return { watermark: r.watermark, counters: r.counters };
  }
  startRebuild(projection: string): void {
    this.runner(projection).startRebuild();
  }
  rebuildBatch(req: RebuildBatchRequest): { crashed: boolean; watermark: number; reason?: string } {
    return this.runner(req.projection).rebuildBatch(req.events, req.guards, req.failAfter);
  }
  finishRebuild(projection: string): ProjectionState {
    const r = this.runner(projection);
    r.finishRebuild();
    return { watermark: r.watermark, counters: r.counters };
  }
  state(projection: string): ProjectionState {
    const r = this.runner(projection);
    return { watermark: r.watermark, counters: r.counters };
  }
  query(type: string, params: Record<string, unknown>): QueryAnswer {
    const spec = this.#queries.get(type);
    if (!spec) throw new UnknownQueryError(type, [...this.#queries.keys()]);
    return runQuery(spec, this.runner(spec.projection), params);
  }
  readOnlySql(projection: string, sql: string): SqlResult {
    return runReadOnlySql(this.runner(projection).sql.db, projection, sql);
  }
  close(): void {
    for (const r of this.runners.values()) r.close();
  }
}
