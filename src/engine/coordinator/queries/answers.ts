// Building a query's answer: read the read model (or take the answer a
// strategy computed), measure its freshness against the session and the
// token, and trace it.
import { EngineError } from '../../errors.ts';
import type { QueryAnswer } from '../../read/readModels.ts';
import type { AnswerSource, QueryConsistency, QueryResult } from '../../vocabulary/results.ts';
import { type EngineContext, optionalSession, type QueryRun } from '../context.ts';

export class QueryAnswers {
  readonly ctx: EngineContext;

  constructor(ctx: EngineContext) {
    this.ctx = ctx;
  }

  queryFailed(run: QueryRun, e: unknown): void {
    run.error = e instanceof EngineError ? e : new EngineError('SQL_ERROR', e instanceof Error ? e.message : String(e));
    run.done = true;
  }

  async afterQueryCost(work: () => Promise<void> | void): Promise<void> {
    const cost = this.ctx.settings.costs.queryMs;
    if (cost === 0) await work();
    else this.ctx.scheduler.schedule(this.ctx.clock.now + cost, 'query.run', work);
  }

  timeoutOf(run: QueryRun): number {
    return run.consistency.timeoutMs ?? this.ctx.settings.consistency.timeoutMs;
  }

  /** Build the result (reading the read model unless an answer is given) and trace it. */
  async answer(
    run: QueryRun,
    source: AnswerSource,
    given?: QueryAnswer,
    optimistic?: { commandIds: string[]; predictedEvents: number; confirmedEvents: number },
  ): Promise<void> {
    try {
      const answer = given ?? (await this.ctx.host().query(run.type, run.params));
      const head = this.ctx.head;
      const position = source === 'writeSide' ? Math.min(answer.position, head) : answer.position;
      const lagEvents = Math.max(0, head - position);
      const lagMs = this.ctx.lagMs(position);
      const required = run.required;
      let sawOwnWrite: boolean | null;
      if (source === 'predicted') sawOwnWrite = true;
      else if (run.sessionWrite === 0) sawOwnWrite = null;
      else sawOwnWrite = position >= run.sessionWrite;
      const consistency: QueryConsistency = {
        strategy: run.consistency.strategy,
        source,
        requiredPosition: required,
        waitedMs: run.waitedMs,
        polls: run.polls,
        timedOut: run.timedOut,
        stale: source === 'predicted' ? false : required !== null && position < required,
        sawOwnWrite,
      };
      this.ctx.emit({
        type: 'query.executed',
        queryId: run.queryId,
        queryType: run.type,
        projection: run.projection,
        position,
        headPosition: head,
        lagEvents,
        lagMs,
        ...optionalSession(run.sessionId),
        strategy: consistency.strategy,
        source,
        waitedMs: consistency.waitedMs,
        polls: consistency.polls,
        stale: consistency.stale,
        sawOwnWrite,
      });
      const strategy = this.ctx.domain.projections.find((d) => d.name === run.projection)?.fanOut;
      if (strategy !== undefined && answer.rowsRead !== undefined) {
        this.ctx.emit({ type: 'feed.read', queryId: run.queryId, projection: run.projection, strategy, rowsRead: answer.rowsRead });
      }
      const result: QueryResult = {
        ok: true,
        queryId: run.queryId,
        type: run.type,
        projection: run.projection,
        data: answer.data,
        position,
        headPosition: head,
        lagEvents,
        lagMs,
        status: this.ctx.projection(run.projection).status,
        at: this.ctx.clock.now,
        consistency,
      };
      if (optimistic) result.optimistic = optimistic;
      if (answer.rowsRead !== undefined) result.rowsRead = answer.rowsRead;
      run.result = result;
    } catch (e) {
      run.error = e instanceof EngineError ? e : new EngineError('SQL_ERROR', e instanceof Error ? e.message : String(e));
    }
    run.done = true;
  }
}
