import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeEnvironment } from '../../../src/code/checks/environment.ts';
import { checkUpcastProduct, playUpcastCase } from '../../../src/code/exercises/upcastProduct/checks.ts';
import { starter } from '../../../src/code/exercises/upcastProduct/exercise.ts';
import { upcastProductSolution } from '../../../src/code/exercises/upcastProduct/solution.ts';
import { codeEnvironment } from './environment.ts';

let env: CodeEnvironment;
beforeAll(async () => {
  env = await codeEnvironment();
});

const TODO = "  // TODO: return the payload in version 2's shape.\n  return data;\n";

/** A plausible wrong upcaster: it writes out version 2's fields by hand and forgets the stock. */
const forgetsStock = starter.replace(
  TODO,
  "  return { sku: data.sku, name: data.name, priceCents: data.priceCents, category: 'uncategorised' };\n",
);

describe('write the V1 → V2 upcaster', () => {
  it('the reference solution passes every check', async () => {
    expect(upcastProductSolution).not.toBe(starter);
    const checks = await checkUpcastProduct(env, upcastProductSolution, { runs: 10 });
    expect(checks.map((c) => [c.name, c.passed])).toEqual(checks.map((c) => [c.name, true]));
  });

  it('an upcaster that forgets the stock fails, shrunk to one old product', async () => {
    expect(forgetsStock).not.toBe(starter);
    const checks = await checkUpcastProduct(env, forgetsStock, { runs: 10 });
    expect(checks.find((c) => c.name === 'A version 1 product read back')?.passed).toBe(false);
    const property = checks.find((c) => c.kind === 'property')!;
    expect(property.passed).toBe(false);
    expect(property.counterexample!.given).toHaveLength(1);
    expect(property.counterexample!.given[0]).toMatch(/^product-P1 holds ProductAdded version 1 /);
    expect(property.counterexample!.then[0]).toMatch(
      /^product-P1 read back: yours \{[^}]*"category":"uncategorised"\}, expected \{.*"stock":0/,
    );
  });

  it('the starter (no category) fails: the catalogue view cannot take a product without one', async () => {
    const checks = await checkUpcastProduct(env, starter, { runs: 5 });
    const side = checks.find((c) => c.name === 'Versions 1 and 2 side by side in the catalogue')!;
    expect(side.passed).toBe(false);
    expect(side.counterexample!.then.join('\n')).toMatch(/the catalogue view: yours \[the catalogue view crashed/);
  });

  it('an upcaster that returns nothing is told at the learner level, at its line', async () => {
    const nothing = starter.replace(TODO, '  data.category = "uncategorised";\n');
    const checks = await checkUpcastProduct(env, nothing, { runs: 3 });
    expect(checks[0]!.error).toMatchObject({ kind: 'contract' });
    expect(checks[0]!.error!.message).toMatch(/^upcast must return the payload in version 2's shape \(an object\); it returned undefined/);
  });

  it('the same code and case give the same replay twice', async () => {
    const c = {
      seed: 5,
      products: [{ version: 1 as const, name: 'Mug', priceCents: 400, stock: 2 }],
      orders: [{ product: 0, quantity: 1 }],
    };
    const a = await playUpcastCase(env, upcastProductSolution, c);
    expect(a.differences).toEqual([]);
    expect(a.yours.answers).toEqual(['PlaceOrder o1: 1 of P1: accepted']);
    expect(JSON.stringify(a)).toBe(JSON.stringify(await playUpcastCase(env, upcastProductSolution, c)));
  });
});
