// Commands and queries of the loaded domain, derived from their specs.
//
//   PlaceOrder o-1001 ada KB-42 2                       positional, in field order
//   PlaceOrder orderId=o-1001 sku=KB-42 customerId=ada quantity=2    by name, any order
//   ChangePrice KB-42 3999 --expect-version=5           refused if product-KB-42 moved past version 5
//   cmd PlaceOrder …                                    the same, spelled out
//   GetOrderSummary o-1001 --consistency=read-your-writes
//   query GetOrderSummary orderId=o-1001 --consistency=token --token=12 --timeout=2s
//
// Positional values fill the fields not given by name, in field order, so the
// two forms mix. Values are coerced per field kind (integer, number, boolean,
// enum); the engine's validation judges them and its message is printed with
// the usage generated from the spec.
import type { CommandInput, CommandResult, FieldSpec, QueryResult } from '../../engine/index.ts';
import type { ConsistencyOptions, DomainCatalog } from '../backend.ts';
import type { Divergence } from '../../worker/views/architecture.ts';
import { formatMs, formatValue, plural } from '../format.ts';
import type { Block, Cell, OutputBuilder } from '../output.ts';
import { STRATEGY_HELP, strategyOf, strategyWord } from '../strategies.ts';
import { quoteIfNeeded } from '../tokenize.ts';
import {
  UsageError,
  type ArgSpec,
  type CommandDef,
  type CompletionContext,
  type CompletionRequest,
  type OptionSpec,
  type ParsedArgs,
  type SessionState,
} from './types.ts';

type CommandSpecData = DomainCatalog['commands'][number];
type QuerySpecData = DomainCatalog['queries'][number];

const COMMAND_OPTIONS: OptionSpec[] = [
  {
    name: 'id',
    kind: 'text',
    placeholder: '<commandId>',
    description: 'The commandId (idempotency key). Send the same id twice to see a duplicate being recognised.',
  },
  { name: 'correlation', kind: 'text', placeholder: '<id>', description: 'Correlation id (defaults to the commandId).' },
  {
    name: 'expect-version',
    aliases: ['expect'],
    kind: 'integer',
    min: 0,
    placeholder: 'n',
    description:
      'The version of the command’s stream you decided on (0: it must not exist yet). If someone changed it since, the command is refused, naming both versions.',
  },
];

/**
 * `--expect-version=` completes to 0 (a new stream) and the current version
 * of each existing stream named by a value on the line (`KB` → product-KB).
 */
async function expectVersionCandidates(req: CompletionRequest, ctx: CompletionContext): Promise<string[] | undefined> {
  const m = /^(--(?:expect-version|expect)=)/i.exec(req.partial);
  if (!m) return undefined;
  const values = new Set(
    req.before.filter((t) => !t.raw.startsWith('--')).map((t) => (t.key !== undefined ? (t.keyValue ?? '') : t.value)),
  );
  const named = new Set(ctx.catalog.aggregates.flatMap((a) => [...values].map((v) => `${a.streamPrefix}${v}`)));
  const versions = (await ctx.backend.listStreams()).filter((s) => named.has(s.streamId)).map((s) => String(s.version));
  return [...new Set(['0', ...versions])].map((v) => `${m[1]}${v}`);
}

const STRATEGY_LIST = Object.keys(STRATEGY_HELP).join(', ');

/** --consistency and its companions, shared by queries and the `consistency` command. */
export const CONSISTENCY_OPTIONS: OptionSpec[] = [
  {
    name: 'token',
    kind: 'integer',
    min: 0,
    placeholder: 'n',
    description: 'The position the read model must reach (default: your session’s last write).',
  },
  {
    name: 'timeout',
    kind: 'duration',
    min: 0,
    max: 600_000,
    placeholder: '2s',
    description: 'Waiting strategies: give up after this much virtual time and answer stale.',
  },
  { name: 'poll', kind: 'duration', min: 1, max: 60_000, placeholder: '100ms', description: 'polling: how often to ask again.' },
  {
    name: 'via',
    kind: 'enum',
    values: ['wait', 'writeSide'],
    placeholder: 'wait|writeSide',
    description: 'read-your-writes: wait for the read model, or complete the answer from the event store.',
  },
];

