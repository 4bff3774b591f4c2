// Runs one projection against its read store. A batch of events is applied
// in ONE transaction together with the checkpoint. Guards:
//   dedupe   — an event whose stream version is already applied is skipped;
//   ordering — an event that arrives before its predecessor is held until
//              the missing one arrives (or is read back from the store).
// A crash rolls the batch back and loses what was only in memory.
//
// Where the store lives depends on the separation level: alone in its own
// sql.js database (level 3), or in a database shared with other projections
// (level 2: the read database) or with the event store (level 1). A rebuild
// or a shadow build always fills a fresh database of its own; in a shared
// database it is copied into place in one transaction when it takes over.
//
// Beside the live store the runner may keep one other store, built from the
// log by the shadow (blue/green) rebuild: a 'candidate' (a new version being
// built or waiting to take over) or, after a flip, the 'previous' version,
// kept up to date so a rollback is one more flip.
import type { ProjectionCode, ProjectionDefinition, ReadStoreDb } from '../domain.ts';
import { SqlDb, type SqlJsStatic } from '../sqlite.ts';
import type { ApplyGuards } from '../settings.ts';
import type { TraceBody } from '../vocabulary/trace.ts';
import type { BatchOutcome, Comparison, OtherStoreInfo, ProjectionCounters } from '../vocabulary/projection.ts';
import type { EventEnvelope } from '../vocabulary/envelope.ts';
import { Checkpoint } from './checkpoint.ts';
import { applyOrPark, deadLettered } from './deadLetters.ts';
import { MeteredDb } from './meteredDb.ts';
import { copyTables, tablesOf } from './readStoreTables.ts';
import { compareStores } from './storeComparison.ts';

export interface ApplyOptions {
  /** Count rows written and read (feed projections always are). */
  meter?: boolean;
  /** The caller holds a transaction (a synchronous projection inside the command's transaction): use a savepoint. */
  inTransaction?: boolean;
  /** Label of projection.applied records; defaults to the mode. */
  label?: 'live' | 'catchUp' | 'sync';
  /** Commit the rows, then die before the checkpoint is saved (a fault; ignored inside a caller's transaction). */
  crashBeforeCheckpoint?: boolean;
}

/** Thrown inside a batch to simulate the process dying mid-transaction. */
class SimulatedCrash extends Error {}

function crashReason(e: unknown): string {
  if (e instanceof SimulatedCrash) return 'requested';
  return `the handler failed: ${e instanceof Error ? e.message : String(e)}`;
}

interface ReadModelStore {
  sql: SqlDb;
  checkpoint: Checkpoint;
  /** True when the database belongs to this store alone. */
  own: boolean;
  code: ProjectionCode;
  handles: Set<string>;
  variant: string;
}

export class ProjectionRunner {
  readonly definition: ProjectionDefinition;
  readonly #sqlJs: SqlJsStatic;
  /** The shared database the live store lives in (levels 1 and 2), or undefined (level 3). */
  readonly #home: SqlDb | undefined;
  #store: ReadModelStore;
  #shadow: ReadModelStore | undefined;
  #other: (ReadModelStore & { role: 'candidate' | 'previous'; events: number }) | undefined;
  #held = new Map<string, Map<number, EventEnvelope>>();
  #counters: ProjectionCounters = { applied: 0, duplicatesSkipped: 0, ignored: 0, gapsDetected: 0, held: 0 };

  constructor(sqlJs: SqlJsStatic, definition: ProjectionDefinition, home?: SqlDb) {
    this.definition = definition;
    this.#sqlJs = sqlJs;
    this.#home = home;
    if (home) {
      for (const ddl of definition.schema) home.exec(ddl);
      this.#store = this.#wrap(home, new Checkpoint(home, definition.name), false, definition, 'current');
    } else {
      this.#store = this.#freshStore(definition, 'current');
    }
  }

