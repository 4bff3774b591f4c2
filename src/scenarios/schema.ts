// Validation of a scenario file: the JSON shape (zod), then the facts that
// need the domain (names of commands, queries, projections, setting paths).
// Every problem is a ScenarioError naming the file, the field and what was
// expected, so an author fixes it without reading this code.
import { z } from 'zod';
import { consistencyOptions, jsonRecord, nonEmptyText } from '../lib/zodShapes.ts';
import type { DomainDefinition } from '../engine/index.ts';
import { PROJECTION_ACTIONS } from '../engine/index.ts';
import { DEFAULT_SETTINGS, allowableSettingPaths, applySettingsPatch } from '../engine/index.ts';
import { InvalidSettingError, validatePayload } from '../engine/index.ts';
import { isTraceType, traceFieldsOf, TRACE_TYPES } from './traceFields.ts';
import { instantiate } from './dispatch.ts';
import { PANELS } from '../sandbox/presets.ts';
import { domains as registeredDomains } from '../domain/index.ts';
import type { Intent } from '../engine/index.ts';
import type { Criterion, LoadSpec, Operand, Scenario } from './types.ts';

export class ScenarioError extends Error {
  readonly file: string;
  /** Dotted path of the field, e.g. `steps[2].intents[0].kind`. */
  readonly field: string;
  readonly expected: string;
  constructor(file: string, field: string, expected: string, received?: string) {
    super(`${file}: ${field || '(file)'}: expected ${expected}${received === undefined ? '' : ` (got ${received})`}`);
    this.name = 'ScenarioError';
    this.file = file;
    this.field = field;
    this.expected = expected;
  }
}

// ── the JSON shape ─────────────────────────────────────────────────────────

const text = nonEmptyText;
const record = jsonRecord;
const consistency = consistencyOptions;
const queryInput = z.object({ type: text, params: record.optional() }).strict();
const commandInput = z
  .object({
    type: text,
    data: record,
    commandId: text.optional(),
    correlationId: text.optional(),
    /** The client's expected version of the command's one stream (0 = it must not exist yet). */
    expectedVersion: z.number().int().min(0).optional(),
  })
  .strict();
const asOf = z.union([z.object({ position: z.number().int().min(0) }).strict(), z.object({ at: z.number().min(0) }).strict()]);

const intent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('command'), command: commandInput, sessionId: text.optional() }).strict(),
  z.object({ kind: z.literal('query'), query: queryInput, sessionId: text.optional(), consistency: consistency.optional() }).strict(),
  z.object({ kind: z.literal('configure'), settings: record }).strict(),
  z
    .object({
      kind: z.literal('projection'),
      action: z.enum(PROJECTION_ACTIONS as [string, ...string[]]),
      name: text,
      variant: text.optional(),
      crashPoint: z.enum(['midBatch', 'beforeCheckpoint']).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('session'), sessionId: text, consistency: consistency.nullable() }).strict(),
  z.object({ kind: z.literal('subscribe'), projection: text, position: z.number().int().min(0), sessionId: text.optional() }).strict(),
  z
    .object({
      kind: z.literal('aggregateAt'),
      streamId: text,
      asOf: z.union([asOf, z.object({ version: z.number().int().min(0) }).strict()]),
    })
    .strict(),
  z.object({ kind: z.literal('projectionAt'), projection: text, asOf, query: queryInput.optional() }).strict(),
  z
    .object({
      kind: z.literal('import'),
      events: z
        .array(z.object({ streamId: text, type: text, schemaVersion: z.number().int().min(1).optional(), data: record }).strict())
        .min(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal('fault'),
      fault: z.literal('publishCrash'),
      stage: z.enum(['beforePublish', 'afterPublish']).optional(),
      count: z.number().int().min(1).optional(),
    })
    .strict(),
]);

const load = z
  .object({
    count: z.number().int().min(1).max(20_000),
    everyMs: z.number().min(0),
    startMs: z.number().min(0).optional(),
    intents: z.array(intent).min(1),
  })
  .strict();

