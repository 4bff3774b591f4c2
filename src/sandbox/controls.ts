// The settings panel as data: which engine settings the sandbox shows, by id
// and path. Everything else about a control (label, help, unit, range, the
// slider's scale, the choices) comes from the engine's settings catalogue, so
// the panel, the terminal and the challenge panels say the same thing and the
// sliders reach as far as the engine accepts. (The consistency strategy is
// not a setting: it travels with each query, chosen in the query form.)
import { settingEntry, type EngineSettings, type SettingEntry, type SettingsPatch } from '../engine/index.ts';

interface Base {
  id: string;
  label: string;
  help: string;
  /** Group and key of the engine setting, e.g. ['bus', 'latencyMs'] or ['idempotency']. */
  path: readonly [string] | readonly [string, string];
}

export type SettingControl =
  | (Base & {
      kind: 'range';
      /** The engine's whole range, in display units. */
      min: number;
      max: number;
      unit: 'ms' | '%' | 'events' | '';
      /** Display value × scale = engine value (percent → probability: 0.01). */
      scale?: number;
      /**
       * The display values the slider steps through, ascending. The slider's
       * own value is an index into them, so a range spanning decades (0 to
       * 60,000 ms) keeps its small end wide enough to set 20 ms by hand.
       */
      stops: readonly number[];
    })
  | (Base & { kind: 'toggle' })
  | (Base & { kind: 'select'; options: readonly { value: string; label: string }[] });

/** The sandbox's settings, in panel order; `options` narrows a choice to the values the panel offers. */
const SETTINGS = [
  { id: 'latency', path: ['bus', 'latencyMs'] },
  { id: 'jitter', path: ['bus', 'jitterMs'] },
  { id: 'duplicates', path: ['bus', 'duplicateProbability'] },
  { id: 'drops', path: ['bus', 'dropProbability'] },
  { id: 'reorder', path: ['bus', 'reorder'] },
  { id: 'ordered-partitions', path: ['bus', 'orderedPartitions'] },
  { id: 'idempotency', path: ['idempotency'] },
  { id: 'dedupe', path: ['projection', 'dedupe'] },
  { id: 'ordering', path: ['projection', 'ordering'] },
  { id: 'dead-letter', path: ['projection', 'deadLetter'] },
  { id: 'command-ms', path: ['costs', 'commandMs'] },
  { id: 'project-ms', path: ['costs', 'projectMs'] },
  // Log stops from 0: 0, 1, 2 … 10, 12 … 50 … 1,000 ms.
  { id: 'commit-interval', path: ['projection', 'commitIntervalMs'] },
  // Hybrid needs a list of projections: the terminal's `set sync.projections` sets it.
  { id: 'sync-mode', path: ['sync', 'mode'], options: ['async', 'sync'] },
  { id: 'delivery', path: ['delivery'] },
  { id: 'publish-failures', path: ['faults', 'publishFailureProbability'] },
  { id: 'snapshot-every', path: ['snapshots', 'every'] },
] as const satisfies readonly { id: string; path: readonly [string] | readonly [string, string]; options?: readonly string[] }[];
export type SettingControlId = (typeof SETTINGS)[number]['id'];

/** The control for one catalogue entry (a number becomes a slider over its whole range). */
export function controlFor(id: string, entry: SettingEntry, options?: readonly string[]): SettingControl | undefined {
  const path = entry.path.split('.') as [string] | [string, string];
  const base = { id, label: entry.label, help: entry.description, path };
  const rule = entry.rule;
  if (rule.kind === 'boolean') return { ...base, kind: 'toggle' };
  if (rule.kind === 'enum') {
    const values = options ?? rule.values.map(String);
    return { ...base, kind: 'select', options: values.map((v) => ({ value: v, label: entry.choices?.[v] ?? v })) };
  }
  if (rule.kind !== 'number') return undefined;
  const percent = entry.unit === 'probability';
  const scale = percent ? 0.01 : 1;
  const min = Math.round(rule.min / scale);
  const max = Math.round(rule.max / scale);
  const unit = percent ? '%' : entry.unit === 'ms' ? 'ms' : entry.unit === 'events' ? 'events' : '';
  // A time that may be under a millisecond (projection time per event) gets a few stops below 1 ms.
  const subMillisecond = !rule.integer && unit === 'ms' && min === 0;
  return {
    ...base,
    kind: 'range',
    min,
    max,
    unit,
    ...(percent ? { scale } : {}),
    stops: subMillisecond ? [0, 0.1, 0.2, 0.5, ...logStops(1, max)] : entry.scale === 'log' ? logStops(min, max) : linearStops(min, max),
  };
}

const SETTING_CONTROL_LIST: SettingControl[] = SETTINGS.map((c) => {
  const entry = settingEntry(c.path.join('.'));
  const control = entry && controlFor(c.id, entry, 'options' in c ? c.options : undefined);
  if (!control)
    throw new Error(
      `The sandbox control "${c.id}" names ${c.path.join('.')}, which the engine's settings catalogue does not describe as one value.`,
    );
  return control;
});
export const SETTING_CONTROLS: readonly SettingControl[] = SETTING_CONTROL_LIST;

/** Whole numbers from min to max, at most about a hundred of them. */
function linearStops(min: number, max: number): number[] {
  const step = Math.max(1, niceStep((max - min) / 100));
  const out: number[] = [];
  for (let v = min; v < max; v += step) out.push(v);
  out.push(max);
  return out;
}

