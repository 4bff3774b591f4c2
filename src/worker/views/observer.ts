// Everything the sandbox shows, folded from the trace one record at a time
// (in the coordinator worker, so the page only receives small summaries):
// the consistency windows, read staleness and session guarantees, the latest
// commands, timeline keyframes, and why each crashed projection crashed.
import type { DomainDefinition, ProjectionInfo } from '../../engine/index.ts';
import type { TraceRecord } from '../../engine/index.ts';
import { WindowTracker } from './consistencyWindow.ts';
import { GuaranteeChecker, type Violation } from './sessionGuarantees.ts';
import { WorldKeyframes } from './timeline.ts';

export type CommandOutcome = 'pending' | 'completed' | 'rejected' | 'duplicate' | 'failed';

export interface CommandSummary {
  commandId: string;
  commandType: string;
  sessionId?: string;
  at: number;
  outcome: CommandOutcome;
  /** Consistency token when it completed; rejection code when rejected. */
  detail?: string;
  seq: number;
}

/** Why a projection crashed, from its `projection.crashed` record (the engine's status keeps only the status). */
export interface CrashInfo {
  /** 'requested' (a simulated crash) or the handler's error ('the handler failed: …'). */
  reason: string;
  /** Events of the batch in flight that were rolled back. */
  rolledBack: number;
  /** Delivered events lost from its inbox. */
  lostInbox: number;
  /** Virtual time of the crash. */
  at: number;
}

/** A projection as the page shows it: the engine's status plus, while crashed, why. */
export type FrameProjection = ProjectionInfo & { crash?: CrashInfo };

/** Totals over the whole run: how commands ended and how often they met a version conflict. */
export interface CommandTallies {
  completed: number;
  rejected: number;
  failed: number;
  duplicate: number;
  /** Appends refused by the expected-version check (each one is retried or fails the command). */
  conflicts: number;
  /** Rejections by reason, e.g. { OutOfStock: 12 }. */
  rejections: Record<string, number>;
}

export class SessionObserver {
  readonly windows: WindowTracker;
  readonly guarantees = new GuaranteeChecker();
  readonly keyframes: WorldKeyframes;
  readonly #commands = new Map<string, CommandSummary>();
  readonly #crashes = new Map<string, CrashInfo>();
  readonly #tallies: CommandTallies = { completed: 0, rejected: 0, failed: 0, duplicate: 0, conflicts: 0, rejections: {} };
  readonly commandLimit: number;
  records = 0;
  lastSeq = 0;
  appended = 0;

  constructor(domain: Pick<DomainDefinition, 'projections'>, commandLimit = 200) {
    this.windows = new WindowTracker(domain);
    this.keyframes = new WorldKeyframes(domain.projections.map((p) => p.name));
    this.commandLimit = commandLimit;
  }

  add(r: TraceRecord): Violation | undefined {
    this.records++;
    this.lastSeq = r.seq;
    this.windows.add(r);
    this.keyframes.add(r);
    switch (r.type) {
      case 'command.received':
        if (r.attempt === 1 && !this.#commands.has(r.commandId)) {
          this.#commands.set(r.commandId, {
            commandId: r.commandId,
            commandType: r.commandType,
            ...(r.sessionId !== undefined ? { sessionId: r.sessionId } : {}),
            at: r.at,
            outcome: 'pending',
            seq: r.seq,
          });
          if (this.#commands.size > this.commandLimit * 2) {
            const drop = [...this.#commands.keys()].slice(0, this.#commands.size - this.commandLimit);
            for (const k of drop) this.#commands.delete(k);
          }
        }
        break;
      case 'events.appended':
        this.appended += r.events.length;
        break;
      case 'command.completed':
        this.#tallies.completed++;
        this.#settle(r.commandId, 'completed', `token ${r.consistencyToken}`);
        break;
      case 'command.rejected':
        this.#tallies.rejected++;
        this.#tallies.rejections[r.rejection.code] = (this.#tallies.rejections[r.rejection.code] ?? 0) + 1;
        this.#settle(r.commandId, 'rejected', r.rejection.code);
        break;
      case 'command.duplicate':
        this.#tallies.duplicate++;
        this.#settle(r.commandId, 'duplicate', r.consistencyToken === null ? undefined : `token ${r.consistencyToken}`);
        break;
      case 'command.failed':
        this.#tallies.failed++;
        this.#settle(r.commandId, 'failed', r.code);
        break;
      case 'projection.crashed':
        this.#crashes.set(r.projection, { reason: r.reason, rolledBack: r.rolledBack, lostInbox: r.lostInbox, at: r.at });
        break;
      // Leaving the crashed state: the old reason no longer describes it.
      case 'projection.resumed':
      case 'projection.rebuildStarted':
        this.#crashes.delete(r.projection);
        break;
      case 'command.conflict':
        this.#tallies.conflicts++;
        break;
      default:
        break;
    }
    return this.guarantees.add(r);
  }

  #settle(commandId: string, outcome: CommandOutcome, detail?: string): void {
    const c = this.#commands.get(commandId);
    if (!c) return;
    c.outcome = outcome;
    if (detail !== undefined) c.detail = detail;
  }

  /** The engine's projection status with the crash of each one that is crashed now. */
  withCrashes(projections: readonly ProjectionInfo[]): FrameProjection[] {
    return projections.map((p) => {
      const crash = p.status === 'crashed' ? this.#crashes.get(p.name) : undefined;
      return crash ? { ...p, crash: { ...crash } } : p;
    });
  }

  /** A copy of the run's command totals. */
  tallies(): CommandTallies {
    return { ...this.#tallies, rejections: { ...this.#tallies.rejections } };
  }

  /** The latest commands, newest first. */
  recentCommands(limit = 30): CommandSummary[] {
    const all = [...this.#commands.values()];
    return all
      .slice(Math.max(0, all.length - limit))
      .reverse()
      .map((c) => ({ ...c }));
  }
}
