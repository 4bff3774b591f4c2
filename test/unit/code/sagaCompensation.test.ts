import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeEnvironment } from '../../../src/code/checks/environment.ts';
import { checkSagaCompensation, EXAMPLES, playSagaCase } from '../../../src/code/exercises/sagaCompensation/checks.ts';
import { starter } from '../../../src/code/exercises/sagaCompensation/exercise.ts';
import { sagaCompensationSolution } from '../../../src/code/exercises/sagaCompensation/solution.ts';
import { codeEnvironment } from './environment.ts';

let env: CodeEnvironment;
beforeAll(async () => {
  env = await codeEnvironment();
});

/** A plausible wrong compensation: it cancels the checkout but forgets to give the reserved units back. */
const cancelOnly = sagaCompensationSolution.replace(
  "      { key: 'release', type: 'ReleaseStock', data: { orderId: state.orderId, sku: state.sku } },\n",
  '',
);

describe('a saga step with its compensation', () => {
  it('the reference solution passes every check', async () => {
    expect(sagaCompensationSolution).not.toBe(starter);
    const checks = await checkSagaCompensation(env, sagaCompensationSolution, { runs: 12 });
    expect(checks.map((c) => [c.name, c.passed])).toEqual(checks.map((c) => [c.name, true]));
  });

  it('a compensation that only cancels leaves stock reserved, shrunk to one checkout', async () => {
    expect(cancelOnly).not.toBe(sagaCompensationSolution);
    const checks = await checkSagaCompensation(env, cancelOnly, { runs: 12 });
    expect(checks.find((c) => c.name === 'A paid checkout is confirmed')?.passed).toBe(true);
    const declined = checks.find((c) => c.name === 'A declined card: the stock comes back, the checkout is cancelled')!;
    expect(declined.passed).toBe(false);
    expect(declined.counterexample!.then).toEqual(['o1 was cancelled, yet 2 unit(s) of S1 stay reserved for it']);
    const property = checks.find((c) => c.kind === 'property')!;
    expect(property.passed).toBe(false);
    expect(property.counterexample!.when).toHaveLength(1);
    expect(property.counterexample!.then[0]).toMatch(/^o1 was cancelled, yet \d+ unit\(s\) of S1 stay reserved for it$/);
  });

  it('the starter (no compensation) leaves checkouts that never end', async () => {
    const checks = await checkSagaCompensation(env, starter, { runs: 6 });
    expect(checks.find((c) => c.name === 'A paid checkout is confirmed')?.passed).toBe(true);
    const refused = checks.find((c) => c.name === 'A charge over the gateway’s limit is refused: compensated')!;
    expect(refused.passed).toBe(false);
    expect(refused.counterexample!.then).toEqual(['o1 never ended: its order stream stops at CheckoutStarted (payment: none)']);
    expect(checks.find((c) => c.kind === 'property')?.passed).toBe(false);
  });

  it('a reaction of the wrong shape is told at the learner level', async () => {
    const noStatus = starter.replace("        status: 'charging',\n", '');
    expect(noStatus).not.toBe(starter);
    const played = await playSagaCase(env, noStatus, EXAMPLES[0]!.case);
    expect(played.error?.diagnostic.kind).toBe('contract');
    expect(played.error?.message).toMatch(
      /^react must return undefined \(nothing to do\) or \{ state, status, commands\?, timeout\?, done\? \}/,
    );
  });

  it('the same code and case give the same streams twice', async () => {
    const c = { ...EXAMPLES[1]!.case, duplicateProbability: 0.3, latencyMs: 150, timeoutMs: 100 };
    const a = await playSagaCase(env, sagaCompensationSolution, c);
    expect(a.wrong).toEqual([]);
    expect(a).toEqual(await playSagaCase(env, sagaCompensationSolution, c));
  });
});
