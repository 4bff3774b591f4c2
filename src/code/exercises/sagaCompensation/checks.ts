// The hidden checks of "a saga step with its compensation": commerce's
// checkout saga with its payment step and that step's compensation replaced
// by the learner's functions (the rest is the domain's own), run on the real
// engine under gateway declines, a refused charge, stock shortages, bus
// duplicates, latency and short waits. Once everything settles, the streams
// are read back and each checkout judged by what it left behind.
import fc from 'fast-check';
import { commerce } from '../../../domain/index.ts';
import { createEngine, type DomainDefinition, type Engine, type SagaDefinition, type SettingsPatch } from '../../../engine/index.ts';
import { learnerSagaSteps, type LearnerReaction } from '../../adapters/learnerSaga.ts';
import type { CodeEnvironment } from '../../checks/environment.ts';
import { propertyReport } from '../../checks/property.ts';
import type { CheckResult, GivenWhenThen } from '../../checks/report.ts';
import type { TraceRecord } from '../../../engine/index.ts';
import { timelineRecords } from '../../checks/timelineRecords.ts';
import { LearnerCodeError } from '../../sandbox/errors.ts';
import { LearnerSandbox } from '../../sandbox/sandbox.ts';

export const SAGA_FUNCTIONS = ['react', 'onChargeRefused', 'onChargeTimeout'] as const;
export const COMMERCE_COMMANDS = commerce.commands.map((c) => c.type);
/** The card the domain's payment always declines. */
const DECLINING_CARD = '4000000000000002';
const GOOD_CARD = '4242424242424242';
/** A price at which 21 units pass the gateway's limit (100,000,000 cents): the ChargePayment is refused. */
const RACK_PRICE = 5_000_000;

export interface SagaProduct {
  priceCents: number;
  stock: number;
}

export interface SagaCheckout {
  product: number;
  quantity: number;
  declining: boolean;
  /** Virtual ms at which it is sent. */
  at: number;
}

export interface SagaCase {
  seed: number;
  products: SagaProduct[];
  checkouts: SagaCheckout[];
  /** Chance the gateway refuses a charge. */
  failureProbability: number;
  duplicateProbability: number;
  latencyMs: number;
  /** How long the saga waits for a step. */
  timeoutMs: number;
}

const reference = commerce.sagas![0]!;
const skuOf = (i: number) => `S${i + 1}`;
const orderOf = (n: number) => `o${n + 1}`;

/** The checkout saga with the learner's payment step and compensation. */
function sagaWith(call: (name: string, args: readonly unknown[]) => LearnerReaction | undefined): SagaDefinition {
  return {
    ...reference,
    get initialState() {
      return reference.initialState;
    },
    react(state, event, ctx) {
      if (event.type !== 'StockReserved' && event.type !== 'PaymentDeclined') return reference.react(state, event, ctx);
      const gatewayApproved = ctx.random('gateway') >= ctx.settings.failureProbability;
      return call('react', [state, { type: event.type, data: event.data }, { gatewayApproved, timeoutMs: ctx.settings.timeoutMs }]);
    },
    onTimeout(state, timeout, ctx) {
      if (timeout !== 'charge') return reference.onTimeout(state, timeout, ctx);
      return call('onChargeTimeout', [state]);
    },
    onRejected(state, command, rejection, ctx) {
      if (command.type !== 'ChargePayment') return reference.onRejected(state, command, rejection, ctx);
      return call('onChargeRefused', [state, { code: rejection.code, message: rejection.message }]);
    },
  };
}

function settingsFor(c: SagaCase): SettingsPatch {
  return {
    bus: { duplicateProbability: c.duplicateProbability, latencyMs: c.latencyMs, jitterMs: 20 },
    sagas: { failureProbability: c.failureProbability, timeoutMs: c.timeoutMs },
  };
}

interface Played {
  /** What is wrong with each checkout that ended badly, one line each. */
  wrong: string[];
  /** Each checkout's streams, as lines. */
  trace: string[];
  error?: LearnerCodeError;
  records?: TraceRecord[];
}

