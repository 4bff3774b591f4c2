// The "fix it" form as data: the values of the fix controls an incident
// starts with, and the remedy a filled-in form amounts to (only what the
// learner changed). The page renders FIX_CONTROLS over this; the worker runs
// the remedy.
import { DEFAULT_SETTINGS, settingPatch, settingValue, type ConsistencyStrategy, type EngineSettings } from '../engine/index.ts';
import { FIX_CONTROLS } from './causes.ts';
import { mergePatches } from './patches.ts';
import type { Incident, Remedy } from './types.ts';

export type FixValue = boolean | string | number;

export interface FixForm {
  /** Value per setting path of FIX_CONTROLS. */
  settings: Record<string, FixValue>;
  screen: ConsistencyStrategy;
}

/** The incident's configuration as full settings (defaults where it says nothing). */
export function incidentSettings(incident: Incident): EngineSettings {
  return mergePatches(DEFAULT_SETTINGS, incident.settings) as EngineSettings;
}

/** The form as the incident starts. */
export function fixFormOf(incident: Incident): FixForm {
  const settings = incidentSettings(incident);
  return {
    settings: Object.fromEntries(
      FIX_CONTROLS.flatMap((c) => (c.kind === 'screen' ? [] : [[c.path, settingValue(settings, c.path) as FixValue]])),
    ),
    screen: incident.screen.consistency.strategy,
  };
}

/** What the filled-in form changes, as a remedy. */
export function remedyOf(incident: Incident, form: FixForm): Remedy {
  const start = fixFormOf(incident);
  const changed = Object.entries(form.settings).filter(([path, value]) => start.settings[path] !== value);
  return {
    ...(changed.length > 0 ? { settings: mergePatches(...changed.map(([path, value]) => settingPatch(path, value))) } : {}),
    ...(form.screen !== start.screen ? { screen: { strategy: form.screen } } : {}),
  };
}
