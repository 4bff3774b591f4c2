// Projection control intents (pause, resume, crash, rebuild, shadow build,
// flip, rollback, drop): checked at once, applied at a step boundary; and
// the ProjectionInfo a caller sees.
import { InvalidIntentError, ProjectionStateError } from '../../errors.ts';
import { guardsFor } from '../../settings.ts';
import { CRASH_POINTS, PROJECTION_ACTIONS, type CrashPoint, type ProjectionAction } from '../../vocabulary/intent.ts';
import type { ProjectionStatus } from '../../vocabulary/results.ts';
import type { EngineContext, ProjectionProcess } from '../context.ts';
import type { ProjectionInfo } from '../engineTypes.ts';
import type { LiveProjections } from './live.ts';
import type { Replays } from './replays.ts';
import type { Shadows } from './shadows.ts';

export class ProjectionControl {
  readonly ctx: EngineContext;
  readonly shadows: Shadows;
  readonly live: LiveProjections;
  readonly replays: Replays;

  constructor(ctx: EngineContext, shadows: Shadows, live: LiveProjections, replays: Replays) {
    this.ctx = ctx;
    this.shadows = shadows;
    this.live = live;
    this.replays = replays;
  }

  info(p: ProjectionProcess): ProjectionInfo {
    const s = p.shadow;
    return {
      name: p.name,
      status: p.status,
      position: p.watermark,
      headPosition: this.ctx.head,
      lagEvents: Math.max(0, this.ctx.head - p.watermark),
      lagMs: this.ctx.lagMs(p.watermark),
      inbox: p.inbox.length,
      heldByBus: this.ctx.bus.heldCount(p.name),
      counters: { ...p.counters },
      guards: guardsFor(this.ctx.settings, p.name),
      mode: this.ctx.syncNames().includes(p.name) ? 'sync' : 'async',
      variant: p.variant,
      shadow: s
        ? {
            variant: s.variant,
            role: s.role,
            status: s.status,
            position: s.watermark,
            lagEvents: Math.max(0, this.ctx.head - s.watermark),
            events: s.events,
          }
        : null,
    };
  }

  control(action: ProjectionAction, name: string, variant?: string, crashPoint?: CrashPoint): ProjectionInfo {
    const p = this.ctx.projection(name);
    const check = (allowed: ProjectionStatus[], hint: string): void => {
      if (!allowed.includes(p.status)) throw new ProjectionStateError(name, action, p.status, hint);
    };
    if (!PROJECTION_ACTIONS.includes(action)) {
      throw new InvalidIntentError(`Unknown projection action '${String(action)}'. Use ${PROJECTION_ACTIONS.join(', ')}.`);
    }
    if (variant !== undefined && action !== 'shadowRebuild')
      throw new InvalidIntentError(`Only shadowRebuild takes a variant (got one with ${action}).`);
    if (crashPoint !== undefined && action !== 'crash')
      throw new InvalidIntentError(`Only crash takes a crashPoint (got one with ${action}).`);
    if (crashPoint !== undefined && !CRASH_POINTS.includes(crashPoint)) {
      throw new InvalidIntentError(`Unknown crashPoint '${String(crashPoint)}'. Use ${CRASH_POINTS.join(' or ')}.`, { crashPoint });
    }
    switch (action) {
      case 'pause':
        check(['live'], 'Only a live projection can be paused.');
        break;
      case 'resume':
        check(['paused', 'crashed'], 'Resume brings back a paused or crashed projection.');
        break;
      case 'crash':
        check(['live', 'catchingUp', 'rebuilding'], 'It is not running, so there is nothing to crash.');
        break;
      case 'rebuild':
        check(['live', 'crashed'], 'Wait until it is live (or crashed) before rebuilding.');
        break;
      case 'shadowRebuild': {
        if (p.shadow)
          throw new ProjectionStateError(
            name,
            action,
            `keeping a ${p.shadow.role} store`,
            'Flip, roll back or drop it (dropShadow) first.',
          );
        const known = ['current', ...Object.keys(this.ctx.domain.projections.find((d) => d.name === name)?.variants ?? {})];
        if (!known.includes(variant ?? 'current')) {
          throw new InvalidIntentError(`Projection '${name}' has no version '${String(variant)}'. Versions: ${known.join(', ')}.`, {
            variant,
            known,
          });
        }
        break;
      }
      case 'flip':
        if (!p.shadow || p.shadow.role !== 'candidate')
          throw new ProjectionStateError(
            name,
            action,
            'without a shadow build',
            'Start one with shadowRebuild, let it catch up, then flip.',
          );
        if (p.shadow.status !== 'caughtUp')
          throw new ProjectionStateError(name, action, 'with its shadow still building', 'Wait for projection.shadowCaughtUp.');
        check(['live', 'paused'], 'Flip a live projection.');
        break;
      case 'rollback':
        if (!p.shadow || p.shadow.role !== 'previous')
          throw new ProjectionStateError(name, action, 'without a previous version', 'Rollback undoes a flip; nothing was flipped.');
        if (p.shadow.status !== 'caughtUp')
          throw new ProjectionStateError(name, action, 'with the previous version behind', 'Wait until it has caught up.');
        check(['live', 'paused'], 'Roll back a live projection.');
        break;
      case 'dropShadow':
        if (!p.shadow) throw new ProjectionStateError(name, action, 'without a shadow', 'There is nothing to drop.');
        break;
      case 'compare':
        break;
    }
    this.ctx.atBoundary(() => {
      this.ctx.record({
        kind: 'projection',
        action,
        name,
        ...(variant !== undefined ? { variant } : {}),
        ...(crashPoint !== undefined ? { crashPoint } : {}),
      });
      this.applyControl(p, action, variant ?? 'current', crashPoint ?? 'midBatch');
    });
    return this.info(p);
  }

