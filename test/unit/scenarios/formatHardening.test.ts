// The challenge format, hardened: a typo in a traceCount's record type or
// `where` key, or a misspelt command field, is refused when the file is
// validated (not found out as a silent 0 or an INVALID_PAYLOAD during play);
// criteria may compare two measurements, read a setting, be negated, and
// count one session's stale reads.
import initSqlJs from 'sql.js';
import { describe, expect, test } from 'vitest';
import {
  SCENARIO_SLUGS,
  ScenarioError,
  evaluateCriteria,
  parseScenario,
  runScenario,
  scenarioBySlug,
  type Criterion,
} from '../../../src/scenarios/index.ts';
import { traceFieldsOf } from '../../../src/scenarios/traceFields.ts';

const sql = initSqlJs();

function file(patch: (s: Record<string, any>) => void): Record<string, any> {
  const s: Record<string, any> = {
    slug: 'tiny',
    title: 'Tiny',
    summary: 'A tiny scenario for tests.',
    order: 1,
    lessons: [],
    domain: 'commerce',
    seed: 1,
    steps: [
      {
        id: 'one',
        narration: 'Add a product.',
        intents: [{ kind: 'command', command: { type: 'AddProduct', data: { sku: 'A', name: 'A', priceCents: 100, stock: 1 } } }],
      },
    ],
    challenge: {
      goal: 'Do it.',
      allowed: { settings: ['bus.latencyMs'] },
      workload: [],
      criteria: [{ kind: 'metric', metric: 'staleReads', op: '==', value: 0, description: 'none stale' }],
      solution: [],
      debrief: 'Done.',
    },
  };
  patch(s);
  return s;
}

