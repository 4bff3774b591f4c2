// The scenario builder's forms as data: what the author picks in a form
// (an action, a criterion) becomes the intent or criterion of the scenario
// file. Pure functions, so the builder page only binds inputs to these forms.
import type { ConsistencyStrategy, DomainDefinition, FieldSpec, Intent, ProjectionAction } from '../engine/index.ts';
import { initialValues, payloadFrom } from '../sandbox/forms.ts';
import type { Comparison, Criterion, MetricName } from './types.ts';

export type ActionKind = 'command' | 'query' | 'configure' | 'session' | 'projection';

/** One action (intent) being written: every kind's fields, the chosen kind's are used. */
export interface ActionForm {
  kind: ActionKind;
  /** Command or query type. */
  type: string;
  /** Command payload or query params, as JSON text. */
  json: string;
  sessionId: string;
  /** configure: the setting path and its new value (text: a number, true/false, or a word). */
  path: string;
  value: string;
  /** session: a consistency strategy, or '' for none. */
  strategy: ConsistencyStrategy | '';
  /** projection: the action and the projection's name. */
  action: ProjectionAction;
  projection: string;
}

export type CriterionKind = Criterion['kind'];

/** One criterion being written: every kind's fields, the chosen kind's are used. */
export interface CriterionForm {
  kind: CriterionKind;
  description: string;
  op: Comparison;
  /** The value compared with (text: a number, true/false, null, JSON, or a word). */
  value: string;
  metric: MetricName;
  projection: string;
  sessionId: string;
  path: string;
  /** query: type and params JSON; traceCount: record type and `where` JSON. */
  type: string;
  json: string;
  variant: string;
  store: string;
  sql: string;
  not: boolean;
  scope: 'verify' | 'all';
}

/** A payload with each field's example value (what the sandbox's own forms start from). */
export function examplePayload(fields: readonly FieldSpec[]): Record<string, unknown> {
  return payloadFrom(fields, initialValues(fields));
}

export function newActionForm(domain: DomainDefinition, kind: ActionKind = 'command'): ActionForm {
  const command = domain.commands[0]!;
  return {
    kind,
    type: command.type,
    json: JSON.stringify(examplePayload(command.fields)),
    sessionId: '',
    path: 'bus.latencyMs',
    value: '',
    strategy: 'readYourWrites',
    action: 'rebuild',
    projection: domain.projections[0]!.name,
  };
}

export function newCriterionForm(domain: DomainDefinition): CriterionForm {
  return {
    kind: 'metric',
    description: '',
    op: '==',
    value: '0',
    metric: 'staleReads',
    projection: '',
    sessionId: '',
    path: 'bus.latencyMs',
    type: domain.queries[0]!.type,
    json: '{}',
    variant: 'current',
    store: 'write',
    sql: '',
    not: false,
    scope: 'verify',
  };
}

/** A typed value: JSON when it reads as JSON (150, true, null, "x", {…}), else the text itself. */
export function looseValue(text: string): unknown {
  const t = text.trim();
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return t;
  }
}

/** `bus.latencyMs` = 150 → { bus: { latencyMs: 150 } } (the patch a configure intent carries). */
export function settingPatch(path: string, value: unknown): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

function jsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text.trim() === '' ? '{}' : text);
  } catch {
    throw new Error(`${what} must be JSON, such as {"sku": "MUG"}.`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what} must be a JSON object: {…}.`);
  return value as Record<string, unknown>;
}

const withSession = (sessionId: string) => (sessionId.trim() ? { sessionId: sessionId.trim() } : {});

/** The intent a filled action form describes. Throws an Error saying which field is wrong (the schema checks the rest). */
export function intentFrom(form: ActionForm): Intent {
  switch (form.kind) {
    case 'command':
      return { kind: 'command', command: { type: form.type, data: jsonObject(form.json, 'The payload') }, ...withSession(form.sessionId) };
    case 'query': {
      const params = jsonObject(form.json, 'The parameters');
      return {
        kind: 'query',
        query: { type: form.type, ...(Object.keys(params).length > 0 ? { params } : {}) },
        ...withSession(form.sessionId),
      };
    }
    case 'configure':
      if (form.value.trim() === '') throw new Error(`Give ${form.path} a value.`);
      return { kind: 'configure', settings: settingPatch(form.path, looseValue(form.value)) };
    case 'session':
      if (!form.sessionId.trim()) throw new Error('Name the session (the sessionId its commands and queries carry).');
      return { kind: 'session', sessionId: form.sessionId.trim(), consistency: form.strategy ? { strategy: form.strategy } : null };
    case 'projection':
      return { kind: 'projection', action: form.action, name: form.projection };
  }
}

/** The criterion a filled criterion form describes. Throws an Error saying which field is wrong (the schema checks the rest). */
export function criterionFrom(form: CriterionForm): Criterion {
  const common = {
    description: form.description.trim(),
    ...(form.scope === 'all' ? { scope: 'all' as const } : {}),
    ...(form.not ? { not: true } : {}),
  };
  if (!common.description) throw new Error('Describe the criterion: the learner reads this sentence.');
  const number = (): number => {
    const n = Number(form.value.trim());
    if (form.value.trim() === '' || !Number.isFinite(n)) throw new Error(`The value must be a number (got "${form.value}").`);
    return n;
  };
  const projection = form.projection ? { projection: form.projection } : {};
  switch (form.kind) {
    case 'metric':
      return {
        kind: 'metric',
        metric: form.metric,
        ...projection,
        ...withSession(form.sessionId),
        op: form.op,
        value: number(),
        ...common,
      };
    case 'setting':
      return { kind: 'setting', path: form.path, op: form.op, value: looseValue(form.value), ...common };
    case 'query': {
      const params = jsonObject(form.json, 'The parameters');
      return {
        kind: 'query',
        query: { type: form.type, ...(Object.keys(params).length > 0 ? { params } : {}) },
        ...withSession(form.sessionId),
        ...(form.path.trim() ? { path: form.path.trim() } : {}),
        op: form.op,
        value: looseValue(form.value),
        ...common,
      };
    }
    case 'traceCount': {
      const where = jsonObject(form.json, 'The record filter');
      return {
        kind: 'traceCount',
        type: form.type,
        ...(Object.keys(where).length > 0 ? { where } : {}),
        op: form.op,
        value: number(),
        ...common,
      };
    }
    case 'matchesReplay':
      if (!form.projection) throw new Error('Pick the projection to compare with a replay.');
      return { kind: 'matchesReplay', projection: form.projection, ...common };
    case 'projectionVariant':
      if (!form.projection) throw new Error('Pick the projection whose live version counts.');
      return { kind: 'projectionVariant', projection: form.projection, variant: form.variant, ...common };
    case 'sql': {
      const v = looseValue(form.value);
      if (v !== null && typeof v !== 'number' && typeof v !== 'string') throw new Error('The value must be a number, a text or null.');
      return { kind: 'sql', store: form.store, sql: form.sql, op: form.op, value: v, ...common };
    }
  }
}
