// The controls of a challenge's "your turn" panel: one per setting the
// challenge allows. A setting the sandbox already has a control for keeps its
// label, help and range (src/sandbox/controls.ts); any other comes from the
// engine's own rules (number, on/off, a choice), so every allowed setting can
// be changed right beside the goal. Pure: tested in Node.
import { SETTING_CONTROLS } from '../sandbox/controls.ts';
import { SETTING_RULES, TOP_LEVEL_SETTING_RULES, type EngineSettings, type SettingsPatch } from '../engine/index.ts';

export type ChallengeControl =
  | { path: string; id: string; label: string; help: string; kind: 'range'; min: number; max: number; step: number; unit: string; scale: number }
  | { path: string; id: string; label: string; help: string; kind: 'number'; min: number; max: number; step: number }
  | { path: string; id: string; label: string; help: string; kind: 'toggle' }
  | { path: string; id: string; label: string; help: string; kind: 'select'; options: { value: string; label: string }[] }
  /** Not a single value (a list of projections, a map per aggregate): changed with the terminal's `set`. */
  | { path: string; id: string; label: string; help: string; kind: 'other' };

type Rule = { kind: string; min?: number; max?: number; integer?: boolean; values?: readonly (string | number)[] };

function ruleFor(path: string): Rule | undefined {
  const [group, key] = path.split('.');
  if (key === undefined) return (TOP_LEVEL_SETTING_RULES as Record<string, Rule>)[group!];
  return (SETTING_RULES as Record<string, Record<string, Rule>>)[group!]?.[key];
}

/** `bus.latencyMs` → "bus latency ms" (for settings without a sandbox control). */
function labelFromPath(path: string): string {
  const words = path.replace(/\./g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const GUARDS = ['dedupe', 'ordering'] as const;

/** Allowed paths as single settings: `projections.catalogue` (a projection's guard overrides) becomes one path per guard. */
export function expandAllowedSettings(paths: readonly string[]): string[] {
  return paths.flatMap((p) => (/^projections\.[^.]+$/.test(p) ? GUARDS.map((g) => `${p}.${g}`) : [p]));
}

export function challengeControl(path: string): ChallengeControl {
  const id = path.replace(/[^a-zA-Z0-9]+/g, '-');
  const guard = /^projections\.([^.]+)\.(dedupe|ordering)$/.exec(path);
  if (guard) {
    const [, name, which] = guard;
    return which === 'dedupe'
      ? { path, id, kind: 'toggle', label: `Dedupe guard of ${name}`, help: `${name} skips an event whose stream version it has already applied.` }
      : { path, id, kind: 'toggle', label: `Ordering guard of ${name}`, help: `${name} holds an event that arrives before its predecessor.` };
  }
  const known = SETTING_CONTROLS.find((c) => c.path.join('.') === path);
  if (known) {
    const base = { path, id, label: known.label, help: known.help };
    if (known.kind === 'range') return { ...base, kind: 'range', min: known.min, max: known.max, step: known.step, unit: known.unit, scale: known.scale ?? 1 };
    if (known.kind === 'toggle') return { ...base, kind: 'toggle' };
    return { ...base, kind: 'select', options: known.options.map((o) => ({ ...o })) };
  }
  const rule = ruleFor(path);
  const base = { path, id, label: labelFromPath(path), help: `The engine setting ${path}.` };
  if (rule?.kind === 'boolean') return { ...base, kind: 'toggle' };
  if (rule?.kind === 'enum' && rule.values) return { ...base, kind: 'select', options: rule.values.map((v) => ({ value: String(v), label: String(v) })) };
  if (rule?.kind === 'number') {
    const max = rule.max ?? 0;
    return { ...base, kind: 'number', min: rule.min ?? 0, max, step: rule.integer === false ? 0.01 : 1, help: `The engine setting ${path}, from ${(rule.min ?? 0).toLocaleString('en-US')} to ${max.toLocaleString('en-US')}.` };
  }
  return { ...base, kind: 'other', help: `Change it with the terminal: set ${path} …` };
}

/** The engine value at a dotted path of the settings. */
export function settingAt(settings: EngineSettings, path: string): unknown {
  let v: unknown = settings;
  for (const part of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  // A projection without its own guard setting follows the global one.
  const guard = /^projections\.[^.]+\.(dedupe|ordering)$/.exec(path);
  if (v === undefined && guard) return settings.projection[guard[1] as 'dedupe' | 'ordering'];
  return v;
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
    const rule = ruleFor(control.path);
    if (rule?.values?.some((v) => typeof v === 'number')) value = Number(shown);
  }
  const [group, key, inner] = control.path.split('.');
  if (inner !== undefined) return { [group!]: { [key!]: { [inner]: value } } } as SettingsPatch;
  return (key === undefined ? { [group!]: value } : { [group!]: { [key]: value } }) as SettingsPatch;
}
