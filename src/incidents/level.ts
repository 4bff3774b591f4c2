// Difficulty follows the learner: every incident diagnosed right and fixed
// raises the level by one, every wrong diagnosis lowers it by one. Derived
// from the recorded attempts (never stored apart), so an imported history
// gives the same level as the one that made it.
import type { Progress } from '../interview/progress';

export const MIN_LEVEL = 1;
export const MAX_LEVEL = 5;

export function clampLevel(level: number): number {
  return Number.isFinite(level) ? Math.min(MAX_LEVEL, Math.max(MIN_LEVEL, Math.round(level))) : MIN_LEVEL;
}

/** The level the next incident is generated at. */
export function levelFrom(progress: Pick<Progress, 'incidents'>): number {
  const attempts = Object.values(progress.incidents ?? {})
    .flatMap((entry) => entry?.attempts ?? [])
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  let level = MIN_LEVEL;
  for (const a of attempts) {
    if (!a.right) level = clampLevel(level - 1);
    else if (a.fixed) level = clampLevel(level + 1);
  }
  return level;
}
