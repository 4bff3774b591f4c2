// What a sandbox run is, as data: a domain, a seed, the settings it started
// with, the intents it received (the engine's recorded script) and where it
// stopped. Replaying this on a fresh engine gives the identical trace; the
// URL, IndexedDB and exported files all carry exactly this.
import { DEFAULT_SETTINGS, type EngineSettings, type SettingsPatch } from '../engine/index.ts';
import type { ScriptEntry } from '../engine/index.ts';
import type { SessionCode } from './sessionCode.ts';

export interface SessionState {
  domain: string;
  seed: number;
  /** Settings the run started with, as a patch over the engine's defaults. */
  settings: SettingsPatch;
  /** Every intent the engine accepted, with the virtual time and step it took effect. */
  script: ScriptEntry[];
  /** Where the run stood: replay stops exactly here. Absent: run to quiescence. */
  until?: { at: number; step: number };
  /** The learner's code written in this session (untrusted: run only in the code worker's sandbox). */
  code?: SessionCode;
}

/**
 * The smallest patch that turns the engine's defaults into `settings`:
 * changed keys of each group, and whole values for the rest. Generic over the
 * groups, so settings the engine adds are carried too.
 */
export function settingsPatchFrom(settings: EngineSettings, defaults: EngineSettings = DEFAULT_SETTINGS): SettingsPatch {
  const patch: Record<string, unknown> = {};
  const now = settings as unknown as Record<string, unknown>;
  const base = defaults as unknown as Record<string, unknown>;
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  for (const key of Object.keys(now)) {
    const v = now[key];
    const d = base[key];
    if (key !== 'projections' && isPlain(v) && isPlain(d)) {
      const changed: Record<string, unknown> = {};
      for (const sub of Object.keys(v)) if (!same(v[sub], d[sub])) changed[sub] = v[sub];
      if (Object.keys(changed).length > 0) patch[key] = changed;
    } else if (key === 'projections' && isPlain(v)) {
      const overrides = Object.entries(v).filter(([, g]) => isPlain(g) && Object.keys(g).length > 0);
      if (overrides.length > 0) patch[key] = Object.fromEntries(overrides);
    } else if (!same(v, d)) {
      patch[key] = v;
    }
  }
  return patch as SettingsPatch;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