export async function playSagaCase(env: CodeEnvironment, source: string, c: SagaCase, onLog?: (l: string) => void): Promise<Played> {
  let engine: Engine | undefined;
  const sandbox = LearnerSandbox.load(env.quickjs, source, { seed: c.seed, now: () => engine?.now ?? 0, ...(onLog ? { onLog } : {}) });
  let last: LearnerCodeError | undefined;
  try {
    const steps = learnerSagaSteps(sandbox, SAGA_FUNCTIONS, COMMERCE_COMMANDS);
    const call = (name: string, args: readonly unknown[]) => {
      try {
        return steps(name, args);
      } catch (e) {
        if (e instanceof LearnerCodeError) last = e;
        throw e;
      }
    };
    const domain: DomainDefinition = { ...commerce, sagas: [sagaWith(call)] };
    engine = createEngine({ sql: env.sql, domain, seed: c.seed, settings: settingsFor(c) });
    try {
      for (const [i, p] of c.products.entries())
        await engine.execute({
          type: 'AddProduct',
          data: { sku: skuOf(i), name: `Product ${i + 1}`, priceCents: p.priceCents, stock: p.stock },
        });
      const sends = c.checkouts.map((k, n) => ({ k, n })).sort((a, b) => a.k.at - b.k.at || a.n - b.n);
      for (const { k, n } of sends) {
        await engine.advanceTo(engine.now + Math.max(0, k.at - engine.now));
        engine.submit({
          kind: 'command',
          command: {
            type: 'Checkout',
            data: {
              orderId: orderOf(n),
              customerId: 'c1',
              sku: skuOf(k.product),
              quantity: k.quantity,
              card: k.declining ? DECLINING_CARD : GOOD_CARD,
            },
          },
        });
      }
      await engine.runUntilIdle();
    } catch (e) {
      if (last) return { wrong: [], trace: [], error: last };
      throw e;
    }
    if (last) return { wrong: [], trace: [], error: last };
    return { ...(await judge(engine, c)), records: timelineRecords(engine) };
  } finally {
    engine?.close();
    sandbox.dispose();
  }
}

/** Each checkout judged by its streams: ended, and a cancelled one holds neither stock nor money. */
async function judge(engine: Engine, c: SagaCase): Promise<Played> {
  const wrong: string[] = [];
  const trace: string[] = [];
  const streams = new Set((await engine.listStreams()).map((s) => s.streamId));
  const read = async (streamId: string) => (streams.has(streamId) ? engine.readStream(streamId) : []);
  for (const n of c.checkouts.keys()) {
    const orderId = orderOf(n);
    const sku = skuOf(c.checkouts[n]!.product);
    const order = (await read(`order-${orderId}`)).map((e) => e.type);
    const payment = (await read(`payment-${orderId}`)).map((e) => e.type);
    const product = (await read(`product-${sku}`)).filter((e) => (e.data as { orderId?: string }).orderId === orderId);
    const reserved = product.reduce(
      (sum, e) =>
        sum + (e.type === 'StockReserved' ? 1 : e.type === 'StockReleased' ? -1 : 0) * Number((e.data as { quantity: number }).quantity),
      0,
    );
    const charged = payment.filter((t) => t === 'PaymentCharged').length - payment.filter((t) => t === 'PaymentRefunded').length > 0;
    trace.push(
      `${orderId}: order [${order.join(', ')}]; payment [${payment.join(', ')}]; ${sku} [${product.map((e) => e.type).join(', ')}]`,
    );
    const end = order.at(-1);
    if (end === 'OrderConfirmed') {
      if (!charged) wrong.push(`${orderId} was confirmed without being paid`);
      if (reserved <= 0) wrong.push(`${orderId} was confirmed without its stock reserved`);
    } else if (end === 'CheckoutCancelled') {
      if (reserved > 0) wrong.push(`${orderId} was cancelled, yet ${reserved} unit(s) of ${sku} stay reserved for it`);
      if (charged) wrong.push(`${orderId} was cancelled, yet its payment stays charged`);
    } else {
      wrong.push(`${orderId} never ended: its order stream stops at ${end ?? 'nothing'} (payment: ${payment.at(-1) ?? 'none'})`);
    }
  }
  return { wrong, trace };
}

