// A mock interview: a timed set of random questions and one design drill, answered one
// after another, then a summary. A run is kept in the browser so it survives a reload or a
// page change.
//
// A run is a list of slots: written questions, then a hands-on drill run on the engine.
import { z } from 'astro/zod';
import type { KeyValueStorage } from './progress';
import { TOPIC_INFO, TOPICS, type Level, type Topic } from './taxonomy';
import { GRADES, type Grade, type QuestionSummary } from './types';

export const MOCK_KEY = 'cqrs-lab:interview:mock';
export const MOCK_COUNTS = [3, 4, 5, 6] as const;

export interface QuestionSlot {
  kind: 'question';
  slug: string;
}
export interface DrillSlot {
  kind: 'drill';
  slug: string;
}
export type MockSlot = QuestionSlot | DrillSlot;

/** Minutes a drill adds to the clock: reading the brief, choosing, committing, running. */
export const DRILL_MINUTES = 10;

export interface QuestionResult {
  grade: Grade;
  rubricHit: number;
  rubricTotal: number;
  at: string;
}
/** A drill's verdict from its engine run. */
export interface DrillResult {
  passed: boolean;
  met: number;
  total: number;
  at: string;
}
export type MockResult = QuestionResult | DrillResult;

export const isDrillResult = (result: MockResult): result is DrillResult => 'passed' in result;

/** What the mock needs to know about a drill. */
export interface DrillSummary {
  slug: string;
  title: string;
}

export interface MockRun {
  version: 1;
  id: string;
  startedAt: string;
  /** The time allowed: the sum of the questions' suggested minutes. */
  durationMs: number;
  slots: MockSlot[];
  /** One entry per slot, null until answered and graded. */
  results: Array<MockResult | null>;
  finishedAt: string | null;
}

export interface MockOptions {
  count: number;
  level: Level | '';
  topic: Topic | '';
}

/** Picks `count` distinct items uniformly (partial Fisher–Yates); `random` returns [0, 1). */
export function pickRandom<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length > 0) {
    const index = Math.min(pool.length - 1, Math.floor(random() * pool.length));
    picked.push(pool.splice(index, 1)[0]!);
  }
  return picked;
}

export function eligible(questions: readonly QuestionSummary[], options: Pick<MockOptions, 'level' | 'topic'>): QuestionSummary[] {
  return questions.filter(
    (question) => (!options.level || question.level === options.level) && (!options.topic || question.topics.includes(options.topic)),
  );
}

/** A new run (the questions, then one random drill when there are drills), or null when no question matches the options. */
export function planMock(
  questions: readonly QuestionSummary[],
  options: MockOptions,
  now: Date,
  random: () => number,
  drills: readonly DrillSummary[] = [],
): MockRun | null {
  const chosen = pickRandom(eligible(questions, options), options.count, random);
  if (chosen.length === 0) return null;
  const drill = pickRandom(drills, 1, random)[0];
  const slots: MockSlot[] = [
    ...chosen.map((question): MockSlot => ({ kind: 'question', slug: question.slug })),
    ...(drill ? [{ kind: 'drill', slug: drill.slug } as const] : []),
  ];
  return {
    version: 1,
    id: `${now.getTime().toString(36)}-${Math.floor(random() * 1e9).toString(36)}`,
    startedAt: now.toISOString(),
    durationMs: (chosen.reduce((sum, question) => sum + question.minutes, 0) + (drill ? DRILL_MINUTES : 0)) * 60_000,
    slots,
    results: slots.map(() => null),
    finishedAt: null,
  };
}

/** Index of the first slot not yet graded, or null when all are done. */
export function currentSlot(run: MockRun): number | null {
  const index = run.results.findIndex((result) => result === null);
  return index === -1 ? null : index;
}

export function slotOf(run: MockRun, slug: string, kind: MockSlot['kind'] = 'question'): number {
  return run.slots.findIndex((slot) => slot.kind === kind && slot.slug === slug);
}

export function recordMockResult(run: MockRun, slug: string, result: MockResult): MockRun {
  const index = slotOf(run, slug, isDrillResult(result) ? 'drill' : 'question');
  if (index === -1 || run.finishedAt) return run;
  const results = run.results.map((entry, i) => (i === index ? result : entry));
  const done = results.every((entry) => entry !== null);
  return { ...run, results, finishedAt: done ? result.at : null };
}

export function finishMock(run: MockRun, now: Date): MockRun {
  return run.finishedAt ? run : { ...run, finishedAt: now.toISOString() };
}

/** Milliseconds left on the clock (negative once over time). */
export function remainingMs(run: MockRun, now: Date): number {
  return Date.parse(run.startedAt) + run.durationMs - now.getTime();
}

