// Who is waiting for a projection to move: waiting queries and subscriptions
// (woken when the watermark passes their target) and optimistic answers
// (reconciled once their commands are settled and projected).
import type { Rejection } from '../domain.ts';
import { type CommandRun, type EngineContext, type OptimisticWatch, optionalSession, type ProjectionProcess } from './context.ts';
import { diffPaths } from './diffPaths.ts';

export class Watchers {
  readonly ctx: EngineContext;

  constructor(ctx: EngineContext) {
    this.ctx = ctx;
  }

  /** A projection's watermark moved: wake waiting queries, subscriptions and optimistic answers. */
  advanced(p: ProjectionProcess): void {
    if (this.ctx.waiters.length > 0) {
      const ready = this.ctx.waiters.filter((w) => w.projection === p.name && w.target <= p.watermark);
      if (ready.length > 0) {
        this.ctx.waiters = this.ctx.waiters.filter((w) => !ready.includes(w));
        for (const w of ready) this.ctx.scheduler.schedule(this.ctx.clock.now, 'projection.notify', w.fire);
      }
    }
    for (const w of [...this.ctx.watches]) if (w.projection === p.name) this.checkReconcile(w);
  }

  /** Once every command of an optimistic answer is settled and projected, compare the prediction with the truth. */
  checkReconcile(w: OptimisticWatch): void {
    if (!this.ctx.watches.includes(w)) return;
    if (w.runs.some((r) => !r.done)) return;
    const p = this.ctx.projection(w.projection);
    const target = Math.max(0, ...w.runs.map((r) => (r.result?.ok ? r.result.consistencyToken : 0)));
    if (p.watermark < target) return;
    this.ctx.watches = this.ctx.watches.filter((x) => x !== w);
    this.ctx.scheduler.schedule(this.ctx.clock.now, 'query.reconcile', async () => {
      const real = await this.ctx.host().query(w.type, w.params);
      const differences = diffPaths(w.data, real.data);
      this.ctx.emit({
        type: 'query.reconciled',
        queryId: w.queryId,
        projection: w.projection,
        position: real.position,
        matched: differences.length === 0,
        differences,
        commandIds: w.runs.map((r) => r.commandId),
        afterMs: this.ctx.clock.now - w.at,
        ...optionalSession(w.sessionId),
      });
    });
  }

  finishWatchRun(w: OptimisticWatch, run: CommandRun): void {
    if (w.rolledBack.has(run.commandId)) return;
    w.rolledBack.add(run.commandId);
    const rejection: Rejection =
      run.result && !run.result.ok
        ? run.result.rejection
        : { code: run.error?.code ?? 'FAILED', message: run.error?.message ?? 'The command failed.' };
    this.ctx.emit({
      type: 'query.rolledBack',
      queryId: w.queryId,
      projection: w.projection,
      commandId: run.commandId,
      rejection,
      afterMs: this.ctx.clock.now - w.at,
      ...optionalSession(w.sessionId),
    });
  }
}
