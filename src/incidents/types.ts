// A generated incident: a small system (a domain, its starting data, a
// workload), the environment's faults, one misconfiguration that is the root
// cause, and harmless noise around it. The learner reads the evidence of a
// real run, picks the cause, then fixes the configuration; the engine checks
// both. Plain JSON, so it crosses the worker boundary and a seed replays it.
import type { ConsistencyOptions, ConsistencyStrategy, Intent, SettingsPatch } from '../engine/index.ts';
import type { Criterion, CriterionResult } from '../scenarios/types.ts';

/** The root causes the generator knows (one template each, causes.ts); one review card each. */
export const ROOT_CAUSE_IDS = ['dedupeOff', 'idempotencyOff', 'dualWriteLoss', 'orderingOff', 'eventualConfirmation', 'noRetry'] as const;
export type RootCauseId = (typeof ROOT_CAUSE_IDS)[number];

/** What the learner may change to fix it: the configuration, never the environment's faults. */
export interface Remedy {
  /** Configuration changes, applied over the incident's settings. */
  settings?: SettingsPatch;
  /** The consistency strategy of the confirmation screen (its reads in the workload). */
  screen?: ConsistencyOptions;
}

/** One answer to the diagnosis question; toggling it is applying its remedy. */
export interface IncidentChoice {
  id: string;
  /** The suspect, as a statement: "The projection's dedupe guard is off". */
  label: string;
  /** Undoing that suspect alone. */
  remedy: Remedy;
}

/** One timed step of the workload (virtual ms after the setup). */
export type WorkloadStep =
  | { at: number; kind: 'write'; command: { type: string; data: Record<string, unknown>; commandId: string }; sessionId: string }
  /** A read of the confirmation screen (its consistency comes from the screen, so a remedy can change it). */
  | { at: number; kind: 'read'; params: Record<string, unknown>; sessionId: string };

/** The screen the workload reads and the value it should show. */
export interface IncidentScreen {
  label: string;
  query: string;
  /** The projection the query reads. */
  projection: string;
  /** Dot path of the value shown, e.g. `balanceCents`. */
  path: string;
  params: Record<string, unknown>;
  consistency: ConsistencyOptions;
}

/** A form field of the "fix it" step: every incident offers the same ones, so the form gives nothing away. */
export type FixControl =
  | { kind: 'boolean'; path: string; label: string }
  | { kind: 'enum'; path: string; label: string; values: readonly string[] }
  | { kind: 'number'; path: string; label: string; min: number; max: number }
  | { kind: 'screen'; label: string; values: readonly ConsistencyStrategy[] };

export interface Incident {
  /** The seed asked for (what a share link carries). */
  seed: number;
  level: number;
  /** Which derived seed passed the check (0: the seed itself). */
  attempt: number;
  /** The engine's seed for this incident's runs. */
  engineSeed: number;
  cause: RootCauseId;
  domain: string;
  title: string;
  /** What the on-call engineer was told, one or two sentences. */
  report: string;
  /** The whole starting configuration: faults, the root cause and the noise. */
  settings: SettingsPatch;
  /** Setting paths that are the environment (faults): shown, never changed by a fix. */
  environment: string[];
  setup: Intent[];
  workload: WorkloadStep[];
  screen: IncidentScreen;
  question: { prompt: string; choices: IncidentChoice[]; answer: string };
  /** The symptom as a criterion: fails untouched, passes once fixed. */
  criterion: Criterion;
  /** The reference fix (the right choice's remedy). */
  fix: Remedy;
  /** Why, shown after the reveal. */
  explanation: string;
}

/** What one run shows: the evidence the learner diagnoses from. */
export interface IncidentEvidence {
  /** Headline counts of the run. */
  metrics: { label: string; value: number }[];
  /** The screen's last answer against what the event store says (and what the client meant to write). */
  values: { intended: number; eventStore: number; readModel: number | null; unit: 'cents' | 'units' };
  /** Selected trace lines, `#seq at ms: …`. */
  trace: string[];
  /** The configuration the run used, one `path = value` per line: a fault of this incident, the rest of the environment, or configuration a fix may change. */
  settings: { path: string; value: string; kind: 'fault' | 'environment' | 'configuration' }[];
}

export interface IncidentRun {
  passed: boolean;
  result: CriterionResult;
  evidence: IncidentEvidence;
}

/** The engine's proof that an incident is answerable. */
export interface IncidentCheck {
  ok: boolean;
  /** Why not (the first broken condition), for the regeneration log and tests. */
  reason: string | null;
  untouched: boolean;
  fixed: boolean;
  /** Choice id → whether applying it alone passed. */
  choices: Record<string, boolean>;
}
