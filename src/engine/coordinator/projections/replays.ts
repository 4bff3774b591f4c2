// Reading the event store from a projection's cursor: catch-up after a crash
// (from the checkpoint) and rebuild (from position 0 into a fresh store).
import { applyGuardsFor, batchCostMs } from '../../settings.ts';
import type { EventEnvelope } from '../../vocabulary/envelope.ts';
import type { EngineContext, ProjectionProcess } from '../context.ts';
import type { Watchers } from '../watchers.ts';
import type { LiveProjections } from './live.ts';

export class Replays {
  readonly ctx: EngineContext;
  readonly watchers: Watchers;
  readonly live: LiveProjections;

  constructor(ctx: EngineContext, watchers: Watchers, live: LiveProjections) {
    this.ctx = ctx;
    this.watchers = watchers;
    this.live = live;
  }

  /** After a crash: read the event store from the checkpoint, in batches, then go live. */
  async catchUpStep(p: ProjectionProcess): Promise<void> {
    if (p.status !== 'catchingUp') return;
    if (p.cursor === 0) {
      const st = await this.ctx.host().state(p.name);
      this.ctx.setState(p, st);
      p.cursor = st.watermark + 1;
      this.ctx.emit({ type: 'projection.catchUpStarted', projection: p.name, fromPosition: p.cursor, headPosition: this.ctx.head });
    }
    await this.replayFromStore(p, 'projection.catchUpApply', {
      finish: async () => {
        p.status = 'live';
        this.ctx.emit({ type: 'projection.caughtUp', projection: p.name, watermark: p.watermark });
      },
      apply: async (events) => {
        const outcome = await this.ctx.host().applyBatch({
          projection: p.name,
          events,
          mode: 'catchUp',
          guards: applyGuardsFor(this.ctx.settings, p.name),
          headPosition: this.ctx.head,
          ...this.ctx.failAfter(p, events.length),
          ...this.ctx.meter(p.name),
        });
        return this.live.settle(p, outcome);
      },
      next: () => this.catchUpStep(p),
    });
  }

  /** Replay from position 0 into a fresh store, batch by batch, then swap it in. */
  async rebuildStep(p: ProjectionProcess): Promise<void> {
    if (p.status !== 'rebuilding') return;
    await this.replayFromStore(p, 'projection.rebuildApply', {
      finish: async () => {
        const st = await this.ctx.host().finishRebuild(p.name);
        this.ctx.setState(p, st);
        p.status = 'live';
        this.ctx.emit({ type: 'projection.rebuildFinished', projection: p.name, watermark: p.watermark, events: p.rebuilt });
      },
      apply: async (events) => {
        const outcome = await this.ctx.host().rebuildBatch({
          projection: p.name,
          events,
          guards: applyGuardsFor(this.ctx.settings, p.name),
          ...this.ctx.failAfter(p, events.length),
        });
        if (outcome.crashed) {
          const st = await this.ctx.host().state(p.name);
          this.ctx.setState(p, st);
          this.live.markCrashed(p, 0, outcome.reason);
          return false;
        }
        p.rebuilt += events.length;
        const last = events[events.length - 1]!;
        this.ctx.emit({
          type: 'projection.rebuildProgress',
          projection: p.name,
          position: last.position,
          headPosition: this.ctx.head,
          events: events.length,
        });
        return true;
      },
      next: () => this.rebuildStep(p),
    });
  }

  /**
   * One step of reading the event store from the projection's cursor (catch-up and rebuild):
   * an empty batch finishes and goes live; otherwise the batch is applied after its virtual
   * cost (projectMs per event), then the next step runs unless the apply crashed.
   */
  async replayFromStore(
    p: ProjectionProcess,
    task: string,
    step: { finish: () => Promise<void>; apply: (events: EventEnvelope[]) => Promise<boolean>; next: () => Promise<void> },
  ): Promise<void> {
    const events = await this.ctx.write.readAll(p.cursor, this.ctx.settings.projection.replayBatchSize);
    const last = events[events.length - 1];
    if (!last) {
      await step.finish();
      this.watchers.advanced(p);
      this.live.scheduleDrain(p);
      return;
    }
    p.cursor = last.position + 1;
    p.busy = true;
    const apply = async (): Promise<void> => {
      p.busy = false;
      if (await step.apply(events)) await step.next();
    };
    const cost = batchCostMs(this.ctx.settings, events.length);
    if (cost === 0) await apply();
    else this.ctx.scheduler.schedule(this.ctx.clock.now + cost, task, apply);
  }
}
