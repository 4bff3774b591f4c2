// The hidden checks of "a projection that joins two streams": the learner's
// code is the live checkout-lines view of a commerce engine under bus
// duplicates and reordering, with the engine's guards off for it; the
// reference is registered as its variant 'reference', shadow-built from the
// event store (a clean replay) and compared row by row.
import fc from 'fast-check';
import { commerce } from '../../../domain/index.ts';
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
import { CHECKOUT_LINES_COLUMNS, checkoutLinesReference } from './reference.ts';

const PROJECTION = 'checkoutLines';
const TABLE = 'checkout_lines';
export const COMMERCE_EVENT_TYPES = commerce.events.map((e) => e.type);

export interface JoinCheckout {
  /** Index into the case's products. */
  product: number;
  quantity: number;
  /** Virtual ms at which it is sent. */
  at: number;
}

export interface JoinCase {
  seed: number;
  /** Product names; each is added at t=0 with stock for every checkout. */
  products: string[];
  checkouts: JoinCheckout[];
  duplicateProbability: number;
  reorder: boolean;
  /** Chance the payment gateway refuses (the checkout is then cancelled). */
  failureProbability: number;
}

interface Played {
  comparison?: Comparison;
  error?: LearnerCodeError;
  trace: string[];
  records?: TraceRecord[];
}

function exerciseDomain(code: ProjectionCode): DomainDefinition {
  return {
    ...commerce,
    projections: [{ ...code, name: PROJECTION, variants: { reference: checkoutLinesReference } }],
    queries: [],
  };
}

function settingsFor(c: JoinCase): SettingsPatch {
  return {
    bus: { duplicateProbability: c.duplicateProbability, reorder: c.reorder, jitterMs: 40 },
    projections: { [PROJECTION]: { dedupe: false, ordering: false } },
    sagas: { failureProbability: c.failureProbability },
  };
}

const skuOf = (i: number) => `J${i + 1}`;
const orderOf = (n: number) => `o${n + 1}`;

