// Running scheduled tasks: one at a time, or the live applies of several
// projections due at the same instant merged into one read-side round trip.
import { EngineError } from '../errors.ts';
import type { EngineContext } from './context.ts';

export class Stepping {
  readonly ctx: EngineContext;

  constructor(ctx: EngineContext) {
    this.ctx = ctx;
  }

  /** Steps run one after another: a call made while one runs waits for it. */
  stepMerged(maxSteps = Number.POSITIVE_INFINITY): Promise<number> {
    const next = this.ctx.stepChain.then(() => this.stepNow(maxSteps));
    this.ctx.stepChain = next.catch(() => undefined);
    return next;
  }

  async stepNow(maxSteps: number): Promise<number> {
    await this.ctx.pendingSides;
    this.ctx.inStep = true;
    try {
      const host = this.ctx.host();
      const applyBatches = host.applyBatches;
      if (maxSteps < 2 || typeof applyBatches !== 'function') return (await this.ctx.scheduler.step()) ? 1 : 0;
      return await this.ctx.scheduler.stepGroup(
        maxSteps,
        (part, taken) => !taken.some((t) => t.projection === part.projection),
        async (parts, begin) => {
          begin();
          // Every request is built as its task would build it: nothing in between could change it.
          const outcomes = await applyBatches.call(
            host,
            parts.map((part) => part.request()),
          );
          parts.forEach((part, i) => {
            if (i > 0) begin();
            part.applied(outcomes[i]!);
          });
        },
      );
    } finally {
      this.ctx.inStep = false;
      const deferred = this.ctx.deferred;
      this.ctx.deferred = [];
      for (const apply of deferred) apply();
    }
  }

  async runUntil(isDone: () => boolean): Promise<void> {
    // A live apply never settles a command, query or request, so a merged group ends where step() would stop.
    while (!isDone()) {
      if ((await this.stepMerged()) === 0) {
        if (isDone()) return;
        throw new EngineError('NOT_QUIESCENT', 'The simulation went idle before the request completed.');
      }
    }
  }
}
