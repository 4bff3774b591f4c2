// All of a learner's progress in one file: lessons read, checkpoint answers and review cards,
// embed goals and predictions, code written for exercises, scenarios finished, design drills and interview reviews. Everything the site
// keeps in localStorage that is the learner's work (not the theme or terminal history).
// An import is all or nothing: a file that is not ours, damaged, or from a newer version is
// refused with a message and nothing is written; a good one is merged into what is here.
import { z } from 'astro/zod';
import { emptyProgress, PROGRESS_KEY, progressSchema, type Progress } from '../interview/progress';
import { EXPORT_FORMAT as INTERVIEW_FORMAT, mergeProgress, parseExport as parseInterviewExport } from '../interview/transfer';
import { parseProgress as parseReading, READING_PROGRESS_KEY, type ReadingProgress } from '../scripts/readingProgress';
import { COMPLETION_KEY, COMPLETION_VERSION, emptyCompletion, parseCompletion, type CompletionState } from '../scenarios/completion';
import { PREDICTION_KEY_PREFIX, type PredictionRecord } from '../sandbox/predictionProgress';
import { CODE_KEY_PREFIX, MAX_SAVED_CHARS, type SavedCode } from '../code/progress/savedCode';

export const CARRY_FORMAT = 'cqrs-lab/progress';
/** The file's own version; bump it when the layout changes and migrate older ones in parseCarry. */
export const CARRY_VERSION = 1;

/**
 * Embed goals are stored one key each, `cqrs-lab:goal:<goal id>`, as JSON
 * `{ status: 'solved' | 'solvedWithAnswer' | 'tried', at: ISO date }`.
 */
export const GOAL_PREFIX = 'cqrs-lab:goal:';
export const GOAL_STATUSES = ['tried', 'solvedWithAnswer', 'solved'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];
export interface GoalRecord {
  status: GoalStatus;
  at: string;
}

/** Everything carried, as plain data. */
export interface Snapshot {
  /** Interview reviews, drill runs and lesson checkpoint answers (with their review cards). */
  interview: Progress;
  reading: ReadingProgress;
  scenarios: CompletionState;
  /** Embed goals by goal id. */
  goals: Record<string, GoalRecord>;
  /** Embed predictions by embed id (`cqrs-lab:prediction:<id>`, see src/sandbox/predictionProgress.ts). */
  predictions: Record<string, PredictionRecord>;
  /**
   * The learner's code by exercise id (`cqrs-lab:code:<id>`, see src/code/progress/savedCode.ts). Untrusted text
   * from a file: shown in the editor and run only in the sandbox.
   */
  code: Record<string, SavedCode>;
}

export interface CarryFile extends Snapshot {
  format: typeof CARRY_FORMAT;
  version: number;
  exportedAt: string;
}

/** What the module needs of localStorage; tests pass a Map-backed fake. */
export type CarryStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

const isoDate = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be a date');
const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a slug');
const goalSchema = z.object({ status: z.enum(GOAL_STATUSES), at: isoDate }).strict();
const predictionSchema = z
  .object({
    predicted: z.number().finite(),
    at: isoDate,
    measured: z.number().finite().optional(),
    close: z.boolean().optional(),
    measuredAt: isoDate.optional(),
  })
  .strict();
const savedCodeSchema = z.object({ source: z.string().max(MAX_SAVED_CHARS), at: isoDate }).strict();
const embedId = z.string().regex(/^[A-Za-z0-9][\w.:/-]*$/, 'must be a goal id');
const snapshotSchema = z
  .object({
    interview: progressSchema,
    reading: z.object({ read: z.record(slug, isoDate) }).strict(),
    scenarios: z
      .object({
        version: z.literal(COMPLETION_VERSION),
        scenarios: z.record(slug, z.object({ storyFinished: z.boolean(), challengeSolved: z.boolean() }).strict()),
      })
      .strict(),
    goals: z.record(embedId, goalSchema),
    // Absent in files exported before predictions existed.
    predictions: z.record(embedId, predictionSchema).default({}),
    // Absent in files exported before code was kept.
    code: z.record(slug, savedCodeSchema).default({}),
  })
  .strict();