const comparison = z.enum(['==', '!=', '<', '<=', '>', '>=']);
/** Every metric a criterion may measure (README: Metrics). */
export const METRICS = [
  'staleReads',
  'windowP50',
  'windowP95',
  'windowP99',
  'commandsRejected',
  'commandsFailed',
  'conflicts',
  'duplicatesSkipped',
  'eventsLost',
  'queryRowsReadMax',
  'readYourWriteMisses',
  'commandsCompleted',
  'commandFailureRate',
  'commandP95Ms',
  'queries',
  'queryP95Ms',
  'queryP99Ms',
] as const;
const common = {
  description: text,
  scope: z.enum(['verify', 'all']).optional(),
  since: z.object({ type: text, where: record.optional() }).strict().optional(),
  not: z.boolean().optional(),
};
// A constant, another metric (same scope) or a setting's current value.
const operand = z.union([
  z.number(),
  z.object({ metric: z.enum(METRICS), projection: text.optional(), sessionId: text.optional() }).strict(),
  z.object({ setting: text }).strict(),
]);
const criterion = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('query'),
      query: queryInput,
      consistency: consistency.optional(),
      sessionId: text.optional(),
      path: text.optional(),
      op: comparison,
      value: z.unknown(),
      ...common,
    })
    .strict(),
  z
    .object({
      kind: z.literal('sql'),
      store: text,
      sql: text,
      op: comparison,
      value: z.union([z.number(), z.string(), z.null()]),
      ...common,
    })
    .strict(),
  z.object({ kind: z.literal('traceCount'), type: text, where: record.optional(), op: comparison, value: operand, ...common }).strict(),
  z
    .object({
      kind: z.literal('metric'),
      metric: z.enum(METRICS),
      projection: text.optional(),
      sessionId: text.optional(),
      op: comparison,
      value: operand,
      ...common,
    })
    .strict(),
  z.object({ kind: z.literal('setting'), path: text, op: comparison, value: z.unknown(), ...common }).strict(),
  z.object({ kind: z.literal('matchesReplay'), projection: text, ...common }).strict(),
  z.object({ kind: z.literal('projectionVariant'), projection: text, variant: text, ...common }).strict(),
]);

/** A choice with its own explanation: why someone picks it and why it is right or wrong (required on wrong ones). */
const checkpointChoice = z.object({ text, why: text.optional() }).strict();
const checkpoint = z
  .object({ question: text, choices: z.array(checkpointChoice).min(2), answer: z.number().int(), explanation: text })
  .strict();

const step = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, 'a lower-case id such as "place-order"'),
    narration: text,
    intents: z.array(intent).optional(),
    then: z.union([z.object({ advanceMs: z.number().min(0) }).strict(), z.object({ runUntilIdle: z.literal(true) }).strict()]).optional(),
    checkpoint: checkpoint.optional(),
    load: z.array(load).optional(),
    expect: z.array(criterion).optional(),
  })
  .strict();

const challenge = z
  .object({
    goal: text,
    hints: z.array(text).optional(),
    allowed: z
      .object({
        settings: z.array(text).optional(),
        intents: z
          .array(
            z.enum([
              'command',
              'query',
              'configure',
              'projection',
              'session',
              'subscribe',
              'aggregateAt',
              'projectionAt',
              'import',
              'fault',
            ]),
          )
          .optional(),
        projectionActions: z.array(z.enum(PROJECTION_ACTIONS as [string, ...string[]])).optional(),
        consistency: z.boolean().optional(),
      })
      .strict(),
    workload: z.array(intent),
    load: z.array(load).optional(),
    criteria: z.array(criterion).min(1),
    solution: z.array(intent),
    solutionConsistency: consistency.optional(),
    answer: text.optional(),
    debrief: text,
  })
  .strict();

const scenarioShape = z
  .object({
    $schema: z.string().optional(),
    slug: z.string().regex(/^[a-z0-9-]+$/, 'a lower-case slug'),
    title: text,
    summary: text,
    order: z.number().int().min(0),
    lessons: z.array(text),
    domain: text,
    seed: z.number().int().min(0),
    settings: record.optional(),
    panels: z.array(z.enum(PANELS as unknown as [string, ...string[]])).optional(),
    lab: z.enum(['flashSaleReadPaths', 'workItemBoardReadPaths']).optional(),
    setup: z.array(intent).optional(),
    steps: z.array(step).min(1),
    challenge: challenge.optional(),
  })
  .strict();

