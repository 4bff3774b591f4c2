// A failing run, as data the shrinker can cut down: a session (domain, seed,
// settings, recorded intents) whose replay fails one criterion, and where the
// criterion starts looking (a challenge checks only what its workload did).
// Replaying it is the only way anything here is judged: nothing is predicted.
import { getDomain } from '../domain/index.ts';
import { createEngine, type Engine, type SqlJsStatic } from '../engine/index.ts';
import type { ConsistencyOptions, SettingsPatch, TraceRecord } from '../engine/index.ts';
import type { SessionState } from '../sandbox/sessionState.ts';
import { replaySession } from '../sandbox/sessionReplay.ts';
import { playWorkload } from '../scenarios/challenge.ts';
import { evaluateCriteria, nextSeq } from '../scenarios/criteria.ts';
import { isDrillMeasure, judgeDrillMeasure, type DrillMeasureCriterion, type RunEntry } from './drillRun.ts';
import type { Criterion, CriterionResult, Scenario } from '../scenarios/types.ts';

export interface FailingRun {
  domain: string;
  seed: number;
  settings: SettingsPatch;
  /** Recorded intents in order. Entries from `windowFrom` on are what the criterion looks at (scope `verify`). */
  script: RunEntry[];
  windowFrom: number;
  /** The criterion that fails (or a drill's measured requirement): the run is "still failing" while this one fails. */
  criterion: Criterion | DrillMeasureCriterion;
}

/** What happened in a run that a learner would name: the faults the engine injected. */
export interface RunFacts {
  duplicates: number;
  drops: number;
  lostEvents: number;
  crashes: number;
}

/** One replay of a run, judged. `result` is null when the run does not replay (an intent the engine refuses). */
export interface RunCheck {
  fails: boolean;
  result: CriterionResult | null;
  facts: RunFacts;
  /** Where the run stood once quiet, before the criterion looked: a session replayed to here shows this very run. */
  until?: { at: number; step: number };
  /** Why it did not replay, when it did not. */
  error?: string;
}

/** Replay a run on a fresh engine, let it settle, and evaluate its criterion there. */
export async function checkRun(sql: SqlJsStatic, run: FailingRun): Promise<RunCheck> {
  let engine: Engine | null = null;
  try {
    engine = createEngine({ sql, domain: getDomain(run.domain), seed: run.seed, settings: run.settings });
    await engine.replay(run.script.slice(0, run.windowFrom));
    const first = run.script[run.windowFrom];
    // The window opens where the original's did: at its first intent, or once the run is quiet when it has none.
    if (!first) await engine.runUntilIdle();
    else if (first.step !== undefined) await engine.runToStep(first.step);
    else if (first.at > engine.now) await engine.advanceTo(first.at);
    const fromSeq = nextSeq(engine);
    const screenOf = await replayWindow(engine, run.script.slice(run.windowFrom));
    await engine.runUntilIdle();
    const until = engine.position();
    const facts = factsOf(engine.trace, projectionOf(run.criterion));
    if (isDrillMeasure(run.criterion)) return { ...judgeDrillMeasure(run.criterion, engine.trace, fromSeq, screenOf), facts, until };
    const [result] = await evaluateCriteria(engine, [run.criterion], fromSeq);
    return { fails: !result!.passed, result: result!, facts, until };
  } catch (e) {
    const facts = factsOf(engine?.trace ?? [], projectionOf(run.criterion));
    return { fails: false, result: null, facts, error: e instanceof Error ? e.message : String(e) };
  } finally {
    engine?.close();
  }
}

/** `engine.replay`, noting which screen each drill read (queryId → screen) is for. */
async function replayWindow(engine: Engine, entries: readonly RunEntry[]): Promise<Map<string, string>> {
  const screenOf = new Map<string, string>();
  for (const entry of entries) {
    // As `Engine.replay` places each entry, keeping the receipt it drops.
    if (entry.step !== undefined) {
      await engine.runToStep(entry.step);
      if (entry.at > engine.now) engine.clock.set(entry.at);
    } else await engine.advanceTo(entry.at);
    const receipt = engine.submit(entry.intent);
    if (entry.screen !== undefined && receipt.kind === 'query') screenOf.set(receipt.queryId, entry.screen);
  }
  return screenOf;
}

/** The faults of a run; those of one projection only when the criterion is about that projection. */
export function factsOf(trace: readonly TraceRecord[], projection?: string): RunFacts {
  const facts: RunFacts = { duplicates: 0, drops: 0, lostEvents: 0, crashes: 0 };
  const ours = (name: string) => projection === undefined || name === projection;
  for (const r of trace) {
    if (r.type === 'bus.duplicated' && ours(r.projection)) facts.duplicates++;
    else if (r.type === 'bus.dropped' && ours(r.projection)) facts.drops++;
    else if (r.type === 'publish.lost') facts.lostEvents += r.positions.length;
    else if (r.type === 'projection.crashed' && ours(r.projection)) facts.crashes++;
  }
  return facts;
}

/** The projection a criterion is about, when it names one. */
function projectionOf(criterion: FailingRun['criterion']): string | undefined {
  return 'projection' in criterion && typeof criterion.projection === 'string' ? criterion.projection : undefined;
}

/** The session the sandbox opens to show a run: its intents, replayed to where `checkRun` found it quiet. */
export function sessionOf(run: FailingRun, until?: { at: number; step: number }): SessionState {
  // A session's entries are the engine's own: a drill read's screen stays here.
  const script = run.script.map(({ screen: _screen, ...entry }) => entry);
  return { domain: run.domain, seed: run.seed, settings: run.settings, script, ...(until ? { until } : {}) };
}

/**
 * A challenge's (or lesson goal's) failure as a failing run: the learner's
 * session replayed as Verify does, the workload played and recorded on it, and
 * the first criterion that fails. Null when every criterion passes.
 */
export async function failingRunOfChallenge(
  sql: SqlJsStatic,
  session: SessionState,
  scenario: Scenario,
  learner: { consistency?: ConsistencyOptions },
): Promise<(FailingRun & { criterion: Criterion }) | null> {
  const challenge = scenario.challenge;
  if (!challenge) throw new Error(`Scenario '${scenario.slug}' has no challenge.`);
  const engine = await replaySession(sql, session);
  try {
    const windowFrom = engine.recordedCount();
    const fromSeq = nextSeq(engine);
    await playWorkload(engine, challenge, learner.consistency);
    // Taken before the criteria run: their own queries are not part of the run.
    const script = engine.recordedScript();
    const results = await evaluateCriteria(engine, challenge.criteria, fromSeq);
    const failing = results.findIndex((r) => !r.passed);
    if (failing < 0) return null;
    return {
      domain: session.domain,
      seed: session.seed,
      settings: session.settings,
      script,
      windowFrom,
      criterion: challenge.criteria[failing]!,
    };
  } finally {
    engine.close();
  }
}
