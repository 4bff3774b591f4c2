// A command's life: validated and scheduled, loaded (snapshots traced),
// appended after its service time, conflicts retried, synchronous
// projections applied, then settled for sessions, optimistic answers and sagas.
// A client's stale expected version is not a conflict to retry: it fails the
// command at once, back to the client that must decide again.
import { ConcurrencyError, InvalidIntentError, ReadModelUnavailableError, UnknownCommandError } from '../errors.ts';
import { applyGuardsFor, projectionCostMs } from '../settings.ts';
import { validatePayload } from '../validation.ts';
import type { EventEnvelope } from '../vocabulary/envelope.ts';
import type { CommandInput } from '../vocabulary/intent.ts';
import type { CommandAccepted } from '../vocabulary/results.ts';
import type { LoadedStream } from '../write/aggregateStreams.ts';
import type { StaleVersion } from '../write/commandHandler.ts';
import { type CommandRun, type EngineContext, optionalSession } from './context.ts';
import type { EventDelivery } from './delivery.ts';
import type { LiveProjections } from './projections/live.ts';
import type { Shadows } from './projections/shadows.ts';
import type { CommandSource } from './scriptLog.ts';
import type { Watchers } from './watchers.ts';

export class Commands {
  readonly ctx: EngineContext;
  readonly watchers: Watchers;
  readonly delivery: EventDelivery;
  readonly shadows: Shadows;
  readonly live: LiveProjections;

  constructor(ctx: EngineContext, watchers: Watchers, delivery: EventDelivery, shadows: Shadows, live: LiveProjections) {
    this.ctx = ctx;
    this.watchers = watchers;
    this.delivery = delivery;
    this.shadows = shadows;
    this.live = live;
  }

  /** `from`: the command is number n of a pure source (the load generator), so the script keeps it packed. */
  submitCommand(
    input: CommandInput,
    sessionId: string | undefined,
    internal?: { onDone: (run: CommandRun) => void },
    from?: { source: CommandSource; n: number },
  ): CommandRun {
    if (input === null || typeof input !== 'object' || typeof input.type !== 'string') {
      throw new InvalidIntentError('A command needs a `type` (e.g. "PlaceOrder") and `data`.');
    }
    const spec = this.ctx.domain.commands.find((c) => c.type === input.type);
    if (!spec)
      throw new UnknownCommandError(
        input.type,
        this.ctx.domain.commands.map((c) => c.type),
      );
    const data = validatePayload(input.type, spec.fields, input.data ?? {});
    if (input.commandId !== undefined && (typeof input.commandId !== 'string' || input.commandId.length === 0)) {
      throw new InvalidIntentError('commandId must be a non-empty text when given.', { commandId: input.commandId });
    }
    const expectedVersion = input.expectedVersion;
    if (expectedVersion !== undefined)
      this.checkExpectedVersion(
        spec.type,
        spec.route(data).map((r) => r.streamId),
        expectedVersion,
      );
    // A replayed script carries the ids the engine assigned (cmd-<n>): keep the
    // counter past them, so the next command without an id gets a fresh one.
    const assigned = input.commandId === undefined ? null : /^cmd-(\d+)$/.exec(input.commandId);
    if (assigned) this.ctx.commandSeq = Math.max(this.ctx.commandSeq, Number(assigned[1]));
    const commandId = input.commandId ?? `cmd-${++this.ctx.commandSeq}`;
    const seq = this.ctx.commandSeq; // the number in commandId when the engine gave it
    const correlationId = input.correlationId ?? commandId;
    const run: CommandRun = {
      commandId,
      commandType: spec.type,
      data,
      correlationId,
      sessionId,
      ...(expectedVersion !== undefined ? { expectedVersion } : {}),
      receivedAt: 0,
      attempts: 0,
      done: false,
    };
    if (internal) {
      run.internal = true;
      run.onDone = internal.onDone;
    }
    this.ctx.atBoundary(() => {
      if (!internal) {
        const command: CommandInput = { type: spec.type, data, commandId };
        if (input.correlationId !== undefined) command.correlationId = input.correlationId;
        if (expectedVersion !== undefined) command.expectedVersion = expectedVersion;
        // Packed only when the record is what a rebuild gives: no id, correlation, expected version or session of its own.
        const packable =
          from &&
          input.commandId === undefined &&
          input.correlationId === undefined &&
          expectedVersion === undefined &&
          sessionId === undefined;
        if (packable) this.ctx.recordFrom(from.source, from.n, seq, command);
        else this.ctx.record({ kind: 'command', command, ...optionalSession(sessionId) });
      }
      if (sessionId !== undefined) this.ctx.sessionOf(sessionId).runs.push(run);
      run.receivedAt = this.ctx.clock.now;
      this.ctx.scheduler.schedule(this.ctx.clock.now, 'command', () => this.attempt(run));
    });
    return run;
  }