// ── reporting ──────────────────────────────────────────────────────────────

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let v = json;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function fromIssue(file: string, json: unknown, issue: z.core.$ZodIssue): ScenarioError {
  const field = fieldPath(issue.path);
  const got = show(valueAt(json, issue.path));
  switch (issue.code) {
    case 'invalid_union': {
      const i = issue as z.core.$ZodIssueInvalidUnion & { discriminator?: string; options?: unknown[] };
      if (i.discriminator && i.options) return new ScenarioError(file, field, `one of ${i.options.join(', ')}`, got);
      return new ScenarioError(file, field, 'one of the allowed shapes (see src/scenarios/README.md)', got);
    }
    case 'invalid_value':
      return new ScenarioError(file, field, `one of ${issue.values.map((v) => String(v)).join(', ')}`, got);
    case 'invalid_type':
      return new ScenarioError(
        file,
        field,
        `${issue.expected === 'undefined' ? 'no value' : `a ${issue.expected}`}${got === 'nothing' ? ' (the field is required)' : ''}`,
        got === 'nothing' ? undefined : got,
      );
    case 'unrecognized_keys':
      return new ScenarioError(
        file,
        fieldPath([...issue.path, issue.keys[0]!]),
        'no such field (check the spelling; see src/scenarios/README.md)',
      );
    case 'too_small':
      return new ScenarioError(
        file,
        field,
        issue.origin === 'string'
          ? 'a non-empty text'
          : issue.origin === 'array'
            ? `at least ${String(issue.minimum)} item(s)`
            : `at least ${String(issue.minimum)}`,
        got,
      );
    case 'too_big':
      return new ScenarioError(file, field, `at most ${String(issue.maximum)}`, got);
    case 'invalid_format':
      return new ScenarioError(file, field, issue.message.replace(/^Invalid string: /, ''), got);
    default:
      return new ScenarioError(file, field, issue.message, got);
  }
}

// ── facts that need the domain ─────────────────────────────────────────────

/** Every dotted setting path a challenge may allow (the engine's settings catalogue, for this domain's projections). */
export function settingPaths(domain: DomainDefinition): string[] {
  return allowableSettingPaths(domain.projections.map((p) => p.name));
}

class Checker {
  readonly file: string;
  readonly domain: DomainDefinition;
  readonly commands: Set<string>;
  readonly queries: Map<string, string>;
  readonly projections: Map<string, Set<string>>;
  constructor(file: string, domain: DomainDefinition) {
    this.file = file;
    this.domain = domain;
    this.commands = new Set(domain.commands.map((c) => c.type));
    this.queries = new Map(domain.queries.map((q) => [q.type, q.projection]));
    this.projections = new Map(domain.projections.map((p) => [p.name, new Set(['current', ...Object.keys(p.variants ?? {})])]));
  }

  fail(field: string, expected: string, got?: unknown): never {
    throw new ScenarioError(this.file, field, expected, got === undefined ? undefined : show(got));
  }

