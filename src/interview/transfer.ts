// Export and import of interview progress as a JSON file. An import is all or nothing:
// anything wrong (not JSON, not our file, a newer version, a bad field) is refused with a
// message saying what, and the caller keeps the current progress untouched. A good import
// is merged, never replacing a more recent review with an older one.
import {
  MAX_ATTEMPTS,
  PROGRESS_VERSION,
  progressSchema,
  type Attempt,
  type CheckpointAttempt,
  type CheckpointProgress,
  type DrillAttempt,
  type IncidentAttempt,
  type IncidentProgress,
  type Progress,
  type QuestionProgress,
} from './progress';

export const EXPORT_FORMAT = 'cqrs-lab/interview-progress';
/** The export file's own version; bump it when the file layout changes and add a migration. */
export const EXPORT_VERSION = 1;

export interface ExportFile {
  format: typeof EXPORT_FORMAT;
  version: number;
  exportedAt: string;
  progress: Progress;
}

export function exportProgress(progress: Progress, now: Date): string {
  const file: ExportFile = { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: now.toISOString(), progress };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export function exportFileName(now: Date): string {
  return `cqrs-lab-interview-progress-${now.toISOString().slice(0, 10)}.json`;
}

export type ImportFailure = 'empty' | 'not-json' | 'foreign' | 'future-version' | 'bad-shape';

export type ParseResult = { ok: true; progress: Progress } | { ok: false; reason: ImportFailure; message: string };

const MAX_BYTES = 5_000_000;

/** Reads an export file's text. Never throws. */
export function parseExport(text: string): ParseResult {
  const fail = (reason: ImportFailure, message: string): ParseResult => ({ ok: false, reason, message });
  if (text.trim() === '') return fail('empty', 'The file is empty. Nothing was imported; your progress is unchanged.');
  if (text.length > MAX_BYTES)
    return fail('foreign', 'The file is too large to be a progress export. Nothing was imported; your progress is unchanged.');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return fail(
      'not-json',
      'This file is not valid JSON, so it cannot be a progress export (was it cut short or edited?). Nothing was imported; your progress is unchanged.',
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || (data as Record<string, unknown>).format !== EXPORT_FORMAT) {
    return fail(
      'foreign',
      `This is not a CQRS Lab interview progress file (it lacks "format": "${EXPORT_FORMAT}"). Nothing was imported; your progress is unchanged.`,
    );
  }
  const file = data as Record<string, unknown>;
  const version = file.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return fail('bad-shape', 'The file has no valid version number. Nothing was imported; your progress is unchanged.');
  }
  if (version > EXPORT_VERSION) {
    return fail(
      'future-version',
      `The file was made by a newer version of CQRS Lab (file version ${version}; this site reads up to ${EXPORT_VERSION}). Reload the site to get the latest version, then import again. Nothing was imported; your progress is unchanged.`,
    );
  }
  // Version 1 is the only one so far; older layouts would be migrated here, step by step.
  const progress = file.progress;
  if (typeof progress === 'object' && progress !== null && (progress as Record<string, unknown>).version !== PROGRESS_VERSION) {
    return fail(
      'bad-shape',
      `The progress in the file has version ${String((progress as Record<string, unknown>).version)}, expected ${PROGRESS_VERSION}. Nothing was imported; your progress is unchanged.`,
    );
  }
  const checked = progressSchema.safeParse(progress);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const where = ['progress', ...issue.path.map(String)].join('.');
    return fail('bad-shape', `The file is damaged: ${where}: ${issue.message}. Nothing was imported; your progress is unchanged.`);
  }
  return { ok: true, progress: checked.data as Progress };
}

export interface MergeResult {
  progress: Progress;
  added: number;
  updated: number;
  unchanged: number;
}

const reviewedAt = (entry: QuestionProgress | CheckpointProgress | IncidentProgress) =>
  entry.card.lastReview ? Date.parse(entry.card.lastReview) : -Infinity;

function mergeAttempts(a: Attempt[], b: Attempt[]): Attempt[] {
  const seen = new Map<string, Attempt>();
  for (const attempt of [...a, ...b]) seen.set(`${attempt.at}|${attempt.grade}`, attempt);
  return [...seen.values()].sort((x, y) => Date.parse(x.at) - Date.parse(y.at)).slice(-MAX_ATTEMPTS);
}

function mergeDrills(a: Progress['drills'], b: Progress['drills']): Progress['drills'] {
  if (!a && !b) return undefined;
  const out: NonNullable<Progress['drills']> = { ...a };
  for (const [slug, runs] of Object.entries(b ?? {})) {
    const seen = new Map<string, DrillAttempt>();
    for (const run of [...(out[slug] ?? []), ...runs]) seen.set(`${run.at}|${JSON.stringify(run.design)}`, run);
    out[slug] = [...seen.values()].sort((x, y) => Date.parse(x.at) - Date.parse(y.at)).slice(-MAX_ATTEMPTS);
  }
  return out;
}

