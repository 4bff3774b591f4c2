import initSqlJs from 'sql.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../src/engine/index.ts';
import { getDomain } from '../../../src/domain/index.ts';
import { playIntent, runScenario, scenarioCatalog, type Scenario } from '../../../src/scenarios/index.ts';
import { playSetup, playStoryStep, verifyOnReplay } from '../../../src/scenarios/playerWorker.ts';
import type { SessionState } from '../../../src/sandbox/sessionState.ts';

// The browser player's path through a scenario (setup, every step, then
// Verify on a replay of the recorded run) must agree with the headless
// runner that test/simulations checks: same trace, same verdicts.
let sql: Awaited<ReturnType<typeof initSqlJs>>;
beforeAll(async () => {
  sql = await initSqlJs();
});

async function playLikeThePlayer(scenario: Scenario): Promise<Engine> {
  const engine = createEngine({ sql, domain: getDomain(scenario.domain), seed: scenario.seed, ...(scenario.settings ? { settings: scenario.settings } : {}) });
  await playSetup(engine, scenario.setup ?? []);
  for (const step of scenario.steps) await playStoryStep(engine, step);
  return engine;
}

function sessionOf(engine: Engine, scenario: Scenario): SessionState {
  return { domain: scenario.domain, seed: scenario.seed, settings: scenario.settings ?? {}, script: engine.recordedScript(), until: engine.position() };
}

const withChallenge = scenarioCatalog().filter((s) => s.challenge);

describe.skipIf(scenarioCatalog().length === 0)('the scenario player on the engine', () => {
  it.each(scenarioCatalog().map((s) => [s.slug, s] as const))('%s plays to the same trace as the headless runner, with the facts it claims', async (_, scenario) => {
    const engine = await playLikeThePlayer(scenario);
    const headless = await runScenario(sql, scenario);
    expect(JSON.stringify(engine.trace)).toBe(JSON.stringify(headless.engine.trace.slice(0, engine.trace.length)));
    engine.close();
    headless.engine.close();
  }, 60_000);

  it.each(withChallenge.map((s) => [s.slug, s] as const))('%s: Verify on the replayed run gives the headless verdict, untouched and solved', async (_, scenario) => {
    const challenge = scenario.challenge!;
    const engine = await playLikeThePlayer(scenario);
    const fromScript = engine.recordedScript().length;
    const untouched = await verifyOnReplay(sql, sessionOf(engine, scenario), scenario, { fromScript });
    const headlessUntouched = await runScenario(sql, scenario);
    expect(untouched).toEqual(headlessUntouched.verdict);

    // As the challenge panel does: the simulation settles after each of the learner's actions.
    for (const intent of challenge.solution) {
      await playIntent(engine, intent);
      await engine.runUntilIdle();
    }
    const consistency = challenge.solutionConsistency ? { consistency: challenge.solutionConsistency } : {};
    const session = sessionOf(engine, scenario);
    const solved = await verifyOnReplay(sql, session, scenario, { fromScript, ...consistency });
    const headlessSolved = await runScenario(sql, scenario, { solve: true });
    expect(solved).toEqual(headlessSolved.verdict);
    // Verify leaves the learner's run as it was: pressing it again gives the same verdict.
    expect(await verifyOnReplay(sql, session, scenario, { fromScript, ...consistency })).toEqual(solved);
    engine.close();
    headlessUntouched.engine.close();
    headlessSolved.engine.close();
  }, 60_000);

  it.each(withChallenge.filter((s) => s.challenge!.allowed.consistency).map((s) => [s.slug, s] as const))('%s: picking plain eventual reads does not pass', async (_, scenario) => {
    const engine = await playLikeThePlayer(scenario);
    const fromScript = engine.recordedScript().length;
    const verdict = await verifyOnReplay(sql, sessionOf(engine, scenario), scenario, { fromScript, consistency: { strategy: 'eventual' } });
    expect(verdict.passed).toBe(false);
    engine.close();
  }, 60_000);
});