  command(field: string, type: string): void {
    if (!this.commands.has(type)) this.fail(field, `a command of domain '${this.domain.name}': ${[...this.commands].join(', ')}`, type);
  }
  /** A command's payload as the engine will validate it when the intent runs (a misspelt field fails here, not as INVALID_PAYLOAD during play). */
  payload(field: string, type: string, data: unknown): void {
    const spec = this.domain.commands.find((c) => c.type === type);
    if (!spec) return;
    try {
      validatePayload(type, spec.fields, data);
    } catch (e) {
      this.fail(field, `a valid ${type} payload (fields: ${spec.fields.map((f) => f.name).join(', ')})`, (e as Error).message);
    }
  }
  /** An expected version is about one stream: the command's routes must name exactly one. */
  oneStream(field: string, type: string, data: Record<string, unknown>, expectedVersion: number): void {
    const spec = this.domain.commands.find((c) => c.type === type)!;
    let streams: string[];
    try {
      streams = spec.route(data).map((r) => r.streamId);
    } catch {
      return; // a payload the route cannot read: the engine's validation reports it when the step runs
    }
    if (streams.length !== 1) {
      this.fail(
        field,
        `a command that writes one stream: ${type} writes ${streams.length} (${streams.join(', ')}), so an expected version would be a guess`,
        expectedVersion,
      );
    }
  }
  query(field: string, type: string): void {
    if (!this.queries.has(type)) this.fail(field, `a query of domain '${this.domain.name}': ${[...this.queries.keys()].join(', ')}`, type);
  }
  projection(field: string, name: string): void {
    if (!this.projections.has(name))
      this.fail(field, `a projection of domain '${this.domain.name}': ${[...this.projections.keys()].join(', ')}`, name);
  }
  variant(field: string, projection: string, variant: string): void {
    const variants = this.projections.get(projection)!;
    if (!variants.has(variant)) this.fail(field, `a version of projection '${projection}': ${[...variants].join(', ')}`, variant);
  }
  store(field: string, store: string): void {
    if (store !== 'write' && !this.projections.has(store))
      this.fail(field, `'write' or a projection of domain '${this.domain.name}': ${[...this.projections.keys()].join(', ')}`, store);
  }
  settings(field: string, patch: Record<string, unknown>): void {
    try {
      applySettingsPatch(
        DEFAULT_SETTINGS,
        patch,
        this.domain.projections.map((p) => p.name),
        this.domain.aggregates.map((a) => a.name),
      );
    } catch (e) {
      if (e instanceof InvalidSettingError) {
        const details = e.details as { expected?: string; received?: unknown };
        this.fail(`${field}.${e.setting}`, details.expected ?? 'a valid setting', details.received);
      }
      throw e;
    }
  }

  intent(field: string, i: Intent): void {
    switch (i.kind) {
      case 'command':
        this.command(`${field}.command.type`, i.command.type);
        this.payload(`${field}.command.data`, i.command.type, i.command.data);
        if (i.command.expectedVersion !== undefined)
          this.oneStream(`${field}.command.expectedVersion`, i.command.type, i.command.data, i.command.expectedVersion);
        return;
      case 'query':
        return this.query(`${field}.query.type`, i.query.type);
      case 'configure':
        return this.settings(`${field}.settings`, i.settings as Record<string, unknown>);
      case 'projection':
        this.projection(`${field}.name`, i.name);
        if (i.variant !== undefined) this.variant(`${field}.variant`, i.name, i.variant);
        return;
      case 'subscribe':
        return this.projection(`${field}.projection`, i.projection);
      case 'projectionAt':
        this.projection(`${field}.projection`, i.projection);
        if (i.query) this.query(`${field}.query.type`, i.query.type);
        return;
      default:
        return;
    }
  }

  intents(field: string, list: readonly Intent[] | undefined): void {
    list?.forEach((i, n) => this.intent(`${field}[${n}]`, i));
  }

  loads(field: string, list: readonly LoadSpec[] | undefined): void {
    // A load's templates ({i}, {i%N}) are checked as its first tick will send them.
    list?.forEach((l, n) => this.intents(`${field}[${n}].intents`, instantiate(l.intents, 0)));
  }

  operand(field: string, v: Operand): void {
    if (typeof v === 'number') return;
    if ('setting' in v) {
      if (!settingPaths(this.domain).includes(v.setting))
        this.fail(`${field}.setting`, 'a setting path (see src/scenarios/REFERENCE.md)', v.setting);
    } else if (v.projection !== undefined) this.projection(`${field}.projection`, v.projection);
  }

  criterion(field: string, c: Criterion): void {
    if (c.since) {
      if (c.kind !== 'traceCount' && c.kind !== 'metric') this.fail(`${field}.since`, 'only on traceCount and metric criteria', c.kind);
      this.traceFilter(`${field}.since`, c.since.type, c.since.where);
    }
    switch (c.kind) {
      case 'query':
        return this.query(`${field}.query.type`, c.query.type);
      case 'sql':
        return this.store(`${field}.store`, c.store);
      case 'metric':
        if (c.projection !== undefined) this.projection(`${field}.projection`, c.projection);
        return this.operand(`${field}.value`, c.value);
      case 'matchesReplay':
        return this.projection(`${field}.projection`, c.projection);
      case 'setting':
        if (!settingPaths(this.domain).includes(c.path))
          this.fail(
            `${field}.path`,
            'a setting path such as bus.latencyMs, idempotency, delivery, sync.mode (see src/scenarios/REFERENCE.md)',
            c.path,
          );
        return;
      case 'traceCount': {
        this.operand(`${field}.value`, c.value);
        return this.traceFilter(field, c.type, c.where);
      }
      case 'projectionVariant':
        this.projection(`${field}.projection`, c.projection);
        return this.variant(`${field}.variant`, c.projection, c.variant);
      default:
        return;
    }
  }

