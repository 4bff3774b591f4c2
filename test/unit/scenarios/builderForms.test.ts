// The builder's forms: what an author picks becomes the intent or criterion
// the scenario file holds, and the same schema accepts it; a wrong field is
// named in words before anything is added.
import { describe, expect, test } from 'vitest';
import { commerce } from '../../../src/domain/index.ts';
import {
  criterionFrom,
  examplePayload,
  intentFrom,
  looseValue,
  newActionForm,
  newCriterionForm,
  settingPatch,
} from '../../../src/scenarios/builderForms.ts';
import { parseScenario } from '../../../src/scenarios/schema.ts';
import { builtScenario } from './fixtures/builtScenario.ts';

describe('actions', () => {
  test('a command starts from the domain’s example payload, which validates', () => {
    const form = newActionForm(commerce);
    const spec = commerce.commands.find((c) => c.type === form.type)!;
    expect(JSON.parse(form.json)).toEqual(examplePayload(spec.fields));
    expect(intentFrom(form)).toEqual({ kind: 'command', command: { type: form.type, data: JSON.parse(form.json) } });
  });

  test('each kind becomes its intent', () => {
    const form = newActionForm(commerce);
    expect(intentFrom({ ...form, kind: 'query', type: 'GetOrderSummary', json: '{"orderId":"o-1"}', sessionId: ' ana ' })).toEqual({
      kind: 'query',
      query: { type: 'GetOrderSummary', params: { orderId: 'o-1' } },
      sessionId: 'ana',
    });
    expect(intentFrom({ ...form, kind: 'configure', path: 'projections.catalogue.dedupe', value: 'true' })).toEqual({
      kind: 'configure',
      settings: { projections: { catalogue: { dedupe: true } } },
    });
    expect(intentFrom({ ...form, kind: 'session', sessionId: 'fay', strategy: '' })).toEqual({
      kind: 'session',
      sessionId: 'fay',
      consistency: null,
    });
    expect(intentFrom({ ...form, kind: 'projection', action: 'rebuild', projection: 'catalogue' })).toEqual({
      kind: 'projection',
      action: 'rebuild',
      name: 'catalogue',
    });
  });

  test('a wrong field is named before anything is added', () => {
    const form = newActionForm(commerce);
    expect(() => intentFrom({ ...form, json: '{sku: MUG}' })).toThrow('The payload must be JSON');
    expect(() => intentFrom({ ...form, json: '[1]' })).toThrow('The payload must be a JSON object');
    expect(() => intentFrom({ ...form, kind: 'configure', value: ' ' })).toThrow('Give bus.latencyMs a value.');
    expect(() => intentFrom({ ...form, kind: 'session', sessionId: '' })).toThrow('Name the session');
  });

  test('values and setting paths', () => {
    expect(looseValue(' 150 ')).toBe(150);
    expect(looseValue('null')).toBeNull();
    expect(looseValue('outbox')).toBe('outbox');
    expect(looseValue('<b>x</b>')).toBe('<b>x</b>');
    expect(settingPatch('delivery', 'outbox')).toEqual({ delivery: 'outbox' });
    expect(settingPatch('bus.latencyMs', 0)).toEqual({ bus: { latencyMs: 0 } });
  });
});

describe('criteria', () => {
  const base = { ...newCriterionForm(commerce), description: 'It holds' };

  test.each([
    [
      { kind: 'metric', metric: 'staleReads', op: '<=', value: '2', projection: 'catalogue' },
      { kind: 'metric', metric: 'staleReads', projection: 'catalogue', op: '<=', value: 2 },
    ],
    [
      { kind: 'setting', path: 'delivery', value: 'outbox' },
      { kind: 'setting', path: 'delivery', op: '==', value: 'outbox' },
    ],
    [
      { kind: 'query', type: 'GetOrderSummary', json: '{"orderId":"o-1"}', path: 'status', value: '"placed"' },
      { kind: 'query', query: { type: 'GetOrderSummary', params: { orderId: 'o-1' } }, path: 'status', op: '==', value: 'placed' },
    ],
    [
      { kind: 'traceCount', type: 'command.completed', json: '{"commandType":"PlaceOrder"}', op: '>=', value: '1' },
      { kind: 'traceCount', type: 'command.completed', where: { commandType: 'PlaceOrder' }, op: '>=', value: 1 },
    ],
    [
      { kind: 'matchesReplay', projection: 'catalogue', not: true },
      { kind: 'matchesReplay', projection: 'catalogue', not: true },
    ],
    [
      { kind: 'projectionVariant', projection: 'catalogue', variant: 'current' },
      { kind: 'projectionVariant', projection: 'catalogue', variant: 'current' },
    ],
    [
      { kind: 'sql', store: 'write', sql: 'SELECT count(*) FROM events', value: '3', scope: 'all' },
      { kind: 'sql', store: 'write', sql: 'SELECT count(*) FROM events', op: '==', value: 3, scope: 'all' },
    ],
  ] as const)('%# %o becomes a criterion the schema accepts', (patch, expected) => {
    const criterion = criterionFrom({ ...base, ...patch });
    expect(criterion).toEqual({ ...expected, description: 'It holds' });
    const s = builtScenario();
    s.challenge!.criteria = [criterion];
    expect(parseScenario(`${s.slug}.json`, s).challenge!.criteria).toEqual([criterion]);
  });

  test('a criterion needs its sentence and a number where a number is compared', () => {
    expect(() => criterionFrom({ ...base, description: ' ' })).toThrow('Describe the criterion');
    expect(() => criterionFrom({ ...base, value: 'few' })).toThrow('The value must be a number (got "few")');
    expect(() => criterionFrom({ ...base, kind: 'sql', value: '[1]' })).toThrow('a number, a text or null');
  });
});