function niceStep(raw: number): number {
  if (raw <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
}

/**
 * A 1–2–5 ladder from min to max: steps of a tenth of the decade below 2×,
 * a fifth below 5×, a half above (…, 10, 11 … 19, 20, 22 … 48, 50, 55 … 95,
 * 100, 110 …), about 35 stops per decade, so every decade gets the same
 * width of slider.
 */
export function logStops(min: number, max: number): number[] {
  const out: number[] = [];
  let v = min;
  while (v < max) {
    out.push(v);
    let decade = 1;
    while (decade * 10 <= v) decade *= 10;
    const m = v / decade;
    v += Math.max(1, Math.round(decade * (m < 2 ? 0.1 : m < 5 ? 0.2 : 0.5)));
  }
  out.push(max);
  return out;
}

/** The slider position (index into stops) nearest a display value. */
export function sliderPosition(control: { stops: readonly number[] }, display: number): number {
  let best = 0;
  for (let i = 1; i < control.stops.length; i++) {
    if (Math.abs(control.stops[i]! - display) < Math.abs(control.stops[best]! - display)) best = i;
  }
  return best;
}

/** The display value at a slider position. */
export function sliderValue(control: { stops: readonly number[] }, position: number): number {
  return control.stops[Math.min(Math.max(0, Math.round(position)), control.stops.length - 1)]!;
}

// The run panel's sections, by id, so an embed can show some of them.
export const RUN_SECTIONS = ['time', 'load', 'new-run', 'workers'] as const;
export type RunSectionId = (typeof RUN_SECTIONS)[number];

/** What a preset's `controls` list may name: a run-panel section or a setting. */
export type ControlId = RunSectionId | SettingControlId;
export const CONTROL_IDS: readonly ControlId[] = [...RUN_SECTIONS, ...SETTINGS.map((c) => c.id)];

/**
 * The controls an embed shows, in the preset's order (all of them when it
 * lists none). An id that names no control throws, naming the known ones:
 * a typo must not silently hide the slider a lesson talks about.
 */
export function shownControls(ids: readonly string[] | undefined): ShownControls {
  if (ids === undefined) return { run: [...RUN_SECTIONS], settings: [...SETTING_CONTROLS], settingsFirst: false };
  const unknown = ids.filter((id) => !(CONTROL_IDS as readonly string[]).includes(id));
  if (unknown.length > 0)
    throw new Error(`Unknown sandbox control ${unknown.map((id) => `"${id}"`).join(', ')}. Known controls: ${CONTROL_IDS.join(', ')}.`);
  const isRun = (id: string): id is RunSectionId => (RUN_SECTIONS as readonly string[]).includes(id);
  return {
    run: ids.filter(isRun),
    settings: ids.flatMap((id) => SETTING_CONTROLS.filter((c) => c.id === id)),
    settingsFirst: ids.length > 0 && !isRun(ids[0]!),
  };
}

/**
 * The setting controls for dotted engine setting paths (`bus.reorder`,
 * `sync.mode`, or a whole group such as `bus`), in the order the paths come,
 * each once. Paths no control edits (`projection.batchSize`,
 * `projections.catalogue`) give none.
 */
export function controlsForSettingPaths(paths: readonly string[]): SettingControlId[] {
  const out: SettingControlId[] = [];
  for (const path of paths) {
    for (const c of SETTINGS) {
      const own = c.path.join('.');
      if ((own === path || own.startsWith(`${path}.`)) && !out.includes(c.id)) out.push(c.id);
    }
  }
  return out;
}

export interface ShownControls {
  /** Run-panel sections (the panel keeps its own order: time, load, new run, workers). */
  run: RunSectionId[];
  /** Settings, in the order listed. */
  settings: SettingControl[];
  /** The first id listed is a setting: the settings panel comes before the run panel. */
  settingsFirst: boolean;
}

/** The engine value of a control in `settings`. */
export function engineValue(control: SettingControl, settings: EngineSettings): unknown {
  const [group, key] = control.path;
  const g = (settings as unknown as Record<string, unknown>)[group];
  return key === undefined ? g : (g as Record<string, unknown> | undefined)?.[key];
}

/** What the control shows for `settings` (percent for probabilities). */
export function displayValue(control: SettingControl, settings: EngineSettings): number | boolean | string {
  const v = engineValue(control, settings);
  if (control.kind === 'range') return Math.round((v as number) / (control.scale ?? 1));
  if (control.kind === 'toggle') return v as boolean;
  return String(v);
}

/** The settings patch that sets the control to `display`. */
export function patchFor(control: SettingControl, display: number | boolean | string): SettingsPatch {
  const value = control.kind === 'range' ? round((display as number) * (control.scale ?? 1)) : display;
  const [group, key] = control.path;
  return (key === undefined ? { [group]: value } : { [group]: { [key]: value } }) as SettingsPatch;
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

export function formatDisplay(control: SettingControl, display: number | boolean | string): string {
  if (control.kind === 'range') {
    if (control.unit === '%') return `${display}%`;
    return `${Number(display).toLocaleString('en-US')}${control.unit === '' ? '' : ` ${control.unit}`}`;
  }
  if (control.kind === 'toggle') return display ? 'on' : 'off';
  return control.options.find((o) => o.value === display)?.label ?? String(display);
}
