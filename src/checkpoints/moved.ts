// Lessons that were merged into another lesson. Their old address keeps working (it redirects to
// where the text now lives) and the answers a learner saved under their checkpoints follow the
// checkpoints to their new lesson, so a merge never loses progress or a review card.
// Pure data and functions: used by the lesson route (redirects) and by the progress store (keys).
import { checkpointKey } from './extract';

export interface MergedLesson {
  /** The lesson that now holds the text. */
  into: string;
  /** The heading id to land on, where the merged text is summed up. */
  anchor: string;
  /** Old checkpoint id → its id in `into`. */
  checkpoints: Readonly<Record<string, string>>;
}

export const MERGED_LESSONS: Readonly<Record<string, MergedLesson>> = {
  // The variants were the separation levels under other names (issue #18).
  variants: { into: 'separation-levels', anchor: 'choosing-a-level', checkpoints: { 'cdc-intent': 'cdc-intent' } },
};

/** Where a saved checkpoint key ("lesson#id") lives now; unchanged when its lesson was not merged. */
export function currentCheckpointKey(key: string): string {
  const hash = key.indexOf('#');
  const merged = MERGED_LESSONS[key.slice(0, hash)];
  const id = merged?.checkpoints[key.slice(hash + 1)];
  return merged && id ? checkpointKey(merged.into, id) : key;
}

/**
 * Saved checkpoint answers under their current keys. When an old key and its new key are both
 * present (answered before and after the merge), the new key keeps its card and gains the old
 * attempts, oldest first, so no answer is lost.
 */
export function withCurrentCheckpointKeys<E extends { attempts: { at: string }[] }>(
  checkpoints: Record<string, E> | undefined,
  maxAttempts: number,
): Record<string, E> | undefined {
  if (!checkpoints || Object.keys(checkpoints).every((key) => currentCheckpointKey(key) === key)) return checkpoints;
  const out: Record<string, E> = {};
  for (const [key, entry] of Object.entries(checkpoints)) {
    const current = currentCheckpointKey(key);
    const other = out[current];
    if (!other) {
      out[current] = entry;
      continue;
    }
    const [older, newer] = current === key ? [other, entry] : [entry, other];
    const attempts = [...older.attempts, ...newer.attempts].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).slice(-maxAttempts);
    out[current] = { ...newer, attempts };
  }
  return out;
}