  /**
   * An expected version is a whole number, about exactly one stream: for a
   * command that writes several, which one the client read would be a guess.
   */
  checkExpectedVersion(commandType: string, streamIds: readonly string[], expectedVersion: unknown): void {
    if (typeof expectedVersion !== 'number' || !Number.isInteger(expectedVersion) || expectedVersion < 0) {
      const shown = typeof expectedVersion === 'number' ? String(expectedVersion) : JSON.stringify(expectedVersion);
      throw new InvalidIntentError(`expectedVersion must be a whole number, 0 or more (0 = the stream must not exist yet); got ${shown}.`, {
        expectedVersion: shown,
      });
    }
    if (streamIds.length !== 1) {
      throw new InvalidIntentError(
        `An expected version is about one stream, but this ${commandType} writes ${streamIds.length} (${streamIds.join(', ')}): ` +
          `it would be unclear which one you read. Send it without an expected version.`,
        { commandType, streams: [...streamIds], expectedVersion },
      );
    }
  }

  async attempt(run: CommandRun): Promise<void> {
    run.attempts++;
    if (run.attempts === 1) this.ctx.emit({ type: 'command.received', commandType: run.commandType, attempt: 1, ...this.ctx.ids(run) });
    const idempotency = this.ctx.settings.idempotency;
    const snapshots = this.ctx.snapshotPolicy();
    const loaded = await this.ctx.write.load({
      commandId: run.commandId,
      commandType: run.commandType,
      data: run.data,
      idempotency,
      ...(snapshots ? { snapshots } : {}),
      ...(run.expectedVersion !== undefined ? { expectedVersion: run.expectedVersion } : {}),
    });
    if (loaded.kind === 'duplicate') return this.duplicate(run, loaded.result);
    if (loaded.kind === 'stale') return this.stale(run, loaded, 'load');
    this.ctx.emit({
      type: 'command.loaded',
      streams: loaded.streams.map((s) => ({ streamId: s.streamId, version: s.version })),
      attempt: run.attempts,
      ...this.ctx.ids(run),
    });
    let folded = 0;
    for (const s of loaded.streams) {
      folded += s.eventsFolded ?? s.version;
      const snap = s.snapshot;
      if (!snap) continue;
      if (snap.used) {
        this.ctx.emit({
          type: 'snapshot.loaded',
          streamId: s.streamId,
          snapshotVersion: snap.version,
          stateVersion: snap.stateVersion,
          eventsFolded: s.eventsFolded ?? 0,
          eventsSkipped: snap.version,
          ...this.ctx.ids(run),
        });
      } else {
        this.ctx.emit({
          type: 'snapshot.ignored',
          streamId: s.streamId,
          snapshotVersion: snap.version,
          snapshotStateVersion: snap.stateVersion,
          expectedStateVersion: snap.expectedStateVersion,
          eventsFolded: s.eventsFolded ?? 0,
          ...this.ctx.ids(run),
        });
      }
    }
    const cost = this.ctx.settings.costs.commandMs + this.ctx.settings.costs.loadEventMs * folded;
    if (cost === 0) await this.append(run, loaded.streams);
    else this.ctx.scheduler.schedule(this.ctx.clock.now + cost, 'command.append', () => this.append(run, loaded.streams));
  }

