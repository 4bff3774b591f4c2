// What the scenario player asks of the engine, run where the engine lives
// (the sandbox's write worker; Node in tests). The page sends plain JSON
// (steps, the scenario) and gets plain JSON back: the UI thread never runs
// the engine or SQL.
import type { SqlJsStatic } from 'sql.js';
import type { Engine } from '../engine/index.ts';
import type { ConsistencyOptions, Intent } from '../engine/index.ts';
import { replaySession } from '../sandbox/sessionReplay.ts';
import type { SessionState } from '../sandbox/sessionState.ts';
// Not index.ts: that would bundle every scenario file (and the schema) into the worker.
import { evaluateCriteria } from './criteria.ts';
import { verifyChallenge } from './challenge.ts';
import { playIntent } from './dispatch.ts';
import { playStep } from './play.ts';
import type { CriterionResult, Scenario, ScenarioStep, StepOutcome, Verdict } from './types.ts';

export interface PlayedStep {
  outcome: StepOutcome;
  /** The step's `expect` facts measured on this run ("what just happened"). */
  facts: CriterionResult[];
}

/** The scenario's initial data, exactly as the headless runner applies it (startScenario): each intent in order, then until idle. */
export async function playSetup(engine: Engine, setup: readonly Intent[]): Promise<void> {
  for (const intent of setup) {
    const o = await playIntent(engine, intent);
    if (!o.ok) throw new Error(`A setup intent failed: ${o.error?.message ?? JSON.stringify(intent)}`);
  }
  await engine.runUntilIdle();
}

/** Play one step of the story and measure the facts it claims. */
export async function playStoryStep(engine: Engine, step: ScenarioStep): Promise<PlayedStep> {
  const outcome = await playStep(engine, step);
  const facts = step.expect && step.expect.length > 0 ? await evaluateCriteria(engine, step.expect, outcome.fromSeq) : [];
  return { outcome, facts };
}

/**
 * Verify the learner's answer on a copy of their run: the recorded session is
 * replayed on a fresh in-process engine (byte-identical trace) and the
 * challenge's workload runs there. The learner's own sandbox is left as it
 * is, so Verify can be pressed again after another change, and the workload
 * never counts as something the learner did.
 */
export async function verifyOnReplay(
  sql: SqlJsStatic,
  session: SessionState,
  scenario: Scenario,
  learner: { fromScript: number; consistency?: ConsistencyOptions },
): Promise<Verdict> {
  const engine = await replaySession(sql, session);
  try {
    const intents = session.script.slice(learner.fromScript).map((entry) => entry.intent);
    return await verifyChallenge(engine, scenario, { intents, ...(learner.consistency ? { consistency: learner.consistency } : {}) });
  } finally {
    engine.close();
  }
}
