import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeEnvironment } from '../../../src/code/checks/environment.ts';
import { checkJoinLines, EXAMPLES, playJoinCase } from '../../../src/code/exercises/joinLines/checks.ts';
import { starter } from '../../../src/code/exercises/joinLines/exercise.ts';
import { joinLinesSolution } from '../../../src/code/exercises/joinLines/solution.ts';
import { codeEnvironment } from './environment.ts';

let env: CodeEnvironment;
beforeAll(async () => {
  env = await codeEnvironment();
});

/** A plausible wrong join: safe against duplicates, but a line that came before its product never gets the name. */
const neverFillsIn = joinLinesSolution.replace(
  "      db.run('UPDATE checkout_lines SET product_name = ? WHERE sku = ?', [d.name, d.sku]);\n",
  '',
);

describe('a projection that joins two streams', () => {
  it('the reference solution passes every check', async () => {
    expect(joinLinesSolution).toContain('ON CONFLICT (order_id) DO NOTHING');
    expect(joinLinesSolution).toContain('UPDATE checkout_lines SET product_name');
    const checks = await checkJoinLines(env, joinLinesSolution, { runs: 10 });
    expect(checks.map((c) => [c.name, c.passed])).toEqual(checks.map((c) => [c.name, true]));
  });

  it('a join that never fills in a late name fails, shrunk to one product and at most two checkouts', async () => {
    expect(neverFillsIn).not.toBe(joinLinesSolution);
    const checks = await checkJoinLines(env, neverFillsIn, { runs: 10 });
    expect(checks.find((c) => c.name === 'Every event delivered twice')?.passed).toBe(true);
    const early = checks.find((c) => c.name === 'A checkout that arrives before its product')!;
    expect(early.passed).toBe(false);
    expect(early.counterexample!.then).toEqual([
      'checkout_lines o1: yours {"product_name":null}, the replay of the reference {"product_name":"Desk lamp"}',
    ]);
    const property = checks.find((c) => c.kind === 'property')!;
    expect(property.passed).toBe(false);
    expect(property.counterexample!.given).toHaveLength(1);
    expect(property.counterexample!.when.length).toBeLessThanOrEqual(2);
    expect(property.counterexample!.then[0]).toMatch(
      /^checkout_lines o\d: yours \{"product_name":null\}, the replay of the reference \{"product_name":"\w+"\}$/,
    );
  });

  it('the starter fails: a duplicate crashes it, and a checkout before its product throws at the learner’s line', async () => {
    const checks = await checkJoinLines(env, starter, { runs: 5 });
    const early = checks.find((c) => c.name === 'A checkout that arrives before its product')!;
    expect(early.passed).toBe(false);
    const line = starter.split('\n').findIndex((l) => l.includes('product.name')) + 1;
    expect(early.error).toMatchObject({ kind: 'runtime', line });
    expect(early.error!.message).toMatch(/^TypeError: cannot read property 'name' of undefined/);
    const twice = checks.find((c) => c.name === 'Every event delivered twice')!;
    expect(twice.passed).toBe(false);
    expect(twice.error?.message).toMatch(/UNIQUE constraint failed/);
  });

  it('a schema without the checkout_lines table is refused, not compared as empty', async () => {
    const renamed = joinLinesSolution.replaceAll('checkout_lines', 'lines');
    const played = await playJoinCase(env, renamed, EXAMPLES[0]!.case);
    expect(played.error?.message).toBe(
      'your schema must create the table checkout_lines with the columns order_id, customer_id, sku, product_name, quantity, status',
    );
  });

  it('the same code and case give the same result twice', async () => {
    const a = await playJoinCase(env, neverFillsIn, EXAMPLES[0]!.case);
    expect(a.comparison!.differingRows).toBe(1);
    expect(a).toEqual(await playJoinCase(env, neverFillsIn, EXAMPLES[0]!.case));
  });
});