  applyControl(p: ProjectionProcess, action: ProjectionAction, variant: string, crashPoint: CrashPoint = 'midBatch'): void {
    const name = p.name;
    switch (action) {
      case 'pause':
        if (p.status !== 'live') return;
        p.status = 'paused';
        this.ctx.bus.pause(name);
        this.ctx.emit({ type: 'projection.paused', projection: name });
        return;
      case 'resume':
        if (p.status === 'paused') {
          p.status = 'live';
          this.ctx.emit({ type: 'projection.resumed', projection: name, from: 'paused' });
          this.ctx.bus.resume(name);
          this.live.scheduleDrain(p);
        } else if (p.status === 'crashed') {
          p.status = 'catchingUp';
          p.cursor = 0;
          this.ctx.bus.setDown(name, false);
          this.ctx.emit({ type: 'projection.resumed', projection: name, from: 'crashed' });
          this.ctx.scheduler.schedule(this.ctx.clock.now, 'projection.catchUp', () => this.replays.catchUpStep(p));
        }
        return;
      case 'crash':
        if (p.status === 'crashed' || p.status === 'paused') return;
        if (crashPoint === 'beforeCheckpoint') {
          // Strikes inside the next live or catch-up batch, never idle: there must be rows to commit.
          this.ctx.emit({ type: 'projection.crashRequested', projection: name, crashPoint });
          p.crashArmed = true;
          p.crashPoint = crashPoint;
          return;
        }
        this.ctx.emit({ type: 'projection.crashRequested', projection: name });
        if (p.status === 'live' && !p.busy && !p.drainScheduled) {
          this.live.markCrashed(p, 0);
          // The process dies idle: what it held only in memory is gone.
          this.ctx.scheduler.schedule(this.ctx.clock.now, 'projection.crash', async () => {
            const st = await this.ctx.host().crash(name);
            p.watermark = st.watermark;
            p.counters = st.counters;
          });
        } else {
          p.crashArmed = true;
        }
        return;
      case 'rebuild':
        if (p.status !== 'live' && p.status !== 'crashed') return;
        if (p.status === 'crashed') this.ctx.bus.setDown(name, false);
        p.status = 'rebuilding';
        p.cursor = 1;
        p.rebuilt = 0;
        this.ctx.emit({ type: 'projection.rebuildStarted', projection: name, headPosition: this.ctx.head });
        this.ctx.scheduler.schedule(this.ctx.clock.now, 'projection.rebuild', async () => {
          await this.ctx.host().startRebuild(name);
          await this.replays.rebuildStep(p);
        });
        return;
      case 'shadowRebuild': {
        if (p.shadow) return;
        const gen = ++this.ctx.shadowGen;
        p.shadow = {
          gen,
          variant,
          role: 'candidate',
          status: 'building',
          cursor: 1,
          watermark: 0,
          events: 0,
          busy: true,
          scheduled: false,
        };
        this.ctx.emit({ type: 'projection.shadowStarted', projection: name, variant, liveVariant: p.variant, headPosition: this.ctx.head });
        this.ctx.scheduler.schedule(this.ctx.clock.now, 'projection.shadowStart', async () => {
          const host = this.ctx.host();
          await host.shadowStart(name, variant);
          if (p.shadow?.gen !== gen) return;
          p.shadow.busy = false;
          await this.shadows.shadowStep(p, gen);
        });
        return;
      }
      case 'flip':
      case 'rollback':
        if (!p.shadow) return;
        if (p.shadow.busy) p.shadow.pendingSwap = action;
        else this.ctx.scheduler.schedule(this.ctx.clock.now, `projection.${action}`, () => this.shadows.swap(p, action));
        return;
      case 'dropShadow': {
        const s = p.shadow;
        if (!s) return;
        p.shadow = undefined;
        this.ctx.emit({ type: 'projection.shadowDropped', projection: name, variant: s.variant, role: s.role });
        this.ctx.scheduler.schedule(this.ctx.clock.now, 'projection.shadowDrop', async () => {
          const host = this.ctx.host();
          if (!p.shadow) await host.shadowDrop(name);
        });
        return;
      }
      case 'compare':
        return;
    }
  }
}
