// Getting appended events to the bus: dual write (publish after the commit,
// which a crash can prevent) or the transactional outbox (a relay publishes
// what the outbox holds, and runs again after a crash); armed faults.
import { InvalidIntentError } from '../errors.ts';
import type { EventEnvelope } from '../vocabulary/envelope.ts';
import type { Intent } from '../vocabulary/intent.ts';
import type { EngineContext } from './context.ts';
import type { FaultInfo } from './engineTypes.ts';

export class EventDelivery {
  readonly ctx: EngineContext;

  constructor(ctx: EngineContext) {
    this.ctx = ctx;
  }

  /**
   * Who gets an event from the bus: sagas for the types they handle, and
   * every projection that did not already get it inside the command.
   */
  wants(): ((subscriber: string, event: EventEnvelope) => boolean) | undefined {
    const sync = new Set(this.ctx.syncNames());
    const synced = this.ctx.syncedAt;
    // No sagas and no synchronous projections: everyone gets everything, no filter.
    if (this.ctx.sagaNames.size === 0 && sync.size === 0 && synced.size === 0) return undefined;
    return (sub, e) => {
      const saga = this.ctx.sagaNames.get(sub);
      if (saga) return saga.has(e.type);
      const at = synced.get(e.position);
      return at ? !at.includes(sub) : !sync.has(sub);
    };
  }

  deliver(events: EventEnvelope[], commandId: string): void {
    if (events.length === 0) return;
    if (this.ctx.settings.delivery === 'outbox') {
      const sync = this.ctx.syncNames();
      for (const e of events) this.ctx.syncedAt.set(e.position, sync);
      this.kickRelay(this.ctx.settings.outbox.relayDelayMs);
      return;
    }
    // Dual write: the commit is done; publishing is a separate step that a crash can prevent.
    const armed = this.ctx.faults.shift();
    if (armed !== undefined || this.ctx.rng.chance(this.ctx.settings.faults.publishFailureProbability)) {
      const positions = events.map((e) => e.position);
      this.ctx.lost.push(...positions);
      this.ctx.emit({
        type: 'publish.lost',
        commandId,
        positions,
        reason: 'the process died after the commit and before publishing: the events are stored but no subscriber will ever be told',
      });
      return;
    }
    this.ctx.bus.publish(events, this.wants());
  }

  kickRelay(delayMs: number): void {
    if (this.ctx.relayScheduled) return;
    this.ctx.relayScheduled = true;
    this.ctx.scheduler.schedule(this.ctx.clock.now + delayMs, 'outbox.relay', () => this.relay());
  }

  /** The outbox relay: publish what the outbox holds, then mark it published. */
  async relay(): Promise<void> {
    this.ctx.relayScheduled = false;
    const batch = this.ctx.settings.outbox.relayBatchSize;
    const events = await this.ctx.write.outboxPending(batch);
    if (events.length === 0) return;
    const attempt = ++this.ctx.relayAttempts;
    const positions = events.map((e) => e.position);
    let crash = this.ctx.faults.shift();
    if (crash === undefined && this.ctx.rng.chance(this.ctx.settings.faults.publishFailureProbability)) {
      crash = this.ctx.rng.chance(0.5) ? 'beforePublish' : 'afterPublish';
    }
    if (crash === 'afterPublish') this.ctx.bus.publish(events, this.wants());
    if (crash !== undefined) {
      const retryAt = this.ctx.clock.now + this.ctx.settings.outbox.retryMs;
      this.ctx.emit({ type: 'outbox.relayCrashed', positions, stage: crash, retryAt });
      // The outbox still lists them as unpublished: the next run sends them (again).
      this.ctx.relayScheduled = true;
      this.ctx.scheduler.schedule(retryAt, 'outbox.relay', () => this.relay());
      return;
    }
    this.ctx.bus.publish(events, this.wants());
    for (const position of positions) this.ctx.syncedAt.delete(position);
    await this.ctx.write.outboxMarkPublished(positions, this.ctx.clock.now);
    this.ctx.emit({ type: 'outbox.relayed', positions, attempt });
    if (events.length >= batch) this.kickRelay(0);
  }

  armFault(intent: Extract<Intent, { kind: 'fault' }>): FaultInfo {
    if (intent.fault !== 'publishCrash') throw new InvalidIntentError(`Unknown fault '${String(intent.fault)}'. Use publishCrash.`);
    const stage = intent.stage ?? 'beforePublish';
    if (stage !== 'beforePublish' && stage !== 'afterPublish')
      throw new InvalidIntentError(`A publishCrash stage is beforePublish or afterPublish, not '${String(stage)}'.`);
    const count = intent.count ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 1000)
      throw new InvalidIntentError('A fault count is a whole number from 1 to 1000.', { count });
    this.ctx.atBoundary(() => {
      this.ctx.record({ kind: 'fault', fault: 'publishCrash', stage, count });
      for (let i = 0; i < count; i++) this.ctx.faults.push(stage);
      this.ctx.faultsArmed += count;
      this.ctx.emit({ type: 'fault.armed', fault: 'publishCrash', stage, count });
    });
    return { fault: 'publishCrash', stage, armed: this.ctx.faultsArmed + count };
  }
}
