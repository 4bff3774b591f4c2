// What an embedded sandbox starts with. Lessons and scenarios pass a preset;
// /sandbox uses the full one.
import type { ScriptEntry } from '../engine/index.ts';
import type { SettingsPatch } from '../engine/index.ts';
import type { ControlId } from './controls.ts';
import type { LoadShape } from './loadGenerator.ts';

export const PANELS = [
  'controls',
  'commands',
  'queries',
  'terminal',
  'projections',
  'window',
  'charts',
  'guarantees',
  'diagram',
  'log',
  'tables',
  'timeline',
  'sessions',
] as const;
export type PanelId = (typeof PANELS)[number];

export interface SandboxPreset {
  /** Storage key for autosave; embeds with different ids keep separate sessions. Omit to not persist. */
  id?: string;
  domain: string;
  seed?: number;
  settings?: SettingsPatch;
  /** Intents replayed before the learner takes over. */
  script?: ScriptEntry[];
  /** Panels shown, in this order (default: all). */
  panels?: readonly PanelId[];
  /**
   * With the `controls` panel: only these controls, in this order (run-panel
   * sections such as 'time' or 'load', and settings such as 'latency'; see
   * controls.ts). Default: every control. An unknown id fails loudly.
   */
  controls?: readonly ControlId[];
  /** How the load generator spreads its commands in this preset's domain (default: over many products). */
  loadShape?: LoadShape;
  /** Virtual ms per real ms (0.1–10). */
  speed?: number;
  /** Read the URL hash (#s=…) on load. Only the full sandbox page does. */
  readUrl?: boolean;
  /**
   * Start with time running (at `speed`) when the sandbox starts from this
   * preset (default: paused). A restored session or a shared link opens
   * paused where it stopped; with readUrl, `?paused` in the address keeps a
   * fresh start paused too.
   */
  running?: boolean;
  /** Commands per second the load generator sends once time runs from this preset (default none). */
  load?: number;
}

// A learner opening /sandbox expects time to flow; `/sandbox/?paused` starts it paused.
export const FULL_SANDBOX: SandboxPreset = {
  id: 'sandbox',
  domain: 'commerce',
  seed: 42,
  panels: PANELS,
  speed: 1,
  readUrl: true,
  running: true,
};

// The home page's small running system: only the picture, a gentle steady load and a bus slow enough to see
// events travel (a few duplicates, so the picture has something to say).
export const HOME_SANDBOX: SandboxPreset = {
  domain: 'commerce',
  seed: 42,
  settings: { bus: { latencyMs: 900, jitterMs: 400, duplicateProbability: 0.1 } },
  panels: [],
  speed: 1,
  running: true,
  load: 3,
};

export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10] as const;
