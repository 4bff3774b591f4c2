// How fast learner code is checked: `npm run bench:code` (not part of `npm test`).
// Prints, as the median of BENCH_REPS (default 3) repetitions:
//   projection-property: a property check of a learner projection (the
//     idempotent-balance reference solution, live under 30 % duplicates and
//     reordering, then a shadow replay and a row-by-row comparison), runs/s;
//   decider-property: bursts of concurrent orders on a learner decider, runs/s;
//   join-property, upcaster-property, saga-property: the property checks of
//     join-lines, upcast-product and saga-compensation with their reference
//     solutions, runs/s;
//   apply: one learner apply call through the sandbox (JSON across, SQL back
//     through the guard) against the same apply as native code, calls/s.
// BENCH_RUNS (default 40) sets the cases per property check.
import initSqlJs from 'sql.js';
import fc from 'fast-check';
import { learnerProjectionCode } from '../../src/code/adapters/learnerProjection.ts';
import type { CodeEnvironment } from '../../src/code/checks/environment.ts';
import { checkProperty } from '../../src/code/checks/property.ts';
import { balanceCaseArbitrary, playBalanceCase } from '../../src/code/exercises/idempotentBalance/checks.ts';
import { idempotentBalanceSolution } from '../../src/code/exercises/idempotentBalance/solution.ts';
import { playConcurrentOrders, stockCaseArbitrary } from '../../src/code/exercises/neverOversell/checks.ts';
import { neverOversellSolution } from '../../src/code/exercises/neverOversell/solution.ts';
import { joinCaseArbitrary, playJoinCase } from '../../src/code/exercises/joinLines/checks.ts';
import { joinLinesSolution } from '../../src/code/exercises/joinLines/solution.ts';
import { playSagaCase, sagaCaseArbitrary } from '../../src/code/exercises/sagaCompensation/checks.ts';
import { sagaCompensationSolution } from '../../src/code/exercises/sagaCompensation/solution.ts';
import { playUpcastCase, upcastCaseArbitrary } from '../../src/code/exercises/upcastProduct/checks.ts';
import { upcastProductSolution } from '../../src/code/exercises/upcastProduct/solution.ts';
import { loadQuickJs } from '../../src/code/sandbox/quickjs.ts';
import { LearnerSandbox } from '../../src/code/sandbox/sandbox.ts';
import { banking } from '../../src/domain/banking/index.ts';
import { SqlDb, type EventEnvelope, type SqlJsStatic } from '../../src/engine/index.ts';

const REPS = Number(process.env['BENCH_REPS'] ?? '3');
const RUNS = Number(process.env['BENCH_RUNS'] ?? '40');
const env: CodeEnvironment = { sql: (await initSqlJs()) as unknown as SqlJsStatic, quickjs: await loadQuickJs() };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function propertyRate(check: () => Promise<{ passed: boolean; runs: number }>): Promise<number> {
  const started = performance.now();
  const outcome = await check();
  if (!outcome.passed) throw new Error('the reference solution failed its property: the bench measures a passing check');
  return outcome.runs / ((performance.now() - started) / 1000);
}

function applyRates(): { sandboxed: number; native: number } {
  const events: EventEnvelope[] = Array.from({ length: 2000 }, (_, i) => ({
    position: i + 2,
    streamId: 'account-acc-1',
    version: i + 2,
    type: 'MoneyDeposited',
    schemaVersion: 1,
    data: { accountId: 'acc-1', amountCents: 1 },
    metadata: { commandId: `c${i}`, correlationId: `c${i}`, causationId: `c${i}`, recordedAt: i },
  }));
  const opened: EventEnvelope = {
    ...events[0]!,
    position: 1,
    version: 1,
    type: 'AccountOpened',
    data: { accountId: 'acc-1', owner: 'A', overdraftLimitCents: 0 },
  };
  const time = (apply: (db: SqlDb, e: EventEnvelope) => void, schema: readonly string[]) => {
    const db = new SqlDb(new env.sql.Database());
    for (const ddl of schema) db.run(ddl);
    apply(db, opened);
    const started = performance.now();
    for (const e of events) apply(db, e);
    const rate = events.length / ((performance.now() - started) / 1000);
    db.close();
    return rate;
  };
  const sandbox = LearnerSandbox.load(env.quickjs, idempotentBalanceSolution, { seed: 1 });
  const code = learnerProjectionCode(sandbox, { description: 'bench', eventTypes: banking.events.map((e) => e.type) });
  const sandboxed = time((db, e) => code.apply(db, e), code.schema);
  sandbox.dispose();
  const native = banking.projections.find((p) => p.name === 'balance')!;
  return { sandboxed, native: time((db, e) => native.apply(db, e), native.schema) };
}

const started = performance.now();
const projection: number[] = [];
const decider: number[] = [];
const join: number[] = [];
const upcaster: number[] = [];
const saga: number[] = [];
const sandboxed: number[] = [];
const native: number[] = [];
for (let rep = 0; rep < REPS; rep++) {
  projection.push(
    await propertyRate(() =>
      checkProperty(
        balanceCaseArbitrary,
        async (c) => {
          const played = await playBalanceCase(env, idempotentBalanceSolution, c);
          return !played.error && played.comparison?.differingRows === 0;
        },
        RUNS,
      ),
    ),
  );
  decider.push(
    await propertyRate(() =>
      checkProperty(
        stockCaseArbitrary,
        async (c) => {
          const played = await playConcurrentOrders(env, neverOversellSolution, c);
          return !played.error && !played.oversold;
        },
        RUNS,
      ),
    ),
  );
  join.push(
    await propertyRate(() =>
      checkProperty(
        joinCaseArbitrary,
        async (c) => {
          const played = await playJoinCase(env, joinLinesSolution, c);
          return !played.error && played.comparison?.differingRows === 0;
        },
        RUNS,
      ),
    ),
  );
  upcaster.push(
    await propertyRate(() =>
      checkProperty(upcastCaseArbitrary, async (c) => (await playUpcastCase(env, upcastProductSolution, c)).differences.length === 0, RUNS),
    ),
  );
  saga.push(
    await propertyRate(() =>
      checkProperty(
        sagaCaseArbitrary,
        async (c) => {
          const played = await playSagaCase(env, sagaCompensationSolution, c);
          return !played.error && played.wrong.length === 0;
        },
        RUNS,
      ),
    ),
  );
  const rates = applyRates();
  sandboxed.push(rates.sandboxed);
  native.push(rates.native);
}
const fixed = (n: number) => n.toFixed(1);
console.log(
  `projection-property: ${fixed(median(projection))} runs/s (${fixed(1000 / median(projection))} ms per run, ${RUNS} runs per check)`,
);
console.log(`decider-property: ${fixed(median(decider))} runs/s (${fixed(1000 / median(decider))} ms per run, ${RUNS} runs per check)`);
for (const [name, rates] of [
  ['join-property', join],
  ['upcaster-property', upcaster],
  ['saga-property', saga],
] as const)
  console.log(`${name}: ${fixed(median(rates))} runs/s (${fixed(1000 / median(rates))} ms per run, ${RUNS} runs per check)`);
console.log(
  `apply: sandboxed=${Math.round(median(sandboxed))}/s native=${Math.round(median(native))}/s ratio=${(median(sandboxed) / median(native)).toFixed(3)}`,
);
console.log(`# ${REPS} repetitions, median; fast-check ${fc.__version}; total ${((performance.now() - started) / 1000).toFixed(1)}s`);
