import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeEnvironment } from '../../../src/code/checks/environment.ts';
import { checkIdempotentBalance, playBalanceCase, EXAMPLES } from '../../../src/code/exercises/idempotentBalance/checks.ts';
import { starter } from '../../../src/code/exercises/idempotentBalance/exercise.ts';
import { idempotentBalanceSolution } from '../../../src/code/exercises/idempotentBalance/solution.ts';
import { codeEnvironment } from './environment.ts';

let env: CodeEnvironment;
beforeAll(async () => {
  env = await codeEnvironment();
});

/** A plausible wrong fix: remember the last global position and skip anything at or below it. Streams overtake each other, so it skips real events. */
const lastPositionFix = starter
  .replace(
    'export function apply(db, event) {',
    'let lastPosition = 0;\nexport function apply(db, event) {\n  if (event.position <= lastPosition) return;\n  lastPosition = event.position;',
  )
  .replace(
    "  const d = event.data;\n  if (event.type === 'AccountOpened')",
    "  const d = event.data;\n  if (event.type === 'AccountOpened')",
  );

describe('make this projection idempotent', () => {
  it('the reference solution passes every check', async () => {
    const checks = await checkIdempotentBalance(env, idempotentBalanceSolution, { runs: 15 });
    expect(checks.map((c) => [c.name, c.passed])).toEqual(checks.map((c) => [c.name, true]));
    expect(checks.find((c) => c.kind === 'property')?.runs).toBe(15);
  });

  it('the starter double-counts: the examples fail and the property shrinks to a small readable case', async () => {
    const checks = await checkIdempotentBalance(env, starter, { runs: 15 });
    expect(checks[0]).toMatchObject({ name: EXAMPLES[0]!.name, passed: false });
    expect(checks[0]!.counterexample!.then.join('\n')).toMatch(/account_balances acc-1: yours \{"balance_cents":600,"movements":4/);
    const property = checks.find((c) => c.kind === 'property')!;
    expect(property.passed).toBe(false);
    const found = property.counterexample!;
    expect(found.when.length).toBeLessThanOrEqual(2);
    expect(found.when.every((line) => /^(Deposit|Withdraw) 1 cents/.test(line))).toBe(true);
    expect(found.given).toHaveLength(1);
    expect(found.faults).toMatch(/30 % of events twice/);
    expect(found.trace!.some((line) => line.includes('(again: a duplicate)'))).toBe(true);
  });

  it('a fix keyed on the global position skips events when streams overtake each other', async () => {
    expect(lastPositionFix).toContain('lastPosition = event.position');
    const checks = await checkIdempotentBalance(env, lastPositionFix, { runs: 15 });
    expect(checks[0]!.passed).toBe(true);
    expect(checks[1]!.passed).toBe(false);
    const property = checks.find((c) => c.kind === 'property')!;
    expect(property.passed).toBe(false);
    expect(property.counterexample!.given.length).toBeGreaterThanOrEqual(2);
  });

  it('a crash in apply is reported at the learner line', async () => {
    const broken = starter.replace(
      'const sign =',
      'if (event.type === "MoneyWithdrawn") throw new Error("no withdrawals");\n  const sign =',
    );
    const played = await playBalanceCase(env, broken, EXAMPLES[0]!.case);
    expect(played.error?.message).toMatch(/^Error: no withdrawals \(line \d+, column \d+\)$/);
    expect(played.error?.line).toBe(broken.split('\n').findIndex((l) => l.includes('no withdrawals')) + 1);
  });

  it('the same code and case give the same trace twice', async () => {
    const a = await playBalanceCase(env, starter, EXAMPLES[1]!.case);
    const b = await playBalanceCase(env, starter, EXAMPLES[1]!.case);
    expect(a.trace.length).toBeGreaterThan(0);
    expect(a).toEqual(b);
  });

  it('a schema without the account_balances table is refused, not compared as empty', async () => {
    const renamed = idempotentBalanceSolution.replaceAll('account_balances', 'balances');
    const played = await playBalanceCase(env, renamed, EXAMPLES[0]!.case);
    expect(played.comparison).toBeUndefined();
    expect(played.error?.message).toBe(
      'your schema must create the table account_balances with the columns account_id, owner, balance_cents, overdraft_limit_cents, movements, updated_at',
    );
  });
});