function describeCase(c: SagaCase, played: Played): GivenWhenThen {
  return {
    given: c.products.map((p, i) => `product ${skuOf(i)}: ${p.stock} unit(s) at ${p.priceCents} cents`),
    when: c.checkouts.map(
      (k, n) =>
        `t=${k.at} ms: Checkout ${orderOf(n)}: ${k.quantity} of ${skuOf(k.product)}, ${k.declining ? 'a card that is always declined' : 'a good card'}${k.quantity * c.products[k.product]!.priceCents > 100_000_000 ? ' (over the gateway’s limit: ChargePayment is refused)' : ''}`,
    ),
    then: played.error ? [`your code failed: ${played.error.message}`] : played.wrong,
    faults: `the gateway refuses ${Math.round(c.failureProbability * 100)} % of charges, ${Math.round(c.duplicateProbability * 100)} % duplicates, latency ${c.latencyMs} ms, waits of ${c.timeoutMs} ms (seed ${c.seed})`,
    trace: played.trace,
    ...(played.records ? { records: played.records } : {}),
  };
}

const calm = { failureProbability: 0, duplicateProbability: 0, latencyMs: 5, timeoutMs: 5000 };

export const EXAMPLES: { name: string; case: SagaCase }[] = [
  {
    name: 'A paid checkout is confirmed',
    case: {
      seed: 1,
      ...calm,
      products: [{ priceCents: 500, stock: 5 }],
      checkouts: [{ product: 0, quantity: 2, declining: false, at: 0 }],
    },
  },
  {
    name: 'A declined card: the stock comes back, the checkout is cancelled',
    case: { seed: 2, ...calm, products: [{ priceCents: 500, stock: 5 }], checkouts: [{ product: 0, quantity: 2, declining: true, at: 0 }] },
  },
  {
    name: 'A charge over the gateway’s limit is refused: compensated',
    case: {
      seed: 3,
      ...calm,
      products: [{ priceCents: RACK_PRICE, stock: 30 }],
      checkouts: [{ product: 0, quantity: 21, declining: false, at: 0 }],
    },
  },
  {
    name: 'A payment that answers after the wait: compensated, and the late charge does not stay',
    case: {
      seed: 4,
      failureProbability: 0,
      duplicateProbability: 0,
      latencyMs: 150,
      timeoutMs: 100,
      products: [{ priceCents: 500, stock: 5 }],
      checkouts: [{ product: 0, quantity: 1, declining: false, at: 0 }],
    },
  },
];

export const sagaCaseArbitrary: fc.Arbitrary<SagaCase> = fc
  .record({
    seed: fc.integer({ min: 0, max: 10_000 }),
    products: fc.array(fc.record({ priceCents: fc.constantFrom(500, RACK_PRICE), stock: fc.integer({ min: 0, max: 30 }) }), {
      minLength: 1,
      maxLength: 2,
    }),
    checkouts: fc.array(
      fc.record({
        product: fc.nat({ max: 1 }),
        quantity: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constant(21)),
        declining: fc.boolean(),
        at: fc.integer({ min: 0, max: 50 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    failureProbability: fc.constantFrom(0, 0.5),
    duplicateProbability: fc.constant(0.3),
    latencyMs: fc.constantFrom(5, 150),
    timeoutMs: fc.constantFrom(100, 5000),
  })
  .map((c) => ({ ...c, checkouts: c.checkouts.map((k) => ({ ...k, product: k.product % c.products.length })) }));

export async function checkSagaCompensation(
  env: CodeEnvironment,
  source: string,
  options: { runs: number; onLog?: (l: string) => void },
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const ok = (p: Played) => !p.error && p.wrong.length === 0;
  for (const [i, example] of EXAMPLES.entries()) {
    const played = await playSagaCase(env, source, example.case, i === 0 ? options.onLog : undefined);
    results.push(
      ok(played)
        ? { name: example.name, kind: 'example', passed: true, runs: 1, detail: 'Every checkout ended as it should, nothing left held.' }
        : {
            name: example.name,
            kind: 'example',
            passed: false,
            runs: 1,
            detail: played.error ? 'Your code failed.' : 'A checkout ended wrongly.',
            counterexample: describeCase(example.case, played),
            ...(played.error ? { error: played.error.diagnostic } : {}),
          },
    );
  }
  const name = 'Under declines, refusals, duplicates and short waits, nothing is left held';
  results.push(
    await propertyReport({
      name,
      arbitrary: sagaCaseArbitrary,
      play: (c) => playSagaCase(env, source, c),
      holds: (played) => ok(played),
      runs: options.runs,
      passedDetail: (runs) => `${runs} random runs; every checkout ended, none left stock or money held.`,
      failure: (c, played) => ({ counterexample: describeCase(c, played), ...(played.error ? { error: played.error.diagnostic } : {}) }),
    }),
  );
  return results;
}
