// The hidden checks of "a decider that never oversells": examples on the
// decider itself, then the learner's decider as the Stock aggregate of a real
// engine, fed bursts of concurrent orders (checked against the event store
// with an oracle of its own, not the learner's evolve) and orders one at a
// time (checked against a model).
import fc from 'fast-check';
import { createEngine, type Engine, type Message, type RunningDecider } from '../../../engine/index.ts';
import { learnerDecider } from '../../adapters/learnerDecider.ts';
import type { CodeEnvironment } from '../../checks/environment.ts';
import { checkProperty } from '../../checks/property.ts';
import type { CheckResult, GivenWhenThen } from '../../checks/report.ts';
import type { TraceRecord } from '../../../engine/index.ts';
import { timelineRecords } from '../../checks/timelineRecords.ts';
import { LearnerCodeError } from '../../sandbox/errors.ts';
import { LearnerSandbox } from '../../sandbox/sandbox.ts';
import { STOCK_EVENT_TYPES, STOCK_REJECTIONS, stockDomain } from './domain.ts';

export interface StockOp {
  kind: 'Restock' | 'PlaceOrder';
  /** Product A or B. */
  sku: 'A' | 'B';
  units: number;
  /** Virtual ms at which it is sent (ops close together overlap). */
  at: number;
}

export interface StockCase {
  seed: number;
  ops: StockOp[];
}

interface Loaded {
  decider: RunningDecider;
  sandbox: LearnerSandbox;
  lastError: () => LearnerCodeError | undefined;
}

/** The learner's decider, remembering the last error its code raised (the engine may wrap or swallow it). */
function loadDecider(env: CodeEnvironment, source: string, seed: number, now: () => number, onLog?: (l: string) => void): Loaded {
  const sandbox = LearnerSandbox.load(env.quickjs, source, { seed, now, ...(onLog ? { onLog } : {}) });
  let last: LearnerCodeError | undefined;
  const remember = <T>(run: () => T): T => {
    try {
      return run();
    } catch (e) {
      if (e instanceof LearnerCodeError) last = e;
      throw e;
    }
  };
  try {
    const inner = learnerDecider(sandbox, { eventTypes: STOCK_EVENT_TYPES, rejectionCodes: STOCK_REJECTIONS });
    const decider: RunningDecider = {
      get initialState() {
        return remember(() => inner.initialState);
      },
      decide: (c, s) => remember(() => inner.decide(c, s)),
      evolve: (s, e) => remember(() => inner.evolve(s, e)),
    };
    return { decider, sandbox, lastError: () => last };
  } catch (e) {
    sandbox.dispose();
    throw e;
  }
}

const describeOp = (op: StockOp, i: number) =>
  op.kind === 'Restock'
    ? `t=${op.at} ms: Restock ${op.units} unit(s) of ${op.sku}`
    : `t=${op.at} ms: PlaceOrder o${i + 1}: ${op.units} unit(s) of ${op.sku}`;

const commandOf = (op: StockOp, i: number): Message =>
  op.kind === 'Restock'
    ? { type: 'Restock', data: { sku: op.sku, units: op.units } }
    : { type: 'PlaceOrder', data: { sku: op.sku, orderId: `o${i + 1}`, units: op.units } };

// ---- examples ---------------------------------------------------------------

interface DeciderExample {
  name: string;
  given: Message[];
  when: Message;
  then: { events: Message[] } | { rejects: string };
}

const restocked = (units: number): Message => ({ type: 'Restocked', data: { sku: 'A', units } });
const placed = (orderId: string, units: number): Message => ({ type: 'OrderPlaced', data: { sku: 'A', orderId, units } });

export const EXAMPLES: DeciderExample[] = [
  { name: 'Restock adds units', given: [], when: { type: 'Restock', data: { sku: 'A', units: 4 } }, then: { events: [restocked(4)] } },
  {
    name: 'An order that fits is placed',
    given: [restocked(5)],
    when: { type: 'PlaceOrder', data: { sku: 'A', orderId: 'o1', units: 2 } },
    then: { events: [placed('o1', 2)] },
  },
  {
    name: 'An order for the last units is placed',
    given: [restocked(3)],
    when: { type: 'PlaceOrder', data: { sku: 'A', orderId: 'o1', units: 3 } },
    then: { events: [placed('o1', 3)] },
  },
  {
    name: 'An order larger than the stock is refused',
    given: [restocked(2)],
    when: { type: 'PlaceOrder', data: { sku: 'A', orderId: 'o1', units: 3 } },
    then: { rejects: 'OutOfStock' },
  },
  {
    name: 'Sold out means sold out',
    given: [restocked(3), placed('o1', 3)],
    when: { type: 'PlaceOrder', data: { sku: 'A', orderId: 'o2', units: 1 } },
    then: { rejects: 'OutOfStock' },
  },
];

