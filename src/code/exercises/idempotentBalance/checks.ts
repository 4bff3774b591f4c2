// The hidden checks of "make this projection idempotent": the learner's code
// is the live balance projection of a real engine (banking) under bus
// faults, with the engine's guards off for it; the reference projection is
// registered as its variant 'reference', shadow-built from the event store
// (a clean replay) and compared row by row with the existing comparison.
import fc from 'fast-check';
import { banking } from '../../../domain/index.ts';
import {
  createEngine,
  recordsOf,
  type Comparison,
  type DomainDefinition,
  type Engine,
  type ProjectionCode,
  type SettingsPatch,
} from '../../../engine/index.ts';
import { learnerProjectionCode } from '../../adapters/learnerProjection.ts';
import type { CodeEnvironment } from '../../checks/environment.ts';
import { propertyReport } from '../../checks/property.ts';
import type { CheckResult, GivenWhenThen } from '../../checks/report.ts';
import type { TraceRecord } from '../../../engine/index.ts';
import { timelineRecords } from '../../checks/timelineRecords.ts';
import { LearnerCodeError } from '../../sandbox/errors.ts';
import { LearnerSandbox } from '../../sandbox/sandbox.ts';

const PROJECTION = 'balance';
const OVERDRAFT = 1000;
const BALANCE_COLUMNS = ['account_id', 'owner', 'balance_cents', 'overdraft_limit_cents', 'movements', 'updated_at'];

export interface Movement {
  kind: 'Deposit' | 'Withdraw';
  /** 1-based account number. */
  account: number;
  amountCents: number;
}

export interface BalanceCase {
  seed: number;
  accounts: number;
  movements: Movement[];
  duplicateProbability: number;
  reorder: boolean;
}

interface Played {
  comparison?: Comparison;
  error?: LearnerCodeError;
  trace: string[];
  records?: TraceRecord[];
}

const reference = banking.projections.find((p) => p.name === PROJECTION)!;

/** Banking with only the balance view, whose live code is the learner's and whose variant 'reference' is the original. */
function exerciseDomain(code: ProjectionCode): DomainDefinition {
  const { description, schema, handles, apply } = reference;
  return {
    ...banking,
    projections: [{ ...code, name: PROJECTION, variants: { reference: { description, schema, handles, apply } } }],
    queries: banking.queries.filter((q) => q.projection === PROJECTION),
  };
}

function settingsFor(c: BalanceCase): SettingsPatch {
  return {
    bus: { duplicateProbability: c.duplicateProbability, reorder: c.reorder, jitterMs: 40 },
    projections: { [PROJECTION]: { dedupe: false, ordering: false } },
  };
}

const accountId = (n: number) => `acc-${n}`;

/** Plays a case; the learner's code runs as the live projection. */
export async function playBalanceCase(
  env: CodeEnvironment,
  source: string,
  c: BalanceCase,
  onLog?: (line: string) => void,
): Promise<Played> {
  let engine: Engine | undefined;
  const sandbox = LearnerSandbox.load(env.quickjs, source, { seed: c.seed, now: () => engine?.now ?? 0, ...(onLog ? { onLog } : {}) });
  let lastError: LearnerCodeError | undefined;
  try {
    const code = learnerProjectionCode(sandbox, { description: 'Your balance view', eventTypes: banking.events.map((e) => e.type) });
    const remembering: ProjectionCode = {
      ...code,
      apply(db, event) {
        try {
          code.apply(db, event);
        } catch (e) {
          if (e instanceof LearnerCodeError) lastError = e;
          throw e;
        }
      },
    };
    try {
      engine = createEngine({ sql: env.sql, domain: exerciseDomain(remembering), seed: c.seed, settings: settingsFor(c) });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return { error: new LearnerCodeError({ kind: 'contract', message: `your schema did not run: ${message}` }), trace: [] };
    }
    // The comparison looks only at tables both sides have: a missing table must be refused, not compared as empty.
    try {
      await engine.readOnlySql(PROJECTION, `SELECT ${BALANCE_COLUMNS.join(', ')} FROM account_balances LIMIT 0`);
    } catch {
      const message = `your schema must create the table account_balances with the columns ${BALANCE_COLUMNS.join(', ')}`;
      return { error: new LearnerCodeError({ kind: 'contract', message }), trace: [] };
    }
    for (let n = 1; n <= c.accounts; n++) {
      await engine.execute({ type: 'OpenAccount', data: { accountId: accountId(n), owner: `Owner ${n}`, overdraftLimitCents: OVERDRAFT } });
    }
    for (const m of c.movements)
      engine.submit({ kind: 'command', command: { type: m.kind, data: { accountId: accountId(m.account), amountCents: m.amountCents } } });
    await engine.runUntilIdle();
    const trace = deliveries(engine);
    if (engine.projectionInfo(PROJECTION).status === 'crashed') {
      const reason = recordsOf(engine.trace, 'projection.crashed').at(-1)?.reason ?? 'it crashed';
      return { error: lastError ?? new LearnerCodeError({ kind: 'runtime', message: reason }), trace, records: timelineRecords(engine) };
    }
    engine.controlProjection('shadowRebuild', PROJECTION, 'reference');
    await engine.runUntilIdle();
    return { comparison: await engine.compareShadow(PROJECTION), trace, records: timelineRecords(engine) };
  } finally {
    engine?.close();
    sandbox.dispose();
  }
}

