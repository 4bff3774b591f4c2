// The controls of a challenge's "your turn" panel: one per setting the
// challenge allows. A setting the sandbox has a control for gets that control
// (src/sandbox/controls.ts: its slider, its choices); any other is built from
// the engine's settings catalogue (a number, on/off, a choice), so every
// allowed setting can be changed right beside the goal, described in the
// same words as everywhere else. Pure: tested in Node.
import { SETTING_CONTROLS, type SettingControl } from '../sandbox/controls.ts';
import { settingEntry, settingPatch, settingValue, type EngineSettings, type SettingsPatch } from '../engine/index.ts';

type Described = { path: string; id: string; label: string; help: string };
export type ChallengeControl =
  | (Described & Omit<Extract<SettingControl, { kind: 'range' }>, 'id' | 'path' | 'label' | 'help' | 'scale'> & { scale: number })
  | (Described & { kind: 'number'; min: number; max: number; step: number })
  | (Described & { kind: 'toggle' })
  | (Described & { kind: 'select'; options: { value: string; label: string }[] })
  /** Not a single value (a list of projections, a map per aggregate): changed with the terminal's `set`. */
  | (Described & { kind: 'other' });

const GUARDS = ['dedupe', 'ordering'] as const;

/** Allowed paths as single settings: `projections.catalogue` (a projection's guard overrides) becomes one path per guard. */
export function expandAllowedSettings(paths: readonly string[]): string[] {
  return paths.flatMap((p) => (/^projections\.[^.]+$/.test(p) ? GUARDS.map((g) => `${p}.${g}`) : [p]));
}

export function challengeControl(path: string): ChallengeControl {
  const id = path.replace(/[^a-zA-Z0-9]+/g, '-');
  const known = SETTING_CONTROLS.find((c) => c.path.join('.') === path);
  if (known) {
    const base = { path, id, label: known.label, help: known.help };
    if (known.kind === 'range')
      return { ...base, kind: 'range', min: known.min, max: known.max, unit: known.unit, scale: known.scale ?? 1, stops: known.stops };
    if (known.kind === 'toggle') return { ...base, kind: 'toggle' };
    return { ...base, kind: 'select', options: known.options.map((o) => ({ ...o })) };
  }
  const entry = settingEntry(path);
  if (!entry) return { path, id, label: path, help: `Change it with the terminal: set ${path} …`, kind: 'other' };
  const rule = entry.rule;
  const base = { path, id, label: entry.label, help: entry.description };
  if (rule.kind === 'boolean') return { ...base, kind: 'toggle' };
  if (rule.kind === 'enum')
    return {
      ...base,
      kind: 'select',
      options: rule.values.map((v) => ({ value: String(v), label: entry.choices?.[String(v)] ?? String(v) })),
    };
  if (rule.kind === 'number') {
    const range = `from ${rule.min.toLocaleString('en-US')} to ${rule.max.toLocaleString('en-US')}`;
    return {
      ...base,
      kind: 'number',
      min: rule.min,
      max: rule.max,
      step: rule.integer ? 1 : 0.01,
      help: `${entry.description} (${range})`,
    };
  }
  return { ...base, kind: 'other', help: `${entry.description} Change it with the terminal: set ${path} …` };
}

/** The engine value at a dotted path of the settings (a projection guard without its own setting follows the global one). */
export function settingAt(settings: EngineSettings, path: string): unknown {
  return settingValue(settings, path);
}

/** What the control shows for the engine's value. */
export function shownValue(control: ChallengeControl, value: unknown): string | number | boolean {
  if (control.kind === 'range') return Math.round(Number(value) / control.scale);
  if (control.kind === 'toggle') return value === true;
  if (control.kind === 'number') return Number(value);
  return String(value);
}

/** The settings patch for a control set to `shown` (undoing the display scale; numeric choices stay numbers). */
export function controlPatch(control: ChallengeControl, shown: string | number | boolean): SettingsPatch {
  let value: unknown = shown;
  if (control.kind === 'range') value = Math.round(Number(shown) * control.scale * 1e6) / 1e6;
  else if (control.kind === 'number') value = Number(shown);
  else if (control.kind === 'select') {
    const rule = settingEntry(control.path)?.rule;
    if (rule?.kind === 'enum' && rule.values.some((v) => typeof v === 'number')) value = Number(shown);
  }
  return settingPatch(control.path, value);
}
