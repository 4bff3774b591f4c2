// The strategies that answer without waiting: read-your-writes from the write
// side (missing events applied on a scratch copy), optimistic (pending
// commands predicted on top of the read model) and stale-while-revalidate.
import { projectionCostMs } from '../../settings.ts';
import type { EventEnvelope } from '../../vocabulary/envelope.ts';
import { type EngineContext, type OptimisticWatch, optionalSession, type QueryRun } from '../context.ts';
import type { Watchers } from '../watchers.ts';
import type { QueryAnswers } from './answers.ts';

export class OverlayStrategies {
  readonly ctx: EngineContext;
  readonly watchers: Watchers;
  readonly answers: QueryAnswers;

  constructor(ctx: EngineContext, watchers: Watchers, answers: QueryAnswers) {
    this.ctx = ctx;
    this.watchers = watchers;
    this.answers = answers;
  }

  /** Read-your-writes from the write side: the events the read model lacks, applied on a scratch copy. */
  async answerFromWriteSide(run: QueryRun): Promise<void> {
    const p = this.ctx.projection(run.projection);
    const from = p.watermark + 1;
    const head = this.ctx.head;
    if (run.required === null || p.watermark >= run.required || from > head) return this.answers.answer(run, 'readModel');
    const events = await this.ctx.write.readAll(from, head - from + 1);
    this.ctx.emit({
      type: 'query.fromWriteSide',
      queryId: run.queryId,
      projection: run.projection,
      fromPosition: from,
      toPosition: head,
      events: events.length,
    });
    const work = async (): Promise<void> => {
      const host = this.ctx.host();
      const answer = await host.overlayQuery({ type: run.type, params: run.params, events });
      await this.answers.answer(run, 'writeSide', { data: answer.data, position: head });
    };
    const cost = projectionCostMs(this.ctx.settings, events.length);
    if (cost === 0) return work();
    this.ctx.scheduler.schedule(this.ctx.clock.now + cost, 'query.writeSide', work);
  }

  /** Optimistic UI: the read model plus what the session's outstanding commands will (probably) change. */
  async answerOptimistic(run: QueryRun): Promise<void> {
    const session = run.sessionId !== undefined ? this.ctx.sessions.get(run.sessionId) : undefined;
    const p = this.ctx.projection(run.projection);
    if (!session) return this.answers.answer(run, 'readModel');
    session.runs = session.runs.filter((r) => !r.done || (r.result?.ok === true && r.result.consistencyToken > this.ctx.minWatermark()));
    const outstanding = session.runs.filter(
      (r) => !r.done || (r.result?.ok === true && !r.result.duplicate && r.result.consistencyToken > p.watermark),
    );
    if (outstanding.length === 0) return this.answers.answer(run, 'readModel');
    const overlay: EventEnvelope[] = [];
    let predicted = 0;
    let confirmed = 0;
    let provisional = this.ctx.head;
    for (const r of outstanding) {
      if (r.done) {
        const evs = (r.events ?? []).filter((e) => e.position > p.watermark);
        confirmed += evs.length;
        overlay.push(...evs);
        continue;
      }
      const snapshots = this.ctx.snapshotPolicy();
      const guess = await this.ctx.write.predict({
        commandType: r.commandType,
        data: r.data,
        ...(snapshots ? { snapshots } : {}),
      });
      if (guess.kind !== 'events') continue;
      for (const e of guess.events) {
        predicted++;
        overlay.push({
          position: ++provisional,
          streamId: e.streamId,
          version: e.version,
          type: e.type,
          schemaVersion: this.ctx.domain.events.find((s) => s.type === e.type)?.schemaVersion ?? 1,
          data: e.data,
          metadata: { commandId: r.commandId, correlationId: r.correlationId, causationId: r.commandId, recordedAt: this.ctx.clock.now },
        });
      }
    }
    overlay.sort((a, b) => a.position - b.position);
    const host = this.ctx.host();
    const answer = await host.overlayQuery({ type: run.type, params: run.params, events: overlay });
    const commandIds = outstanding.map((r) => r.commandId);
    this.ctx.emit({
      type: 'query.optimistic',
      queryId: run.queryId,
      projection: run.projection,
      commandIds,
      predictedEvents: predicted,
      confirmedEvents: confirmed,
      position: p.watermark,
      ...optionalSession(run.sessionId),
    });
    const watch: OptimisticWatch = {
      queryId: run.queryId,
      projection: run.projection,
      type: run.type,
      params: run.params,
      data: answer.data,
      runs: outstanding,
      rolledBack: new Set(),
      at: this.ctx.clock.now,
      sessionId: run.sessionId,
    };
    this.ctx.watches.push(watch);
    await this.answers.answer(
      run,
      'predicted',
      { data: answer.data, position: p.watermark },
      { commandIds, predictedEvents: predicted, confirmedEvents: confirmed },
    );
    // Some of the commands may already be settled and projected.
    for (const r of outstanding) if (r.done && !r.result?.ok) this.watchers.finishWatchRun(watch, r);
    this.watchers.checkReconcile(watch);
  }

  /** Stale-while-revalidate: the session's cached answer now, a fresh read in the background. */
  async staleWhileRevalidate(run: QueryRun): Promise<void> {
    const session = this.ctx.sessionOf(run.sessionId ?? '');
    const key = `${run.type}|${JSON.stringify(run.params)}`;
    const cached = session.cache.get(key);
    if (!cached) {
      return this.answers.afterQueryCost(async () => {
        const answer = await this.ctx.host().query(run.type, run.params);
        session.cache.set(key, { data: answer.data, position: answer.position, at: this.ctx.clock.now });
        await this.answers.answer(run, 'readModel', answer);
      });
    }
    this.ctx.emit({
      type: 'query.cacheHit',
      queryId: run.queryId,
      projection: run.projection,
      position: cached.position,
      cachedAt: cached.at,
      ageMs: this.ctx.clock.now - cached.at,
    });
    await this.answers.answer(run, 'cache', { data: cached.data, position: cached.position });
    await this.answers.afterQueryCost(async () => {
      const fresh = await this.ctx.host().query(run.type, run.params);
      const changed = JSON.stringify(fresh.data) !== JSON.stringify(cached.data);
      session.cache.set(key, { data: fresh.data, position: fresh.position, at: this.ctx.clock.now });
      this.ctx.emit({ type: 'query.revalidated', queryId: run.queryId, projection: run.projection, position: fresh.position, changed });
    });
  }
}