  get sql(): SqlDb {
    return this.#store.sql;
  }
  get watermark(): number {
    return this.#store.checkpoint.watermark;
  }
  get counters(): ProjectionCounters {
    return { ...this.#counters, held: this.#heldCount() };
  }
  /** Name of the code version answering queries ('current' = the definition itself). */
  get variant(): string {
    return this.#store.variant;
  }
  get shared(): boolean {
    return this.#home !== undefined;
  }
  appliedVersion(streamId: string): number {
    return this.#store.checkpoint.appliedVersion(streamId);
  }
  /** The code of a version: 'current' or one of the definition's variants. */
  code(variant: string): ProjectionCode | undefined {
    if (variant === 'current') return this.definition;
    return this.definition.variants?.[variant];
  }
  variants(): string[] {
    return ['current', ...Object.keys(this.definition.variants ?? {})];
  }

  /**
   * Apply a batch in one transaction. `failAfter` simulates a crash after
   * that many events: everything in the batch is rolled back.
   */
  applyBatch(
    events: readonly EventEnvelope[],
    mode: 'live' | 'catchUp',
    guards: ApplyGuards,
    headPosition: number,
    failAfter?: number,
    options: ApplyOptions = {},
  ): BatchOutcome {
    const store = this.#store;
    const before = { ...this.#counters };
    const drafts: TraceBody[] = [];
    const meter = options.meter === true || this.definition.fanOut !== undefined;
    const metered = meter ? new MeteredDb(store.sql) : undefined;
    const label = options.label ?? mode;
    let processed = 0;
    const nested = options.inTransaction === true;
    store.sql.run(nested ? 'SAVEPOINT projection_batch' : 'BEGIN');
    try {
      for (const event of events) {
        if (failAfter !== undefined && processed >= failAfter) throw new SimulatedCrash();
        this.#process(store, event, label, guards, drafts, metered);
        processed++;
      }
      if (failAfter !== undefined && processed >= failAfter) throw new SimulatedCrash();
      if (options.crashBeforeCheckpoint === true && !nested) {
        // The design this fault shows to be wrong: rows committed in one
        // transaction, the checkpoint meant for a second one, and the process
        // dies in between. The rows stay; the checkpoint (and the per-stream
        // versions dedupe relies on) still says the batch never happened.
        store.sql.run('COMMIT');
        this.#loseMemory({ ...this.#counters });
        return {
          crashed: true,
          drafts,
          rolledBack: 0,
          committedWithoutCheckpoint: processed,
          reason: 'crashed after committing the read-model rows, before saving the checkpoint',
          watermark: this.watermark,
          counters: this.counters,
        };
      }
      store.checkpoint.persist();
      store.sql.run(nested ? 'RELEASE projection_batch' : 'COMMIT');
    } catch (e) {
      if (nested) {
        store.sql.run('ROLLBACK TO projection_batch');
        store.sql.run('RELEASE projection_batch');
      } else {
        store.sql.run('ROLLBACK');
      }
      // A handler that throws (a poison event, a bug) takes the projection
      // down exactly like a simulated crash: nothing of the batch is kept.
      this.#loseMemory(before);
      return {
        crashed: true,
        drafts: [],
        rolledBack: processed,
        reason: crashReason(e),
        watermark: this.watermark,
        counters: this.counters,
      };
    }
    const watermark = store.checkpoint.watermark;
    drafts.push({
      type: 'projection.checkpointed',
      projection: this.definition.name,
      watermark,
      headPosition,
      lagEvents: Math.max(0, headPosition - watermark),
      events: events.length,
    });
    const out: BatchOutcome = { crashed: false, drafts, rolledBack: 0, watermark, counters: this.counters };
    if (metered) out.rowsWritten = metered.rowsWritten;
    return out;
  }

  /** The process died while idle: what was only in memory is gone. */
  crash(): void {
    this.#loseMemory({ ...this.#counters });
  }

  // Rebuild: a fresh store filled from position 0, swapped in at the end.
  // The live store keeps answering queries meanwhile.
  startRebuild(): void {
    this.#shadow?.sql.close();
    this.#shadow = this.#freshStore(this.#store.code, this.#store.variant);
  }

  rebuildBatch(
    events: readonly EventEnvelope[],
    guards: ApplyGuards,
    failAfter?: number,
  ): { crashed: boolean; watermark: number; reason?: string } {
    const shadow = this.#shadow;
    if (!shadow) throw new Error('no rebuild in progress');
    let processed = 0;
    shadow.sql.run('BEGIN');
    try {
      for (const event of events) {
        if (failAfter !== undefined && processed >= failAfter) throw new SimulatedCrash();
        this.#apply(shadow, event, guards);
        processed++;
      }
      if (failAfter !== undefined) throw new SimulatedCrash();
      // A shadow store that crashes is thrown away, never resumed, so per
      // batch only the watermark is written; per-stream versions are written
      // once, when the rebuild finishes (see finishRebuild).
      shadow.checkpoint.persistWatermark();
      shadow.sql.run('COMMIT');
    } catch (e) {
      shadow.sql.run('ROLLBACK');
      this.abortRebuild();
      this.#loseMemory({ ...this.#counters });
      return { crashed: true, watermark: this.watermark, reason: crashReason(e) };
    }
    return { crashed: false, watermark: shadow.checkpoint.watermark };
  }

  finishRebuild(): { watermark: number } {
    const shadow = this.#shadow;
    if (!shadow) throw new Error('no rebuild in progress');
    shadow.sql.transaction(() => shadow.checkpoint.persist());
    this.#shadow = undefined;
    this.#takeOver(shadow);
    this.#held.clear();
    return { watermark: this.watermark };
  }

  abortRebuild(): void {
    this.#shadow?.sql.close();
    this.#shadow = undefined;
  }

  // ── shadow (blue/green) builds ───────────────────────────────────────────

  otherInfo(): OtherStoreInfo | undefined {
    const o = this.#other;
    return o ? { variant: o.variant, role: o.role, watermark: o.checkpoint.watermark, events: o.events } : undefined;
  }

  /** Start building `variant` beside the live store, from position 0. */
  shadowStart(variant: string): void {
    const code = this.code(variant);
    if (!code) throw new Error(`unknown variant '${variant}'`);
    this.#other?.sql.close();
    this.#other = { ...this.#freshStore(code, variant), role: 'candidate', events: 0 };
  }

  /** Apply the next events of the log to the other store (in order, dedupe by stream version). */
  shadowBatch(events: readonly EventEnvelope[]): { watermark: number } {
    const o = this.#other;
    if (!o) throw new Error('no shadow store');
    const guards = { dedupe: true, ordering: false };
    o.sql.transaction(() => {
      for (const e of events) if (this.#apply(o, e, guards)) o.events++;
      o.checkpoint.persist();
    });
    return { watermark: o.checkpoint.watermark };
  }

  /**
   * Swap the live store and the other one, atomically: the other answers the
   * next query. The old live store becomes the other (its role flips).
   */
  shadowSwap(): { watermark: number; variant: string } {
    const o = this.#other;
    if (!o) throw new Error('no shadow store');
    const role = o.role === 'candidate' ? 'previous' : 'candidate';
    const other: ReadModelStore = o;
    if (this.#home) {
      // The live rows live in the shared database: copy them out first so the
      // old version survives as the other store, then copy the new one in.
      const old = this.#freshStore(this.#store.code, this.#store.variant);
      old.sql.transaction(() => {
        copyTables(this.#store.sql, old.sql, tablesOf(this.#sqlJs, this.#store.code));
        old.checkpoint.replaceWith(this.#store.checkpoint);
      });
      this.#takeOver(other);
      this.#other = { ...old, role, events: 0 };
    } else {
      const old = this.#store;
      this.#store = other;
      this.#other = { ...old, role, events: 0 };
    }
    this.#held.clear();
    return { watermark: this.watermark, variant: this.#store.variant };
  }

  shadowDrop(): void {
    this.#other?.sql.close();
    this.#other = undefined;
  }

  /** Rows that differ between the live store and the other one, table by table (keyed by primary key). */
  compare(): Comparison {
    const o = this.#other;
    if (!o) throw new Error('no shadow store');
    const live = { sql: this.#store.sql, code: this.#store.code, variant: this.#store.variant, watermark: this.watermark };
    return compareStores(this.#sqlJs, live, { sql: o.sql, code: o.code, variant: o.variant, watermark: o.checkpoint.watermark });
  }

  // ── reads that change nothing ──────────────────────────────────────────

  /**
   * Run `read` on the live store as if `events` had been applied on top of it
   * (dedupe by stream version), then roll everything back: the predicted
   * answer of an optimistic UI, or a read-your-writes answer completed from
   * the event store.
   */
  overlay<T>(events: readonly EventEnvelope[], read: (db: ReadStoreDb) => T): { result: T; applied: number } {
    const store = this.#store;
    // Versions the overlay applied, over the checkpoint's (not a copy of every stream's: a long run has many).
    const versions = new Map<string, number>();
    let applied = 0;
    store.sql.run('SAVEPOINT overlay');
    try {
      for (const e of events) {
        if (e.version <= (versions.get(e.streamId) ?? store.checkpoint.appliedVersion(e.streamId))) continue;
        versions.set(e.streamId, e.version);
        if (store.handles.has(e.type)) {
          store.code.apply(store.sql, e);
          applied++;
        }
      }
      return { result: read(store.sql), applied };
    } finally {
      store.sql.run('ROLLBACK TO overlay');
      store.sql.run('RELEASE overlay');
    }
  }

  /** The projection as it stood once `events` (the log from position 1) were applied: a temporal query. */
  static at<T>(sqlJs: SqlJsStatic, code: ProjectionCode, events: readonly EventEnvelope[], read: (db: SqlDb) => T): T {
    const db = SqlDb.create(sqlJs);
    try {
      for (const ddl of code.schema) db.exec(ddl);
      const versions = new Map<string, number>();
      const handles = new Set(code.handles);
      db.transaction(() => {
        for (const e of events) {
          if (e.version <= (versions.get(e.streamId) ?? 0)) continue;
          versions.set(e.streamId, e.version);
          if (handles.has(e.type)) code.apply(db, e);
        }
      });
      return read(db);
    } finally {
      db.close();
    }
  }

  close(): void {
    this.abortRebuild();
    this.shadowDrop();
    if (!this.#home) this.#store.sql.close();
  }

  #wrap(sql: SqlDb, checkpoint: Checkpoint, own: boolean, code: ProjectionCode, variant: string): ReadModelStore {
    return { sql, checkpoint, own, code, handles: new Set(code.handles), variant };
  }

  #freshStore(code: ProjectionCode, variant: string): ReadModelStore {
    const sql = SqlDb.create(this.#sqlJs);
    for (const ddl of code.schema) sql.exec(ddl);
    return this.#wrap(sql, new Checkpoint(sql), true, code, variant);
  }

  /** A store built on its own becomes the live one (copied into the shared database when there is one). */
  #takeOver(source: ReadModelStore): void {
    const home = this.#home;
    if (!home) {
      this.#store.sql.close();
      this.#store = source;
      return;
    }
    const live = this.#store;
    home.transaction(() => {
      for (const t of tablesOf(this.#sqlJs, live.code)) home.run(`DROP TABLE IF EXISTS "${t}"`);
      for (const ddl of source.code.schema) home.exec(ddl);
      copyTables(source.sql, home, tablesOf(this.#sqlJs, source.code));
      live.checkpoint.replaceWith(source.checkpoint);
    });
    source.sql.close();
    this.#store = this.#wrap(home, live.checkpoint, false, source.code, source.variant);
  }

  #loseMemory(counters: ProjectionCounters): void {
    this.#store.checkpoint.reload();
    this.#held.clear();
    this.#counters = { ...counters, held: 0 };
  }

  #heldCount(): number {
    let n = 0;
    for (const m of this.#held.values()) n += m.size;
    return n;
  }

  #process(
    store: ReadModelStore,
    event: EventEnvelope,
    mode: 'live' | 'catchUp' | 'sync',
    guards: ApplyGuards,
    drafts: TraceBody[],
    metered: MeteredDb | undefined,
  ): void {
    const name = this.definition.name;
    const cp = store.checkpoint;
    const applied = cp.appliedVersion(event.streamId);
    const skipDuplicate = (): void => {
      this.#counters.duplicatesSkipped++;
      drafts.push({
        type: 'projection.duplicateSkipped',
        projection: name,
        position: event.position,
        streamId: event.streamId,
        version: event.version,
        appliedVersion: applied,
      });
    };
    if (guards.dedupe && event.version <= applied) {
      cp.markDone(event.position);
      skipDuplicate();
      return;
    }
    if (guards.ordering && event.version > applied + 1) {
      let waiting = this.#held.get(event.streamId);
      if (!waiting) this.#held.set(event.streamId, (waiting = new Map()));
      if (waiting.has(event.version)) {
        // Already held: a second copy of the same early event.
        skipDuplicate();
        return;
      }
      this.#counters.gapsDetected++;
      waiting.set(event.version, event);
      drafts.push({
        type: 'projection.gapDetected',
        projection: name,
        position: event.position,
        streamId: event.streamId,
        expectedVersion: applied + 1,
        receivedVersion: event.version,
      });
      drafts.push({
        type: 'projection.held',
        projection: name,
        position: event.position,
        streamId: event.streamId,
        version: event.version,
      });
      return;
    }
    this.#applyAndTrace(store, event, mode, guards, drafts, metered);
    // The missing event arrived: release whatever was waiting behind it.
    const waiting = this.#held.get(event.streamId);
    if (waiting) {
      let next = waiting.get(cp.appliedVersion(event.streamId) + 1);
      while (next) {
        waiting.delete(next.version);
        this.#applyAndTrace(store, next, mode, guards, drafts, metered);
        next = waiting.get(cp.appliedVersion(event.streamId) + 1);
      }
      // Anything left that is now at or below the applied version is stale.
      for (const v of [...waiting.keys()]) if (v <= cp.appliedVersion(event.streamId)) waiting.delete(v);
      if (waiting.size === 0) this.#held.delete(event.streamId);
    }
  }

  #applyAndTrace(
    store: ReadModelStore,
    event: EventEnvelope,
    mode: 'live' | 'catchUp' | 'sync',
    guards: ApplyGuards,
    drafts: TraceBody[],
    metered: MeteredDb | undefined,
  ): void {
    const read0 = metered?.rowsRead ?? 0;
    const written0 = metered?.rowsWritten ?? 0;
    const parked = (reason: string): number => drafts.push(deadLettered(this.definition.name, event, reason));
    if (this.#apply(store, event, guards, metered, parked)) {
      drafts.push({
        type: 'projection.applied',
        projection: this.definition.name,
        position: event.position,
        streamId: event.streamId,
        version: event.version,
        eventType: event.type,
        commandId: event.metadata.commandId,
        mode,
      });
      const strategy = this.definition.fanOut;
      if (strategy !== undefined && metered) {
        drafts.push({
          type: 'feed.written',
          projection: this.definition.name,
          strategy,
          position: event.position,
          eventType: event.type,
          rowsWritten: metered.rowsWritten - written0,
          rowsRead: metered.rowsRead - read0,
        });
      }
    }
  }

  /** Apply without trace (rebuild path). True if the event was applied (handled, and not parked as a dead letter). */
  #apply(
    store: ReadModelStore,
    event: EventEnvelope,
    guards: ApplyGuards,
    metered?: MeteredDb,
    parked?: (reason: string) => unknown,
  ): boolean {
    const cp = store.checkpoint;
    const applied = cp.appliedVersion(event.streamId);
    if (guards.dedupe && event.version <= applied) {
      cp.markDone(event.position);
      return false;
    }
    let handled = store.handles.has(event.type);
    if (handled && guards.deadLetter === true) {
      const reason = applyOrPark(store.sql, this.definition.name, event, () => store.code.apply(metered ?? store.sql, event));
      if (reason !== undefined) parked?.(reason);
      else if (store === this.#store) this.#counters.applied++;
      handled = reason === undefined;
    } else if (handled) {
      store.code.apply(metered ?? store.sql, event);
      if (store === this.#store) this.#counters.applied++;
    } else if (store === this.#store) {
      this.#counters.ignored++;
    }
    if (event.version > applied) cp.setVersion(event.streamId, event.version);
    cp.markDone(event.position);
    return handled;
  }
}
