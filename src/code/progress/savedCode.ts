// The learner's code per exercise, kept in localStorage under
// `cqrs-lab:code:<exerciseId>` as JSON `{ source, at }` (the progress export
// reads that prefix, like the goals' `cqrs-lab:goal:`). Saved code is
// untrusted text: it is only ever shown in the editor and run in the sandbox.
export interface SavedCode {
  /** The learner's module, as typed. */
  source: string;
  /** ISO time it was last changed. */
  at: string;
}

export const CODE_KEY_PREFIX = 'cqrs-lab:code:';
/** Far above any exercise's code; keeps one entry from filling the storage. */
export const MAX_SAVED_CHARS = 100_000;

export function savedCodeKey(exerciseId: string): string {
  return `${CODE_KEY_PREFIX}${exerciseId}`;
}

export function isSavedCode(v: unknown): v is SavedCode {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.source === 'string' &&
    r.source.length <= MAX_SAVED_CHARS &&
    typeof r.at === 'string' &&
    !Number.isNaN(Date.parse(r.at)) &&
    Object.keys(r).every((k) => k === 'source' || k === 'at')
  );
}

/** Nothing saved, the saved code, or a message saying the saved entry could not be read (the caller opens the starter). */
export type SavedCodeRead = { kind: 'none' } | { kind: 'saved'; saved: SavedCode } | { kind: 'corrupt'; message: string };

export function readSavedCode(storage: Pick<Storage, 'getItem'>, exerciseId: string): SavedCodeRead {
  let text: string | null;
  try {
    text = storage.getItem(savedCodeKey(exerciseId));
  } catch {
    return { kind: 'none' };
  }
  if (text === null) return { kind: 'none' };
  const corrupt: SavedCodeRead = {
    kind: 'corrupt',
    message:
      'Your saved code for this exercise could not be read (the stored entry is damaged), so the starter is shown. Your next edit replaces the damaged entry.',
  };
  try {
    const v: unknown = JSON.parse(text);
    return isSavedCode(v) ? { kind: 'saved', saved: v } : corrupt;
  } catch {
    return corrupt;
  }
}

/** Saves the code; false when the browser refused (storage full or blocked) or the code is too long to keep. */
export function writeSavedCode(storage: Pick<Storage, 'setItem'>, exerciseId: string, source: string, at: string): boolean {
  if (source.length > MAX_SAVED_CHARS) return false;
  try {
    storage.setItem(savedCodeKey(exerciseId), JSON.stringify({ source, at } satisfies SavedCode));
    return true;
  } catch {
    return false;
  }
}

export function clearSavedCode(storage: Pick<Storage, 'removeItem'>, exerciseId: string): void {
  try {
    storage.removeItem(savedCodeKey(exerciseId));
  } catch {
    /* nothing kept to clear */
  }
}
