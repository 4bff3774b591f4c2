// The shape of a scenario file in `simulations/` once validated (schema.ts
// checks the JSON against it). A scenario tells one story from the syllabus on
// the real engine, then hands the learner a challenge the engine checks.
// Plain JSON throughout: the same file plays headless in Node (tests) and in
// the browser player (through the engine workers).
import type { Intent, IntentKind, QueryInput, ConsistencyOptions } from '../engine/index.ts';
import type { SettingsPatch } from '../engine/index.ts';
import type { PanelId } from '../sandbox/presets.ts';
import type { DispatchResult } from '../engine/index.ts';

/** The scenario slugs, fixed: lessons, interview questions and the terminal link to them. */
export const SCENARIO_SLUGS = [
  'flash-sale',
  'read-your-own-write',
  'duplicate-charge',
  'dual-write',
  'buggy-projection',
  'upcasting',
  'saga-compensation',
  'banking',
  'feed-fan-out',
  'work-item-board',
  'reads-vs-writes',
  'ordering',
] as const;
export type ScenarioSlug = (typeof SCENARIO_SLUGS)[number];

export interface Scenario {
  /** Equals the file name without `.json`. */
  slug: string;
  title: string;
  /** One sentence for the scenario list. */
  summary: string;
  /** Position in the scenario list. */
  order: number;
  /** Lesson slugs (content/lessons) that this scenario illustrates. */
  lessons: string[];
  /** A domain registered in src/domain/index.ts. */
  domain: string;
  seed: number;
  settings?: SettingsPatch;
  /** Sandbox panels shown beside the narration, in order. */
  panels?: PanelId[];
  /** A measured lab shown with the story (real sql.js timings on the learner's machine). */
  lab?: 'flashSaleReadPaths' | 'workItemBoardReadPaths';
  /** Intents run silently before the first step (initial data). */
  setup?: Intent[];
  steps: ScenarioStep[];
  challenge?: ScenarioChallenge;
}

export interface ScenarioStep {
  id: string;
  /** What the learner reads while this step plays (plain text; `code` in backticks). */
  narration: string;
  /** Dispatched in order when the step plays. */
  intents?: Intent[];
  /** After the intents: advance virtual time by this many ms, or run until the bus is idle. */
  then?: { advanceMs: number } | { runUntilIdle: true };
  /** A question the learner answers before the step plays on. */
  checkpoint?: Checkpoint;
  /**
   * A generated load, submitted after `intents` and before `then`: intents
   * overlap as they would in production (commands conflict, queries queue).
   */
  load?: LoadSpec[];
  /** Facts the story claims after this step; tests check them on the real run, the player may show them. */
  expect?: Criterion[];
}

/**
 * A stream of intents over virtual time: `count` ticks, `everyMs` apart, from
 * `startMs` after the load begins; at each tick every intent of `intents` is
 * submitted (not awaited). In any string of an intent, `{i}` becomes the tick
 * number (0-based) and `{i%N}` the tick number modulo N. Several loads in one
 * list interleave by time (same instant: list order).
 */
export interface LoadSpec {
  count: number;
  everyMs: number;
  startMs?: number;
  intents: Intent[];
}

/** One answer to a checkpoint, with its own explanation (required on the wrong ones). */
export interface CheckpointChoice {
  text: string;
  why?: string;
}

export interface Checkpoint {
  question: string;
  choices: CheckpointChoice[];
  /** Index into `choices`. */
  answer: number;
  explanation: string;
}

export interface ScenarioChallenge {
  goal: string;
  hints?: string[];
  /** What the learner may change: dotted setting paths (`bus.latencyMs`, `idempotency`) and intent kinds. */
  allowed: {
    settings?: string[];
    intents?: IntentKind[];
    /** Projection actions allowed when `intents` includes 'projection'. */
    projectionActions?: string[];
    /** Consistency strategies the learner may pick for the workload's queries. */
    consistency?: boolean;
  };
  /**
   * Run on verify, on the learner's engine as it stands (after their
   * changes), then run until idle. Queries in the workload use the strategy
   * the learner picked when `allowed.consistency` is set.
   */
  workload: Intent[];
  /** A generated load run after `workload` (same rules as a step's load; its queries get the learner's strategy too). */
  load?: LoadSpec[];
  criteria: Criterion[];
  /** A known-good answer: intents applied before verify (configure, projection, session…). Tests prove it passes. */
  solution: Intent[];
  /** The strategy the known-good answer picks for the workload's queries (challenges with `allowed.consistency`). */
  solutionConsistency?: ConsistencyOptions;
  /** The hint ladder's last rung, in words (default: the solution's intents, described by solutionText.ts). */
  answer?: string;
  /** Shown after success: what the learner just proved. */
  debrief: string;
}

