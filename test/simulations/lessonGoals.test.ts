// Every lesson embed's goal: it validates like a scenario challenge, the
// untouched start fails it on its named criterion, and the known-good answer
// passes, headless on the real engine exactly as the worker verifies it (the
// preset's script and the learner's intents replayed, then the goal checked).
import initSqlJs from 'sql.js';
import { describe, expect, test } from 'vitest';
import { goalScenario } from '../../src/scenarios/goal.ts';
import { runGoal } from '../../src/scenarios/goalRun.ts';
import { parseScenario } from '../../src/scenarios/schema.ts';
import { LESSON_GOALS } from '../../src/sandbox/lessonGoals.ts';
import { LESSON_PRESETS, LESSON_PRESET_NAMES, type LessonPresetName } from '../../src/sandbox/lessonPresets.ts';
import type { SandboxPreset } from '../../src/sandbox/presets.ts';
import type { Intent } from '../../src/engine/index.ts';

const sql = initSqlJs();
const names = LESSON_PRESET_NAMES.map((n) => [n] as [LessonPresetName]);

test('every lesson embed has a goal', () => {
  expect(Object.keys(LESSON_GOALS).sort()).toEqual([...LESSON_PRESET_NAMES].sort());
});

describe.each(names)('the goal of the %s embed', (name) => {
  const goal = LESSON_GOALS[name];
  const preset: SandboxPreset = LESSON_PRESETS[name];

  test('validates like a scenario challenge, with a two-hint ladder and a named point', () => {
    expect(() => parseScenario(`goal-${name}.json`, JSON.parse(JSON.stringify(goalScenario(name, preset, goal))))).not.toThrow();
    expect(goal.hints.length).toBeGreaterThanOrEqual(2);
    expect(goal.criteria.some((c) => c.description.startsWith(goal.failsOn))).toBe(true);
    const last = Math.max(0, ...(preset.script ?? []).map((e) => e.at));
    for (const e of goal.solution) expect(e.at).toBeGreaterThan(last);
  });

  test('the untouched start fails on its point; the known-good answer passes', async () => {
    const untouched = await runGoal(await sql, name, preset, goal);
    const point = untouched.verdict.results.find((r) => r.description.startsWith(goal.failsOn));
    expect(point, JSON.stringify(untouched.verdict.results)).toBeDefined();
    expect(point!.passed, point!.measured).toBe(false);
    untouched.engine.close();
    const solved = await runGoal(await sql, name, preset, goal, { solve: true });
    expect(solved.verdict.disallowed).toEqual([]);
    expect(solved.verdict.results.filter((r) => !r.passed)).toEqual([]);
    solved.engine.close();
  });
});

describe('consistency-strategies is checked on the latest attempt', () => {
  const name = 'consistency-strategies';
  const preset: SandboxPreset = LESSON_PRESETS[name];
  const YOU = 'client-A';
  const restock = { kind: 'command', command: { type: 'RestockProduct', data: { sku: 'KB-42', quantity: 5 } }, sessionId: YOU } as const;
  const read = (strategy: 'eventual' | 'readYourWrites') =>
    ({ kind: 'query', query: { type: 'GetProduct', params: { sku: 'KB-42' } }, sessionId: YOU, consistency: { strategy } }) as const;
  // Clicks 100 virtual ms apart, `pause` a gap of 5 s (the bus takes 2 s): the learner's run.
  const attempt = (intents: (Intent | 'pause')[]) => {
    let at = 1000;
    const solution = [];
    for (const i of intents) {
      if (i === 'pause') at += 5000;
      else solution.push({ at: (at += 100), intent: i });
    }
    return { ...LESSON_GOALS[name], solution };
  };
  const failed = async (intents: (Intent | 'pause')[]) => {
    const run = await runGoal(await sql, name, preset, attempt(intents), { solve: true });
    run.engine.close();
    return run.verdict.results.filter((r) => !r.passed).map((r) => r.description);
  };

  test('an Eventual read right after the restock fails the attempt, even when a waiting read follows', async () => {
    expect(await failed([restock, read('eventual'), read('readYourWrites')])).toEqual(['No read after your latest restock missed it']);
  });

  test('a new restock starts a new attempt: the earlier miss no longer spoils it', async () => {
    expect(await failed([restock, read('eventual'), 'pause', restock, read('readYourWrites')])).toEqual([]);
  });

  test('a restock with no read after it is not solved by an older read', async () => {
    expect(await failed([restock, read('readYourWrites'), 'pause', restock])).toEqual(['A read of KB-42 saw your own write']);
  });
});