/** What the browser holds now. Unreadable values count as empty (each module sets its own aside). */
export function readSnapshot(storage: CarryStorage): Snapshot {
  const interview = progressSchema.safeParse(safeJson(storage.getItem(PROGRESS_KEY)));
  const goals: Record<string, GoalRecord> = {};
  const predictions: Record<string, PredictionRecord> = {};
  const code: Record<string, SavedCode> = {};
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith(GOAL_PREFIX)) {
      const goal = goalSchema.safeParse(safeJson(storage.getItem(key)));
      if (goal.success) goals[key.slice(GOAL_PREFIX.length)] = goal.data;
    } else if (key?.startsWith(PREDICTION_KEY_PREFIX)) {
      const prediction = predictionSchema.safeParse(safeJson(storage.getItem(key)));
      if (prediction.success) predictions[key.slice(PREDICTION_KEY_PREFIX.length)] = prediction.data as PredictionRecord;
    } else if (key?.startsWith(CODE_KEY_PREFIX)) {
      const saved = savedCodeSchema.safeParse(safeJson(storage.getItem(key)));
      if (saved.success) code[key.slice(CODE_KEY_PREFIX.length)] = saved.data;
    }
  }
  return {
    interview: interview.success ? (interview.data as Progress) : emptyProgress(),
    reading: parseReading(storage.getItem(READING_PROGRESS_KEY)),
    scenarios: parseCompletion(storage.getItem(COMPLETION_KEY)),
    goals,
    predictions,
    code,
  };
}

function safeJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function exportCarry(snapshot: Snapshot, now: Date): string {
  const file: CarryFile = { format: CARRY_FORMAT, version: CARRY_VERSION, exportedAt: now.toISOString(), ...snapshot };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export function carryFileName(now: Date): string {
  return `cqrs-lab-progress-${now.toISOString().slice(0, 10)}.json`;
}

export type CarryParse = { ok: true; snapshot: Snapshot } | { ok: false; message: string };

const UNCHANGED = 'Nothing was imported; your progress is unchanged.';
const MAX_CHARS = 5_000_000;

/** Reads an export (this format, or an older interview-only export). Never throws. */
export function parseCarry(text: string): CarryParse {
  const fail = (message: string): CarryParse => ({ ok: false, message: `${message} ${UNCHANGED}` });
  if (text.trim() === '') return fail('It is empty.');
  if (text.length > MAX_CHARS) return fail('It is too large to be a CQRS Lab progress export.');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return fail('It is not valid JSON, so it cannot be a progress export (was it cut short or edited?).');
  }
  const format = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>).format : undefined;
  if (format === INTERVIEW_FORMAT) {
    const interview = parseInterviewExport(text);
    if (!interview.ok) return { ok: false, message: interview.message };
    return {
      ok: true,
      snapshot: {
        interview: interview.progress,
        reading: { read: {} },
        scenarios: emptyCompletion(),
        goals: {},
        predictions: {},
        code: {},
      },
    };
  }
  if (format !== CARRY_FORMAT) return fail(`This is not a CQRS Lab progress export (it lacks "format": "${CARRY_FORMAT}").`);
  const file = data as Record<string, unknown>;
  const version = file.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return fail('It has no valid version number.');
  if (version > CARRY_VERSION) {
    return fail(
      `It was made by a newer version of CQRS Lab (file version ${version}; this site reads up to ${CARRY_VERSION}). Reload the site to get the latest version, then import again.`,
    );
  }
  const { format: _format, version: _version, exportedAt, ...rest } = file;
  if (typeof exportedAt !== 'string' || Number.isNaN(Date.parse(exportedAt))) return fail('It is damaged: exportedAt is not a date.');
  const checked = snapshotSchema.safeParse(rest);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    return fail(`It is damaged: ${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}.`);
  }
  return { ok: true, snapshot: checked.data as Snapshot };
}

const goalRank = (goal: GoalRecord) => GOAL_STATUSES.indexOf(goal.status);

/**
 * Combines two snapshots without losing work: interview cards by latest review, lessons read
 * and scenario facts unioned, a goal keeps its best status ("solved" beats "solved with the
 * answer" beats "tried"; on a tie the later one).
 */
export function mergeSnapshots(current: Snapshot, incoming: Snapshot): Snapshot {
  const read = { ...current.reading.read };
  for (const [lesson, when] of Object.entries(incoming.reading.read)) {
    if (!read[lesson] || Date.parse(when) < Date.parse(read[lesson]!)) read[lesson] = when;
  }
  const scenarios = { ...current.scenarios.scenarios };
  for (const [name, theirs] of Object.entries(incoming.scenarios.scenarios)) {
    const ours = scenarios[name];
    scenarios[name] = {
      storyFinished: Boolean(ours?.storyFinished || theirs.storyFinished),
      challengeSolved: Boolean(ours?.challengeSolved || theirs.challengeSolved),
    };
  }
  const goals = { ...current.goals };
  for (const [id, theirs] of Object.entries(incoming.goals)) {
    const ours = goals[id];
    if (!ours || goalRank(theirs) > goalRank(ours) || (goalRank(theirs) === goalRank(ours) && Date.parse(theirs.at) > Date.parse(ours.at)))
      goals[id] = theirs;
  }
  // A prediction is worth its being first: the earlier commit wins; for the same one, the later measurement.
  const predictions = { ...current.predictions };
  for (const [id, theirs] of Object.entries(incoming.predictions)) {
    const ours = predictions[id];
    const earlier = ours && Date.parse(theirs.at) < Date.parse(ours.at);
    const sameLater = ours && theirs.at === ours.at && Date.parse(theirs.measuredAt ?? '') > Date.parse(ours.measuredAt ?? '1970-01-01');
    if (!ours || earlier || sameLater) predictions[id] = theirs;
  }
  // Code is a draft: the one changed last wins (whole, never mixed line by line).
  const code = { ...current.code };
  for (const [id, theirs] of Object.entries(incoming.code)) {
    const ours = code[id];
    if (!ours || Date.parse(theirs.at) > Date.parse(ours.at)) code[id] = theirs;
  }
  return {
    interview: mergeProgress(current.interview, incoming.interview).progress,
    reading: { read },
    scenarios: { version: COMPLETION_VERSION, scenarios },
    goals,
    predictions,
    code,
  };
}