/** "14:05" or "−0:30" for a countdown. */
export function formatClock(ms: number): string {
  const sign = ms < 0 ? '−' : '';
  const total = Math.ceil(Math.abs(ms) / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${sign}${minutes}:${seconds.toString().padStart(2, '0')}`;
}

export interface MockSummaryRow {
  kind: MockSlot['kind'];
  slug: string;
  title: string;
  result: MockResult | null;
}

export interface MockSummary {
  answered: number;
  total: number;
  rubricHit: number;
  rubricTotal: number;
  /** Share of rubric points over answered questions, 0–1, or null when none was answered. */
  score: number | null;
  usedMs: number;
  allowedMs: number;
  overtimeMs: number;
  grades: Record<Grade, number>;
  rows: MockSummaryRow[];
  /** The drill's verdict, when the run had a drill. */
  drill: { slug: string; title: string; result: DrillResult | null } | null;
  /** Topics of questions skipped, graded again or hard, or under half the rubric: study these next. */
  revisit: Array<{ topic: Topic; label: string; lesson: string }>;
}

export function summarizeMock(
  run: MockRun,
  questions: readonly QuestionSummary[],
  now: Date,
  drills: readonly DrillSummary[] = [],
): MockSummary {
  const bySlug = new Map(questions.map((question) => [question.slug, question]));
  const drillTitle = new Map(drills.map((drill) => [drill.slug, drill.title]));
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now.getTime();
  const usedMs = Math.max(0, end - Date.parse(run.startedAt));
  const grades = Object.fromEntries(GRADES.map((grade) => [grade, 0])) as Record<Grade, number>;
  const weak = new Set<Topic>();
  let answered = 0;
  let rubricHit = 0;
  let rubricTotal = 0;
  let drill: MockSummary['drill'] = null;
  const rows = run.slots.map((slot, index): MockSummaryRow => {
    const result = run.results[index] ?? null;
    if (slot.kind === 'drill') {
      const title = drillTitle.get(slot.slug) ?? slot.slug;
      drill = { slug: slot.slug, title, result: result && isDrillResult(result) ? result : null };
      return { kind: 'drill', slug: slot.slug, title, result };
    }
    const question = bySlug.get(slot.slug);
    if (result && !isDrillResult(result)) {
      answered++;
      rubricHit += result.rubricHit;
      rubricTotal += result.rubricTotal;
      grades[result.grade]++;
    }
    const graded = result && !isDrillResult(result) ? result : null;
    const struggled =
      !graded ||
      graded.grade === 'again' ||
      graded.grade === 'hard' ||
      (graded.rubricTotal > 0 && graded.rubricHit / graded.rubricTotal < 0.5);
    if (struggled && question) weak.add(question.topics[0]!);
    return { kind: 'question', slug: slot.slug, title: question?.title ?? slot.slug, result };
  });
  return {
    answered,
    total: run.slots.filter((slot) => slot.kind === 'question').length,
    rubricHit,
    rubricTotal,
    score: rubricTotal > 0 ? rubricHit / rubricTotal : null,
    usedMs,
    allowedMs: run.durationMs,
    overtimeMs: Math.max(0, usedMs - run.durationMs),
    grades,
    rows,
    drill,
    revisit: TOPICS.filter((topic) => weak.has(topic)).map((topic) => ({
      topic,
      label: TOPIC_INFO[topic].label,
      lesson: TOPIC_INFO[topic].lesson,
    })),
  };
}

const resultSchema = z.union([
  z.object({ grade: z.enum(GRADES), rubricHit: z.number().int().min(0), rubricTotal: z.number().int().min(0), at: z.string() }).strict(),
  z.object({ passed: z.boolean(), met: z.number().int().min(0), total: z.number().int().min(0), at: z.string() }).strict(),
]);
const runSchema = z
  .object({
    version: z.literal(1),
    id: z.string(),
    startedAt: z.string(),
    durationMs: z.number().positive(),
    slots: z.array(z.object({ kind: z.enum(['question', 'drill']), slug: z.string() }).strict()).min(1),
    results: z.array(resultSchema.nullable()),
    finishedAt: z.string().nullable(),
  })
  .strict()
  .refine((run) => run.results.length === run.slots.length);

/** The saved run, or null when there is none or it cannot be read. */
export function loadMock(storage: KeyValueStorage): MockRun | null {
  const raw = storage.getItem(MOCK_KEY);
  if (!raw) return null;
  try {
    const checked = runSchema.safeParse(JSON.parse(raw));
    return checked.success ? (checked.data as MockRun) : null;
  } catch {
    return null;
  }
}

export function saveMock(storage: KeyValueStorage, run: MockRun | null): void {
  storage.setItem(MOCK_KEY, run ? JSON.stringify(run) : '');
}

/** Where a slot is answered in mock mode: a question page or a drill page. */
export function slotHref(base: string, slot: MockSlot): string {
  return slot.kind === 'drill' ? `${base}drills/${slot.slug}/?mode=mock` : `${base}${slot.slug}/?mode=mock`;
}