  /** A trace record type and `where` keys that are its real fields (a typo would silently match nothing). */
  traceFilter(field: string, type: string, where: Record<string, unknown> | undefined): void {
    if (!isTraceType(type))
      this.fail(`${field}.type`, `a trace record type (${TRACE_TYPES.length} of them, listed in src/scenarios/REFERENCE.md)`, type);
    const fields = traceFieldsOf(type);
    for (const key of Object.keys(where ?? {})) {
      if (!fields.includes(key)) this.fail(`${field}.where.${key}`, `a field of ${type}: ${fields.join(', ')}`, key);
    }
  }

  criteria(field: string, list: readonly Criterion[] | undefined): void {
    list?.forEach((c, n) => this.criterion(`${field}[${n}]`, c));
  }
}

function baseName(fileName: string): string {
  const last = fileName.split(/[\\/]/).pop() ?? fileName;
  return last.replace(/\.json$/, '');
}

/**
 * Validate one scenario file's JSON. `fileName` is used in messages and must
 * end in `<slug>.json`. Throws ScenarioError on the first problem.
 */
export function parseScenario(
  fileName: string,
  json: unknown,
  knownDomains: Record<string, DomainDefinition> = registeredDomains,
): Scenario {
  const parsed = scenarioShape.safeParse(json);
  if (!parsed.success) throw fromIssue(fileName, json, parsed.error.issues[0]!);
  const s = parsed.data as unknown as Scenario & { $schema?: string };
  const expectedSlug = baseName(fileName);
  if (s.slug !== expectedSlug) throw new ScenarioError(fileName, 'slug', `"${expectedSlug}" (the file name without .json)`, show(s.slug));
  // Own keys only: a domain named "constructor" must not find Object's.
  const domain = Object.hasOwn(knownDomains, s.domain) ? knownDomains[s.domain] : undefined;
  if (!domain) throw new ScenarioError(fileName, 'domain', `one of ${Object.keys(knownDomains).join(', ')}`, show(s.domain));
  const check = new Checker(fileName, domain);
  if (s.settings) check.settings('settings', s.settings as Record<string, unknown>);
  check.intents('setup', s.setup);
  const ids = new Set<string>();
  s.steps.forEach((st, n) => {
    const f = `steps[${n}]`;
    if (ids.has(st.id)) check.fail(`${f}.id`, 'an id no other step of this scenario uses', st.id);
    ids.add(st.id);
    check.intents(`${f}.intents`, st.intents);
    check.loads(`${f}.load`, st.load);
    check.criteria(`${f}.expect`, st.expect);
    const cp = st.checkpoint;
    if (cp && cp.answer >= cp.choices.length)
      check.fail(`${f}.checkpoint.answer`, `an index into choices, 0 to ${cp.choices.length - 1}`, cp.answer);
    if (cp && cp.answer < 0) check.fail(`${f}.checkpoint.answer`, `an index into choices, 0 to ${cp.choices.length - 1}`, cp.answer);
    cp?.choices.forEach((choice, c) => {
      if (c !== cp.answer && choice.why === undefined)
        check.fail(`${f}.checkpoint.choices[${c}].why`, 'an explanation of why this wrong choice is wrong', undefined);
    });
  });
  const ch = s.challenge;
  if (ch) {
    const paths = settingPaths(domain);
    ch.allowed.settings?.forEach((p, n) => {
      if (!paths.includes(p))
        check.fail(
          `challenge.allowed.settings[${n}]`,
          'a setting path such as bus.latencyMs, idempotency, delivery, sync.mode (see the engine settings catalogue)',
          p,
        );
    });
    check.intents('challenge.workload', ch.workload);
    check.loads('challenge.load', ch.load);
    check.criteria('challenge.criteria', ch.criteria);
    check.intents('challenge.solution', ch.solution);
  }
  delete s.$schema;
  return s;
}
