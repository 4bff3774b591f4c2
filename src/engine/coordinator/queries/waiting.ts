// The strategies that wait for the read model to reach a position: token and
// read-your-writes (wait in virtual time), poll (ask again and again) and
// push (subscribe, ask when notified); each gives up after its timeout.
import { type EngineContext, optionalSession, type QueryRun, type Waiter } from '../context.ts';
import type { QueryAnswers } from './answers.ts';

export class WaitingStrategies {
  readonly ctx: EngineContext;
  readonly answers: QueryAnswers;

  constructor(ctx: EngineContext, answers: QueryAnswers) {
    this.ctx = ctx;
    this.answers = answers;
  }

  /** Token / read-your-writes: wait in virtual time until the read model passes the target, or time out. */
  async waitFor(run: QueryRun): Promise<void> {
    const p = this.ctx.projection(run.projection);
    const target = run.required;
    if (target === null || p.watermark >= target) return this.answers.afterQueryCost(() => this.answers.answer(run, 'readModel'));
    const timeoutAt = this.ctx.clock.now + this.answers.timeoutOf(run);
    this.ctx.emit({ type: 'query.waiting', queryId: run.queryId, projection: run.projection, target, position: p.watermark, timeoutAt });
    const resume = (satisfied: boolean): Promise<void> | undefined => {
      if (run.resumed) return;
      run.resumed = true;
      this.ctx.scheduler.cancel(timer);
      this.ctx.waiters = this.ctx.waiters.filter((w) => w !== waiter);
      run.waitedMs = this.ctx.clock.now - run.receivedAt;
      run.timedOut = !satisfied;
      this.ctx.emit({
        type: 'query.waited',
        queryId: run.queryId,
        projection: run.projection,
        target,
        position: p.watermark,
        waitedMs: run.waitedMs,
        satisfied,
      });
      return this.answers.afterQueryCost(() => this.answers.answer(run, 'readModel'));
    };
    const waiter: Waiter = { projection: run.projection, target, fire: () => resume(true) };
    this.ctx.waiters.push(waiter);
    const timer = this.ctx.scheduler.schedule(timeoutAt, 'query.timeout', () => resume(false));
  }

  /** Polling: the client asks again and again (each poll a real query), counting the polls. */
  async poll(run: QueryRun): Promise<void> {
    const target = run.required;
    const interval = run.consistency.pollIntervalMs ?? this.ctx.settings.consistency.pollIntervalMs;
    const deadline = run.receivedAt + this.answers.timeoutOf(run);
    const once = async (): Promise<void> => {
      const answer = await this.ctx.host().query(run.type, run.params);
      run.polls++;
      const satisfied = target === null || answer.position >= target;
      this.ctx.emit({
        type: 'query.polled',
        queryId: run.queryId,
        projection: run.projection,
        poll: run.polls,
        position: answer.position,
        target: target ?? 0,
        satisfied,
      });
      if (satisfied || this.ctx.clock.now + interval > deadline) {
        run.waitedMs = this.ctx.clock.now - run.receivedAt;
        run.timedOut = !satisfied;
        return this.answers.answer(run, 'readModel', answer);
      }
      this.ctx.scheduler.schedule(this.ctx.clock.now + interval, 'query.poll', () => this.answers.afterQueryCost(once));
    };
    return this.answers.afterQueryCost(once);
  }

  /** Push: subscribe to the projection passing the target; ask when notified. */
  async push(run: QueryRun): Promise<void> {
    const p = this.ctx.projection(run.projection);
    const target = run.required;
    if (target === null || p.watermark >= target) return this.answers.afterQueryCost(() => this.answers.answer(run, 'readModel'));
    const subscriptionId = `sub-${++this.ctx.subscriptionSeq}`;
    this.ctx.emit({
      type: 'subscription.created',
      subscriptionId,
      projection: run.projection,
      position: target,
      ...optionalSession(run.sessionId),
    });
    const timeoutAt = this.ctx.clock.now + this.answers.timeoutOf(run);
    const resume = (satisfied: boolean): Promise<void> | undefined => {
      if (run.resumed) return;
      run.resumed = true;
      this.ctx.scheduler.cancel(timer);
      this.ctx.waiters = this.ctx.waiters.filter((w) => w !== waiter);
      run.waitedMs = this.ctx.clock.now - run.receivedAt;
      run.timedOut = !satisfied;
      if (satisfied) {
        this.ctx.emit({
          type: 'subscription.notified',
          subscriptionId,
          projection: run.projection,
          position: target,
          watermark: p.watermark,
          waitedMs: run.waitedMs,
          ...optionalSession(run.sessionId),
        });
        this.ctx.emit({
          type: 'query.pushed',
          queryId: run.queryId,
          projection: run.projection,
          subscriptionId,
          target,
          position: p.watermark,
          waitedMs: run.waitedMs,
        });
      } else {
        this.ctx.emit({
          type: 'query.waited',
          queryId: run.queryId,
          projection: run.projection,
          target,
          position: p.watermark,
          waitedMs: run.waitedMs,
          satisfied: false,
        });
      }
      return this.answers.afterQueryCost(() => this.answers.answer(run, 'readModel'));
    };
    const waiter: Waiter = { projection: run.projection, target, fire: () => resume(true) };
    this.ctx.waiters.push(waiter);
    const timer = this.ctx.scheduler.schedule(timeoutAt, 'query.timeout', () => resume(false));
  }
}
