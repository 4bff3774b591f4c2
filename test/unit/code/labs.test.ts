import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeEnvironment } from '../../../src/code/checks/environment.ts';
import { starter as balanceStarter } from '../../../src/code/exercises/idempotentBalance/exercise.ts';
import { idempotentBalanceSolution } from '../../../src/code/exercises/idempotentBalance/solution.ts';
import { neverOversellSolution } from '../../../src/code/exercises/neverOversell/solution.ts';
import { DeciderLab } from '../../../src/code/lab/deciderLab.ts';
import { balanceLab } from '../../../src/code/lab/labs.ts';
import { ProjectionLab } from '../../../src/code/lab/projectionLab.ts';
import { LearnerCodeError } from '../../../src/code/sandbox/errors.ts';
import { codeEnvironment } from './environment.ts';

let env: CodeEnvironment;
beforeAll(async () => {
  env = await codeEnvironment();
});

/** A variant that counts every deposit twice: the comparison must see it. */
const doubleDeposits = balanceStarter.replace(
  "const sign = event.type === 'MoneyDeposited' ? 1 : -1;",
  "const sign = event.type === 'MoneyDeposited' ? 2 : -1;",
);

describe('a learner projection as a variant, blue/green', () => {
  it('shadow-built beside the live one, compared equal, flipped live while the log grows, rolled back', async () => {
    const lab = await ProjectionLab.open(env, idempotentBalanceSolution, balanceLab());
    expect(lab.state().info.variant).toBe('current');
    let state = await lab.act('shadowRebuild');
    expect(state.info.shadow).toMatchObject({ variant: 'yours', role: 'candidate', status: 'caughtUp' });
    state = await lab.send(10);
    expect(state.sent).toBe(10);
    state = await lab.act('compare');
    expect(state.comparison).toMatchObject({ liveVariant: 'current', otherVariant: 'yours', differingRows: 0 });
    state = await lab.act('flip');
    expect(state.info.variant).toBe('yours');
    expect(state.info.shadow).toMatchObject({ variant: 'current', role: 'previous' });
    state = await lab.send(10);
    expect(state.info.position).toBe(state.headPosition);
    state = await lab.act('rollback');
    expect(state.info.variant).toBe('current');
    expect(state.log.some((l) => l.includes('flipped')) && state.log.some((l) => l.includes('rolledBack'))).toBe(true);
    lab.close();
  });

  it('a faulty variant shows its differing rows before anyone flips to it', async () => {
    const lab = await ProjectionLab.open(env, doubleDeposits, balanceLab());
    await lab.act('shadowRebuild');
    const state = await lab.act('compare');
    expect(state.comparison!.differingRows).toBe(3);
    expect(state.comparison!.tables[0]!.samples[0]!.live!['balance_cents']).not.toBe(
      state.comparison!.tables[0]!.samples[0]!.other!['balance_cents'],
    );
    lab.close();
  });

  it('the same seed, code and actions give the same trace', async () => {
    const run = async () => {
      const lab = await ProjectionLab.open(env, idempotentBalanceSolution, balanceLab(3));
      await lab.act('shadowRebuild');
      await lab.send(5);
      await lab.act('flip');
      await lab.send(5);
      const trace = JSON.stringify(lab.engine.trace);
      lab.close();
      return trace;
    };
    expect(await run()).toBe(await run());
  });

  it('code that does not load refuses to open the lab, with its line', async () => {
    await expect(ProjectionLab.open(env, 'export const schema = [;', balanceLab())).rejects.toBeInstanceOf(LearnerCodeError);
  });
});

describe('a learner decider on the engine', () => {
  it('commands give events or refusals, and the stream after each', async () => {
    const lab = DeciderLab.open(env, neverOversellSolution, 1);
    expect((await lab.send({ type: 'Restock', data: { sku: 'A', units: 2 } })).stream).toEqual([
      { version: 1, type: 'Restocked', data: { sku: 'A', units: 2 } },
    ]);
    const refused = await lab.send({ type: 'PlaceOrder', data: { sku: 'A', orderId: 'o1', units: 3 } });
    expect(refused.result).toMatchObject({ ok: false, rejection: { code: 'OutOfStock', message: 'only 2 left' } });
    const placed = await lab.send({ type: 'PlaceOrder', data: { sku: 'A', orderId: 'o2', units: 2 } });
    expect(placed.result?.ok).toBe(true);
    expect(placed.stream.map((e) => e.type)).toEqual(['Restocked', 'OrderPlaced']);
    lab.close();
  });

  it('a decide that throws is an answer with the learner line, and the lab goes on', async () => {
    const throwing = neverOversellSolution.replace(
      "case 'Restock':",
      "case 'Restock':\n      if (d.units > 50) throw new Error('too many');",
    );
    const lab = DeciderLab.open(env, throwing, 1);
    const answer = await lab.send({ type: 'Restock', data: { sku: 'A', units: 60 } });
    expect(answer.error).toMatchObject({ kind: 'runtime', message: expect.stringMatching(/^Error: too many \(line \d+/) });
    expect((await lab.send({ type: 'Restock', data: { sku: 'A', units: 5 } })).result?.ok).toBe(true);
    lab.close();
  });
});