/** What the learner's projection was handed, in order: a repeated position is a duplicate. */
function deliveries(engine: Engine): string[] {
  const seen = new Set<number>();
  return recordsOf(engine.trace, 'bus.delivered')
    .filter((r) => r.projection === PROJECTION)
    .map((r) => {
      const again = seen.has(r.position);
      seen.add(r.position);
      return `t=${r.at} ms: #${r.position} ${r.eventType} ${r.streamId} v${r.version}${again ? ' (again: a duplicate)' : ''}`;
    });
}

function describeCase(c: BalanceCase, played: Played): GivenWhenThen {
  const given = Array.from({ length: c.accounts }, (_, i) => `account ${accountId(i + 1)} opened (overdraft ${OVERDRAFT} cents)`);
  const when = c.movements.map((m) => `${m.kind} ${m.amountCents} cents ${m.kind === 'Deposit' ? 'into' : 'from'} ${accountId(m.account)}`);
  const faults = [
    c.duplicateProbability > 0 ? `the bus delivers ${Math.round(c.duplicateProbability * 100)} % of events twice` : 'no duplicates',
    c.reorder ? 'streams overtake each other' : 'in order',
  ].join(', ');
  const then: string[] = [];
  if (played.error) then.push(`your apply failed: ${played.error.message}`);
  for (const table of played.comparison?.tables ?? []) {
    for (const sample of table.samples) {
      const s = { ...sample, key: keyText(sample.key) };
      if (!s.live) then.push(`${table.table} ${s.key}: missing from your read model; the replay has ${JSON.stringify(s.other)}`);
      else if (!s.other) then.push(`${table.table} ${s.key}: your read model has ${JSON.stringify(s.live)}; the replay has no such row`);
      else
        then.push(
          `${table.table} ${s.key}: yours ${JSON.stringify(differing(s.live, s.other))}, the replay of the reference ${JSON.stringify(differing(s.other, s.live))}`,
        );
    }
  }
  return {
    given,
    when,
    then,
    faults: `${faults} (seed ${c.seed})`,
    trace: played.trace,
    ...(played.records ? { records: played.records } : {}),
  };
}

/** A comparison key (a JSON array of the primary key's values) as text: "acc-1". */
function keyText(key: string): string {
  try {
    const values: unknown = JSON.parse(key);
    return Array.isArray(values) ? values.join(', ') : key;
  } catch {
    return key;
  }
}

/** The columns of `a` whose values differ from `b`'s. */
function differing(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(a).filter(([k, v]) => k in b && b[k] !== v));
}

const passes = (p: Played) => !p.error && p.comparison !== undefined && p.comparison.differingRows === 0;

async function exampleCheck(
  env: CodeEnvironment,
  source: string,
  name: string,
  c: BalanceCase,
  onLog?: (l: string) => void,
): Promise<CheckResult> {
  const played = await playBalanceCase(env, source, c, onLog);
  if (passes(played))
    return { name, kind: 'example', passed: true, runs: 1, detail: 'Your read model equals the replay of the reference.' };
  return {
    name,
    kind: 'example',
    passed: false,
    runs: 1,
    detail: played.error ? 'Your apply failed.' : `${played.comparison!.differingRows} row(s) differ from the replay of the reference.`,
    counterexample: describeCase(c, played),
    ...(played.error ? { error: played.error.diagnostic } : {}),
  };
}

export const EXAMPLES: { name: string; case: BalanceCase }[] = [
  {
    name: 'Every event delivered twice',
    case: {
      seed: 1,
      accounts: 1,
      movements: [
        { kind: 'Deposit', account: 1, amountCents: 500 },
        { kind: 'Withdraw', account: 1, amountCents: 200 },
      ],
      duplicateProbability: 1,
      reorder: false,
    },
  },
  {
    name: 'Two accounts whose streams overtake each other',
    case: {
      seed: 4,
      accounts: 2,
      movements: [
        { kind: 'Deposit', account: 1, amountCents: 300 },
        { kind: 'Deposit', account: 2, amountCents: 50 },
        { kind: 'Withdraw', account: 1, amountCents: 100 },
        { kind: 'Deposit', account: 2, amountCents: 70 },
      ],
      duplicateProbability: 0,
      reorder: true,
    },
  },
];

export const balanceCaseArbitrary: fc.Arbitrary<BalanceCase> = fc
  .record({
    seed: fc.integer({ min: 0, max: 10_000 }),
    accounts: fc.integer({ min: 1, max: 3 }),
    movements: fc.array(
      fc.record({
        kind: fc.constantFrom<'Deposit' | 'Withdraw'>('Deposit', 'Withdraw'),
        account: fc.integer({ min: 1, max: 3 }),
        amountCents: fc.integer({ min: 1, max: 500 }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    duplicateProbability: fc.constant(0.3),
    reorder: fc.constant(true),
  })
  .map((c) => ({ ...c, movements: c.movements.map((m) => ({ ...m, account: Math.min(m.account, c.accounts) })) }));

export async function checkIdempotentBalance(
  env: CodeEnvironment,
  source: string,
  options: { runs: number; onLog?: (l: string) => void },
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [i, example] of EXAMPLES.entries())
    results.push(await exampleCheck(env, source, example.name, example.case, i === 0 ? options.onLog : undefined));
  const name = 'Under 30 % duplicates and reordering, equal to a replay';
  results.push(
    await propertyReport({
      name,
      arbitrary: balanceCaseArbitrary,
      play: (c) => playBalanceCase(env, source, c),
      holds: (played) => passes(played),
      runs: options.runs,
      passedDetail: (runs) => `${runs} random runs, each equal to the replay of the reference.`,
      failure: (c, played) => ({ counterexample: describeCase(c, played), ...(played.error ? { error: played.error.diagnostic } : {}) }),
    }),
  );
  return results;
}
