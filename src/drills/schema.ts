// Validation of a drill file: the JSON shape (zod), then what needs the domain
// (commands, queries, projections, settings) and the drill itself (screens,
// choices, the known designs). Every problem is a DrillError naming the file
// and the field, so an author fixes it without reading this code.
import { z } from 'zod';
import { consistencyOptions, jsonRecord, nonEmptyText } from '../lib/zodShapes.ts';
import type { DomainDefinition } from '../engine/index.ts';
import type { Intent } from '../engine/index.ts';
import { DEFAULT_SETTINGS, applySettingsPatch, type SettingsPatch } from '../engine/index.ts';
import { domains as registeredDomains } from '../domain/index.ts';
import type { Drill } from './types.ts';

export class DrillError extends Error {
  readonly file: string;
  /** Dotted path of the field, e.g. `choices.1.options.0.settings`. */
  readonly field: string;
  constructor(file: string, field: string, problem: string) {
    super(`${file}: field ${field || '(file)'}: ${problem}`);
    this.name = 'DrillError';
    this.file = file;
    this.field = field;
  }
}

const text = nonEmptyText;
const record = jsonRecord;
const consistency = consistencyOptions;
const id = z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]*$/, 'an id of letters, digits and dashes');
const comparison = z.enum(['==', '!=', '<', '<=', '>', '>=']);
const commandIntent = z
  .object({
    kind: z.literal('command'),
    command: z.object({ type: text, data: record, commandId: text.optional() }).strict(),
    sessionId: text.optional(),
  })
  .strict();
const screenRead = z.object({ screen: id, params: record }).strict();
const percentile = z.number().min(1).max(100);

const measure = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ownWriteMisses'), screen: id }).strict(),
  z.object({ kind: z.literal('readStaleness'), screen: id, percentile }).strict(),
  z.object({ kind: z.literal('readLatency'), screen: id, percentile }).strict(),
  z.object({ kind: z.literal('rowsRead'), screen: id, percentile }).strict(),
  z.object({ kind: z.literal('commandLatency'), command: text, percentile }).strict(),
  z.object({ kind: z.literal('commandsFailed'), command: text.optional() }).strict(),
  z.object({ kind: z.literal('duplicateAppends') }).strict(),
  z.object({ kind: z.literal('visibleAfter'), command: text, screen: id, percentile }).strict(),
]);
const criterion = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('sql'),
      store: text,
      sql: text,
      op: comparison,
      value: z.union([z.number(), z.string(), z.null()]),
      scope: z.enum(['verify', 'all']).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('matchesReplay'), projection: text, scope: z.enum(['verify', 'all']).optional() }).strict(),
  z
    .object({
      kind: z.literal('traceCount'),
      type: text,
      where: record.optional(),
      op: comparison,
      value: z.number(),
      scope: z.enum(['verify', 'all']).optional(),
    })
    .strict(),
]);

const drillSchema = z
  .object({
    slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a lowercase slug'),
    title: z.string().min(3).max(80),
    summary: z.string().min(20).max(200),
    order: z.number().int().positive(),
    domain: text,
    seed: z.number().int().min(0),
    brief: z.string().min(80),
    settings: record.optional(),
    setup: z
      .array(z.union([commandIntent, z.object({ repeat: z.number().int().min(1).max(5000), intent: commandIntent }).strict()]))
      .optional(),
    load: z
      .object({
        description: z.string().min(20),
        durationMs: z.number().int().min(100).max(60_000),
        traffic: z
          .array(
            z
              .object({
                id,
                perSecond: z.number().positive().max(5000),
                burst: z.number().int().min(1).max(100).optional(),
                startMs: z.number().int().min(0).optional(),
                endMs: z.number().int().min(1).optional(),
                sessionId: text.optional(),
                command: z.object({ type: text, data: record, commandId: text.optional() }).strict().optional(),
                read: screenRead.optional(),
                then: screenRead.optional(),
                resend: z
                  .object({ every: z.number().int().min(1), afterMs: z.number().int().min(1) })
                  .strict()
                  .optional(),
              })
              .strict(),
          )
          .min(1),
      })
      .strict(),
    screens: z.array(z.object({ id, label: z.string().min(3), query: text }).strict()).min(1),
    choices: z
      .array(
        z
          .object({
            id,
            label: z.string().min(3),
            help: z.string().min(10),
            options: z
              .array(
                z
                  .object({
                    id,
                    label: z.string().min(3),
                    settings: record.optional(),
                    consistency: z.record(z.string(), consistency).optional(),
                    queries: z.record(z.string(), text).optional(),
                    setup: z.array(commandIntent).optional(),
                  })
                  .strict(),
              )
              .min(2),
          })
          .strict(),
      )
      .min(1),
    requirements: z
      .array(
        z.union([
          z.object({ id, label: z.string().min(10), kind: z.literal('measure'), measure, op: comparison, value: z.number() }).strict(),
          z.object({ id, label: z.string().min(10), kind: z.literal('criterion'), criterion }).strict(),
        ]),
      )
      .min(1),
    hints: z.array(z.string().min(20)).min(2),
    knownGood: z.record(z.string(), id),
    knownBad: z.object({ design: z.record(z.string(), id), fails: id }).strict(),
    explanation: z.string().min(200),
    questions: z.array(z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)).optional(),
  })
  .strict();

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function baseName(fileName: string): string {
  return fileName
    .split('/')
    .pop()!
    .replace(/\.json$/, '');
}