export async function playJoinCase(env: CodeEnvironment, source: string, c: JoinCase, onLog?: (line: string) => void): Promise<Played> {
  let engine: Engine | undefined;
  const sandbox = LearnerSandbox.load(env.quickjs, source, { seed: c.seed, now: () => engine?.now ?? 0, ...(onLog ? { onLog } : {}) });
  let lastError: LearnerCodeError | undefined;
  try {
    const code = learnerProjectionCode(sandbox, { description: 'Your checkout lines', eventTypes: COMMERCE_EVENT_TYPES });
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
    try {
      await engine.readOnlySql(PROJECTION, `SELECT ${CHECKOUT_LINES_COLUMNS.join(', ')} FROM ${TABLE} LIMIT 0`);
    } catch {
      const message = `your schema must create the table ${TABLE} with the columns ${CHECKOUT_LINES_COLUMNS.join(', ')}`;
      return { error: new LearnerCodeError({ kind: 'contract', message }), trace: [] };
    }
    for (const [i, name] of c.products.entries()) {
      engine.submit({
        kind: 'command',
        command: { type: 'AddProduct', data: { sku: skuOf(i), name, priceCents: 500, stock: 100 } },
      });
    }
    const sends = c.checkouts.map((k, n) => ({ k, n })).sort((a, b) => a.k.at - b.k.at || a.n - b.n);
    for (const { k, n } of sends) {
      if (k.at > engine.now) await engine.advanceTo(k.at);
      engine.submit({
        kind: 'command',
        command: {
          type: 'Checkout',
          data: {
            orderId: orderOf(n),
            customerId: `c${(n % 2) + 1}`,
            sku: skuOf(k.product),
            quantity: k.quantity,
            card: '4242424242424242',
          },
        },
      });
    }
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
    .filter((r) => r.projection === PROJECTION && checkoutLinesReference.handles.includes(r.eventType))
    .map((r) => {
      const again = seen.has(r.position);
      seen.add(r.position);
      return `t=${r.at} ms: #${r.position} ${r.eventType} ${r.streamId} v${r.version}${again ? ' (again: a duplicate)' : ''}`;
    });
}

function describeCase(c: JoinCase, played: Played): GivenWhenThen {
  const given = c.products.map((name, i) => `t=0 ms: AddProduct ${skuOf(i)} "${name}"`);
  const when = c.checkouts.map((k, n) => `t=${k.at} ms: Checkout ${orderOf(n)}: ${k.quantity} of ${skuOf(k.product)}`);
  const faults = [
    c.duplicateProbability > 0 ? `the bus delivers ${Math.round(c.duplicateProbability * 100)} % of events twice` : 'no duplicates',
    c.reorder ? 'streams overtake each other' : 'in order',
    `the gateway refuses ${Math.round(c.failureProbability * 100)} % of charges`,
  ].join(', ');
  const then: string[] = [];
  if (played.error) then.push(`your apply failed: ${played.error.message}`);
  for (const table of played.comparison?.tables ?? []) {
    for (const s of table.samples) {
      const key = keyText(s.key);
      if (!s.live) then.push(`${table.table} ${key}: missing from your read model; the replay has ${JSON.stringify(s.other)}`);
      else if (!s.other) then.push(`${table.table} ${key}: your read model has ${JSON.stringify(s.live)}; the replay has no such row`);
      else
        then.push(
          `${table.table} ${key}: yours ${JSON.stringify(differing(s.live, s.other))}, the replay of the reference ${JSON.stringify(differing(s.other, s.live))}`,
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

function keyText(key: string): string {
  try {
    const values: unknown = JSON.parse(key);
    return Array.isArray(values) ? values.join(', ') : key;
  } catch {
    return key;
  }
}

function differing(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(a).filter(([k, v]) => k in b && b[k] !== v));
}

const passes = (p: Played) => !p.error && p.comparison !== undefined && p.comparison.differingRows === 0;

export const EXAMPLES: { name: string; case: JoinCase }[] = [
  {
    name: 'A checkout that arrives before its product',
    case: {
      seed: 2,
      products: ['Desk lamp'],
      checkouts: [{ product: 0, quantity: 1, at: 0 }],
      duplicateProbability: 0,
      reorder: true,
      failureProbability: 0,
    },
  },
  {
    name: 'Every event delivered twice',
    case: {
      seed: 1,
      products: ['Mug', 'Pen'],
      checkouts: [
        { product: 0, quantity: 2, at: 50 },
        { product: 1, quantity: 1, at: 60 },
      ],
      duplicateProbability: 1,
      reorder: false,
      failureProbability: 0,
    },
  },
];

export const joinCaseArbitrary: fc.Arbitrary<JoinCase> = fc
  .record({
    seed: fc.integer({ min: 0, max: 10_000 }),
    products: fc.array(fc.constantFrom('Mug', 'Lamp', 'Pen', 'Chair'), { minLength: 1, maxLength: 2 }),
    checkouts: fc.array(
      fc.record({ product: fc.nat({ max: 1 }), quantity: fc.integer({ min: 1, max: 3 }), at: fc.integer({ min: 0, max: 40 }) }),
      { minLength: 1, maxLength: 5 },
    ),
    duplicateProbability: fc.constant(0.3),
    reorder: fc.constant(true),
    failureProbability: fc.constant(0.3),
  })
  .map((c) => ({ ...c, checkouts: c.checkouts.map((k) => ({ ...k, product: k.product % c.products.length })) }));

export async function checkJoinLines(
  env: CodeEnvironment,
  source: string,
  options: { runs: number; onLog?: (l: string) => void },
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [i, example] of EXAMPLES.entries()) {
    const played = await playJoinCase(env, source, example.case, i === 0 ? options.onLog : undefined);
    results.push(
      passes(played)
        ? { name: example.name, kind: 'example', passed: true, runs: 1, detail: 'Your read model equals the replay of the reference.' }
        : {
            name: example.name,
            kind: 'example',
            passed: false,
            runs: 1,
            detail: played.error
              ? 'Your apply failed.'
              : `${played.comparison!.differingRows} row(s) differ from the replay of the reference.`,
            counterexample: describeCase(example.case, played),
            ...(played.error ? { error: played.error.diagnostic } : {}),
          },
    );
  }
  const name = 'Under 30 % duplicates and reordering, equal to a replay';
  results.push(
    await propertyReport({
      name,
      arbitrary: joinCaseArbitrary,
      play: (c) => playJoinCase(env, source, c),
      holds: (played) => passes(played),
      runs: options.runs,
      passedDetail: (runs) => `${runs} random runs, each equal to the replay of the reference.`,
      failure: (c, played) => ({ counterexample: describeCase(c, played), ...(played.error ? { error: played.error.diagnostic } : {}) }),
    }),
  );
  return results;
}