const say = (m: Message) => `${m.type} ${JSON.stringify(m.data)}`;

function runExample(env: CodeEnvironment, source: string, ex: DeciderExample, onLog?: (l: string) => void): CheckResult {
  const loaded = loadDecider(env, source, 1, () => 0, onLog);
  const expected = 'events' in ex.then ? ex.then.events.map(say) : [`rejected with ${ex.then.rejects}`];
  const story = (then: string[]): GivenWhenThen => ({
    given: ex.given.length ? ex.given.map(say) : ['a product with no events yet'],
    when: [say(ex.when)],
    then: [`expected: ${expected.join('; ')}`, ...then],
  });
  try {
    let state = loaded.decider.initialState;
    for (const e of ex.given) state = loaded.decider.evolve(state, e);
    const decision = loaded.decider.decide(ex.when, state);
    const got = Array.isArray(decision) ? decision.map(say) : [`rejected with ${(decision as { code: string }).code}`];
    const passed = JSON.stringify(got) === JSON.stringify(expected);
    return passed
      ? { name: ex.name, kind: 'example', passed, runs: 1, detail: 'As specified.' }
      : {
          name: ex.name,
          kind: 'example',
          passed,
          runs: 1,
          detail: 'Your decider answered otherwise.',
          counterexample: story([`yours: ${got.join('; ') || 'no events'}`]),
        };
  } catch (e) {
    if (!(e instanceof LearnerCodeError)) throw e;
    return {
      name: ex.name,
      kind: 'example',
      passed: false,
      runs: 1,
      detail: 'Your code failed.',
      counterexample: story([`yours: ${e.message}`]),
      error: e.diagnostic,
    };
  } finally {
    loaded.sandbox.dispose();
  }
}

// ---- concurrent orders ------------------------------------------------------

interface Played {
  /** The first stream that went below zero, told as lines. */
  oversold?: string[];
  error?: LearnerCodeError;
  trace: string[];
  records?: TraceRecord[];
}

/** Sends every op at its time (overlapping ones conflict and are retried by the engine), then reads the streams back. */
export async function playConcurrentOrders(env: CodeEnvironment, source: string, c: StockCase): Promise<Played> {
  let engine: Engine | undefined;
  const loaded = loadDecider(env, source, c.seed, () => engine?.now ?? 0);
  try {
    engine = createEngine({ sql: env.sql, domain: stockDomain(loaded.decider), seed: c.seed });
    const ops = c.ops.map((op, i) => ({ op, i })).sort((a, b) => a.op.at - b.op.at || a.i - b.i);
    try {
      for (const { op, i } of ops) {
        await engine.advanceTo(op.at);
        engine.submit({ kind: 'command', command: commandOf(op, i) });
      }
      await engine.runUntilIdle();
    } catch (e) {
      const error = loaded.lastError();
      if (error) return { error, trace: [] };
      throw e;
    }
    if (loaded.lastError()) return { error: loaded.lastError()!, trace: [] };
    const trace: string[] = [];
    let oversold: string[] | undefined;
    for (const { streamId } of await engine.listStreams()) {
      let onHand = 0;
      for (const e of await engine.readStream(streamId)) {
        const d = e.data as { units: number; orderId?: string };
        onHand += e.type === 'Restocked' ? d.units : -d.units;
        trace.push(
          `${streamId} v${e.version} at t=${e.metadata.recordedAt} ms: ${e.type}${d.orderId ? ` ${d.orderId}` : ''} ${d.units} unit(s) → ${onHand} on hand`,
        );
        if (onHand < 0 && !oversold)
          oversold = [`${streamId} went below zero: ${onHand} on hand after ${e.type} ${d.orderId ?? ''} (version ${e.version})`];
      }
    }
    return { ...(oversold ? { oversold } : {}), trace, records: timelineRecords(engine) };
  } finally {
    engine?.close();
    loaded.sandbox.dispose();
  }
}

const op = (kind: StockOp['kind'], maxUnits: number) =>
  fc.record({
    kind: fc.constant(kind),
    sku: fc.constantFrom<'A' | 'B'>('A', 'B'),
    units: fc.integer({ min: 1, max: maxUnits }),
    at: fc.integer({ min: 0, max: 12 }),
  });

export const stockCaseArbitrary: fc.Arbitrary<StockCase> = fc.record({
  seed: fc.integer({ min: 0, max: 10_000 }),
  ops: fc.array(fc.oneof(op('Restock', 6), op('PlaceOrder', 4), op('PlaceOrder', 4)), { minLength: 1, maxLength: 14 }),
});

