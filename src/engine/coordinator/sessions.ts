// Sessions (default consistency strategy per session) and push
// subscriptions.
import { InvalidIntentError, InvalidPayloadError } from '../errors.ts';
import type { ConsistencyOptions } from '../vocabulary/intent.ts';
import { type EngineContext, optionalSession } from './context.ts';
import type { SessionInfo, SubscriptionReceipt } from './engineTypes.ts';
import { validateConsistency } from './queries/consistency.ts';

export class Sessions {
  readonly ctx: EngineContext;

  constructor(ctx: EngineContext) {
    this.ctx = ctx;
  }

  configureSession(sessionId: string, consistency: ConsistencyOptions | null): SessionInfo {
    if (typeof sessionId !== 'string' || sessionId.length === 0)
      throw new InvalidIntentError('A session intent needs a non-empty sessionId.');
    const c = consistency === null ? null : (validateConsistency(consistency) ?? null);
    this.ctx.atBoundary(() => {
      this.ctx.record({ kind: 'session', sessionId, consistency: c });
      this.ctx.sessionOf(sessionId).consistency = c;
      this.ctx.emit({ type: 'session.configured', sessionId, consistency: c });
    });
    return { sessionId, lastWrite: this.ctx.sessions.get(sessionId)?.lastWrite ?? 0, consistency: c };
  }

  subscribe(projection: string, position: number, sessionId: string | undefined): SubscriptionReceipt {
    const p = this.ctx.projection(projection);
    if (typeof position !== 'number' || !Number.isInteger(position) || position < 0) {
      throw new InvalidPayloadError('subscribe', 'position', position, 'a whole number from 0 (a consistency token)');
    }
    const subscriptionId = `sub-${++this.ctx.subscriptionSeq}`;
    this.ctx.atBoundary(() => {
      this.ctx.record({ kind: 'subscribe', projection, position, ...optionalSession(sessionId) });
      const id = subscriptionId;
      const createdAt = this.ctx.clock.now;
      this.ctx.emit({ type: 'subscription.created', subscriptionId: id, projection, position, ...optionalSession(sessionId) });
      const fire = (): void => {
        this.ctx.emit({
          type: 'subscription.notified',
          subscriptionId: id,
          projection,
          position,
          watermark: p.watermark,
          waitedMs: this.ctx.clock.now - createdAt,
          ...optionalSession(sessionId),
        });
      };
      if (p.watermark >= position) this.ctx.scheduler.schedule(this.ctx.clock.now, 'subscription.notify', fire);
      else this.ctx.waiters.push({ projection, target: position, fire });
    });
    return { subscriptionId, projection, position };
  }
}
