import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeEnvironment } from '../../../src/code/checks/environment.ts';
import { checkNeverOversell, playConcurrentOrders } from '../../../src/code/exercises/neverOversell/checks.ts';
import { starter } from '../../../src/code/exercises/neverOversell/exercise.ts';
import { neverOversellSolution } from '../../../src/code/exercises/neverOversell/solution.ts';
import { codeEnvironment } from './environment.ts';

let env: CodeEnvironment;
beforeAll(async () => {
  env = await codeEnvironment();
});

/** A plausible wrong rule: refuse only when nothing is left, so an order for more than what is left still goes through. */
const soldOutOnly = starter.replace(
  "      // TODO: refuse with reject('OutOfStock', '…') when the order cannot be served.\n",
  "      if (state.onHand <= 0) return reject('OutOfStock', 'sold out');\n",
);

describe('a decider that never oversells', () => {
  it('the reference solution passes every check', async () => {
    expect(neverOversellSolution).not.toBe(starter);
    const checks = await checkNeverOversell(env, neverOversellSolution, { runs: 12 });
    expect(checks.map((c) => [c.name, c.passed])).toEqual(checks.map((c) => [c.name, true]));
  });

  it('"refuse when sold out" oversells, and the burst shrinks to a small story', async () => {
    expect(soldOutOnly).not.toBe(starter);
    const checks = await checkNeverOversell(env, soldOutOnly, { runs: 12 });
    expect(checks.find((c) => c.name === 'An order larger than the stock is refused')?.passed).toBe(false);
    expect(checks.find((c) => c.name === 'Sold out means sold out')?.passed).toBe(true);
    const burst = checks.find((c) => c.name === 'Bursts of concurrent orders never oversell')!;
    expect(burst.passed).toBe(false);
    expect(burst.counterexample!.when).toHaveLength(2);
    expect(burst.counterexample!.then[0]).toMatch(/^stock-[AB] went below zero: -\d+ on hand after OrderPlaced o\d/);
    const sequential = checks.find((c) => c.name === 'One at a time, accepted exactly when it fits')!;
    expect(sequential.passed).toBe(false);
    expect(sequential.counterexample!.then).toEqual(['expected: refused with OutOfStock', 'yours: accepted']);
  });

  it('the starter (no rule at all) fails, and a decider that refuses everything fails the model', async () => {
    const starterChecks = await checkNeverOversell(env, starter, { runs: 12 });
    expect(starterChecks.filter((c) => !c.passed).map((c) => c.name)).toContain('Bursts of concurrent orders never oversell');
    const refusesAll = starter.replace(
      "      // TODO: refuse with reject('OutOfStock', '…') when the order cannot be served.\n",
      "      return reject('OutOfStock', 'no');\n",
    );
    const checks = await checkNeverOversell(env, refusesAll, { runs: 12 });
    expect(checks.find((c) => c.name === 'Bursts of concurrent orders never oversell')?.passed).toBe(true);
    expect(checks.find((c) => c.name === 'One at a time, accepted exactly when it fits')?.passed).toBe(false);
  });

  it('a decide that breaks the API is told at the learner level', async () => {
    const noReturn = starter.replace(
      "return [{ type: 'Restocked', data: { sku: d.sku, units: d.units } }];",
      "return { type: 'Restocked', data: { sku: d.sku, units: d.units } };",
    );
    expect(noReturn).not.toBe(starter);
    const checks = await checkNeverOversell(env, noReturn, { runs: 3 });
    expect(checks[0]!.error?.message).toMatch(
      /^decide must return an array of events \(\[\{ type, data \}\]\) or reject\(code, message\); it returned \{"type":"Restocked"/,
    );
    expect(checks[0]!.error?.kind).toBe('contract');
  });

  it('the same code and case give the same streams twice', async () => {
    const c = {
      seed: 3,
      ops: [
        { kind: 'Restock' as const, sku: 'A' as const, units: 2, at: 0 },
        { kind: 'PlaceOrder' as const, sku: 'A' as const, units: 2, at: 5 },
        { kind: 'PlaceOrder' as const, sku: 'A' as const, units: 1, at: 5 },
      ],
    };
    const a = await playConcurrentOrders(env, neverOversellSolution, c);
    expect(a.trace).toHaveLength(2);
    expect(a).toEqual(await playConcurrentOrders(env, neverOversellSolution, c));
  });
});