function mergeCheckpoints(a: Progress['checkpoints'], b: Progress['checkpoints']): Progress['checkpoints'] {
  if (!a && !b) return undefined;
  const out: NonNullable<Progress['checkpoints']> = { ...a };
  for (const [key, theirs] of Object.entries(b ?? {})) {
    const ours = out[key];
    if (!ours) {
      out[key] = theirs;
      continue;
    }
    const seen = new Map<string, CheckpointAttempt>();
    for (const attempt of [...ours.attempts, ...theirs.attempts]) seen.set(`${attempt.at}|${attempt.verdict}`, attempt);
    out[key] = {
      card: reviewedAt(theirs) > reviewedAt(ours) ? theirs.card : ours.card,
      attempts: [...seen.values()].sort((x, y) => Date.parse(x.at) - Date.parse(y.at)).slice(-MAX_ATTEMPTS),
    };
  }
  return out;
}

function mergeIncidents(a: Progress['incidents'], b: Progress['incidents']): Progress['incidents'] {
  if (!a && !b) return undefined;
  const out: NonNullable<Progress['incidents']> = { ...a };
  for (const [cause, theirs] of Object.entries(b ?? {}) as [keyof typeof out, NonNullable<(typeof out)[keyof typeof out]>][]) {
    const ours = out[cause];
    if (!ours) {
      out[cause] = theirs;
      continue;
    }
    // The same answer may be in both, fixed in one: keep it fixed.
    const seen = new Map<string, IncidentAttempt>();
    for (const attempt of [...ours.attempts, ...theirs.attempts]) {
      const key = `${attempt.at}|${attempt.seed}`;
      const kept = seen.get(key);
      seen.set(key, kept?.fixed ? kept : attempt);
    }
    out[cause] = {
      card: reviewedAt(theirs) > reviewedAt(ours) ? theirs.card : ours.card,
      attempts: [...seen.values()].sort((x, y) => Date.parse(x.at) - Date.parse(y.at)).slice(-MAX_ATTEMPTS),
    };
  }
  return out;
}

/** Combines two progress records: per question or checkpoint, the card reviewed last wins; histories are unioned (drill runs too). */
export function mergeProgress(current: Progress, incoming: Progress): MergeResult {
  const questions: Record<string, QuestionProgress> = { ...current.questions };
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  for (const [slug, theirs] of Object.entries(incoming.questions)) {
    const ours = questions[slug];
    if (!ours) {
      questions[slug] = theirs;
      added++;
      continue;
    }
    const card = reviewedAt(theirs) > reviewedAt(ours) ? theirs.card : ours.card;
    const attempts = mergeAttempts(ours.attempts, theirs.attempts);
    const changed = card !== ours.card || attempts.length !== ours.attempts.length;
    questions[slug] = { card, attempts };
    if (changed) updated++;
    else unchanged++;
  }
  const drills = mergeDrills(current.drills, incoming.drills);
  const checkpoints = mergeCheckpoints(current.checkpoints, incoming.checkpoints);
  const incidents = mergeIncidents(current.incidents, incoming.incidents);
  return {
    progress: {
      version: PROGRESS_VERSION,
      questions,
      ...(drills ? { drills } : {}),
      ...(checkpoints ? { checkpoints } : {}),
      ...(incidents ? { incidents } : {}),
    },
    added,
    updated,
    unchanged,
  };
}

export type ImportResult = ({ ok: true } & MergeResult & { message: string }) | { ok: false; reason: ImportFailure; message: string };

/** Parse and merge: the caller writes `progress` only when `ok` is true. */
export function importProgress(current: Progress, text: string): ImportResult {
  const parsed = parseExport(text);
  if (!parsed.ok) return parsed;
  const merged = mergeProgress(current, parsed.progress);
  const total = Object.keys(parsed.progress.questions).length;
  const drillRuns = Object.values(parsed.progress.drills ?? {}).reduce((sum, runs) => sum + runs.length, 0);
  const drillNote = drillRuns > 0 ? ` Drill runs in the file: ${drillRuns}.` : '';
  const checkpointCount = Object.keys(parsed.progress.checkpoints ?? {}).length;
  const checkpointNote = checkpointCount > 0 ? ` Lesson checkpoints in the file: ${checkpointCount}.` : '';
  const message =
    total === 0 && drillRuns === 0 && checkpointCount === 0
      ? 'The file holds no reviews; your progress is unchanged.'
      : `Imported progress for ${total} question${total === 1 ? '' : 's'}: ${merged.added} new, ${merged.updated} updated, ${merged.unchanged} already up to date.${drillNote}${checkpointNote}`;
  return { ok: true, ...merged, message };
}
