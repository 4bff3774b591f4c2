// The shortest failing run, for three known bugs: each failing run is shrunk
// on the real engine (sql.js in Node) to a run no longer than a stated bound,
// and the shrunk run is replayed once more here to show it still fails.
import initSqlJs from 'sql.js';
import { describe, expect, test } from 'vitest';
import { getDomain } from '../../../src/domain/index.ts';
import { createEngine, type Intent, type SettingsPatch, type SqlJsStatic } from '../../../src/engine/index.ts';
import { LESSON_GOALS } from '../../../src/sandbox/lessonGoals.ts';
import { LESSON_PRESETS } from '../../../src/sandbox/lessonPresets.ts';
import type { SessionState } from '../../../src/sandbox/sessionState.ts';
import { goalScenario } from '../../../src/scenarios/goal.ts';
import { scenarioBySlug } from '../../../src/scenarios/index.ts';
import { checkRun, failingRunOfChallenge, sessionOf, type FailingRun } from '../../../src/shrink/failingRun.ts';
import { shrinkFailingRun, type ShrinkProgress } from '../../../src/shrink/shrink.ts';
import { summarizeRun } from '../../../src/shrink/summary.ts';
import { validateSessionState } from '../../../src/sandbox/sessionFormat.ts';

const sqlReady = initSqlJs() as unknown as Promise<SqlJsStatic>;
const BUDGET = { maxReplays: 400 };

/** A learner's session: these intents dispatched one after another from a preset's start, as the sandbox records them. */
async function sessionFrom(domain: string, seed: number, settings: SettingsPatch, intents: Intent[]): Promise<SessionState> {
  const engine = createEngine({ sql: await sqlReady, domain: getDomain(domain), seed, settings });
  for (const intent of intents) {
    await engine.dispatch(intent);
    await engine.advance(100);
  }
  const session = { domain, seed, settings, script: engine.recordedScript(), until: engine.position() };
  engine.close();
  return session;
}

const cmd = (type: string, data: Record<string, unknown>, sessionId = 'client-A'): Intent => ({
  kind: 'command',
  command: { type, data },
  sessionId,
});
const commandsIn = (run: FailingRun) => run.script.filter((e) => e.intent.kind === 'command').length;

async function shrink(run: FailingRun, maxReplays = BUDGET.maxReplays) {
  const sql = await sqlReady;
  const progress: ShrinkProgress[] = [];
  const outcome = await shrinkFailingRun(
    run,
    (r) => checkRun(sql, r),
    { maxReplays },
    (p) => progress.push(p),
  );
  return { outcome, progress, sql };
}

