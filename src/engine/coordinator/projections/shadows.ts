// Shadow (blue/green) builds: the other store reads the log in batches over
// virtual time, then follows the head; flip and rollback swap it with the
// live store in one step.
import { batchCostMs } from '../../settings.ts';
import type { EngineContext, ProjectionProcess } from '../context.ts';
import type { Watchers } from '../watchers.ts';

export class Shadows {
  readonly ctx: EngineContext;
  readonly watchers: Watchers;

  constructor(ctx: EngineContext, watchers: Watchers) {
    this.ctx = ctx;
    this.watchers = watchers;
  }

  kickShadows(): void {
    for (const p of this.ctx.projections.values()) {
      const s = p.shadow;
      if (!s || s.busy || s.scheduled) continue;
      s.scheduled = true;
      const gen = s.gen;
      this.ctx.scheduler.schedule(this.ctx.clock.now, 'projection.shadowTail', () => {
        if (p.shadow?.gen !== gen) return;
        p.shadow.scheduled = false;
        return this.shadowStep(p, gen);
      });
    }
  }

  /** The other store reads the log from its cursor, in batches, over virtual time; then it follows the head. */
  async shadowStep(p: ProjectionProcess, gen: number): Promise<void> {
    const s = p.shadow;
    if (!s || s.gen !== gen || s.busy) return;
    const events = s.cursor <= this.ctx.head ? await this.ctx.write.readAll(s.cursor, this.ctx.settings.projection.replayBatchSize) : [];
    const last = events[events.length - 1];
    if (!last) {
      if (s.status === 'building') {
        s.status = 'caughtUp';
        this.ctx.emit({ type: 'projection.shadowCaughtUp', projection: p.name, variant: s.variant, watermark: s.watermark });
      }
      if (s.pendingSwap) {
        const kind = s.pendingSwap;
        delete s.pendingSwap;
        await this.swap(p, kind);
      }
      return;
    }
    s.busy = true;
    const apply = async (): Promise<void> => {
      if (p.shadow?.gen !== gen) return;
      const host = this.ctx.host();
      const st = await host.shadowBatch(p.name, events);
      s.busy = false;
      s.cursor = last.position + 1;
      s.watermark = st.watermark;
      s.events += events.length;
      this.ctx.emit({
        type: 'projection.shadowProgress',
        projection: p.name,
        variant: s.variant,
        role: s.role,
        position: last.position,
        headPosition: this.ctx.head,
        events: events.length,
      });
      await this.shadowStep(p, gen);
    };
    const cost = batchCostMs(this.ctx.settings, events.length);
    if (cost === 0) await apply();
    else this.ctx.scheduler.schedule(this.ctx.clock.now + cost, 'projection.shadowApply', apply);
  }

  /** Flip or roll back: bring the other store to the head, then swap it with the live one in one step. */
  async swap(p: ProjectionProcess, kind: 'flip' | 'rollback'): Promise<void> {
    const s = p.shadow;
    if (!s) return;
    if (s.busy) {
      s.pendingSwap = kind;
      return;
    }
    const host = this.ctx.host();
    let caughtUp = 0;
    if (s.cursor <= this.ctx.head) {
      const rest = await this.ctx.write.readAll(s.cursor, this.ctx.head - s.cursor + 1);
      if (rest.length > 0) {
        const st = await host.shadowBatch(p.name, rest);
        s.watermark = st.watermark;
        s.cursor = rest[rest.length - 1]!.position + 1;
        caughtUp = rest.length;
      }
    }
    const from = p.variant;
    const st = await host.shadowSwap(p.name);
    const oldWatermark = p.watermark;
    p.watermark = st.watermark;
    p.counters = st.counters;
    p.variant = st.variant;
    s.variant = from;
    s.role = kind === 'flip' ? 'previous' : 'candidate';
    s.watermark = oldWatermark;
    s.cursor = oldWatermark + 1;
    s.status = oldWatermark >= this.ctx.head ? 'caughtUp' : 'building';
    s.events = 0;
    this.ctx.emit({
      type: kind === 'flip' ? 'projection.flipped' : 'projection.rolledBack',
      projection: p.name,
      from,
      to: p.variant,
      watermark: p.watermark,
      caughtUpEvents: caughtUp,
    });
    this.watchers.advanced(p);
    this.kickShadows();
  }
}
