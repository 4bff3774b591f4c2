// A design drill: an interviewer's prompt answered by running the engine. The
// drill is data (content/drills/<slug>.json, validated by schema.ts); the
// learner picks one option per design choice; runner.ts plays the drill's load
// on a real engine with the settings those options map to, and the verdict
// comes from the trace of that run.
import type { ConsistencyOptions, Intent } from '../engine/index.ts';
import type { SettingsPatch } from '../engine/index.ts';
import type { Comparison, CriterionBody, CriterionEvidence } from '../scenarios/types.ts';

export interface Drill {
  /** Equals the file name without `.json`. */
  slug: string;
  title: string;
  /** One sentence for the drill list. */
  summary: string;
  order: number;
  /** A domain registered in src/domain/index.ts. */
  domain: string;
  seed: number;
  /** The interviewer's prompt, in our own words. */
  brief: string;
  /** Settings every design starts from (service times, bus behaviour). */
  settings?: SettingsPatch;
  /** Intents run before the load, until idle (the starting data). */
  setup?: SetupEntry[];
  load: DrillLoad;
  /** The screens the load reads; a design may set the query and consistency of each. */
  screens: Screen[];
  choices: DesignChoice[];
  requirements: Requirement[];
  /** The option id per choice id of a design that meets every requirement. */
  knownGood: Design;
  /** A design that fails, and the requirement it fails. */
  knownBad: { design: Design; fails: string };
  /** The hint ladder, hint 1 first (its last rung, the model design, comes from `knownGood`: answer.ts). */
  hints: string[];
  /** Shown after the run: the model design and why. */
  explanation: string;
  /** Interview question slugs this drill answers by running. */
  questions?: string[];
}

/** One intent, or one intent repeated with `{i}` (0…repeat-1) filled into its strings. */
export type SetupEntry = Intent | { repeat: number; intent: Intent };

export interface DrillLoad {
  /** What the load stands for and how it is scaled, e.g. "100K reads/min scaled 1:20". */
  description: string;
  /** Virtual milliseconds of load (then the engine runs until idle). */
  durationMs: number;
  traffic: Traffic[];
}

/**
 * A steady source of commands or queries. Strings in `command.data`, `commandId`,
 * `sessionId` and query params may use `{i}` (the arrival number), `{i%N}`, `{i/N}`, each with an optional `+K`.
 */
export interface Traffic {
  id: string;
  /** Arrivals per virtual second. */
  perSecond: number;
  /** Arrivals come in groups of this many at the same instant (a crowd), keeping the rate. Default 1. */
  burst?: number;
  startMs?: number;
  endMs?: number;
  /** The session the arrival belongs to (a template), so a later read can need its write. */
  sessionId?: string;
  command?: { type: string; data: Record<string, unknown>; commandId?: string };
  /** A screen read (its query and consistency come from the design). */
  read?: ScreenRead;
  /** After the command is accepted, the same session reads this screen at once. */
  then?: ScreenRead;
  /** A client that timed out sends every `every`-th command again, same commandId, `afterMs` later. */
  resend?: { every: number; afterMs: number };
}

export interface ScreenRead {
  screen: string;
  params: Record<string, unknown>;
}

export interface Screen {
  id: string;
  label: string;
  /** The query the screen runs unless a design option picks another. */
  query: string;
}

export interface DesignChoice {
  id: string;
  label: string;
  /** What the choice decides, one sentence. */
  help: string;
  options: DesignOption[];
}

export interface DesignOption {
  id: string;
  label: string;
  /** Applied on top of the drill's settings, in choice order. */
  settings?: SettingsPatch;
  /** Consistency per screen id. */
  consistency?: Record<string, ConsistencyOptions>;
  /** Which query a screen runs (e.g. which feed projection it reads). */
  queries?: Record<string, string>;
  /** Intents run after the drill's setup (e.g. a feed threshold). */
  setup?: Intent[];
}

/** Option id per choice id. */
export type Design = Record<string, string>;

export type Requirement = {
  id: string;
  /** The requirement as the interviewer states it. */
  label: string;
} & (
  | { kind: 'measure'; measure: Measure; op: Comparison; value: number }
  /** A state check by the scenarios' evaluator (src/scenarios/criteria.ts); its description is the label. */
  | { kind: 'criterion'; criterion: CriterionBody & { scope?: 'verify' | 'all' } }
);

/** Drill-only measurements over the run's trace (measures.ts). */
export type Measure =
  /** Reads of a screen by a session that wrote, answered before that write was projected. */
  | { kind: 'ownWriteMisses'; screen: string }
  /** Percentile of how far behind (lagMs) a screen's answers were. */
  | { kind: 'readStaleness'; screen: string; percentile: number }
  /** Percentile of a screen's read latency (received → answered, waits included). */
  | { kind: 'readLatency'; screen: string; percentile: number }
  /** Percentile of rows a screen's reads returned from their statements (feed projections). */
  | { kind: 'rowsRead'; screen: string; percentile: number }
  /** Percentile of a command type's latency (received → completed, retries and synchronous projections included). */
  | { kind: 'commandLatency'; command: string; percentile: number }
  /** Commands of a type (or all) that failed after exhausting their retries or for lack of a read model. */
  | { kind: 'commandsFailed'; command?: string }
  /** Commands appended more than once (a resend that was not recognised). */
  | { kind: 'duplicateAppends' }
  /** Percentile of the consistency window (append → applied) of a command type on the projection a screen reads. */
  | { kind: 'visibleAfter'; command: string; screen: string; percentile: number };

export interface RequirementResult {
  id: string;
  label: string;
  passed: boolean;
  /** The measured number (NaN: nothing to measure); null for a state check (a criterion). */
  value: number | null;
  /** "PlaceOrder p95 = 84 ms (needs ≤ 40 ms)". */
  measured: string;
  /** Why it failed, from the run; null when it passed. */
  why: string | null;
  /** "Why isn't it solved?" (failed requirements): the target, the value found and the records behind it. */
  evidence?: CriterionEvidence;
}

export interface DrillReport {
  slug: string;
  design: Design;
  passed: boolean;
  requirements: RequirementResult[];
  /** Headline numbers of the run. */
  totals: { virtualMs: number; commands: number; queries: number; events: number; traceRecords: number };
}