const concurrentStory = (c: StockCase, played: Played): GivenWhenThen => ({
  given: ['products A and B with no stock'],
  when: c.ops
    .map((o, i) => ({ o, i }))
    .sort((a, b) => a.o.at - b.o.at || a.i - b.i)
    .map(({ o, i }) => describeOp(o, i)),
  then: played.error ? [`your code failed: ${played.error.message}`] : (played.oversold ?? []),
  faults: `commands sent at the same virtual time overlap; the engine retries conflicts (seed ${c.seed})`,
  trace: played.trace,
  ...(played.records ? { records: played.records } : {}),
});

// ---- one at a time, against a model -----------------------------------------

async function playSequential(
  env: CodeEnvironment,
  source: string,
  c: StockCase,
): Promise<{ wrong?: { when: string; then: string[] }; error?: LearnerCodeError; steps: string[] }> {
  let engine: Engine | undefined;
  const loaded = loadDecider(env, source, c.seed, () => engine?.now ?? 0);
  const steps: string[] = [];
  try {
    engine = createEngine({ sql: env.sql, domain: stockDomain(loaded.decider), seed: c.seed });
    const model: Record<string, number> = { A: 0, B: 0 };
    for (const [i, o] of c.ops.entries()) {
      const result = await engine.execute(commandOf(o, i)).catch((e: unknown) => {
        if (loaded.lastError()) return null;
        throw e;
      });
      if (result === null || loaded.lastError()) return { error: loaded.lastError()!, steps };
      const fits = o.kind === 'Restock' || o.units <= model[o.sku]!;
      const label =
        o.kind === 'Restock' ? `Restock ${o.units} of ${o.sku}` : `PlaceOrder o${i + 1}: ${o.units} of ${o.sku} (${model[o.sku]} on hand)`;
      if (result.ok !== fits) {
        const got = result.ok ? 'accepted' : `refused with ${result.rejection.code}`;
        return { wrong: { when: label, then: [`expected: ${fits ? 'accepted' : 'refused with OutOfStock'}`, `yours: ${got}`] }, steps };
      }
      steps.push(`${label}: ${fits ? 'accepted' : 'refused'}`);
      if (fits) model[o.sku]! += o.kind === 'Restock' ? o.units : -o.units;
    }
    return { steps };
  } finally {
    engine?.close();
    loaded.sandbox.dispose();
  }
}

export async function checkNeverOversell(
  env: CodeEnvironment,
  source: string,
  options: { runs: number; onLog?: (l: string) => void },
): Promise<CheckResult[]> {
  const results = EXAMPLES.map((ex, i) => runExample(env, source, ex, i === 0 ? options.onLog : undefined));

  const concurrent = 'Bursts of concurrent orders never oversell';
  const a = await checkProperty(
    stockCaseArbitrary,
    async (c) => {
      const played = await playConcurrentOrders(env, source, c);
      return !played.error && !played.oversold;
    },
    options.runs,
  );
  if (a.passed)
    results.push({
      name: concurrent,
      kind: 'property',
      passed: true,
      runs: a.runs,
      detail: `${a.runs} random bursts; no stream ever went below zero.`,
    });
  else {
    const played = await playConcurrentOrders(env, source, a.counterexample!);
    results.push({
      name: concurrent,
      kind: 'property',
      passed: false,
      runs: a.runs,
      detail: `Failed after ${a.runs} run(s); the smallest failing case found:`,
      counterexample: concurrentStory(a.counterexample!, played),
      ...(played.error ? { error: played.error.diagnostic } : {}),
    });
  }

  const sequential = 'One at a time, accepted exactly when it fits';
  const b = await checkProperty(
    stockCaseArbitrary,
    async (c) => {
      const played = await playSequential(env, source, c);
      return !played.error && !played.wrong;
    },
    options.runs,
  );
  if (b.passed)
    results.push({
      name: sequential,
      kind: 'property',
      passed: true,
      runs: b.runs,
      detail: `${b.runs} random sequences, each answered as the model says.`,
    });
  else {
    const c = b.counterexample!;
    const played = await playSequential(env, source, c);
    results.push({
      name: sequential,
      kind: 'property',
      passed: false,
      runs: b.runs,
      detail: `Failed after ${b.runs} run(s); the smallest failing case found:`,
      counterexample: {
        given: played.steps.length ? played.steps : ['products A and B with no stock'],
        when: played.wrong ? [played.wrong.when] : [],
        then: played.error ? [`your code failed: ${played.error.message}`] : (played.wrong?.then ?? []),
      },
      ...(played.error ? { error: played.error.diagnostic } : {}),
    });
  }
  return results;
}
