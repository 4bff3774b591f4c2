// Live projection work: the inbox the bus fills, drained in batches after
// their virtual cost (committed on the next commit tick when there is an
// interval); synchronous projections applied after a commit; one place that
// settles a returned batch (crash or applied records).
import { applyGuardsFor, batchCostMs, commitInstant } from '../../settings.ts';
import type { EventEnvelope } from '../../vocabulary/envelope.ts';
import type { BatchOutcome } from '../../vocabulary/projection.ts';
import type { EngineContext, LiveApply, ProjectionProcess } from '../context.ts';
import type { Watchers } from '../watchers.ts';
import { CommitTicks } from './commitTicks.ts';

export class LiveProjections {
  readonly ctx: EngineContext;
  readonly watchers: Watchers;
  readonly ticks: CommitTicks;

  constructor(ctx: EngineContext, watchers: Watchers) {
    this.ctx = ctx;
    this.watchers = watchers;
    this.ticks = new CommitTicks(ctx);
  }

  markCrashed(p: ProjectionProcess, rolledBack: number, reason = 'requested', committedWithoutCheckpoint?: number): void {
    p.crashArmed = false;
    p.crashPoint = 'midBatch';
    const lostInbox = p.inbox.length;
    p.inbox = [];
    p.status = 'crashed';
    this.ctx.emit({
      type: 'projection.crashed',
      projection: p.name,
      reason,
      rolledBack,
      lostInbox,
      watermark: p.watermark,
      ...(committedWithoutCheckpoint !== undefined ? { committedWithoutCheckpoint } : {}),
    });
    this.ctx.bus.setDown(p.name, true);
  }

  /** A batch came back: record its state, then either the crash or what it applied. False when it crashed. */
  settle(p: ProjectionProcess, outcome: BatchOutcome): boolean {
    this.ctx.setState(p, outcome);
    if (outcome.crashed) {
      // Rows committed without their checkpoint were applied: the trace says so before the crash.
      if (outcome.committedWithoutCheckpoint !== undefined) for (const d of outcome.drafts) this.ctx.emit(d);
      this.markCrashed(p, outcome.rolledBack, outcome.reason, outcome.committedWithoutCheckpoint);
      return false;
    }
    for (const d of outcome.drafts) this.ctx.emit(d);
    this.watchers.advanced(p);
    return true;
  }

  scheduleDrain(p: ProjectionProcess): void {
    if (p.busy || p.drainScheduled || p.status !== 'live' || p.inbox.length === 0) return;
    p.drainScheduled = true;
    // Scheduled (not run inline) so deliveries of the same instant share a batch.
    this.ctx.scheduler.schedule(this.ctx.clock.now, 'projection.drain', () => this.drain(p));
  }

  async drain(p: ProjectionProcess): Promise<void> {
    p.drainScheduled = false;
    if (p.busy || p.status !== 'live' || p.inbox.length === 0) {
      if (p.crashArmed && p.crashPoint === 'midBatch' && p.status === 'live' && !p.busy) this.markCrashed(p, 0);
      return;
    }
    const batch = p.inbox.splice(0, this.ctx.settings.projection.batchSize);
    p.busy = true;
    const cost = batchCostMs(this.ctx.settings, batch.length);
    const live = this.liveApply(p, batch);
    const run = async (): Promise<void> => live.applied(await this.ctx.host().applyBatch(live.request()));
    // With a commit interval every batch waits for its tick, even one ready now: the tick merges it with the others.
    if (this.ctx.settings.projection.commitIntervalMs > 0)
      this.ticks.join(commitInstant(this.ctx.settings, this.ctx.clock.now + cost), live, run);
    else if (cost === 0) await run();
    else this.ctx.scheduler.schedule(this.ctx.clock.now + cost, 'projection.apply', run, live);
  }

  liveApply(p: ProjectionProcess, batch: EventEnvelope[]): LiveApply {
    return {
      projection: p.name,
      request: () => ({
        projection: p.name,
        events: batch,
        mode: 'live',
        guards: applyGuardsFor(this.ctx.settings, p.name),
        headPosition: this.ctx.head,
        ...this.ctx.failAfter(p, batch.length),
        ...this.ctx.meter(p.name),
      }),
      applied: (outcome) => this.appliedLive(p, outcome),
    };
  }

  appliedLive(p: ProjectionProcess, outcome: BatchOutcome): void {
    // Busy until here (not only until the request left): nothing reads it in between, and a merged group may be put back unstarted.
    p.busy = false;
    if (this.settle(p, outcome)) this.afterRows(p, outcome);
  }

  /** Writing rows takes time too (costs.projectRowMs): the projection stays busy before its next batch. */
  afterRows(p: ProjectionProcess, outcome: BatchOutcome): void {
    const extra = this.ctx.settings.costs.projectRowMs * (outcome.rowsWritten ?? 0);
    if (extra <= 0) return this.scheduleDrain(p);
    p.busy = true;
    this.ctx.scheduler.schedule(this.ctx.clock.now + extra, 'projection.rows', () => {
      p.busy = false;
      if (p.crashArmed && p.crashPoint === 'midBatch' && p.status === 'live') return this.markCrashed(p, 0);
      this.scheduleDrain(p);
    });
  }

  /** Levels 2 and 3: apply events to the synchronous projections (separate stores, after the commit). */
  async applySync(names: readonly string[], events: EventEnvelope[]): Promise<void> {
    for (const name of names) {
      const p = this.ctx.projection(name);
      const outcome = await this.ctx.host().applyBatch({
        projection: name,
        events,
        mode: 'live',
        guards: applyGuardsFor(this.ctx.settings, name),
        headPosition: this.ctx.head,
        label: 'sync',
        ...this.ctx.meter(name),
      });
      this.settle(p, outcome);
    }
  }
}