function refusal(json: unknown): ScenarioError {
  try {
    parseScenario('simulations/tiny.json', json);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('validated with the file', () => {
  test('a traceCount record type that does not exist', () => {
    const e = refusal(
      file((s) => (s.challenge.criteria = [{ kind: 'traceCount', type: 'query.execute', op: '>=', value: 1, description: 'x' }])),
    );
    expect(e.message).toMatch(/challenge\.criteria\[0\]\.type: expected a trace record type .*\(got "query\.execute"\)/);
  });

  test('a where key the record type does not have', () => {
    const e = refusal(
      file(
        (s) =>
          (s.challenge.criteria = [
            { kind: 'traceCount', type: 'query.executed', where: { stail: true }, op: '>=', value: 1, description: 'x' },
          ]),
      ),
    );
    expect(e.message).toMatch(/challenge\.criteria\[0\]\.where\.stail: expected a field of query\.executed: seq, at, queryId/);
  });

  test('a since mark: its record type and where keys are checked, and it only goes on trace-based criteria', () => {
    const since = (mark: Record<string, unknown>, kind = 'metric') =>
      refusal(
        file(
          (s) =>
            (s.challenge.criteria = [
              kind === 'metric'
                ? { kind, metric: 'readYourWriteMisses', op: '==', value: 0, since: mark, description: 'x' }
                : { kind, path: 'sync.mode', op: '==', value: 'async', since: mark, description: 'x' },
            ]),
        ),
      ).message;
    expect(since({ type: 'command.complete' })).toMatch(/challenge\.criteria\[0\]\.since\.type: expected a trace record type/);
    expect(since({ type: 'command.completed', where: { comandType: 'X' } })).toMatch(
      /challenge\.criteria\[0\]\.since\.where\.comandType: expected a field of command\.completed/,
    );
    expect(since({ type: 'command.completed' }, 'setting')).toMatch(
      /challenge\.criteria\[0\]\.since: expected only on traceCount and metric criteria/,
    );
  });

  test('a misspelt command field, in a step, a solution and a load template', () => {
    expect(refusal(file((s) => (s.steps[0].intents[0].command.data = { sku: 'A', nmae: 'A', priceCents: 100, stock: 1 }))).message).toMatch(
      /steps\[0\]\.intents\[0\]\.command\.data: expected a valid AddProduct payload/,
    );
    expect(
      refusal(file((s) => (s.challenge.solution = [{ kind: 'command', command: { type: 'RestockProduct', data: { sku: 'A', qty: 1 } } }])))
        .message,
    ).toMatch(/challenge\.solution\[0\]\.command\.data/);
    const load = [
      {
        count: 3,
        everyMs: 5,
        intents: [
          { kind: 'command', command: { type: 'PlaceOrder', data: { orderId: 'r-{i}', customerId: 'c', sku: 'A', quantity: 'one' } } },
        ],
      },
    ];
    expect(refusal(file((s) => (s.steps[0].load = load))).message).toMatch(/steps\[0\]\.load\[0\]\.intents\[0\]\.command\.data/);
    load[0]!.intents[0]!.command.data.quantity = 1 as unknown as string;
    expect(() =>
      parseScenario(
        'simulations/tiny.json',
        file((s) => (s.steps[0].load = load)),
      ),
    ).not.toThrow();
  });

  test('a setting path a criterion reads must exist', () => {
    expect(
      refusal(file((s) => (s.challenge.criteria = [{ kind: 'setting', path: 'bus.latency', op: '==', value: 1, description: 'x' }])))
        .message,
    ).toMatch(/\.path: expected a setting path/);
    expect(
      refusal(
        file(
          (s) =>
            (s.challenge.criteria = [
              { kind: 'metric', metric: 'windowP95', op: '<', value: { setting: 'bus.latncyMs' }, description: 'x' },
            ]),
        ),
      ).message,
    ).toMatch(/\.value\.setting/);
  });

  test('the trace field catalogue lists every field the engine writes (every scenario, played and solved)', async () => {
    const missing = new Set<string>();
    for (const slug of SCENARIO_SLUGS) {
      const run = await runScenario(await sql, scenarioBySlug(slug)!, { solve: true });
      for (const r of run.engine.trace) {
        const known = traceFieldsOf(r.type);
        for (const k of Object.keys(r)) if (k !== 'type' && !known.includes(k)) missing.add(`${r.type}.${k}`);
      }
      run.engine.close();
    }
    expect([...missing]).toEqual([]);
  }, 60_000);
});

describe('richer criteria', () => {
  test('two measurements compared, a setting read, a negation, stale reads of one session', async () => {
    const run = await runScenario(await sql, scenarioBySlug('read-your-own-write')!);
    const criteria: Criterion[] = [
      { description: 'p95 at least p50', kind: 'metric', metric: 'windowP95', op: '>=', value: { metric: 'windowP50' }, scope: 'all' },
      { description: 'p50 above p95 (false)', kind: 'metric', metric: 'windowP50', op: '>', value: { metric: 'windowP95' }, scope: 'all' },
      { description: 'the bus latency', kind: 'setting', path: 'bus.latencyMs', op: '==', value: run.engine.settings.bus.latencyMs },
      { description: 'not synchronous', kind: 'setting', path: 'sync.mode', op: '==', value: 'sync', not: true },
      {
        description: 'window p95 above the bus latency',
        kind: 'metric',
        metric: 'windowP95',
        op: '>=',
        value: { setting: 'bus.latencyMs' },
        scope: 'all',
      },
      { description: "ana's misses", kind: 'metric', metric: 'readYourWriteMisses', sessionId: 'ana', op: '>=', value: 0, scope: 'all' },
      {
        description: 'nobody-at-all has no misses',
        kind: 'metric',
        metric: 'readYourWriteMisses',
        sessionId: 'nobody-at-all',
        op: '==',
        value: 0,
        scope: 'all',
      },
    ];
    const results = await evaluateCriteria(run.engine, criteria, 1);
    expect(results.map((r) => [r.description, r.passed])).toEqual([
      ['p95 at least p50', true],
      ['p50 above p95 (false)', false],
      ['the bus latency', true],
      ['not synchronous', true],
      ['window p95 above the bus latency', true],
      ["ana's misses", true],
      ['nobody-at-all has no misses', true],
    ]);
    expect(results[1]!.measured).toMatch(/^windowP50 = \d+ \(needs > windowP95 \(\d+\)\)$/);
    expect(results[3]!.measured).toBe('not (sync.mode = "async" (needs == "sync"))');
    // Per session: the misses of all sessions split between them.
    const all = await evaluateCriteria(
      run.engine,
      [{ description: 'all', kind: 'metric', metric: 'readYourWriteMisses', op: '>=', value: 0, scope: 'all' }],
      1,
    );
    const perSession = await Promise.all(
      ['ana', 'ben', 'chloe', 'dev', 'eli', 'fay', 'gus', 'hana', 'ivo', 'jo'].map((sessionId) =>
        evaluateCriteria(
          run.engine,
          [{ description: sessionId, kind: 'metric', metric: 'readYourWriteMisses', sessionId, op: '>=', value: 0, scope: 'all' }],
          1,
        ),
      ),
    );
    const n = (m: string) => Number(/= (\d+)/.exec(m)![1]);
    expect(n(all[0]!.measured)).toBeGreaterThan(0);
    expect(perSession.reduce((sum, [r]) => sum + n(r!.measured), 0)).toBe(n(all[0]!.measured));
  });
});
