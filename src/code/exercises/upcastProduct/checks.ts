// The hidden checks of "write the V1 → V2 upcaster": a commerce store holding
// ProductAdded in both schema versions (imported as history, as an older
// system wrote it), then orders decided on those products. The same case is
// replayed twice on the real engine: once with the learner's upcaster as the
// domain's, once with the domain's own (the reference). The streams as read,
// every order's answer and the catalogue view must be the same.
import fc from 'fast-check';
import { commerce } from '../../../domain/index.ts';
import { createEngine, recordsOf, type DomainDefinition, type Engine, type TraceRecord } from '../../../engine/index.ts';
import { learnerUpcaster, type EngineUpcaster } from '../../adapters/learnerUpcaster.ts';
import type { CodeEnvironment } from '../../checks/environment.ts';
import { propertyReport } from '../../checks/property.ts';
import { timelineRecords } from '../../checks/timelineRecords.ts';
import type { CheckResult, GivenWhenThen } from '../../checks/report.ts';
import { LearnerCodeError } from '../../sandbox/errors.ts';
import { LearnerSandbox } from '../../sandbox/sandbox.ts';

export const UPCASTER_CONTRACT = {
  eventType: 'ProductAdded',
  fromVersion: 1,
  description: 'Your upcaster: ProductAdded version 1 → 2.',
};

export interface StoredProduct {
  /** Schema version the ProductAdded was written in. */
  version: 1 | 2;
  name: string;
  priceCents: number;
  stock: number;
  /** Version 2 only. */
  category?: string;
}

export interface UpcastOrder {
  /** Index into the case's products. */
  product: number;
  quantity: number;
}

export interface UpcastCase {
  seed: number;
  products: StoredProduct[];
  orders: UpcastOrder[];
}

/** What the readers saw: compared between the learner's replay and the reference's. */
interface Replayed {
  /** ProductAdded of each product as read back from its stream. */
  streams: Record<string, unknown>;
  /** Each order's answer. */
  answers: string[];
  /** The catalogue view, or why it is not there. */
  catalogue: string[];
  /** The engine's trace of this replay, for the read-only timeline. */
  records?: TraceRecord[];
  error?: LearnerCodeError;
}

const skuOf = (i: number) => `P${i + 1}`;
const CATALOGUE_SQL = 'SELECT sku, name, category, price_cents, stock, units_sold FROM catalogue ORDER BY sku';

function storedEvent(p: StoredProduct, i: number) {
  const data: Record<string, unknown> = { sku: skuOf(i), name: p.name, priceCents: p.priceCents, stock: p.stock };
  if (p.version === 2) data['category'] = p.category ?? 'stationery';
  return { streamId: `product-${skuOf(i)}`, type: 'ProductAdded', schemaVersion: p.version, data };
}

/** Plays a case with `upcaster` as the domain's link from version 1 (remembering the learner's last error). */
async function replay(env: CodeEnvironment, domain: DomainDefinition, c: UpcastCase, lastError: () => LearnerCodeError | undefined) {
  let engine: Engine | undefined;
  const out: Replayed = { streams: {}, answers: [], catalogue: [] };
  try {
    engine = createEngine({ sql: env.sql, domain, seed: c.seed });
    await engine.importEvents(c.products.map(storedEvent));
    for (const [n, o] of c.orders.entries()) {
      const sku = skuOf(o.product);
      const result = await engine.execute({
        type: 'PlaceOrder',
        data: { orderId: `o${n + 1}`, customerId: 'c1', sku, quantity: o.quantity },
      });
      out.answers.push(`PlaceOrder o${n + 1}: ${o.quantity} of ${sku}: ${result.ok ? 'accepted' : `refused (${result.rejection.code})`}`);
    }
    await engine.runUntilIdle();
    for (const i of c.products.keys()) {
      const added = (await engine.readStream(`product-${skuOf(i)}`)).find((e) => e.type === 'ProductAdded');
      out.streams[skuOf(i)] = added?.data;
    }
    if (engine.projectionInfo('catalogue').status === 'crashed') {
      const reason = recordsOf(engine.trace, 'projection.crashed').at(-1)?.reason ?? 'it crashed';
      out.catalogue = [`the catalogue view crashed: ${reason}`];
    } else {
      const rows = await engine.readOnlySql('catalogue', CATALOGUE_SQL);
      out.catalogue = rows.rows.map((r) => Object.fromEntries(rows.columns.map((col, k) => [col, r[k]]))).map((r) => JSON.stringify(r));
    }
  } catch (e) {
    const error = lastError();
    if (error) return { ...out, error };
    if (e instanceof LearnerCodeError) return { ...out, error: e };
    const message = e instanceof Error ? e.message : String(e);
    return { ...out, error: new LearnerCodeError({ kind: 'runtime', message: `the engine could not use your upcaster: ${message}` }) };
  } finally {
    if (engine) out.records = timelineRecords(engine);
    engine?.close();
  }
  const error = lastError();
  return error ? { ...out, error } : out;
}

const withUpcaster = (upcaster: EngineUpcaster): DomainDefinition => ({ ...commerce, upcasters: [upcaster] });

export async function playUpcastCase(env: CodeEnvironment, source: string, c: UpcastCase, onLog?: (l: string) => void) {
  const sandbox = LearnerSandbox.load(env.quickjs, source, { seed: c.seed, ...(onLog ? { onLog } : {}) });
  let last: LearnerCodeError | undefined;
  try {
    const inner = learnerUpcaster(sandbox, UPCASTER_CONTRACT);
    const remembering: EngineUpcaster = {
      ...inner,
      upcast(data) {
        try {
          return inner.upcast(data);
        } catch (e) {
          if (e instanceof LearnerCodeError) last = e;
          throw e;
        }
      },
    };
    const yours = await replay(env, withUpcaster(remembering), c, () => last);
    const reference = await replay(env, commerce, c, () => undefined);
    return { yours, reference, differences: differences(yours, reference) };
  } finally {
    sandbox.dispose();
  }
}

