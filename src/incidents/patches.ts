// Settings patches as plain data: merged in order (later wins, leaf by leaf),
// listed as dotted leaf paths, and a learner's remedy applied over an incident
// without touching its environment (the faults are the world, not the fix).
import type { SettingsPatch } from '../engine/index.ts';
import type { Incident, Remedy } from './types.ts';

type Tree = Record<string, unknown>;

const isTree = (v: unknown): v is Tree => v !== null && typeof v === 'object' && !Array.isArray(v);

function merge(a: Tree, b: Tree): Tree {
  const out: Tree = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isTree(v) && isTree(out[k]) ? merge(out[k] as Tree, v) : v;
  return out;
}

/** The patches merged in order: a later one wins for each leaf. */
export function mergePatches(...patches: readonly SettingsPatch[]): SettingsPatch {
  return patches.reduce<Tree>((acc, p) => merge(acc, p as Tree), {}) as SettingsPatch;
}

/** Every leaf of a patch as a dotted path, e.g. `bus.duplicateProbability`. */
export function leafPaths(patch: SettingsPatch, prefix = ''): string[] {
  return Object.entries(patch as Tree).flatMap(([k, v]) =>
    isTree(v) ? leafPaths(v as SettingsPatch, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

/** The patch without the leaves at `paths`. */
export function withoutPaths(patch: SettingsPatch, paths: readonly string[], prefix = ''): SettingsPatch {
  const out: Tree = {};
  for (const [k, v] of Object.entries(patch as Tree)) {
    const path = `${prefix}${k}`;
    if (paths.includes(path)) continue;
    if (isTree(v)) {
      const inner = withoutPaths(v as SettingsPatch, paths, `${path}.`) as Tree;
      if (Object.keys(inner).length > 0) out[k] = inner;
    } else out[k] = v;
  }
  return out as SettingsPatch;
}

/** What a run of the incident uses once `remedy` is applied: a remedy never changes the environment. */
export function remedied(
  incident: Incident,
  remedy: Remedy = {},
): { settings: SettingsPatch; consistency: Incident['screen']['consistency'] } {
  return {
    settings: mergePatches(incident.settings, withoutPaths(remedy.settings ?? {}, incident.environment)),
    consistency: remedy.screen ?? incident.screen.consistency,
  };
}
