// The learner's progress: one scheduling card and a short history per question, kept in
// the browser (localStorage). Every change reads, applies and writes back, so two open tabs
// don't overwrite each other's reviews. A stored value that cannot be read is set aside,
// never silently overwritten.
import { z } from 'astro/zod';
import { schedule, type StoredCard } from './schedule';
import { GRADES, type Grade } from './types';
import { withCurrentCheckpointKeys } from '../checkpoints/moved';
import { ROOT_CAUSE_IDS, type RootCauseId } from '../incidents/types';

/** How a checkpoint answer was graded (the page grades it, not the learner). */
export const VERDICTS = ['right', 'partial', 'wrong'] as const;
export type CheckpointVerdict = (typeof VERDICTS)[number];
/** Right answers come back later, partly right ones soon, wrong ones in minutes. */
export const VERDICT_GRADE: Record<CheckpointVerdict, Grade> = { right: 'good', partial: 'hard', wrong: 'again' };

export const PROGRESS_VERSION = 1;
export const PROGRESS_KEY = 'cqrs-lab:interview:progress';
/** Attempts kept per question; older ones are dropped. */
export const MAX_ATTEMPTS = 20;

export interface Attempt {
  at: string;
  grade: Grade;
  /** Rubric points the learner ticked, out of `rubricTotal`. */
  rubricHit: number;
  rubricTotal: number;
}

export interface QuestionProgress {
  card: StoredCard;
  attempts: Attempt[];
}

/** One run of a design drill: the design committed to, the verdict, and which requirements failed. */
export interface DrillAttempt {
  at: string;
  /** Option id per choice id. */
  design: Record<string, string>;
  passed: boolean;
  /** Requirement ids that failed. */
  failed: string[];
  requirementsTotal: number;
  /** The learner's written justification, if any. */
  justification?: string;
  /** The model design had been shown (the hint ladder's last rung) before this run: a pass counts as "solved with the answer". */
  answerShown?: boolean;
}

/** One answer to a lesson checkpoint, in the lesson or on review. */
export interface CheckpointAttempt {
  at: string;
  verdict: CheckpointVerdict;
  /** A choice index, the chosen indices, or the number given. */
  response: number | number[];
  /** The learner's free-text explanation, when the checkpoint asks for one. */
  explain?: string;
}

export interface CheckpointProgress {
  card: StoredCard;
  attempts: CheckpointAttempt[];
}

/** One generated incident (src/incidents): the seed and level played, the diagnosis committed, and whether the fix passed. */
export interface IncidentAttempt {
  at: string;
  seed: number;
  level: number;
  /** The choice id answered. */
  choice: string;
  right: boolean;
  /** The learner's fix passed the engine's check (set later, when it does). */
  fixed: boolean;
}

/** One review card per root cause: incidents of a cause come back as the cause is due. */
export interface IncidentProgress {
  card: StoredCard;
  attempts: IncidentAttempt[];
}

export interface Progress {
  version: typeof PROGRESS_VERSION;
  questions: Record<string, QuestionProgress>;
  /** Design drill runs per drill slug (absent in files written before drills existed). */
  drills?: Record<string, DrillAttempt[]>;
  /** Lesson checkpoints answered, keyed "lesson-slug#checkpoint-id" (absent before checkpoints were graded). */
  checkpoints?: Record<string, CheckpointProgress>;
  /** Generated incidents by root cause (absent before incidents existed). */
  incidents?: Partial<Record<RootCauseId, IncidentProgress>>;
}

const isoDate = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be a date');

export const cardSchema = z
  .object({
    due: isoDate,
    stability: z.number().min(0),
    difficulty: z.number().min(0),
    scheduledDays: z.number().min(0),
    learningSteps: z.number().int().min(0),
    reps: z.number().int().min(0),
    lapses: z.number().int().min(0),
    state: z.enum(['new', 'learning', 'review', 'relearning']),
    lastReview: isoDate.nullable(),
  })
  .strict();

export const attemptSchema = z
  .object({
    at: isoDate,
    grade: z.enum(GRADES),
    rubricHit: z.number().int().min(0),
    rubricTotal: z.number().int().min(0),
  })
  .strict()
  .refine((attempt) => attempt.rubricHit <= attempt.rubricTotal, { message: 'rubricHit is more than rubricTotal', path: ['rubricHit'] });

