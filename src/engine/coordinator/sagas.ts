// Sagas: deliveries from the bus, timeouts in virtual time and refused
// commands go to the write side's saga store; the reaction's commands are
// sent with derived ids, so a resend is harmless.
import type { Rejection, SagaCommand } from '../domain.ts';
import { projectionCostMs } from '../settings.ts';
import { EngineError } from '../errors.ts';
import type { EventEnvelope } from '../vocabulary/envelope.ts';
import type { SagaOutcome } from '../write/sagaStore.ts';
import type { Commands } from './commands.ts';
import type { EngineContext } from './context.ts';

export class Sagas {
  readonly ctx: EngineContext;
  readonly commands: Commands;

  constructor(ctx: EngineContext, commands: Commands) {
    this.ctx = ctx;
    this.commands = commands;
  }

  sagaEnv(): { seed: number; at: number; settings: { failureProbability: number; timeoutMs: number } } {
    const s = this.ctx.settings.sagas;
    return { seed: this.ctx.seed, at: this.ctx.clock.now, settings: { failureProbability: s.failureProbability, timeoutMs: s.timeoutMs } };
  }

  sagaDeliver(saga: string, event: EventEnvelope): void {
    const work = async (): Promise<void> => {
      const outcome = await this.ctx.write.sagaHandle({ saga, event, ...this.sagaEnv() });
      this.sagaOutcome(saga, outcome, { trigger: 'event', cause: event.type, position: event.position });
    };
    const cost = projectionCostMs(this.ctx.settings, 1);
    this.ctx.scheduler.schedule(this.ctx.clock.now + cost, 'saga.handle', work);
  }

  sagaOutcome(
    saga: string,
    outcome: SagaOutcome,
    why: { trigger: 'event' | 'timeout' | 'rejection'; cause: string; position: number | null },
  ): void {
    if (outcome.kind === 'duplicate') {
      this.ctx.emit({ type: 'saga.duplicateSkipped', saga, sagaId: outcome.sagaId, position: why.position ?? 0 });
      return;
    }
    if (outcome.kind === 'ignored') {
      if (why.trigger !== 'timeout')
        this.ctx.emit({ type: 'saga.ignored', saga, sagaId: outcome.sagaId, position: why.position, reason: outcome.reason });
      return;
    }
    if (outcome.started) {
      this.ctx.emit({
        type: 'saga.started',
        saga,
        sagaId: outcome.sagaId,
        position: why.position ?? 0,
        eventType: why.cause,
        correlationId: outcome.correlationId,
      });
    }
    if (why.trigger === 'timeout') this.ctx.emit({ type: 'saga.timedOut', saga, sagaId: outcome.sagaId, name: why.cause });
    this.ctx.emit({
      type: 'saga.stepped',
      saga,
      sagaId: outcome.sagaId,
      trigger: why.trigger,
      cause: why.cause,
      position: why.position,
      from: outcome.from,
      to: outcome.to,
      commands: outcome.commands.map((c) => c.type),
      done: outcome.done,
    });
    // The running wait.
    const key = `${saga}|${outcome.sagaId}`;
    const known = this.ctx.sagaTimers.get(key);
    const wanted = outcome.timeout ? `${outcome.timeout.name}@${outcome.timeout.at}` : null;
    if (known && known.key !== wanted) {
      this.ctx.scheduler.cancel(known.handle);
      this.ctx.sagaTimers.delete(key);
    }
    if (outcome.timeout && wanted !== null && known?.key !== wanted) {
      const t = outcome.timeout;
      const sagaId = outcome.sagaId;
      const handle = this.ctx.scheduler.schedule(t.at, 'saga.timeout', async () => {
        this.ctx.sagaTimers.delete(key);
        const o = await this.ctx.write.sagaTimeout({ saga, sagaId, name: t.name, dueAt: t.at, ...this.sagaEnv() });
        this.sagaOutcome(saga, o, { trigger: 'timeout', cause: t.name, position: null });
      });
      this.ctx.sagaTimers.set(key, { key: wanted, handle });
      this.ctx.emit({ type: 'saga.timeoutScheduled', saga, sagaId, name: t.name, dueAt: t.at });
    }
    for (const c of outcome.commands) this.sagaSend(saga, outcome.sagaId, outcome.correlationId, c, 1);
    if (outcome.done && outcome.from !== outcome.to)
      this.ctx.emit({ type: 'saga.finished', saga, sagaId: outcome.sagaId, status: outcome.to });
  }

  /** Send a saga's command with a derived commandId: resending it is harmless (idempotency). */
  sagaSend(saga: string, sagaId: string, correlationId: string, command: SagaCommand, attempt: number): void {
    const commandId = `${saga}-${sagaId}-${command.key}`;
    const refuse = async (rejection: Rejection): Promise<void> => {
      const o = await this.ctx.write.sagaRejected({ saga, sagaId, command, rejection, ...this.sagaEnv() });
      this.sagaOutcome(saga, o, { trigger: 'rejection', cause: `${command.type}: ${rejection.code}`, position: null });
    };
    this.ctx.emit({ type: 'saga.commandSent', saga, sagaId, commandId, commandType: command.type, attempt });
    try {
      this.commands.submitCommand({ type: command.type, data: command.data, commandId, correlationId }, undefined, {
        onDone: (run) => {
          if (run.result?.ok) return;
          if (run.result && !run.result.ok) {
            this.ctx.emit({
              type: 'saga.commandRefused',
              saga,
              sagaId,
              commandId,
              commandType: command.type,
              code: run.result.rejection.code,
              willRetry: false,
            });
            // Handled in a task of its own, after the command's.
            this.ctx.scheduler.schedule(this.ctx.clock.now, 'saga.rejected', () =>
              refuse((run.result as { rejection: Rejection }).rejection),
            );
            return;
          }
          const code = run.error?.code ?? 'FAILED';
          const retry = attempt <= this.ctx.settings.sagas.maxRetries;
          this.ctx.emit({ type: 'saga.commandRefused', saga, sagaId, commandId, commandType: command.type, code, willRetry: retry });
          if (retry) {
            this.ctx.scheduler.schedule(this.ctx.clock.now + this.ctx.settings.sagas.retryMs * attempt, 'saga.resend', () =>
              this.sagaSend(saga, sagaId, correlationId, command, attempt + 1),
            );
          } else {
            this.ctx.scheduler.schedule(this.ctx.clock.now, 'saga.rejected', () =>
              refuse({ code, message: run.error?.message ?? 'The command failed.' }),
            );
          }
        },
      });
    } catch (e) {
      // A saga that builds an invalid command: treated as a refusal.
      const err = e instanceof EngineError ? e : new EngineError('INVALID_INTENT', String(e));
      this.ctx.emit({ type: 'saga.commandRefused', saga, sagaId, commandId, commandType: command.type, code: err.code, willRetry: false });
      this.ctx.scheduler.schedule(this.ctx.clock.now, 'saga.rejected', () => refuse({ code: err.code, message: err.message }));
    }
  }
}
