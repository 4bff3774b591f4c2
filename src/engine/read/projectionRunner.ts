// Runs one projection against its own read store (a separate sql.js
// database). A batch of events is applied in ONE transaction together with
// the checkpoint. Guards:
//   dedupe   — an event whose stream version is already applied is skipped;
//   ordering — an event that arrives before its predecessor is held until
//              the missing one arrives (or is read back from the store).
// A crash rolls the batch back and loses what was only in memory.
import type { ProjectionDefinition } from '../domain.ts';
import { SqlDb, type SqlJsStatic } from '../sqlite.ts';
import type { ProjectionGuards } from '../settings.ts';
import type { TraceBody } from '../trace.ts';
import type { EventEnvelope } from '../write/envelope.ts';
import { Checkpoint } from './checkpoint.ts';

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
  /** Trace records to emit, in order (empty for a crashed batch). */
  drafts: TraceBody[];
  /** Events the crashed batch had applied before it failed, now rolled back. */
  rolledBack: number;
  /** Why it crashed: 'requested' (a simulated crash) or the handler's error message. */
  reason?: string;
  watermark: number;
  counters: ProjectionCounters;
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
}

export class ProjectionRunner {
  readonly definition: ProjectionDefinition;
  readonly #sqlJs: SqlJsStatic;
  #store: ReadModelStore;
  #shadow: ReadModelStore | undefined;
  #handles: Set<string>;
  #held = new Map<string, Map<number, EventEnvelope>>();
  #counters: ProjectionCounters = { applied: 0, duplicatesSkipped: 0, ignored: 0, gapsDetected: 0, held: 0 };

  constructor(sqlJs: SqlJsStatic, definition: ProjectionDefinition) {
    this.definition = definition;
    this.#sqlJs = sqlJs;
    this.#handles = new Set(definition.handles);
    this.#store = this.#freshStore();
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
  appliedVersion(streamId: string): number {
    return this.#store.checkpoint.appliedVersion(streamId);
  }

  /**
   * Apply a batch in one transaction. `failAfter` simulates a crash after
   * that many events: everything in the batch is rolled back.
   */
  applyBatch(
    events: readonly EventEnvelope[],
    mode: 'live' | 'catchUp',
    guards: ProjectionGuards,
    headPosition: number,
    failAfter?: number,
  ): BatchOutcome {
    const store = this.#store;
    const before = { ...this.#counters };
    const drafts: TraceBody[] = [];
    let processed = 0;
    store.sql.run('BEGIN');
    try {
      for (const event of events) {
        if (failAfter !== undefined && processed >= failAfter) throw new SimulatedCrash();
        this.#process(store, event, mode, guards, drafts);
        processed++;
      }
      if (failAfter !== undefined && processed >= failAfter) throw new SimulatedCrash();
      store.checkpoint.persist();
      store.sql.run('COMMIT');
    } catch (e) {
      store.sql.run('ROLLBACK');
      // A handler that throws (a poison event, a bug) takes the projection
      // down exactly like a simulated crash: nothing of the batch is kept.
      this.#loseMemory(before);
      return { crashed: true, drafts: [], rolledBack: processed, reason: crashReason(e), watermark: this.watermark, counters: this.counters };
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
    return { crashed: false, drafts, rolledBack: 0, watermark, counters: this.counters };
  }

  /** The process died while idle: what was only in memory is gone. */
  crash(): void {
    this.#loseMemory({ ...this.#counters });
  }

  // Rebuild: a fresh store filled from position 0, swapped in at the end.
  // The live store keeps answering queries meanwhile.
  startRebuild(): void {
    this.#shadow?.sql.close();
    this.#shadow = this.#freshStore();
  }

  rebuildBatch(events: readonly EventEnvelope[], guards: ProjectionGuards, failAfter?: number): { crashed: boolean; watermark: number; reason?: string } {
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
    this.#store.sql.close();
    this.#store = shadow;
    this.#shadow = undefined;
    this.#held.clear();
    return { watermark: shadow.checkpoint.watermark };
  }

  abortRebuild(): void {
    this.#shadow?.sql.close();
    this.#shadow = undefined;
  }

  close(): void {
    this.abortRebuild();
    this.#store.sql.close();
  }

  #freshStore(): ReadModelStore {
    const sql = SqlDb.create(this.#sqlJs);
    for (const ddl of this.definition.schema) sql.exec(ddl);
    return { sql, checkpoint: new Checkpoint(sql) };
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

  #process(store: ReadModelStore, event: EventEnvelope, mode: 'live' | 'catchUp', guards: ProjectionGuards, drafts: TraceBody[]): void {
    const name = this.definition.name;
    const cp = store.checkpoint;
    const applied = cp.appliedVersion(event.streamId);
    if (guards.dedupe && event.version <= applied) {
      this.#counters.duplicatesSkipped++;
      cp.markDone(event.position);
      drafts.push({
        type: 'projection.duplicateSkipped',
        projection: name,
        position: event.position,
        streamId: event.streamId,
        version: event.version,
        appliedVersion: applied,
      });
      return;
    }
    if (guards.ordering && event.version > applied + 1) {
      let waiting = this.#held.get(event.streamId);
      if (!waiting) this.#held.set(event.streamId, (waiting = new Map()));
      if (waiting.has(event.version)) {
        // Already held: a second copy of the same early event.
        this.#counters.duplicatesSkipped++;
        drafts.push({
          type: 'projection.duplicateSkipped',
          projection: name,
          position: event.position,
          streamId: event.streamId,
          version: event.version,
          appliedVersion: applied,
        });
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
      drafts.push({ type: 'projection.held', projection: name, position: event.position, streamId: event.streamId, version: event.version });
      return;
    }
    this.#applyAndTrace(store, event, mode, guards, drafts);
    // The missing event arrived: release whatever was waiting behind it.
    const waiting = this.#held.get(event.streamId);
    if (waiting) {
      let next = waiting.get(cp.appliedVersion(event.streamId) + 1);
      while (next) {
        waiting.delete(next.version);
        this.#applyAndTrace(store, next, mode, guards, drafts);
        next = waiting.get(cp.appliedVersion(event.streamId) + 1);
      }
      // Anything left that is now at or below the applied version is stale.
      for (const v of [...waiting.keys()]) if (v <= cp.appliedVersion(event.streamId)) waiting.delete(v);
      if (waiting.size === 0) this.#held.delete(event.streamId);
    }
  }

  #applyAndTrace(store: ReadModelStore, event: EventEnvelope, mode: 'live' | 'catchUp', guards: ProjectionGuards, drafts: TraceBody[]): void {
    if (this.#apply(store, event, guards)) {
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
    }
  }

  /** Apply without trace (rebuild path). Returns true if the event type is handled. */
  #apply(store: ReadModelStore, event: EventEnvelope, guards: ProjectionGuards): boolean {
    const cp = store.checkpoint;
    const applied = cp.appliedVersion(event.streamId);
    if (guards.dedupe && event.version <= applied) {
      cp.markDone(event.position);
      return false;
    }
    const handled = this.#handles.has(event.type);
    if (handled) {
      this.definition.apply(store.sql, event);
      if (store === this.#store) this.#counters.applied++;
    } else if (store === this.#store) {
      this.#counters.ignored++;
    }
    if (event.version > applied) cp.setVersion(event.streamId, event.version);
    cp.markDone(event.position);
    return handled;
  }
}