export const drillAttemptSchema = z
  .object({
    at: isoDate,
    design: z.record(z.string(), z.string()),
    passed: z.boolean(),
    failed: z.array(z.string()),
    requirementsTotal: z.number().int().min(0),
    justification: z.string().max(5000).optional(),
    answerShown: z.boolean().optional(),
  })
  .strict();

export const checkpointAttemptSchema = z
  .object({
    at: isoDate,
    verdict: z.enum(VERDICTS),
    response: z.union([z.number(), z.array(z.number().int().min(0)).min(1)]),
    explain: z.string().max(5000).optional(),
  })
  .strict();

export const incidentAttemptSchema = z
  .object({
    at: isoDate,
    seed: z.number().int().min(0),
    level: z.number().int().min(1),
    choice: z.string().max(100),
    right: z.boolean(),
    fixed: z.boolean(),
  })
  .strict();

/** "lesson-slug#checkpoint-id". */
export const CHECKPOINT_KEY = /^[a-z0-9]+(?:-[a-z0-9]+)*#[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const progressSchema = z
  .object({
    version: z.literal(PROGRESS_VERSION),
    questions: z.record(
      z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a question slug'),
      z.object({ card: cardSchema, attempts: z.array(attemptSchema) }).strict(),
    ),
    drills: z.record(z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a drill slug'), z.array(drillAttemptSchema)).optional(),
    checkpoints: z
      .record(
        z.string().regex(CHECKPOINT_KEY, 'must be "lesson-slug#checkpoint-id"'),
        z.object({ card: cardSchema, attempts: z.array(checkpointAttemptSchema) }).strict(),
      )
      .optional(),
    incidents: z
      .partialRecord(z.enum(ROOT_CAUSE_IDS), z.object({ card: cardSchema, attempts: z.array(incidentAttemptSchema) }).strict())
      .optional(),
  })
  .strict()
  // Answers saved under a lesson that was since merged into another follow their checkpoints.
  .transform((progress) => {
    const checkpoints = withCurrentCheckpointKeys(progress.checkpoints, MAX_ATTEMPTS);
    return checkpoints === progress.checkpoints ? progress : { ...progress, checkpoints };
  });

export function emptyProgress(): Progress {
  return { version: PROGRESS_VERSION, questions: {} };
}

/** The progress after one graded review: pure, `now` injected. */
export function applyReview(progress: Progress, slug: string, grade: Grade, rubric: { hit: number; total: number }, now: Date): Progress {
  const previous = progress.questions[slug];
  const attempt: Attempt = { at: now.toISOString(), grade, rubricHit: rubric.hit, rubricTotal: rubric.total };
  const next: QuestionProgress = {
    card: schedule(previous?.card, grade, now),
    attempts: [...(previous?.attempts ?? []), attempt].slice(-MAX_ATTEMPTS),
  };
  return { ...progress, questions: { ...progress.questions, [slug]: next } };
}

/** The progress with one more drill run recorded (the last MAX_ATTEMPTS kept): pure. */
export function applyDrillAttempt(progress: Progress, slug: string, attempt: DrillAttempt): Progress {
  const previous = progress.drills?.[slug] ?? [];
  return { ...progress, drills: { ...progress.drills, [slug]: [...previous, attempt].slice(-MAX_ATTEMPTS) } };
}

/**
 * The progress after one graded checkpoint answer: the card is scheduled from the verdict
 * (wrong comes back in minutes, partly right soon, right further out). Pure, `now` injected.
 */
export function applyCheckpointAnswer(progress: Progress, key: string, attempt: Omit<CheckpointAttempt, 'at'>, now: Date): Progress {
  if (!CHECKPOINT_KEY.test(key)) throw new RangeError(`Not a checkpoint key: "${key}"`);
  const previous = progress.checkpoints?.[key];
  const next: CheckpointProgress = {
    card: schedule(previous?.card, VERDICT_GRADE[attempt.verdict], now),
    attempts: [...(previous?.attempts ?? []), { at: now.toISOString(), ...attempt }].slice(-MAX_ATTEMPTS),
  };
  return { ...progress, checkpoints: { ...progress.checkpoints, [key]: next } };
}

/** A diagnosis right comes back later, a wrong one in minutes. Pure, `now` injected. */
export function applyIncidentAnswer(
  progress: Progress,
  cause: RootCauseId,
  attempt: Omit<IncidentAttempt, 'at' | 'fixed'>,
  now: Date,
): Progress {
  const previous = progress.incidents?.[cause];
  const next: IncidentProgress = {
    card: schedule(previous?.card, attempt.right ? 'good' : 'again', now),
    attempts: [...(previous?.attempts ?? []), { at: now.toISOString(), ...attempt, fixed: false }].slice(-MAX_ATTEMPTS),
  };
  return { ...progress, incidents: { ...progress.incidents, [cause]: next } };
}

/** The attempt answered at `at` marked fixed (the card keeps its schedule). Pure. */
export function applyIncidentFix(progress: Progress, cause: RootCauseId, at: string): Progress {
  const previous = progress.incidents?.[cause];
  if (!previous?.attempts.some((a) => a.at === at)) return progress;
  const attempts = previous.attempts.map((a) => (a.at === at ? { ...a, fixed: true } : a));
  return { ...progress, incidents: { ...progress.incidents, [cause]: { ...previous, attempts } } };
}

/** The subset of the Web Storage API the store needs; tests pass a Map-backed fake. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Web Storage, or an in-memory stand-in when the browser blocks it. */
export function browserStorage(): KeyValueStorage {
  try {
    const storage = window.localStorage;
    const probe = `${PROGRESS_KEY}:probe`;
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return storage;
  } catch {
    return memoryStorage();
  }
}

export function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage & { dump(): Record<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    dump: () => Object.fromEntries(data),
  };
}