const QUERY_OPTIONS: OptionSpec[] = [
  {
    name: 'consistency',
    aliases: ['c'],
    kind: 'strategy',
    placeholder: 'strategy',
    description: `How fresh the answer must be: ${STRATEGY_LIST}.`,
  },
  ...CONSISTENCY_OPTIONS,
];

function fieldArgs(fields: readonly FieldSpec[]): ArgSpec[] {
  return fields.map((f) => ({ name: f.name, kind: 'field', field: f, required: false, description: f.description }));
}

function fieldUsage(fields: readonly FieldSpec[]): string[] {
  return fields.map((f) => (f.required === false ? `[${f.name}]` : `<${f.name}>`));
}

function exampleValue(f: FieldSpec): string {
  return quoteIfNeeded(String(f.example));
}

function positionalExample(prefix: readonly string[], type: string, fields: readonly FieldSpec[]): string {
  return [...prefix, type, ...fields.map(exampleValue)].join(' ');
}

function pairsExample(prefix: readonly string[], type: string, fields: readonly FieldSpec[]): string {
  return [...prefix, type, ...fields.map((f) => `${f.name}=${exampleValue(f)}`)].join(' ');
}

function fieldDetails(fields: readonly FieldSpec[]): string[] {
  if (fields.length === 0) return ['It takes no fields.'];
  return ['Fields, in positional order (or name=value in any order):'];
}

export function commandDef(spec: CommandSpecData, prefix: readonly string[]): CommandDef {
  const examples =
    prefix.length === 0
      ? [positionalExample([], spec.type, spec.fields), pairsExample(['cmd'], spec.type, spec.fields)]
      : [pairsExample(prefix, spec.type, spec.fields), positionalExample(prefix, spec.type, spec.fields)];
  return {
    name: spec.type,
    family: 'domain',
    description: spec.description,
    details: fieldDetails(spec.fields),
    usage: [...prefix, spec.type, ...fieldUsage(spec.fields), '[--id=<commandId>]', '[--expect-version=n]'].join(' '),
    examples,
    args: fieldArgs(spec.fields),
    options: COMMAND_OPTIONS,
    pairs: true,
    helpExtra: () => [fieldsTable(spec.fields)],
    complete: expectVersionCandidates,
    async execute(args, ctx) {
      const command: CommandInput = { type: spec.type, data: definedValues(args) };
      if (typeof args.options['id'] === 'string') command.commandId = args.options['id'];
      if (typeof args.options['correlation'] === 'string') command.correlationId = args.options['correlation'];
      if (typeof args.options['expect-version'] === 'number') command.expectedVersion = args.options['expect-version'];
      const result = await ctx.backend.dispatch({ kind: 'command', command, sessionId: ctx.state.sessionId }).catch((e: unknown) => {
        // A command refused for a stale expected version names itself: `trace` then shows it.
        const refused = (e as { details?: { commandId?: unknown } } | null)?.details?.commandId;
        if (typeof refused === 'string') {
          ctx.state.lastCommandId = refused;
          ctx.state.lastCommandType = spec.type;
        }
        throw e;
      });
      printCommandResult(result, ctx.out, ctx.state);
    },
  };
}

