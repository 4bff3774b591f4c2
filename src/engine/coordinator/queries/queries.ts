// A query's arrival: validated and scheduled, its consistency settled (its
// own, else its session's), then handed to its strategy.
import { InvalidIntentError, UnknownQueryError } from '../../errors.ts';
import { validatePayload } from '../../validation.ts';
import type { ConsistencyOptions, QueryInput } from '../../vocabulary/intent.ts';
import { type EngineContext, optionalSession, type QueryRun } from '../context.ts';
import type { QueryAnswers } from './answers.ts';
import { validateConsistency } from './consistency.ts';
import type { OverlayStrategies } from './overlay.ts';
import type { WaitingStrategies } from './waiting.ts';

export class Queries {
  readonly ctx: EngineContext;
  readonly answers: QueryAnswers;
  readonly waiting: WaitingStrategies;
  readonly overlay: OverlayStrategies;

  constructor(ctx: EngineContext, answers: QueryAnswers, waiting: WaitingStrategies, overlay: OverlayStrategies) {
    this.ctx = ctx;
    this.answers = answers;
    this.waiting = waiting;
    this.overlay = overlay;
  }

  submitQuery(input: QueryInput, sessionId: string | undefined, consistency: ConsistencyOptions | undefined): QueryRun {
    if (input === null || typeof input !== 'object' || typeof input.type !== 'string') {
      throw new InvalidIntentError('A query needs a `type` (e.g. "GetOrderSummary") and `params`.');
    }
    const spec = this.ctx.domain.queries.find((q) => q.type === input.type);
    if (!spec)
      throw new UnknownQueryError(
        input.type,
        this.ctx.domain.queries.map((q) => q.type),
      );
    const params = validatePayload(input.type, spec.fields, input.params ?? {});
    const explicit = validateConsistency(consistency);
    const run: QueryRun = {
      queryId: `qry-${++this.ctx.querySeq}`,
      type: spec.type,
      projection: spec.projection,
      params,
      sessionId,
      done: false,
      explicit,
      consistency: explicit ?? { strategy: 'eventual' },
      receivedAt: 0,
      required: null,
      sessionWrite: 0,
      waitedMs: 0,
      polls: 0,
      timedOut: false,
      resumed: false,
    };
    this.ctx.atBoundary(() => {
      this.ctx.record({
        kind: 'query',
        query: { type: spec.type, params },
        ...optionalSession(sessionId),
        ...(explicit ? { consistency: explicit } : {}),
      });
      this.ctx.scheduler.schedule(this.ctx.clock.now, 'query', () => this.receiveQuery(run));
    });
    return run;
  }

  async receiveQuery(run: QueryRun): Promise<void> {
    const session = run.sessionId !== undefined ? this.ctx.sessions.get(run.sessionId) : undefined;
    run.consistency = run.explicit ?? session?.consistency ?? { strategy: 'eventual' };
    run.receivedAt = this.ctx.clock.now;
    run.sessionWrite = session?.lastWrite ?? 0;
    const c = run.consistency;
    const sessionTarget = run.sessionWrite > 0 ? run.sessionWrite : null;
    run.required = c.strategy === 'token' || c.strategy === 'poll' || c.strategy === 'push' ? (c.token ?? sessionTarget) : sessionTarget;
    this.ctx.emit({
      type: 'query.received',
      queryId: run.queryId,
      queryType: run.type,
      projection: run.projection,
      ...optionalSession(run.sessionId),
      strategy: c.strategy,
      requiredPosition: run.required,
    });
    try {
      switch (c.strategy) {
        case 'eventual':
          return this.answers.afterQueryCost(() => this.answers.answer(run, 'readModel'));
        case 'readYourWrites':
          if (c.via === 'writeSide') return this.answers.afterQueryCost(() => this.overlay.answerFromWriteSide(run));
          return this.waiting.waitFor(run);
        case 'token':
          return this.waiting.waitFor(run);
        case 'poll':
          return this.waiting.poll(run);
        case 'push':
          return this.waiting.push(run);
        case 'optimistic':
          return this.answers.afterQueryCost(() => this.overlay.answerOptimistic(run));
        case 'staleWhileRevalidate':
          return this.overlay.staleWhileRevalidate(run);
      }
    } catch (e) {
      this.answers.queryFailed(run, e);
    }
  }
}