export interface ReadResult {
  progress: Progress;
  /** Set when the stored value could not be read; it was copied to `${key}:unreadable`. */
  problem: string | null;
}

export class ProgressStore {
  private readonly storage: KeyValueStorage;
  private readonly key: string;

  constructor(storage: KeyValueStorage, key: string = PROGRESS_KEY) {
    this.storage = storage;
    this.key = key;
  }

  readWithStatus(): ReadResult {
    const raw = this.storage.getItem(this.key);
    if (raw === null) return { progress: emptyProgress(), problem: null };
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return this.setAside(raw, 'The saved progress is not valid JSON.');
    }
    const checked = progressSchema.safeParse(parsed);
    if (!checked.success) return this.setAside(raw, 'The saved progress does not have the expected shape.');
    return { progress: checked.data as Progress, problem: null };
  }

  read(): Progress {
    return this.readWithStatus().progress;
  }

  write(progress: Progress): void {
    this.storage.setItem(this.key, JSON.stringify(progress));
  }

  /** Read, apply one graded review, write back; returns the new progress. */
  recordReview(slug: string, grade: Grade, rubric: { hit: number; total: number }, now: Date): Progress {
    const next = applyReview(this.read(), slug, grade, rubric, now);
    this.write(next);
    return next;
  }

  /** Read, record one drill run, write back. */
  recordDrill(slug: string, attempt: DrillAttempt): Progress {
    const next = applyDrillAttempt(this.read(), slug, attempt);
    this.write(next);
    return next;
  }

  /** Read, record one graded checkpoint answer, write back. */
  recordCheckpoint(key: string, attempt: Omit<CheckpointAttempt, 'at'>, now: Date): Progress {
    const next = applyCheckpointAnswer(this.read(), key, attempt, now);
    this.write(next);
    return next;
  }

  /** Read, record one incident diagnosis, write back; returns the new progress. */
  recordIncident(cause: RootCauseId, attempt: Omit<IncidentAttempt, 'at' | 'fixed'>, now: Date): Progress {
    const next = applyIncidentAnswer(this.read(), cause, attempt, now);
    this.write(next);
    return next;
  }

  /** Read, mark the incident answered at `at` fixed, write back. */
  recordIncidentFix(cause: RootCauseId, at: string): Progress {
    const next = applyIncidentFix(this.read(), cause, at);
    this.write(next);
    return next;
  }

  private setAside(raw: string, problem: string): ReadResult {
    // Keep the unreadable value so nothing is lost; the learner can still export it by hand.
    if (this.storage.getItem(`${this.key}:unreadable`) === null) this.storage.setItem(`${this.key}:unreadable`, raw);
    return { progress: emptyProgress(), problem: `${problem} It was kept aside under "${this.key}:unreadable"; new reviews start fresh.` };
  }
}
