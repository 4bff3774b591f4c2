// The goal machinery around the engine: the status a try earns ("solved with
// the answer" once the solution was shown), the "why isn't it solved?"
// evidence a failed criterion carries, and a challenge's last hint rung.
import initSqlJs from 'sql.js';
import { describe, expect, test } from 'vitest';
import { goalKey, readGoal, recordGoalTry } from '../../../src/sandbox/goalProgress.ts';
import { runScenario, scenarioBySlug } from '../../../src/scenarios/index.ts';
import { challengeAnswer } from '../../../src/scenarios/solutionText.ts';

const sql = initSqlJs();

function memoryStorage(): Storage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  } as unknown as Storage & { data: Map<string, string> };
}

describe('goal status in localStorage', () => {
  test('a try is stored under cqrs-lab:goal:<preset> as { status, at }', () => {
    const s = memoryStorage();
    recordGoalTry(s, 'fresh-404', { passed: false, answerShown: false }, '2026-01-01T00:00:00.000Z');
    expect(JSON.parse(s.data.get('cqrs-lab:goal:fresh-404')!)).toEqual({ status: 'tried', at: '2026-01-01T00:00:00.000Z' });
    expect(goalKey('fresh-404')).toBe('cqrs-lab:goal:fresh-404');
  });

  test('solved after the solution was shown is "solved with the answer", not solved', () => {
    const s = memoryStorage();
    recordGoalTry(s, 'rebuild', { passed: false, answerShown: false }, 'a');
    expect(recordGoalTry(s, 'rebuild', { passed: true, answerShown: true }, 'b')).toEqual({ status: 'solvedWithAnswer', at: 'b' });
    expect(readGoal(s, 'rebuild')?.status).toBe('solvedWithAnswer');
    // Solving it again on one's own later upgrades it; a failed try after never downgrades.
    expect(recordGoalTry(s, 'rebuild', { passed: true, answerShown: false }, 'c').status).toBe('solved');
    expect(recordGoalTry(s, 'rebuild', { passed: false, answerShown: false }, 'd')).toEqual({ status: 'solved', at: 'c' });
  });

  test('a corrupt record reads as none', () => {
    const s = memoryStorage();
    s.setItem('cqrs-lab:goal:x', '{"status":"done"}');
    expect(readGoal(s, 'x')).toBeNull();
    s.setItem('cqrs-lab:goal:x', 'not json');
    expect(readGoal(s, 'x')).toBeNull();
  });
});

describe('why a criterion is not met: evidence from the run', () => {
  test('read misses: target, value, each stale read and by how many ms, the first record', async () => {
    const run = await runScenario(await sql, scenarioBySlug('read-your-own-write')!);
    const miss = run.verdict!.results.find((r) => !r.passed && r.measured.startsWith('readYourWriteMisses'))!;
    expect(miss.evidence?.target).toBe('== 0');
    expect(Number(miss.evidence?.value)).toBeGreaterThan(0);
    expect(miss.evidence?.details[0]).toMatch(/^#\d+: \w+ for [\w-]+ missed its own write, \d+ ms behind/);
    const seq = miss.evidence!.seq!;
    const first = run.engine.trace.find((r) => r.seq === seq)!;
    expect(first.type).toBe('query.executed');
    expect((first as { sawOwnWrite?: boolean }).sawOwnWrite).toBe(false);
  });

  test('a replay mismatch names the rows and what differs', async () => {
    const run = await runScenario(await sql, scenarioBySlug('banking')!);
    const bad = run.verdict!.results.find((r) => !r.passed && r.evidence?.target === 'equal to a replay');
    expect(bad, JSON.stringify(run.verdict!.results)).toBeDefined();
    expect(bad!.evidence!.details[0]).toMatch(/^statement_accounts "\w+": balance_cents is \d+, the replay says \d+$/);
  });

  test('passing criteria carry no evidence', async () => {
    const run = await runScenario(await sql, scenarioBySlug('dual-write')!, { solve: true });
    expect(run.verdict!.passed).toBe(true);
    expect(run.verdict!.results.every((r) => r.evidence === undefined)).toBe(true);
  });
});

describe("a challenge's last hint rung", () => {
  test('describes the known-good solution when the file gives no answer', () => {
    const ch = scenarioBySlug('dual-write')!.challenge!;
    expect(challengeAnswer({ ...ch, answer: undefined })).toContain('`delivery = "outbox"`');
    expect(challengeAnswer({ ...ch, answer: 'Use the outbox.' })).toBe('Use the outbox.');
  });
});