export type Comparison = '==' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * One success criterion, evaluated against the engine's state and the trace
 * recorded since verify started (`scope: 'verify'`, the default; for a step's
 * `expect` it means since the step began) or since the scenario began
 * (`scope: 'all'`).
 */
export type Criterion = CriterionBody & {
  description: string;
  scope?: 'verify' | 'all';
  /**
   * Trace-based criteria (traceCount, metric): only the records after the
   * latest record of `type` whose fields equal `where`, within the scope (none
   * such: nothing is counted). Makes a goal checkable per attempt, e.g. the
   * reads after the learner's latest restock.
   */
  since?: TraceMark;
  /** Negation: the criterion passes when the comparison (or replay match, or variant) does not hold. */
  not?: boolean;
};

/** A trace record to count from: the latest of `type` whose fields equal `where`. */
export interface TraceMark {
  type: string;
  where?: Record<string, unknown>;
}

/**
 * What a number is compared with: a constant, another measured metric (same
 * scope; e.g. `windowP95` of one projection against another's), or a
 * setting's current value (`{ "setting": "bus.latencyMs" }`).
 */
export type Operand = number | { metric: MetricName; projection?: string; sessionId?: string } | { setting: string };

export type CriterionBody =
  /** Run a query; compare a value at `path` (dot path into `data`, `length` allowed) or whether it found anything. */
  | {
      kind: 'query';
      query: QueryInput;
      consistency?: ConsistencyOptions;
      sessionId?: string;
      path?: string;
      op: Comparison;
      value: unknown;
    }
  /** A read-only SQL scalar (first column of the first row) against `write` or a projection's store. */
  | { kind: 'sql'; store: string; sql: string; op: Comparison; value: number | string | null }
  /** Count of trace records of a type, optionally filtered by equal fields. */
  | { kind: 'traceCount'; type: string; where?: Record<string, unknown>; op: Comparison; value: Operand }
  /** A measured metric from the trace (see criteria.ts for the list); `sessionId` keeps one session's queries (stale reads, misses, queries). */
  | { kind: 'metric'; metric: MetricName; projection?: string; sessionId?: string; op: Comparison; value: Operand }
  /** A setting's current value (dotted path, e.g. `sync.mode`, `projections.catalogue.dedupe`). */
  | { kind: 'setting'; path: string; op: Comparison; value: unknown }
  /** The projection's live store equals a replay of the event store from scratch. */
  | { kind: 'matchesReplay'; projection: string }
  /** The live version (variant) of a projection. */
  | { kind: 'projectionVariant'; projection: string; variant: string };

export type MetricName =
  | 'staleReads'
  | 'windowP50'
  | 'windowP95'
  | 'windowP99'
  | 'commandsRejected'
  | 'commandsFailed'
  | 'conflicts'
  | 'duplicatesSkipped'
  | 'eventsLost'
  | 'queryRowsReadMax'
  | 'readYourWriteMisses'
  | 'commandsCompleted'
  | 'commandFailureRate'
  | 'commandP95Ms'
  | 'queries'
  | 'queryP95Ms'
  | 'queryP99Ms';

/** What playing one intent gave: its answer, or the typed error (or rejection) as the learner would read it. */
export interface IntentOutcome {
  intent: Intent;
  ok: boolean;
  result?: DispatchResult;
  /** Error or rejection code and message (`ok` false). */
  error?: { code: string; message: string };
}

/** How a step's generated load went, counted from the trace. */
export interface LoadOutcome {
  commands: { submitted: number; completed: number; rejected: number; failed: number; duplicates: number };
  queries: { submitted: number; executed: number; stale: number };
}

export interface StepOutcome {
  stepId: string;
  intents: IntentOutcome[];
  load: LoadOutcome | null;
  /** Trace seq of the first record of this step (for criteria scoped to the step). */
  fromSeq: number;
  /** Virtual time when the step finished. */
  at: number;
}

export interface CriterionResult {
  description: string;
  passed: boolean;
  /** What was measured, e.g. `staleReads = 3 (needs == 0)`. */
  measured: string;
  /** Why it came out this way, from the run (filled for failed criteria). */
  evidence?: CriterionEvidence;
}

/** "Why isn't it solved?": the target, the value found, and what in the run explains it. */
export interface CriterionEvidence {
  /** What the criterion needs, e.g. `== 0`. */
  target: string;
  /** What was found, e.g. `3`. */
  value: string;
  /** One line per piece of evidence: a stale read and by how many ms, a row that differs from the replay… */
  details: string[];
  /** The first trace record where it went wrong (open the timeline there), when there is one. */
  seq?: number;
}

export interface Verdict {
  passed: boolean;
  results: CriterionResult[];
  /** Changes the learner made that the challenge does not allow (empty when none). */
  disallowed: string[];
}