export function queryDef(spec: QuerySpecData, prefix: readonly string[]): CommandDef {
  const consistencyExample = [
    ...(prefix.length === 0 ? ['query'] : prefix),
    spec.type,
    ...spec.fields.filter((f) => f.required !== false).map((f) => `${f.name}=${exampleValue(f)}`),
    '--consistency=read-your-writes',
  ].join(' ');
  const examples =
    prefix.length === 0
      ? [positionalExample([], spec.type, spec.fields), consistencyExample]
      : [pairsExample(prefix, spec.type, spec.fields), consistencyExample];
  return {
    name: spec.type,
    family: 'domain',
    description: `${spec.description} (read model: ${spec.projection})`,
    details: [...fieldDetails(spec.fields)],
    usage: [
      ...prefix,
      spec.type,
      ...fieldUsage(spec.fields),
      '[--consistency=<strategy>]',
      '[--token=n]',
      '[--timeout=2s]',
      '[--poll=100ms]',
      '[--via=wait|writeSide]',
    ].join(' '),
    examples,
    args: fieldArgs(spec.fields),
    options: QUERY_OPTIONS,
    pairs: true,
    helpExtra: () => [fieldsTable(spec.fields), strategiesTable()],
    async execute(args, ctx) {
      const consistency = consistencyOf(args);
      const result = await ctx.backend.dispatch({
        kind: 'query',
        query: { type: spec.type, params: definedValues(args) },
        sessionId: ctx.state.sessionId,
        ...(consistency ? { consistency } : {}),
      });
      printQueryResult(result, ctx.out, (await ctx.backend.divergences?.(result.projection)) ?? []);
    },
  };
}

