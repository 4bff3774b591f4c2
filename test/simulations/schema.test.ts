// A broken scenario file is refused with a message that names the file, the
// field and what was expected.
import { describe, expect, test } from 'vitest';
import initSqlJs from 'sql.js';
import { ScenarioError, parseScenario } from '../../src/scenarios/index.ts';
import { playStep, startScenario } from '../../src/scenarios/play.ts';
import { disallowedChanges } from '../../src/scenarios/challenge.ts';

function valid(): Record<string, any> {
  return {
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
        checkpoint: { question: 'Which?', choices: [{ text: 'a', why: 'Not a.' }, { text: 'b' }], answer: 1, explanation: 'Because.' },
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
}

function refusal(file: string, json: unknown): ScenarioError {
  try {
    parseScenario(file, json);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('accepted a broken file');
}

describe('parseScenario', () => {
  test('accepts a well-formed file', () => {
    expect(parseScenario('simulations/tiny.json', valid()).steps[0]!.id).toBe('one');
  });

  test('accepts a command with the client’s expected version (0: the stream must not exist yet)', () => {
    const json = valid();
    json.steps[0].intents[0].command.expectedVersion = 0;
    expect(parseScenario('simulations/tiny.json', json).steps[0]!.intents![0]).toMatchObject({ kind: 'command', command: { expectedVersion: 0 } });
  });

  const cases: [string, (s: Record<string, any>) => void, string, RegExp][] = [
    ['an unknown intent kind', (s) => (s.steps[0].intents[0].kind = 'comand'), 'steps[0].intents[0].kind', /expected one of command, query, configure.*\(got "comand"\)/],
    ['a command the domain lacks', (s) => (s.steps[0].intents[0].command.type = 'ShipOrder'), 'steps[0].intents[0].command.type', /a command of domain 'commerce': AddProduct.*\(got "ShipOrder"\)/],
    ['a step without narration', (s) => delete s.steps[0].narration, 'steps[0].narration', /required/],
    ['a wrong checkpoint choice without its explanation', (s) => delete s.steps[0].checkpoint.choices[0].why, 'steps[0].checkpoint.choices[0].why', /an explanation of why this wrong choice is wrong/],
    ['a checkpoint choice as bare text', (s) => (s.steps[0].checkpoint.choices[0] = 'a'), 'steps[0].checkpoint.choices[0]', /object/i],
    ['a checkpoint answer out of range', (s) => (s.steps[0].checkpoint.answer = 2), 'steps[0].checkpoint.answer', /an index into choices, 0 to 1 \(got 2\)/],
    ['an unknown setting path', (s) => (s.challenge.allowed.settings = ['bus.speed']), 'challenge.allowed.settings[0]', /a setting path.*\(got "bus.speed"\)/],
    ['a slug that is not the file name', (s) => (s.slug = 'other'), 'slug', /"tiny" \(the file name without .json\) \(got "other"\)/],
    ['an unknown domain', (s) => (s.domain = 'shipping'), 'domain', /one of commerce, banking, social/],
    ['an out-of-range setting', (s) => (s.settings = { bus: { dropProbability: 1 } }), 'settings.bus.dropProbability', /from 0 to 0.9/],
    ['an unknown projection in a criterion', (s) => (s.challenge.criteria[0] = { kind: 'matchesReplay', projection: 'orders', description: 'x' }), 'challenge.criteria[0].projection', /a projection of domain 'commerce'/],
    ['a misspelt field', (s) => (s.steps[0].naration = 'typo'), 'steps[0].naration', /no such field/],
    ['an unknown metric', (s) => (s.challenge.criteria[0].metric = 'speed'), 'challenge.criteria[0].metric', /expected one of staleReads/],
    ['a negative expected version', (s) => (s.steps[0].intents[0].command.expectedVersion = -1), 'steps[0].intents[0].command.expectedVersion', /\(got -1\)/],
    ['a fractional expected version', (s) => (s.steps[0].intents[0].command.expectedVersion = 1.5), 'steps[0].intents[0].command.expectedVersion', /\(got 1.5\)/],
    [
      'an expected version on a command that writes two streams',
      (s) => {
        s.domain = 'banking';
        s.steps[0].intents[0].command = { type: 'Transfer', data: { transferId: 't1', fromAccountId: 'a', toAccountId: 'b', amountCents: 1 }, expectedVersion: 1 };
      },
      'steps[0].intents[0].command.expectedVersion',
      /a command that writes one stream: Transfer writes 2 \(account-a, account-b\), so an expected version would be a guess \(got 1\)/,
    ],
  ];

  test.each(cases)('refuses %s, naming the file and the field', (_name, breakIt, field, message) => {
    const json = valid();
    breakIt(json);
    const e = refusal('simulations/tiny.json', json);
    expect(e.file).toBe('simulations/tiny.json');
    expect(e.field).toBe(field);
    expect(e.message.startsWith(`simulations/tiny.json: ${field}: expected `)).toBe(true);
    expect(e.message).toMatch(message);
  });
});

describe('an expected version in a step', () => {
  test('plays to a CONCURRENCY outcome naming both versions once the stream has moved', async () => {
    const json = valid();
    const change = (priceCents: number) => ({ kind: 'command', command: { type: 'ChangePrice', data: { sku: 'A', priceCents }, expectedVersion: 1 } });
    json.steps[0].intents.push(change(200), change(300));
    const scenario = parseScenario('simulations/tiny.json', json);
    const engine = await startScenario(await initSqlJs(), scenario);
    const outcome = await playStep(engine, scenario.steps[0]!);
    expect(outcome.intents.map((o) => o.ok)).toEqual([true, true, false]);
    expect(outcome.intents[2]!.error).toEqual({
      code: 'CONCURRENCY',
      message: 'You edited product-A at version 1, but it is now at version 2: someone changed it since. Reload it and decide again; nothing was appended.',
    });
  });
});

describe('what a learner may change', () => {
  const challenge = parseScenario('simulations/tiny.json', valid()).challenge!;
  test('an allowed setting passes; another setting, a command or a strategy is reported', () => {
    expect(disallowedChanges(challenge, { intents: [{ kind: 'configure', settings: { bus: { latencyMs: 5 } } }] })).toEqual([]);
    expect(disallowedChanges(challenge, { intents: [{ kind: 'query', query: { type: 'ListCatalogue' } }] })).toEqual([]);
    const refused = disallowedChanges(challenge, {
      intents: [
        { kind: 'configure', settings: { idempotency: false } },
        { kind: 'command', command: { type: 'AddProduct', data: {} } },
      ],
      consistency: { strategy: 'readYourWrites' },
    });
    expect(refused).toHaveLength(3);
    expect(refused[0]).toMatch(/idempotency/);
  });
});