/** Counts for messages and the page's summary. */
export function describeSnapshot(snapshot: Snapshot): string {
  const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const drillRuns = Object.values(snapshot.interview.drills ?? {}).reduce((sum, runs) => sum + runs.length, 0);
  const incidentRuns = Object.values(snapshot.interview.incidents ?? {}).reduce((sum, entry) => sum + (entry?.attempts.length ?? 0), 0);
  const scenariosDone = Object.values(snapshot.scenarios.scenarios).filter((entry) => entry.storyFinished || entry.challengeSolved).length;
  return [
    count(Object.keys(snapshot.reading.read).length, 'lesson read', 'lessons read'),
    count(Object.keys(snapshot.interview.checkpoints ?? {}).length, 'checkpoint answered', 'checkpoints answered'),
    count(Object.keys(snapshot.goals).length, 'embed goal'),
    count(Object.keys(snapshot.predictions).length, 'prediction'),
    count(scenariosDone, 'scenario played', 'scenarios played'),
    count(drillRuns, 'drill run'),
    count(Object.keys(snapshot.interview.questions).length, 'interview question reviewed', 'interview questions reviewed'),
    count(Object.keys(snapshot.code).length, 'exercise with your code', 'exercises with your code'),
    // Said only when there are some, so summaries written before incidents read the same.
    ...(incidentRuns > 0 ? [count(incidentRuns, 'incident diagnosed', 'incidents diagnosed')] : []),
  ].join(', ');
}

function writeSnapshot(storage: CarryStorage, snapshot: Snapshot): void {
  storage.setItem(PROGRESS_KEY, JSON.stringify(snapshot.interview));
  storage.setItem(READING_PROGRESS_KEY, JSON.stringify(snapshot.reading));
  storage.setItem(COMPLETION_KEY, JSON.stringify(snapshot.scenarios));
  for (const [id, goal] of Object.entries(snapshot.goals)) storage.setItem(GOAL_PREFIX + id, JSON.stringify(goal));
  for (const [id, prediction] of Object.entries(snapshot.predictions))
    storage.setItem(PREDICTION_KEY_PREFIX + id, JSON.stringify(prediction));
  for (const [id, saved] of Object.entries(snapshot.code)) storage.setItem(CODE_KEY_PREFIX + id, JSON.stringify(saved));
}

export type CarryImport = { ok: true; snapshot: Snapshot; message: string } | { ok: false; message: string };

/** Parse, merge and write. Either every key is written or (on a storage failure) every key is put back. */
export function importCarry(storage: CarryStorage, text: string): CarryImport {
  const parsed = parseCarry(text);
  if (!parsed.ok) return parsed;
  const merged = mergeSnapshots(readSnapshot(storage), parsed.snapshot);
  const touched = [
    PROGRESS_KEY,
    READING_PROGRESS_KEY,
    COMPLETION_KEY,
    ...Object.keys(merged.goals).map((id) => GOAL_PREFIX + id),
    ...Object.keys(merged.predictions).map((id) => PREDICTION_KEY_PREFIX + id),
    ...Object.keys(merged.code).map((id) => CODE_KEY_PREFIX + id),
  ];
  const before = new Map(touched.map((key) => [key, storage.getItem(key)]));
  try {
    writeSnapshot(storage, merged);
  } catch {
    for (const [key, value] of before) {
      try {
        if (value === null) storage.removeItem(key);
        else storage.setItem(key, value);
      } catch {
        /* best effort: the original values were what we tried to restore */
      }
    }
    return { ok: false, message: `This browser refused to store the imported progress (storage full or blocked). ${UNCHANGED}` };
  }
  return { ok: true, snapshot: merged, message: `Imported ${describeSnapshot(parsed.snapshot)}, merged with what was here.` };
}
