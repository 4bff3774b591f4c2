import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeEnvironment } from '../../../src/code/checks/environment.ts';
import { checkExercise } from '../../../src/code/exercises/check.ts';
import { EXERCISES, exerciseById } from '../../../src/code/exercises/index.ts';
import { idempotentBalanceSolution } from '../../../src/code/exercises/idempotentBalance/solution.ts';
import { joinLinesSolution } from '../../../src/code/exercises/joinLines/solution.ts';
import { neverOversellSolution } from '../../../src/code/exercises/neverOversell/solution.ts';
import { sagaCompensationSolution } from '../../../src/code/exercises/sagaCompensation/solution.ts';
import { upcastProductSolution } from '../../../src/code/exercises/upcastProduct/solution.ts';
import { codeEnvironment } from './environment.ts';

let env: CodeEnvironment;
beforeAll(async () => {
  env = await codeEnvironment();
});

const SOLUTIONS: Record<string, string> = {
  'idempotent-balance': idempotentBalanceSolution,
  'never-oversell': neverOversellSolution,
  'upcast-product': upcastProductSolution,
  'saga-compensation': sagaCompensationSolution,
  'join-lines': joinLinesSolution,
};

describe('the exercise registry', () => {
  it('every exercise has a reference solution that passes, and a starter that does not', async () => {
    expect(EXERCISES.map((e) => e.id).sort()).toEqual(Object.keys(SOLUTIONS).sort());
    for (const exercise of EXERCISES) {
      const solved = await checkExercise(env, exercise.id, SOLUTIONS[exercise.id]!, 8);
      expect(solved.passed, exercise.id).toBe(true);
      const started = await checkExercise(env, exercise.id, exercise.starter, 8);
      expect(started.passed, exercise.id).toBe(false);
      expect(started.checks.some((c) => c.kind === 'property' && !c.passed && c.counterexample)).toBe(true);
    }
  });

  it('a module that does not load is reported once, at its line, with no check run', async () => {
    const report = await checkExercise(env, 'never-oversell', 'export function decide(command, state) {\n  return [;\n}');
    expect(report).toMatchObject({ passed: false, checks: [], loadError: { kind: 'syntax', line: 2 } });
    const missing = await checkExercise(
      env,
      'idempotent-balance',
      'export const schema = ["CREATE TABLE t (a)"];\nexport const handles = ["MoneyDeposited"];',
    );
    expect(missing.loadError).toEqual({ kind: 'contract', message: 'export function apply(db, event) { … } is missing' });
    const unknownEvent = await checkExercise(
      env,
      'idempotent-balance',
      'export const schema = ["CREATE TABLE t (a)"];\nexport const handles = ["Deposited"];\nexport function apply() {}',
    );
    expect(unknownEvent.loadError?.message).toMatch(/^handles names Deposited, which this domain does not have/);
  });

  it('console.log lines of the first example come back with the report', async () => {
    const chatty = neverOversellSolution.replace(
      'export function decide(command, state) {',
      'export function decide(command, state) {\n  console.log("deciding", command.type, state.onHand);',
    );
    const report = await checkExercise(env, 'never-oversell', chatty, 2);
    expect(report.logs[0]).toBe('deciding Restock 0');
  });

  it('exerciseById finds each exercise and nothing else', () => {
    for (const e of EXERCISES) expect(exerciseById(e.id)).toBe(e);
    expect(exerciseById('nope')).toBeUndefined();
  });
});