describe('the shortest failing run', () => {
  test('dedupe guard off under duplicate delivery: at most 2 commands still corrupt the catalogue', async () => {
    const name = 'projection-duplicates';
    const preset = LESSON_PRESETS[name];
    const goal = LESSON_GOALS[name];
    const restocks = Array.from({ length: 8 }, () => cmd('RestockProduct', { sku: 'KB-42', quantity: 5 }));
    const learner: Intent[] = [
      { kind: 'configure', settings: { projections: { catalogue: { dedupe: false } } } },
      cmd('PlaceOrder', { orderId: 'o-1', customerId: 'ada', sku: 'KB-42', quantity: 2 }),
      ...restocks,
      { kind: 'query', query: { type: 'GetProduct', params: { sku: 'KB-42' } }, sessionId: 'client-A' },
    ];
    // The preset's own start (its keyboard product) then the learner's run.
    const session = await sessionFrom(preset.domain, preset.seed, preset.settings, [
      ...(preset.script ?? []).map((e) => e.intent),
      ...learner,
    ]);
    const run = await failingRunOfChallenge(await sqlReady, session, goalScenario(name, preset, goal), {});
    expect(run).not.toBeNull();
    expect(run!.criterion.kind).toBe('matchesReplay');
    const before = commandsIn(run!);

    const { outcome, progress, sql } = await shrink(run!);
    expect(outcome.status).toBe('finished');
    expect(outcome.message).toMatch(/^Finished after \d+ replays/);
    // Bound: the product and one restock (or the product alone) delivered twice.
    expect(commandsIn(outcome.run)).toBeLessThanOrEqual(2);
    expect(commandsIn(outcome.run)).toBeLessThan(before);
    expect(outcome.check.fails).toBe(true);
    expect(outcome.check.facts.duplicates).toBeGreaterThanOrEqual(1);
    // Removing intents moves the bus's seeded draws: a nearby seed may be part of the shrunk run, and the message says so.
    if (outcome.run.seed !== run!.seed) expect(outcome.message).toContain(`seed ${outcome.run.seed} instead of ${run!.seed}`);
    // Replayed once more here: still failing.
    expect((await checkRun(sql, outcome.run)).fails).toBe(true);
    const summary = summarizeRun(outcome.run, outcome.check.facts, outcome.check.result);
    expect(summary).toMatch(/^\d commands?, \d+ duplicate deliver(y|ies) to catalogue, .*dedupe guard of catalogue off/);
    expect(summary).toContain('The catalogue equals a replay of the event store');
    // Progress was reported along the way, ending with the confirming replay.
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)!.phase).toBe('confirm');
    expect(progress.at(-1)!.size).toBe(outcome.size);
    // The shrunk run is a session the sandbox accepts.
    const shown = validateSessionState(sessionOf(outcome.run, outcome.check.until));
    // Replayed as the sandbox does (to `until`), it is the run that was checked: same commands, same duplicates.
    const sandbox = createEngine({ sql, domain: getDomain(shown.domain), seed: shown.seed, settings: shown.settings });
    await sandbox.replay(shown.script);
    await sandbox.runToStep(shown.until!.step);
    expect(sandbox.trace.filter((r) => r.type === 'command.completed')).toHaveLength(commandsIn(outcome.run));
    const duplicated = sandbox.trace.filter((r) => r.type === 'bus.duplicated' && r.projection === 'catalogue');
    expect(duplicated).toHaveLength(outcome.check.facts.duplicates);
    sandbox.close();
  });

  test('dual write: at most 2 commands and the crash lose an event', async () => {
    const scenario = scenarioBySlug('dual-write')!;
    const session = await sessionFrom(scenario.domain, scenario.seed, scenario.settings ?? {}, [
      ...(scenario.setup ?? []),
      cmd('PlaceOrder', { orderId: 'o-1', customerId: 'kai', sku: 'LAMP', quantity: 1 }),
      cmd('RestockProduct', { sku: 'LAMP', quantity: 3 }),
      { kind: 'query', query: { type: 'GetOrderSummary', params: { orderId: 'o-1' } } },
    ]);
    const run = await failingRunOfChallenge(await sqlReady, session, scenario, {});
    expect(run!.criterion.description).toBe('No event is lost to the crash');
    expect(commandsIn(run!)).toBe(5);

    const { outcome, sql } = await shrink(run!);
    expect(outcome.status).toBe('finished');
    expect(commandsIn(outcome.run)).toBeLessThanOrEqual(2);
    expect(outcome.run.script.filter((e) => e.intent.kind === 'fault')).toHaveLength(1);
    expect(outcome.check.facts.lostEvents).toBeGreaterThanOrEqual(1);
    expect((await checkRun(sql, outcome.run)).fails).toBe(true);
    expect(summarizeRun(outcome.run, outcome.check.facts, outcome.check.result)).toMatch(/1 publish crash, 1 events? never published/);
  });

  test('an eventual read on the confirmation screen: 1 order and 1 read miss it', async () => {
    const scenario = scenarioBySlug('read-your-own-write')!;
    const session = await sessionFrom(scenario.domain, scenario.seed, scenario.settings ?? {}, scenario.setup ?? []);
    const run = await failingRunOfChallenge(await sqlReady, session, scenario, { consistency: { strategy: 'eventual' } });
    expect(run!.criterion.description).toBe('No shopper misses their own order');
    expect(commandsIn(run!)).toBe(6);

    const { outcome, sql } = await shrink(run!);
    expect(outcome.status).toBe('finished');
    expect(commandsIn(outcome.run)).toBeLessThanOrEqual(2);
    expect(outcome.run.script.filter((e) => e.intent.kind === 'query')).toHaveLength(1);
    expect((await checkRun(sql, outcome.run)).fails).toBe(true);
    expect(summarizeRun(outcome.run, outcome.check.facts, outcome.check.result)).toMatch(
      /^\d commands?, 1 query.*: "No shopper misses their own order" fails: 1 instead of 0$/,
    );
  });

  test('a budget of N replays stops after N and says so, with a run that still fails', async () => {
    const scenario = scenarioBySlug('read-your-own-write')!;
    const session = await sessionFrom(scenario.domain, scenario.seed, scenario.settings ?? {}, scenario.setup ?? []);
    const run = (await failingRunOfChallenge(await sqlReady, session, scenario, {}))!;
    const { outcome, progress, sql } = await shrink(run, 5);
    expect(outcome.status).toBe('stopped');
    expect(outcome.tried).toBe(5);
    expect(outcome.message).toMatch(/^Stopped after 5 replays/);
    expect(progress.every((p) => p.tried <= 5)).toBe(true);
    expect(outcome.size).toBeLessThanOrEqual(outcome.originalSize);
    expect((await checkRun(sql, outcome.run)).fails).toBe(true);
  });

  test('a goal an untouched start fails shrinks to no intents at all, and says so', async () => {
    const name = 'projection-duplicates';
    const preset = LESSON_PRESETS[name];
    const session = await sessionFrom(
      preset.domain,
      preset.seed,
      preset.settings,
      (preset.script ?? []).map((e) => e.intent),
    );
    const run = (await failingRunOfChallenge(await sqlReady, session, goalScenario(name, LESSON_PRESETS[name], LESSON_GOALS[name]), {}))!;
    expect(run.criterion.description).toBe('At least five restocks went through');
    const { outcome } = await shrink(run);
    expect(outcome.size).toBe(0);
    expect(summarizeRun(outcome.run, outcome.check.facts, outcome.check.result)).toBe(
      'no intents at all: "At least five restocks went through" fails: 0 (needs >= 5)',
    );
  });

  test('a run that passes is reported as not reproduced, never shrunk', async () => {
    const scenario = scenarioBySlug('read-your-own-write')!;
    const session = await sessionFrom(scenario.domain, scenario.seed, scenario.settings ?? {}, scenario.setup ?? []);
    const run = (await failingRunOfChallenge(await sqlReady, session, scenario, {}))!;
    const passing: FailingRun = { ...run, criterion: { ...run.criterion, not: true } };
    const { outcome } = await shrink(passing);
    expect(outcome.status).toBe('notReproduced');
    expect(outcome.run).toBe(passing);
  });

  test('a time budget read through now() stops the search', async () => {
    const scenario = scenarioBySlug('read-your-own-write')!;
    const session = await sessionFrom(scenario.domain, scenario.seed, scenario.settings ?? {}, scenario.setup ?? []);
    const run = (await failingRunOfChallenge(await sqlReady, session, scenario, {}))!;
    const sql = await sqlReady;
    let clock = 0;
    // Each replay "takes" 100 ms on this clock: a 350 ms budget allows four.
    const outcome = await shrinkFailingRun(
      run,
      async (r) => {
        clock += 100;
        return checkRun(sql, r);
      },
      { maxReplays: 1000, maxMs: 350, now: () => clock },
    );
    expect(outcome.status).toBe('stopped');
    expect(outcome.tried).toBe(4);
  });
});