/** The drill in `json`, checked; throws a DrillError naming `fileName` and the field. */
export function parseDrill(fileName: string, json: unknown, knownDomains: Record<string, DomainDefinition> = registeredDomains): Drill {
  const checked = drillSchema.safeParse(json);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new DrillError(fileName, fieldPath(issue.path), issue.message);
  }
  const drill = checked.data as unknown as Drill;
  const fail = (field: string, problem: string): never => {
    throw new DrillError(fileName, field, problem);
  };
  if (drill.slug !== baseName(fileName)) fail('slug', `must equal the file name "${baseName(fileName)}" (got "${drill.slug}")`);
  const domain =
    knownDomains[drill.domain] ?? fail('domain', `must be one of ${Object.keys(knownDomains).join(', ')} (got "${drill.domain}")`);
  const commandTypes = new Set(domain.commands.map((c) => c.type));
  const queryTypes = new Set(domain.queries.map((q) => q.type));
  const projections = domain.projections.map((p) => p.name);
  const aggregates = domain.aggregates.map((a) => a.name);
  const checkSettings = (field: string, patch: unknown) => {
    try {
      applySettingsPatch(DEFAULT_SETTINGS, patch as SettingsPatch, projections, aggregates);
    } catch (e) {
      fail(field, e instanceof Error ? e.message : String(e));
    }
  };
  const checkCommand = (field: string, intent: Intent) => {
    if (intent.kind === 'command' && !commandTypes.has(intent.command.type))
      fail(`${field}.command.type`, `${drill.domain} has no command "${intent.command.type}"`);
  };
  const screenIds = new Set(drill.screens.map((s) => s.id));
  const checkScreen = (field: string, screen: string) => {
    if (!screenIds.has(screen)) fail(field, `names no screen of this drill (screens: ${[...screenIds].join(', ')})`);
  };
  if (drill.settings) checkSettings('settings', drill.settings);
  (drill.setup ?? []).forEach((entry, i) =>
    checkCommand(`setup.${i}${'repeat' in entry ? '.intent' : ''}`, 'repeat' in entry ? entry.intent : entry),
  );
  drill.screens.forEach((s, i) => {
    if (!queryTypes.has(s.query)) fail(`screens.${i}.query`, `${drill.domain} has no query "${s.query}"`);
  });
  drill.load.traffic.forEach((t, i) => {
    const at = `load.traffic.${i}`;
    if (!t.command && !t.read) fail(at, 'needs a command or a read');
    if (t.command && !commandTypes.has(t.command.type)) fail(`${at}.command.type`, `${drill.domain} has no command "${t.command.type}"`);
    if (t.read) checkScreen(`${at}.read.screen`, t.read.screen);
    if (t.then) {
      checkScreen(`${at}.then.screen`, t.then.screen);
      if (!t.command) fail(`${at}.then`, 'a read after the command needs a command');
    }
    if (t.resend && !t.command?.commandId) fail(`${at}.resend`, 'a resend needs command.commandId, so the repeat carries the same id');
  });
  const choiceIds = new Set<string>();
  drill.choices.forEach((choice, c) => {
    if (choiceIds.has(choice.id)) fail(`choices.${c}.id`, `"${choice.id}" is used twice`);
    choiceIds.add(choice.id);
    const optionIds = new Set<string>();
    choice.options.forEach((option, o) => {
      const at = `choices.${c}.options.${o}`;
      if (optionIds.has(option.id)) fail(`${at}.id`, `"${option.id}" is used twice in this choice`);
      optionIds.add(option.id);
      if (option.settings) checkSettings(`${at}.settings`, option.settings);
      for (const screen of Object.keys(option.consistency ?? {})) checkScreen(`${at}.consistency.${screen}`, screen);
      for (const [screen, query] of Object.entries(option.queries ?? {})) {
        checkScreen(`${at}.queries.${screen}`, screen);
        if (!queryTypes.has(query)) fail(`${at}.queries.${screen}`, `${drill.domain} has no query "${query}"`);
      }
      (option.setup ?? []).forEach((intent, k) => checkCommand(`${at}.setup.${k}`, intent));
    });
  });
  const requirementIds = new Set<string>();
  drill.requirements.forEach((r, i) => {
    if (requirementIds.has(r.id)) fail(`requirements.${i}.id`, `"${r.id}" is used twice`);
    requirementIds.add(r.id);
    if (r.kind === 'measure' && 'screen' in r.measure) checkScreen(`requirements.${i}.measure.screen`, r.measure.screen);
    if (r.kind === 'measure' && 'command' in r.measure && r.measure.command && !commandTypes.has(r.measure.command)) {
      fail(`requirements.${i}.measure.command`, `${drill.domain} has no command "${r.measure.command}"`);
    }
    if (r.kind === 'criterion' && r.criterion.kind === 'matchesReplay' && !projections.includes(r.criterion.projection)) {
      fail(`requirements.${i}.criterion.projection`, `${drill.domain} has no projection "${r.criterion.projection}"`);
    }
  });
  const checkDesign = (field: string, design: Record<string, string>) => {
    drill.choices.forEach((choice) => {
      const picked = design[choice.id];
      if (picked === undefined) fail(field, `picks nothing for choice "${choice.id}"`);
      if (!choice.options.some((o) => o.id === picked)) fail(`${field}.${choice.id}`, `"${picked}" is not an option of "${choice.id}"`);
    });
    for (const key of Object.keys(design)) if (!choiceIds.has(key)) fail(`${field}.${key}`, 'names no design choice of this drill');
  };
  checkDesign('knownGood', drill.knownGood);
  checkDesign('knownBad.design', drill.knownBad.design);
  if (!requirementIds.has(drill.knownBad.fails))
    fail('knownBad.fails', `names no requirement (requirements: ${[...requirementIds].join(', ')})`);
  return drill;
}