  async append(run: CommandRun, streams: LoadedStream[]): Promise<void> {
    const sync = this.ctx.syncNames();
    for (const name of sync) {
      const p = this.ctx.projection(name);
      if (p.status !== 'live' && p.status !== 'rebuilding') {
        const error = new ReadModelUnavailableError(name, p.status);
        this.ctx.emit({ type: 'command.failed', code: error.code, message: error.message, attempts: run.attempts, ...this.ctx.ids(run) });
        run.error = error;
        return this.finish(run);
      }
    }
    const snapshots = this.ctx.snapshotPolicy();
    const inTransaction = this.ctx.level === 1 && sync.length > 0;
    const outcome = await this.ctx.write.append({
      commandId: run.commandId,
      commandType: run.commandType,
      data: run.data,
      correlationId: run.correlationId,
      ...optionalSession(run.sessionId),
      at: this.ctx.clock.now,
      idempotency: this.ctx.settings.idempotency,
      loaded: streams,
      attempts: run.attempts,
      ...(snapshots ? { snapshots } : {}),
      ...(run.expectedVersion !== undefined ? { expectedVersion: run.expectedVersion } : {}),
      ...(this.ctx.settings.delivery === 'outbox' ? { outbox: true } : {}),
      ...(inTransaction
        ? {
            syncProjections: sync.map((projection) => ({
              projection,
              guards: applyGuardsFor(this.ctx.settings, projection),
              ...this.ctx.meter(projection),
            })),
          }
        : {}),
    });
    switch (outcome.kind) {
      case 'duplicate':
        return this.duplicate(run, outcome.result);
      case 'stale':
        return this.stale(run, outcome, 'append');
      case 'rejected':
        this.ctx.emit({ type: 'command.rejected', commandType: run.commandType, rejection: outcome.rejection, ...this.ctx.ids(run) });
        run.result = {
          ok: false,
          commandId: run.commandId,
          commandType: run.commandType,
          correlationId: run.correlationId,
          rejection: outcome.rejection,
          attempts: run.attempts,
        };
        return this.finish(run);
      case 'conflict': {
        this.ctx.emit({ type: 'command.decided', events: outcome.decided, attempt: run.attempts, ...this.ctx.ids(run) });
        this.ctx.emit({
          type: 'command.conflict',
          streamId: outcome.streamId,
          expectedVersion: outcome.expectedVersion,
          actualVersion: outcome.actualVersion,
          attempt: run.attempts,
          ...this.ctx.ids(run),
        });
        const retry = this.ctx.settings.retry;
        if (run.attempts < retry.maxAttempts) {
          const retryAt = this.ctx.clock.now + retry.backoffMs;
          this.ctx.emit({ type: 'command.retried', attempt: run.attempts + 1, retryAt, ...this.ctx.ids(run) });
          this.ctx.scheduler.schedule(retryAt, 'command.retry', () => this.attempt(run));
          return;
        }
        const error = new ConcurrencyError(outcome.streamId, outcome.expectedVersion, outcome.actualVersion, run.attempts);
        this.ctx.emit({ type: 'command.failed', code: error.code, message: error.message, attempts: run.attempts, ...this.ctx.ids(run) });
        run.error = error;
        return this.finish(run);
      }
      case 'projectionFailed': {
        this.ctx.emit({ type: 'command.decided', events: outcome.decided, attempt: run.attempts, ...this.ctx.ids(run) });
        const p = this.ctx.projection(outcome.projection);
        this.ctx.setState(p, outcome.outcome);
        this.live.markCrashed(p, outcome.outcome.rolledBack, outcome.reason);
        const error = new ReadModelUnavailableError(outcome.projection, `failing (${outcome.reason})`);
        this.ctx.emit({ type: 'command.failed', code: error.code, message: error.message, attempts: run.attempts, ...this.ctx.ids(run) });
        run.error = error;
        return this.finish(run);
      }
      case 'appended': {
        this.ctx.emit({ type: 'command.decided', events: outcome.decided, attempt: run.attempts, ...this.ctx.ids(run) });
        const events = outcome.events;
        this.ctx.emit({
          type: 'events.appended',
          causationId: run.commandId,
          events: events.map((e) => ({ position: e.position, streamId: e.streamId, version: e.version, eventType: e.type })),
          consistencyToken: outcome.result.consistencyToken,
          ...this.ctx.ids(run),
        });
        for (const s of outcome.snapshots ?? [])
          this.ctx.emit({
            type: 'snapshot.taken',
            streamId: s.streamId,
            version: s.version,
            stateVersion: s.stateVersion,
            ...this.ctx.ids(run),
          });
        this.appended(events);
        run.events = events;
        // Level 1: the synchronous projections were applied in the command's transaction.
        for (const sp of outcome.projections ?? []) {
          const p = this.ctx.projection(sp.projection);
          this.ctx.setState(p, sp.outcome);
          for (const d of sp.outcome.drafts) this.ctx.emit(d);
          this.watchers.advanced(p);
        }
        this.delivery.deliver(events, run.commandId);
        const complete = (): void => {
          this.ctx.emit({
            type: 'command.completed',
            commandType: run.commandType,
            consistencyToken: outcome.result.consistencyToken,
            durationMs: this.ctx.clock.now - run.receivedAt,
            attempts: run.attempts,
            ...this.ctx.ids(run),
          });
          run.result = outcome.result;
          this.finish(run);
        };
        if (sync.length === 0) return complete();
        const costMs =
          projectionCostMs(this.ctx.settings, events.length * sync.length) + this.ctx.settings.costs.projectBatchMs * sync.length;
        const project = async (): Promise<void> => {
          if (!inTransaction) await this.live.applySync(sync, events);
          this.ctx.emit({
            type: 'command.projected',
            projections: sync,
            events: events.length,
            costMs,
            sameTransaction: inTransaction,
            ...this.ctx.ids(run),
          });
          complete();
        };
        if (costMs === 0) return project();
        this.ctx.scheduler.schedule(this.ctx.clock.now + costMs, 'command.project', project);
        return;
      }
    }
  }

