// What each exercise's "try it on the engine" panel opens: the projection
// exercise a blue/green lab on banking's balance view under 30 % duplicates
// and reordering; the decider exercise a stock engine to send commands to.
import type { CommandInput } from '../../engine/index.ts';
import type { ProjectionLabConfig } from './projectionLab.ts';

/** A deterministic stream of deposits and withdrawals on three accounts (no rng: the same list every time). */
function movements(from: number, count: number): CommandInput[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const accountId = `acc-${(i % 3) + 1}`;
    return i % 4 === 3
      ? { type: 'Withdraw', data: { accountId, amountCents: 40 + (i % 7) * 10 } }
      : { type: 'Deposit', data: { accountId, amountCents: 100 + (i % 5) * 25 } };
  });
}

export function balanceLab(seed = 7): ProjectionLabConfig {
  const opened = [1, 2, 3].map((n) => ({
    type: 'OpenAccount',
    data: { accountId: `acc-${n}`, owner: `Owner ${n}`, overdraftLimitCents: 1000 },
  }));
  return {
    domain: 'banking',
    projection: 'balance',
    seed,
    settings: { bus: { duplicateProbability: 0.3, reorder: true, jitterMs: 40 } },
    history: [...opened, ...movements(0, 24)],
    workload: movements(24, 120),
  };
}