/** Where the learner's replay differs from the reference's, one line each (the first few). */
function differences(yours: Replayed, reference: Replayed): string[] {
  const found: string[] = [];
  if (yours.error) found.push(`your upcaster failed: ${yours.error.message}`);
  for (const [sku, expected] of Object.entries(reference.streams)) {
    const got = yours.streams[sku];
    if (JSON.stringify(got) !== JSON.stringify(expected))
      found.push(`product-${sku} read back: yours ${JSON.stringify(got) ?? 'nothing'}, expected ${JSON.stringify(expected)}`);
  }
  for (const [i, expected] of reference.answers.entries()) {
    const got = yours.answers[i];
    if (got !== expected)
      found.push(
        `${expected.replace(/: (accepted|refused.*)$/, '')}: yours ${got?.split(': ').at(-1) ?? 'never answered'}, expected ${expected.split(': ').at(-1)}`,
      );
  }
  if (JSON.stringify(yours.catalogue) !== JSON.stringify(reference.catalogue))
    found.push(`the catalogue view: yours [${yours.catalogue.join(', ')}], expected [${reference.catalogue.join(', ')}]`);
  return found.slice(0, 6);
}

function describeCase(c: UpcastCase, found: string[], records?: TraceRecord[]): GivenWhenThen {
  return {
    given: c.products.map((p, i) => {
      const e = storedEvent(p, i);
      return `${e.streamId} holds ProductAdded version ${p.version} ${JSON.stringify(e.data)}`;
    }),
    when: c.orders.length
      ? c.orders.map((o, n) => `PlaceOrder o${n + 1}: ${o.quantity} unit(s) of ${skuOf(o.product)}`)
      : ['the store is read back and the catalogue projected'],
    then: found,
    faults: `none: the same store replayed through yours and through the reference (seed ${c.seed})`,
    ...(records ? { records } : {}),
  };
}

export const EXAMPLES: { name: string; case: UpcastCase }[] = [
  {
    name: 'A version 1 product read back',
    case: { seed: 1, products: [{ version: 1, name: 'Ballpoint pen', priceCents: 150, stock: 40 }], orders: [] },
  },
  {
    name: 'Versions 1 and 2 side by side in the catalogue',
    case: {
      seed: 2,
      products: [
        { version: 1, name: 'Desk lamp', priceCents: 2900, stock: 8 },
        { version: 2, name: 'Keyboard', priceCents: 8900, stock: 5, category: 'peripherals' },
      ],
      orders: [],
    },
  },
  {
    name: 'An order decided on an old product’s stock',
    case: {
      seed: 3,
      products: [{ version: 1, name: 'Stapler', priceCents: 700, stock: 3 }],
      orders: [
        { product: 0, quantity: 2 },
        { product: 0, quantity: 2 },
      ],
    },
  },
];

export const upcastCaseArbitrary: fc.Arbitrary<UpcastCase> = fc
  .record({
    seed: fc.integer({ min: 0, max: 10_000 }),
    products: fc.array(
      fc.record({
        version: fc.constantFrom<1 | 2>(1, 2),
        name: fc.constantFrom('Pen', 'Lamp', 'Mug', 'Chair'),
        priceCents: fc.integer({ min: 1, max: 5000 }),
        stock: fc.integer({ min: 0, max: 8 }),
        category: fc.constantFrom('stationery', 'kitchen', 'uncategorised'),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    orders: fc.array(fc.record({ product: fc.nat({ max: 2 }), quantity: fc.integer({ min: 1, max: 6 }) }), { maxLength: 5 }),
  })
  .map((c) => ({
    ...c,
    products: c.products.map(({ category, ...p }) => (p.version === 2 ? { ...p, category } : p)),
    orders: c.orders.map((o) => ({ ...o, product: o.product % c.products.length })),
  }));

export async function checkUpcastProduct(
  env: CodeEnvironment,
  source: string,
  options: { runs: number; onLog?: (l: string) => void },
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [i, example] of EXAMPLES.entries()) {
    const played = await playUpcastCase(env, source, example.case, i === 0 ? options.onLog : undefined);
    results.push(
      played.differences.length === 0
        ? { name: example.name, kind: 'example', passed: true, runs: 1, detail: 'Every reader saw what the reference shows.' }
        : {
            name: example.name,
            kind: 'example',
            passed: false,
            runs: 1,
            detail: played.yours.error ? 'Your upcaster failed.' : 'Readers saw something other than the reference shows.',
            counterexample: describeCase(example.case, played.differences, played.yours.records),
            ...(played.yours.error ? { error: played.yours.error.diagnostic } : {}),
          },
    );
  }
  const name = 'Random stores of both versions, replayed: the same as the reference';
  results.push(
    await propertyReport({
      name,
      arbitrary: upcastCaseArbitrary,
      play: (c) => playUpcastCase(env, source, c),
      holds: (played) => played.differences.length === 0,
      runs: options.runs,
      passedDetail: (runs) => `${runs} random stores, each read, decided and projected as with the reference.`,
      failure: (c, played) => ({
        counterexample: describeCase(c, played.differences, played.yours.records),
        ...(played.yours.error ? { error: played.yours.error.diagnostic } : {}),
      }),
    }),
  );
  return results;
}