function definedValues(args: ParsedArgs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args.values)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * The consistency options of a query line, or undefined for the session's
 * default. --token alone means the token strategy; the engine validates
 * the rest and fills the defaults (the session's last write, the timeouts).
 */
export function consistencyOf(args: ParsedArgs, options: { requireStrategy?: boolean } = {}): ConsistencyOptions | undefined {
  const o = args.options;
  let strategy = o['consistency'] as ConsistencyOptions['strategy'] | undefined;
  if (strategy === undefined && o['token'] !== undefined) strategy = 'token';
  if (strategy === undefined) {
    const stray = ['timeout', 'poll', 'via'].find((k) => o[k] !== undefined);
    if (stray !== undefined || options.requireStrategy) {
      throw new UsageError(`--${stray ?? 'timeout'} only matters with a strategy, e.g. --consistency=polling --poll=100ms.`);
    }
    return undefined;
  }
  const request: ConsistencyOptions = { strategy };
  if (o['token'] !== undefined) request.token = o['token'] as number;
  if (o['timeout'] !== undefined) request.timeoutMs = o['timeout'] as number;
  if (o['poll'] !== undefined) request.pollIntervalMs = o['poll'] as number;
  if (o['via'] !== undefined) request.via = o['via'] as 'wait' | 'writeSide';
  return request;
}

export function describeConsistency(c: ConsistencyOptions): string {
  const parts = [strategyWord(c.strategy)];
  if (c.token !== undefined) parts.push(`token ${c.token}`);
  if (c.timeoutMs !== undefined) parts.push(`timeout ${formatMs(c.timeoutMs)}`);
  if (c.pollIntervalMs !== undefined) parts.push(`poll every ${formatMs(c.pollIntervalMs)}`);
  if (c.via !== undefined) parts.push(`via ${c.via}`);
  return parts.join(', ');
}

// ── printing ──────────────────────────────────────────────────────────────

export function printCommandResult(result: CommandResult, out: OutputBuilder, state: SessionState): void {
  state.lastCommandId = result.commandId;
  state.lastCommandType = result.commandType;
  if (!result.ok) {
    out.styled('error', `✗ ${result.commandType} rejected (${result.rejection.code}): ${result.rejection.message}`);
    out.dim(`Nothing was appended: a rejection is an answer, not an event. Command id ${result.commandId}.`);
    return;
  }
  state.lastToken = result.consistencyToken;
  if (result.duplicate) {
    out.warn(
      `↺ ${result.commandType} ${result.commandId} was already handled: nothing appended, the first result is returned (idempotency).`,
    );
  } else {
    out.success(`✓ ${result.commandType} accepted as ${result.commandId}`);
  }
  const streams = result.streams.map((s) => `${s.streamId} v${s.version}`).join(', ');
  const ids = Object.entries(result.ids)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  out.dim(
    [
      streams ? `stream ${streams}` : undefined,
      `consistency token ${result.consistencyToken}`,
      result.attempts > 1 ? `${result.attempts} attempts (conflicts were retried)` : undefined,
      ids ? ids : undefined,
    ]
      .filter((x) => x !== undefined)
      .join(' · '),
  );
}

const KNOWN_QUERY_KEYS = new Set([
  'ok',
  'queryId',
  'type',
  'projection',
  'data',
  'position',
  'headPosition',
  'lagEvents',
  'lagMs',
  'status',
  'at',
  'consistency',
  'optimistic',
  'rowsRead',
]);

/** `diverged`: where the read model that answered disagrees with its events (such an answer is never "up to date"). */
export function printQueryResult(result: QueryResult, out: OutputBuilder, diverged: readonly Divergence[] = []): void {
  renderData(out, result.data);
  const c = result.consistency;
  const where = `${result.type} answered by ${result.projection} at position ${result.position} of ${result.headPosition} (${result.status})`;
  const stale = c ? c.stale : result.lagEvents > 0;
  if (result.lagEvents > 0) {
    out.styled(
      stale ? 'warn' : 'dim',
      `${where}: ${plural(result.lagEvents, 'event')} (${formatMs(result.lagMs)}) behind${stale ? ', so this answer may be stale' : ''}.`,
    );
  } else if (diverged.length === 0) {
    out.dim(`${where}: up to date.`);
  }
  if (diverged.length > 0) {
    const d = diverged[0]!;
    const more = diverged.length > 1 ? ` (and ${plural(diverged.length - 1, 'more difference')})` : '';
    out.styled(
      'warn',
      `${where}, but this read model disagrees with its events: ${d.subject}: ${d.field} ${String(d.readModel)}, the events say ${String(d.events)}${more}.`,
    );
  }
  if (c) {
    const parts = [
      `consistency ${strategyWord(c.strategy)}`,
      `from the ${c.source === 'readModel' ? 'read model' : c.source === 'writeSide' ? 'event store' : c.source}`,
    ];
    if (c.requiredPosition !== null) parts.push(`needed position ${c.requiredPosition}`);
    if (c.waitedMs > 0) parts.push(`waited ${formatMs(c.waitedMs)}`);
    if (c.polls > 0) parts.push(plural(c.polls, 'poll'));
    if (c.sawOwnWrite !== null) parts.push(c.sawOwnWrite ? 'your last write is in it' : 'your last write is NOT in it');
    out.styled(
      c.timedOut || c.stale || c.sawOwnWrite === false ? 'warn' : 'dim',
      parts.join(' · ') + (c.timedOut ? ' · gave up waiting (timeout)' : ''),
    );
  }
  if (result.optimistic) {
    const o = result.optimistic;
    out.dim(
      `optimistic: ${plural(o.commandIds.length, 'pending command')} overlaid (${o.commandIds.join(', ') || 'none'}), ${o.predictedEvents} predicted / ${o.confirmedEvents} confirmed events`,
    );
  }
  if (result.rowsRead !== undefined) out.dim(`rows read: ${result.rowsRead}`);
  const extra = Object.entries(result as unknown as Record<string, unknown>).filter(([k]) => !KNOWN_QUERY_KEYS.has(k));
  if (extra.length > 0) out.dim(extra.map(([k, v]) => `${k}: ${formatValue(v)}`).join(' · '));
  if (stale && (result.data === null || result.data === undefined || (Array.isArray(result.data) && result.data.length === 0))) {
    out.dim('The read model has not seen the latest events yet. Let time run (`time run`) or ask with --consistency=read-your-writes.');
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function cell(v: unknown): Cell {
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  return formatValue(v);
}

export function renderData(out: OutputBuilder, data: unknown): void {
  if (data === null || data === undefined) {
    out.dim('(nothing: null)');
    return;
  }
  if (Array.isArray(data)) {
    renderList(out, data);
    return;
  }
  if (isRecord(data)) {
    const scalars = Object.entries(data).filter(([, v]) => !Array.isArray(v));
    if (scalars.length > 0) out.pairs(scalars.map(([k, v]) => [k, cell(v)]));
    for (const [k, v] of Object.entries(data)) {
      if (!Array.isArray(v)) continue;
      out.heading(`${k}:`);
      renderList(out, v);
    }
    return;
  }
  out.text(formatValue(data));
}

function renderList(out: OutputBuilder, list: unknown[]): void {
  if (list.length === 0) {
    out.dim('(empty list)');
    return;
  }
  if (list.every(isRecord)) {
    const columns = [...new Set(list.flatMap((r) => Object.keys(r)))];
    out.table(
      columns,
      list.map((r) => columns.map((c) => cell(r[c]))),
      { caption: `(${plural(list.length, 'row')})` },
    );
    return;
  }
  for (const item of list) out.text(`- ${formatValue(item)}`);
}

function fieldsTable(fields: readonly FieldSpec[]): Block {
  return {
    kind: 'table',
    columns: ['field', 'type', 'expects', 'example', 'description'],
    rows: fields.map((f) => [
      f.name,
      f.kind + (f.required === false ? ' (optional)' : ''),
      describeFieldShort(f),
      formatValue(f.example),
      f.description,
    ]),
    wrap: true,
  };
}

function describeFieldShort(f: FieldSpec): string {
  if (f.kind === 'enum') return (f.values ?? []).join('|');
  if (f.kind === 'boolean') return 'true|false';
  if (f.min !== undefined && f.max !== undefined) return f.kind === 'string' ? `${f.min}–${f.max} chars` : `${f.min}–${f.max}`;
  if (f.kind === 'string') return f.patternHint ?? 'text';
  return f.kind;
}

export function strategiesTable(): Block {
  return {
    kind: 'table',
    columns: ['--consistency', 'meaning'],
    rows: Object.entries(STRATEGY_HELP).map(([w, s]) => [w, s.meaning]),
    wrap: true,
  };
}

// ── the family ────────────────────────────────────────────────────────────

export function domainCommands(catalog: DomainCatalog): { builtins: CommandDef[]; types: CommandDef[] } {
  const first = catalog.commands[0];
  const firstQuery = catalog.queries[0];
  const listCommands = (out: OutputBuilder): void => {
    out.heading(`Commands of ${catalog.title} (${catalog.name}): they are the only way to change state.`);
    out.blocks.push(commandsBlock(catalog));
    out.dim('Give fields in order, or as name=value. `help <Command>` shows each field.');
  };
  const listQueries = (out: OutputBuilder): void => {
    out.heading(`Queries of ${catalog.title}: they read one read model each.`);
    out.blocks.push(queriesBlock(catalog));
    out.dim('Add --consistency=<strategy> to choose how fresh the answer must be. `help query` lists the strategies.');
  };
  const builtins: CommandDef[] = [
    {
      name: 'cmd',
      aliases: ['send'],
      family: 'domain',
      subject: `${catalog.name} command`,
      description: 'Send a command of the loaded domain (the command type alone works too).',
      details: [
        'Fields go in order or as name=value; --id sets the commandId (the idempotency key).',
        '--expect-version=n: refuse the command if its stream is no longer at version n (0: it must not exist yet), as a form edited by two people.',
      ],
      examples: first
        ? [pairsExample(['cmd'], first.type, first.fields), `${pairsExample(['cmd'], first.type, first.fields)} --expect-version=0`, 'cmd']
        : ['cmd'],
      subcommands: catalog.commands.map((c) => commandDef(c, ['cmd'])),
      helpExtra: () => [],
      execute(_args, ctx) {
        listCommands(ctx.out);
      },
    },
    {
      name: 'query',
      aliases: ['q'],
      family: 'domain',
      subject: `${catalog.name} query`,
      description: 'Run a query of the loaded domain, optionally with a consistency strategy.',
      examples: firstQuery
        ? [
            pairsExample(['query'], firstQuery.type, firstQuery.fields),
            `query ${firstQuery.type} ${firstQuery.fields
              .filter((f) => f.required !== false)
              .map((f) => `${f.name}=${exampleValue(f)}`)
              .join(' ')} --consistency=polling --poll=50ms --timeout=2s`.replace(/\s+/g, ' '),
          ]
        : ['query'],
      subcommands: catalog.queries.map((q) => queryDef(q, ['query'])),
      helpExtra: () => [strategiesTable()],
      execute(_args, ctx) {
        listQueries(ctx.out);
      },
    },
    {
      name: 'consistency',
      family: 'domain',
      description: 'Show or set the default consistency strategy of this terminal’s queries (its session).',
      usage: 'consistency [strategy|off] [--token=n] [--timeout=2s] [--poll=100ms] [--via=wait|writeSide]',
      examples: ['consistency', 'consistency read-your-writes', 'consistency polling --poll=50ms --timeout=1s', 'consistency off'],
      args: [{ name: 'strategy', kind: 'text', required: false, description: `${STRATEGY_LIST}, or off (back to eventual)` }],
      options: CONSISTENCY_OPTIONS,
      helpExtra: () => [strategiesTable()],
      async execute(args, ctx) {
        const word = args.values['strategy'] as string | undefined;
        if (word === undefined) {
          if (Object.values(args.options).some((v) => v !== undefined))
            throw new UsageError('Name a strategy, e.g. consistency polling --poll=50ms.');
          const c = ctx.state.consistency;
          ctx.out.text(
            c
              ? `Queries from this terminal use ${describeConsistency(c)} unless they say otherwise.`
              : 'Queries from this terminal are eventual unless they say otherwise (--consistency=…).',
          );
          return;
        }
        let consistency: ConsistencyOptions | null = null;
        if (!['off', 'none', 'default'].includes(word.toLowerCase())) {
          const strategy = strategyOf(word);
          if (strategy === undefined) throw new UsageError(`Unknown strategy '${word}'. Use one of: ${STRATEGY_LIST}, or off.`);
          consistency = consistencyOf({ ...args, options: { ...args.options, consistency: strategy } })!;
        }
        await ctx.backend.dispatch({ kind: 'session', sessionId: ctx.state.sessionId, consistency });
        ctx.state.consistency = consistency;
        ctx.out.success(
          consistency
            ? `Queries from this terminal now use ${describeConsistency(consistency)}.`
            : 'Queries from this terminal are eventual again.',
        );
      },
    },
    {
      name: 'commands',
      family: 'domain',
      description: 'List the commands of the loaded domain with their fields.',
      examples: ['commands'],
      helpExtra: () => [commandsBlock(catalog)],
      execute(_args, ctx) {
        listCommands(ctx.out);
      },
    },
    {
      name: 'queries',
      family: 'domain',
      description: 'List the queries of the loaded domain and the read model each one reads.',
      examples: ['queries'],
      helpExtra: () => [queriesBlock(catalog)],
      execute(_args, ctx) {
        listQueries(ctx.out);
      },
    },
  ];
  const types: CommandDef[] = [...catalog.commands.map((c) => commandDef(c, [])), ...catalog.queries.map((q) => queryDef(q, []))];
  return { builtins, types };
}

function commandsBlock(catalog: DomainCatalog): Block {
  return {
    kind: 'table',
    columns: ['usage', 'description'],
    rows: catalog.commands.map((c) => [[c.type, ...fieldUsage(c.fields)].join(' '), c.description]),
    wrap: true,
  };
}

function queriesBlock(catalog: DomainCatalog): Block {
  return {
    kind: 'table',
    columns: ['usage', 'read model', 'description'],
    rows: catalog.queries.map((q) => [[q.type, ...fieldUsage(q.fields)].join(' '), q.projection, q.description]),
    wrap: true,
  };
}
