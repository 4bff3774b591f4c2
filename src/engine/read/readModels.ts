// The read models of a domain: one runner per projection, the queries, and
// the operations that read or build stores beside the live ones (overlay
// reads, temporal reads, shadow builds). Hosted by the read side (separation
// levels 2 and 3) or, at level 1, by the write side in the event store's own
// database. Plain data in and out.
import type { DomainDefinition, QuerySpec } from '../domain.ts';
import { InvalidIntentError, UnknownProjectionError, UnknownQueryError } from '../errors.ts';
import { runReadOnlySql, type SqlResult } from '../readOnlySql.ts';
import type { SqlDb, SqlJsStatic, SqlRow } from '../sqlite.ts';
import type { ApplyGuards } from '../settings.ts';
import type { EventEnvelope } from '../vocabulary/envelope.ts';
import { CHECKPOINT_TABLES } from './checkpoint.ts';
import { MeteredDb } from './meteredDb.ts';
import { ProjectionRunner } from './projectionRunner.ts';
import { tablesOf } from './readStoreTables.ts';
import type { ApplyBatchRequest, BatchOutcome, Comparison, OtherStoreInfo, ProjectionCounters } from '../vocabulary/projection.ts';

export interface RebuildBatchRequest {
  projection: string;
  events: EventEnvelope[];
  guards: ApplyGuards;
  failAfter?: number;
}

export interface ProjectionState {
  watermark: number;
  counters: ProjectionCounters;
}

export interface QueryAnswer {
  data: unknown;
  /** Watermark of the read model that answered. */
  position: number;
  /** Rows the query's statements returned (feed projections). */
  rowsRead?: number;
}

export interface OverlayQueryRequest {
  type: string;
  params: Record<string, unknown>;
  /** Events to apply on top of the live store before reading (rolled back afterwards). */
  events: EventEnvelope[];
}

export interface ProjectionAtRequest {
  projection: string;
  /** The log from position 1 up to the position asked for. */
  events: EventEnvelope[];
  /** Run this query on the rebuilt state; without it every table is returned. */
  query?: { type: string; params: Record<string, unknown> };
}

export interface ProjectionAtAnswer {
  data?: unknown;
  tables?: Record<string, { columns: string[]; rows: unknown[][]; truncated: boolean }>;
}

export interface ShadowState {
  watermark: number;
  variant: string;
  counters: ProjectionCounters;
}

export class ReadModels {
  readonly domain: DomainDefinition;
  readonly runners = new Map<string, ProjectionRunner>();
  readonly #sqlJs: SqlJsStatic;
  #queries: Map<string, QuerySpec>;

  /** `home`: the database all projections share (levels 1 and 2); without it each has its own (level 3). */
  constructor(sqlJs: SqlJsStatic, domain: DomainDefinition, home?: SqlDb) {
    this.domain = domain;
    this.#sqlJs = sqlJs;
    for (const p of domain.projections) this.runners.set(p.name, new ProjectionRunner(sqlJs, p, home));
    this.#queries = new Map(domain.queries.map((q) => [q.type, q]));
  }

  runner(name: string): ProjectionRunner {
    const r = this.runners.get(name);
    if (!r) throw new UnknownProjectionError(name, [...this.runners.keys()]);
    return r;
  }

  applyBatch(req: ApplyBatchRequest, inTransaction = false): BatchOutcome {
    const options: { meter?: boolean; inTransaction?: boolean; label?: 'live' | 'catchUp' | 'sync'; crashBeforeCheckpoint?: boolean } = {
      inTransaction,
    };
    if (req.meter !== undefined) options.meter = req.meter;
    if (req.crashBeforeCheckpoint === true) options.crashBeforeCheckpoint = true;
    if (req.label !== undefined) options.label = req.label;
    return this.runner(req.projection).applyBatch(req.events, req.mode, req.guards, req.headPosition, req.failAfter, options);
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
    const spec = this.#spec(type);
    const runner = this.runner(spec.projection);
    if (runner.definition.fanOut !== undefined) {
      const db = new MeteredDb(runner.sql);
      const data = spec.run(db, params);
      return { data: data === undefined ? null : data, position: runner.watermark, rowsRead: db.rowsRead };
    }
    const data = spec.run(runner.sql, params);
    return { data: data === undefined ? null : data, position: runner.watermark };
  }

  /** A query answered as if `events` had been applied (nothing is kept). */
  overlayQuery(req: OverlayQueryRequest): QueryAnswer & { applied: number } {
    const spec = this.#spec(req.type);
    const runner = this.runner(spec.projection);
    const { result, applied } = runner.overlay(req.events, (db) => spec.run(db, req.params));
    return { data: result === undefined ? null : result, position: runner.watermark, applied };
  }

  /** The projection rebuilt in a scratch store from `events`: its state as of the last of them. */
  projectionAt(req: ProjectionAtRequest): ProjectionAtAnswer {
    const runner = this.runner(req.projection);
    const code = runner.code(runner.variant) ?? runner.definition;
    if (req.query) {
      const spec = this.#spec(req.query.type);
      if (spec.projection !== req.projection) {
        throw new InvalidIntentError(`Query '${spec.type}' reads projection '${spec.projection}', not '${req.projection}'.`);
      }
      const params = req.query.params;
      return { data: ProjectionRunner.at(this.#sqlJs, code, req.events, (db) => spec.run(db, params) ?? null) };
    }
    const tables = tablesOf(this.#sqlJs, code).filter((t) => !CHECKPOINT_TABLES.includes(t));
    return {
      tables: ProjectionRunner.at(this.#sqlJs, code, req.events, (db) => {
        const out: NonNullable<ProjectionAtAnswer['tables']> = {};
        for (const t of tables) {
          const r = runReadOnlySql(db.db, req.projection, `SELECT * FROM "${t}"`);
          out[t] = { columns: r.columns, rows: r.rows, truncated: r.truncated };
        }
        return out;
      }),
    };
  }

  // ── shadow (blue/green) builds ───────────────────────────────────────────
  shadowStart(projection: string, variant: string): void {
    this.runner(projection).shadowStart(variant);
  }
  shadowBatch(projection: string, events: EventEnvelope[]): { watermark: number } {
    return this.runner(projection).shadowBatch(events);
  }
  shadowSwap(projection: string): ShadowState {
    const r = this.runner(projection);
    r.shadowSwap();
    return { watermark: r.watermark, variant: r.variant, counters: r.counters };
  }
  shadowDrop(projection: string): void {
    this.runner(projection).shadowDrop();
  }
  shadowCompare(projection: string): Comparison {
    return this.runner(projection).compare();
  }
  shadowInfo(projection: string): OtherStoreInfo | null {
    return this.runner(projection).otherInfo() ?? null;
  }

  readOnlySql(projection: string, sql: string): SqlResult {
    return runReadOnlySql(this.runner(projection).sql.db, projection, sql);
  }

  /** A copy of the database holding a projection's read store (sql.js's export keeps the connection and its statements). */
  exportStore(projection: string): Uint8Array {
    return this.runner(projection).sql.db.export();
  }

  /** Rows of one table of a projection (tests, dumps). */
  rows(projection: string, table: string): SqlRow[] {
    return this.runner(projection).sql.all(`SELECT * FROM "${table}"`);
  }

  close(): void {
    for (const r of this.runners.values()) r.close();
  }

  #spec(type: string): QuerySpec {
    const spec = this.#queries.get(type);
    if (!spec) throw new UnknownQueryError(type, [...this.#queries.keys()]);
    return spec;
  }
}