  duplicate(run: CommandRun, result: CommandAccepted): void {
    this.ctx.emit({
      type: 'command.duplicate',
      commandType: run.commandType,
      consistencyToken: result.consistencyToken,
      ...this.ctx.ids(run),
    });
    run.result = result;
    this.finish(run);
  }

  /** The client decided on another version of the stream: fail now, no retry. */
  stale(run: CommandRun, stale: StaleVersion, stage: 'load' | 'append'): void {
    const { streamId, expectedVersion, actualVersion } = stale;
    this.ctx.emit({
      type: 'command.staleVersion',
      streamId,
      expectedVersion,
      actualVersion,
      stage,
      attempt: run.attempts,
      ...this.ctx.ids(run),
    });
    const error = new ConcurrencyError(streamId, expectedVersion, actualVersion, run.attempts, { commandId: run.commandId });
    this.ctx.emit({ type: 'command.failed', code: error.code, message: error.message, attempts: run.attempts, ...this.ctx.ids(run) });
    run.error = error;
    this.finish(run);
  }

  /** A command is settled: sessions, optimistic answers and sagas learn of it. */
  finish(run: CommandRun): void {
    run.done = true;
    if (run.sessionId !== undefined) {
      const s = this.ctx.sessionOf(run.sessionId);
      if (run.result?.ok) s.lastWrite = Math.max(s.lastWrite, run.result.consistencyToken);
      // Keep only what an optimistic answer may still need: pending commands and writes not yet projected everywhere.
      const min = this.ctx.minWatermark();
      s.runs = s.runs.filter((r) => !r.done || (r.result?.ok === true && !r.result.duplicate && r.result.consistencyToken > min));
    }
    for (const w of [...this.ctx.watches]) {
      if (!w.runs.includes(run)) continue;
      if (!run.result?.ok) this.watchers.finishWatchRun(w, run);
      this.watchers.checkReconcile(w);
    }
    run.onDone?.(run);
  }

  /** The head moved: remember when, wake the shadow builds. */
  appended(events: readonly EventEnvelope[]): void {
    for (const e of events) {
      this.ctx.appendedAt.set(e.position, e.metadata.recordedAt);
      this.ctx.head = Math.max(this.ctx.head, e.position);
    }
    this.shadows.kickShadows();
  }
}
