// Playing a scenario on a real engine: one step at a time (the browser
// player, inside the write worker) or the whole file headless (tests, Node).
// Only the engine's public API is used, so a step plays the same wherever
// the engine runs.
import type { SqlJsStatic } from '../engine/index.ts';
import { createEngine, type Engine } from '../engine/index.ts';
import type { Intent } from '../engine/index.ts';
import { getDomain } from '../domain/index.ts';
import { evaluateCriteria, nextSeq } from './criteria.ts';
import { verifyChallenge } from './challenge.ts';
import { loadOutcome, playIntent, runLoads } from './dispatch.ts';
import type { CriterionResult, IntentOutcome, Scenario, ScenarioStep, StepOutcome, Verdict } from './types.ts';

/** Play one step: its intents in order (each answered before the next), its load, then `then`. */
export async function playStep(engine: Engine, step: ScenarioStep): Promise<StepOutcome> {
  const fromSeq = nextSeq(engine);
  const intents: IntentOutcome[] = [];
  for (const intent of step.intents ?? []) intents.push(await playIntent(engine, intent));
  const ids = step.load && step.load.length > 0 ? await runLoads(engine, step.load) : null;
  if (step.then && 'advanceMs' in step.then) await engine.advance(step.then.advanceMs);
  else if (step.then) await engine.runUntilIdle();
  return { stepId: step.id, intents, load: ids ? loadOutcome(engine, ids, fromSeq) : null, fromSeq, at: engine.now };
}

/** A fresh engine for a scenario with its setup applied (what the player shows before step 1). */
export async function startScenario(sql: SqlJsStatic, scenario: Scenario): Promise<Engine> {
  const engine = createEngine({
    sql,
    domain: getDomain(scenario.domain),
    seed: scenario.seed,
    ...(scenario.settings ? { settings: scenario.settings } : {}),
  });
  for (const intent of scenario.setup ?? []) {
    const o = await playIntent(engine, intent);
    if (!o.ok) throw new Error(`Scenario '${scenario.slug}': setup intent ${JSON.stringify(intent)} failed: ${o.error?.message}`);
  }
  await engine.runUntilIdle();
  return engine;
}

/**
 * Headless: setup, every step (each step's `expect` evaluated right after it,
 * scoped to the step), then the challenge verified — as the learner leaves
 * it, or after its known-good solution with `solve`.
 */
export async function runScenario(
  sql: SqlJsStatic,
  scenario: Scenario,
  options: { solve?: boolean } = {},
): Promise<{ engine: Engine; steps: StepOutcome[]; expectations: CriterionResult[]; solution: IntentOutcome[]; verdict: Verdict | null }> {
  const engine = await startScenario(sql, scenario);
  const steps: StepOutcome[] = [];
  const expectations: CriterionResult[] = [];
  for (const step of scenario.steps) {
    const outcome = await playStep(engine, step);
    steps.push(outcome);
    if (step.expect) {
      for (const r of await evaluateCriteria(engine, step.expect, outcome.fromSeq))
        expectations.push({ ...r, description: `${step.id}: ${r.description}` });
    }
  }
  const solution: IntentOutcome[] = [];
  let verdict: Verdict | null = null;
  if (scenario.challenge) {
    const learner: Intent[] = [];
    if (options.solve) {
      // A learner acts at human pace: the simulation settles between their actions.
      for (const intent of scenario.challenge.solution) {
        learner.push(intent);
        solution.push(await playIntent(engine, intent));
        await engine.runUntilIdle();
      }
    }
    const consistency = options.solve ? scenario.challenge.solutionConsistency : undefined;
    verdict = await verifyChallenge(engine, scenario, { intents: learner, ...(consistency ? { consistency } : {}) });
  }
  return { engine, steps, expectations, solution, verdict };
}
