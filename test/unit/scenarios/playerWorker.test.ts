import initSqlJs from 'sql.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../src/engine/index.ts';
import { getDomain } from '../../../src/domain/index.ts';
import { playIntent, runScenario, scenarioCatalog, type Scenario } from '../../../src/scenarios/index.ts';
import { playSetup, playStoryStep, verifyOnReplay, type PlayedStep } from '../../../src/scenarios/playerWorker.ts';
import type { SessionState } from '../../../src/sandbox/sessionState.ts';

// The browser player's path through a scenario (setup, every step, then
// Verify on a replay of the recorded run) must agree with the headless
// runner that test/simulations checks: same trace, same verdicts.
let sql: Awaited<ReturnType<typeof initSqlJs>>;
beforeAll(async () => {
  sql = await initSqlJs();
});

async function playLikeThePlayer(scenario: Scenario): Promise<Engine> {
  return (await playWithFacts(scenario)).engine;
}

/** The player's run, with what each step reported (its outcome and the facts it claims). */
async function playWithFacts(scenario: Scenario): Promise<{ engine: Engine; played: PlayedStep[] }> {
  const engine = createEngine({
    sql,
    domain: getDomain(scenario.domain),
    seed: scenario.seed,
    ...(scenario.settings ? { settings: scenario.settings } : {}),
  });
  await playSetup(engine, scenario.setup ?? []);
  const played: PlayedStep[] = [];
  for (const step of scenario.steps) played.push(await playStoryStep(engine, step));
  return { engine, played };
}

function sessionOf(engine: Engine, scenario: Scenario): SessionState {
  return {
    domain: scenario.domain,
    seed: scenario.seed,
    settings: scenario.settings ?? {},
    script: engine.recordedScript(),
    until: engine.position(),
  };
}

const withChallenge = scenarioCatalog().filter((s) => s.challenge);

describe.skipIf(scenarioCatalog().length === 0)('the scenario player on the engine', () => {
  it.each(scenarioCatalog().map((s) => [s.slug, s] as const))(
    '%s plays to the same trace as the headless runner, with the facts it claims',
    async (_, scenario) => {
      const { engine, played } = await playWithFacts(scenario);
      const headless = await runScenario(sql, scenario);
      // A run that did nothing would be a prefix of anything: the player's trace holds every step's work.
      expect(engine.trace.length).toBeGreaterThan(0);
      expect(engine.trace.at(-1)!.seq).toBeGreaterThanOrEqual(played[0]!.outcome.fromSeq); // the steps added records after the setup
      const commands = scenario.steps.flatMap((s) => s.intents ?? []).filter((i) => i.kind === 'command').length;
      expect(engine.trace.filter((r) => r.type === 'command.received').length).toBeGreaterThanOrEqual(commands);
      expect(JSON.stringify(engine.trace)).toBe(JSON.stringify(headless.engine.trace.slice(0, engine.trace.length)));
      // Step by step the same outcomes, and the same facts, each holding (the story's claims are true on this run).
      expect(played.map((p) => p.outcome)).toEqual(headless.steps);
      const facts = played.flatMap((p, i) => p.facts.map((f) => ({ ...f, description: `${scenario.steps[i]!.id}: ${f.description}` })));
      expect(facts).toEqual(headless.expectations);
      for (const f of facts) expect(f.passed, `${f.description}: ${f.measured}`).toBe(true);
      engine.close();
      headless.engine.close();
    },
    60_000,
  );

  it.each(withChallenge.map((s) => [s.slug, s] as const))(
    '%s: Verify on the replayed run gives the headless verdict, untouched and solved',
    async (_, scenario) => {
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
    },
    60_000,
  );

  it.each(withChallenge.filter((s) => s.challenge!.allowed.consistency).map((s) => [s.slug, s] as const))(
    '%s: picking plain eventual reads does not pass',
    async (_, scenario) => {
      const engine = await playLikeThePlayer(scenario);
      const fromScript = engine.recordedScript().length;
      const verdict = await verifyOnReplay(sql, sessionOf(engine, scenario), scenario, {
        fromScript,
        consistency: { strategy: 'eventual' },
      });
      expect(verdict.passed).toBe(false);
      engine.close();
    },
    60_000,
  );
});
