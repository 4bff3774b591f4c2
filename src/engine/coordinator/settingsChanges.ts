// Changing the settings: validated as a whole, applied at a step boundary;
// the separation level only before the first event.
import { InvalidSettingError } from '../errors.ts';
import { applySettingsPatch, cloneSettings, type EngineSettings, type SettingsPatch } from '../settings.ts';
import type { EngineContext } from './context.ts';

export class SettingsChanges {
  readonly ctx: EngineContext;

  constructor(ctx: EngineContext) {
    this.ctx = ctx;
  }

  configure(patch: SettingsPatch): EngineSettings {
    const names = [...this.ctx.projections.keys()];
    const next = applySettingsPatch(this.ctx.settings, patch, names, this.ctx.aggregateNames());
    const levelChange = next.separationLevel !== this.ctx.settings.separationLevel;
    if (levelChange && (this.ctx.head > 0 || this.ctx.scheduler.pending > 0)) {
      throw new InvalidSettingError(
        'separationLevel',
        next.separationLevel,
        `a choice made before the first event (it decides where the read models live; the engine is at position ${this.ctx.head}). Start a new session with the level in its settings`,
      );
    }
    this.ctx.atBoundary(() => {
      this.ctx.record({ kind: 'configure', settings: patch });
      const before = this.ctx.settings;
      this.ctx.settings = applySettingsPatch(this.ctx.settings, patch, names, this.ctx.aggregateNames());
      if (this.ctx.settings.separationLevel !== before.separationLevel) {
        this.ctx.level = this.ctx.settings.separationLevel;
        this.ctx.pendingSides = this.ctx.tellSides(this.ctx.level);
      }
      this.ctx.emit({ type: 'settings.changed', changes: JSON.parse(JSON.stringify(patch)) as SettingsPatch });
    });
    return cloneSettings(next);
  }
}
