// The settings panel as data: one entry per control, each naming the engine
// setting it changes. The panel renders ranges, toggles and selects from this
// list, so a new engine setting is one more entry here. (The consistency
// strategy is not a setting: it travels with each query, chosen in the query form.)
import type { EngineSettings, SettingsPatch } from '../engine/index.ts';

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
      /** The slider's range in display units (the engine accepts more; the sandbox keeps to a teachable range). */
      min: number;
      max: number;
      step: number;
      unit: 'ms' | '%' | 'events';
      /** Display value × scale = engine value (percent → probability: 0.01). */
      scale?: number;
    })
  | (Base & { kind: 'toggle' })
  | (Base & { kind: 'select'; options: readonly { value: string; label: string }[] });

const SETTINGS = [
  { id: 'latency', kind: 'range', path: ['bus', 'latencyMs'], label: 'Bus latency', help: 'Delay between the append and each delivery.', min: 0, max: 5000, step: 10, unit: 'ms' },
  { id: 'jitter', kind: 'range', path: ['bus', 'jitterMs'], label: 'Jitter', help: 'Extra random delay per delivery, from 0 up to this.', min: 0, max: 2000, step: 10, unit: 'ms' },
  { id: 'duplicates', kind: 'range', path: ['bus', 'duplicateProbability'], label: 'Duplicates', help: 'Chance that an event is delivered a second time.', min: 0, max: 100, step: 1, unit: '%', scale: 0.01 },
  { id: 'drops', kind: 'range', path: ['bus', 'dropProbability'], label: 'Drops', help: 'Chance that a delivery is lost and redelivered later.', min: 0, max: 90, step: 1, unit: '%', scale: 0.01 },
  { id: 'reorder', kind: 'toggle', path: ['bus', 'reorder'], label: 'Reorder', help: 'Let streams overtake each other on the bus.' },
  { id: 'ordered-partitions', kind: 'toggle', path: ['bus', 'orderedPartitions'], label: 'Keep order within a stream', help: 'With reorder on: events of one stream stay in order.' },
  { id: 'idempotency', kind: 'toggle', path: ['idempotency'], label: 'Idempotent commands', help: 'Record commandIds so a repeated command returns its first result.' },
  { id: 'dedupe', kind: 'toggle', path: ['projection', 'dedupe'], label: 'Projection dedupe guard', help: 'Skip events whose stream version was already applied.' },
  { id: 'ordering', kind: 'toggle', path: ['projection', 'ordering'], label: 'Projection ordering guard', help: 'Hold an event that arrives before its predecessor.' },
  { id: 'command-ms', kind: 'range', path: ['costs', 'commandMs'], label: 'Command service time', help: 'Virtual time between loading a stream and appending.', min: 0, max: 1000, step: 1, unit: 'ms' },
  { id: 'project-ms', kind: 'range', path: ['costs', 'projectMs'], label: 'Projection time per event', help: 'Virtual time a projection spends on each event: its capacity.', min: 0, max: 100, step: 1, unit: 'ms' },
  {
    id: 'sync-mode',
    kind: 'select',
    path: ['sync', 'mode'],
    label: 'Projection sync mode',
    help: 'Asynchronous: projections follow through the bus. Synchronous: every projection is updated before the command returns, and the command pays for it.',
    options: [
      { value: 'async', label: 'Asynchronous' },
      { value: 'sync', label: 'Synchronous' },
    ],
  },
  {
    id: 'delivery',
    kind: 'select',
    path: ['delivery'],
    label: 'Publishing',
    help: 'Dual write commits, then publishes separately: a crash in between loses the event for the bus. Outbox writes it in the same transaction and a relay publishes it.',
    options: [
      { value: 'dualWrite', label: 'Dual write' },
      { value: 'outbox', label: 'Transactional outbox' },
    ],
  },
  { id: 'publish-failures', kind: 'range', path: ['faults', 'publishFailureProbability'], label: 'Publish crashes', help: 'Chance that the process dies between committing and publishing (dual write) or inside the relay (outbox).', min: 0, max: 50, step: 1, unit: '%', scale: 0.01 },
  { id: 'snapshot-every', kind: 'range', path: ['snapshots', 'every'], label: 'Snapshot every', help: 'Take a snapshot of an aggregate every N events (0: never); loading reads the snapshot plus the events after it.', min: 0, max: 500, step: 5, unit: 'events' },
] as const satisfies readonly SettingControl[];
export const SETTING_CONTROLS: readonly SettingControl[] = SETTINGS;
export type SettingControlId = (typeof SETTINGS)[number]['id'];

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
  if (unknown.length > 0) throw new Error(`Unknown sandbox control ${unknown.map((id) => `"${id}"`).join(', ')}. Known controls: ${CONTROL_IDS.join(', ')}.`);
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
    return `${Number(display).toLocaleString('en-US')} ${control.unit}`;
  }
  if (control.kind === 'toggle') return display ? 'on' : 'off';
  return control.options.find((o) => o.value === display)?.label ?? String(display);
}
