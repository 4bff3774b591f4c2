// Temporal reads: an aggregate or a projection as it stood at a point in
// history (a stream version, a global position or a virtual time). Both send
// the engine's read-only intents (aggregateAt, projectionAt): nothing is
// appended and no read model changes, whatever the line says.
import type { AsOf } from '../../engine/index.ts';
import type { DomainCatalog } from '../backend.ts';
import { formatMs, formatValue, plural } from '../format.ts';
import type { Cell } from '../output.ts';
import { parseArgs } from '../parse.ts';
import { tokenize, TokenizeError, type Token } from '../tokenize.ts';
import { renderData } from './domain.ts';
import { UsageError, type CommandContext, type CommandDef, type OptionSpec } from './types.ts';

const POSITION: OptionSpec = {
  name: 'position',
  kind: 'integer',
  min: 0,
  placeholder: 'n',
  description: 'As of this global position of the log (`events` shows positions)',
};
const AT: OptionSpec = {
  name: 'at',
  kind: 'duration',
  min: 0,
  placeholder: '2s',
  description: 'As of this virtual time, matched against when each event was recorded (`500`, `2s`, `1.5s`)',
};
const VERSION: OptionSpec = {
  name: 'version',
  kind: 'integer',
  min: 0,
  placeholder: 'n',
  description: 'As of this version of the stream (its n-th event; `stream <id>` lists them)',
};

/** The one point in history a line names; a usage error when it names none or several. */
function asOfFrom(options: Record<string, unknown>, allowed: readonly OptionSpec[]): AsOf {
  const given = allowed.filter((o) => options[o.name] !== undefined);
  const choices = allowed.map((o) => `--${o.name}=${o.placeholder}`).join(', ');
  if (given.length === 0) throw new UsageError(`Say which moment to read: one of ${choices}.`);
  if (given.length > 1) throw new UsageError(`Give one moment, not ${given.map((o) => `--${o.name}`).join(' and ')}: one of ${choices}.`);
  const o = given[0]!;
  return { [o.name]: options[o.name] as number } as AsOf;
}

function describeAsOf(asOf: AsOf): string {
  if ('version' in asOf) return `version ${asOf.version}`;
  if ('position' in asOf) return `position ${asOf.position}`;
  return `${formatMs(asOf.at)} (recorded time)`;
}

function exampleStream(catalog: DomainCatalog): string {
  const a = catalog.aggregates[0];
  return a ? `${a.streamPrefix}1` : 'stream-1';
}

function tokensOf(text: string): Token[] {
  try {
    return tokenize(text);
  } catch (e) {
    throw new UsageError(e instanceof TokenizeError ? e.message : String(e));
  }
}

export function temporalCommands(catalog: DomainCatalog): CommandDef[] {
  const stream = exampleStream(catalog);
  const query = catalog.queries[0];
  const projection = query?.projection ?? catalog.projections[0]?.name ?? 'projection';
  const queryExample = query
    ? [query.type, ...query.fields.filter((f) => f.required !== false).map((f) => `${f.name}=${String(f.example ?? '')}`)].join(' ')
    : '';
  return [
    {
      name: 'aggregate',
      aliases: ['aggregate-at', 'as-of', 'asof'],
      family: 'read',
      description: "Read an aggregate's state as it stood at a version of its stream, a log position or a virtual time (read-only).",
      details: [
        'The engine folds the stream’s events up to that point (from a snapshot when one is older): nothing is appended.',
        'A version past the stream’s last event reads its current state.',
        '--at compares with the time each event was recorded in the event store, not a time written in its data.',
      ],
      usage: 'aggregate <streamId> --version=n | --position=n | --at=<time>',
      examples: [`aggregate ${stream} --version=2`, `aggregate ${stream} --position=3`, `aggregate ${stream} --at=1s`],
      args: [{ name: 'streamId', kind: 'stream', description: 'The stream id, e.g. from `streams`' }],
      options: [VERSION, POSITION, AT],
      async execute(args, ctx) {
        const streamId = args.values['streamId'] as string;
        const asOf = asOfFrom(args.options, [VERSION, POSITION, AT]);
        const r = await ctx.backend.dispatch({ kind: 'aggregateAt', streamId, asOf });
        ctx.out.heading(`${r.streamId} (${r.aggregate}) as of ${describeAsOf(asOf)}`);
        if (r.version === 0)
          ctx.out.dim('The stream had no event yet at that point (nothing was recorded in it by then): this is its initial state.');
        renderData(ctx.out, r.state);
        const where = r.version === 0 ? 'version 0' : `version ${r.version}, position ${r.position}, recorded at ${formatMs(r.recordedAt)}`;
        const folded = `${plural(r.eventsFolded, 'event')} folded${r.snapshot?.used ? ` on top of the snapshot at version ${r.snapshot.version}` : ''}`;
        ctx.out.dim(`${where} · ${folded} · read-only: nothing was appended.`);
        if ('version' in asOf && asOf.version > r.version)
          ctx.out.warn(`The stream has only ${plural(r.version, 'event')}: this is its current state.`);
      },
    },
    {
      name: 'projection-at',
      aliases: ['projection-as-of'],
      family: 'read',
      raw: true,
      description: "Rebuild a projection's state (or one query's answer) as of a log position or a virtual time, aside (read-only).",
      details: [
        'The engine replays the log up to that point into a scratch copy of the projection: the live read model is untouched.',
        'Without a query, every table of the projection as of then is printed; with one, its answer on that state.',
        'The query is written as on its own line: positional fields or field=value.',
      ],
      usage: 'projection-at <projection> --position=n | --at=<time> [<QueryType> <field>…]',
      examples: [
        `projection-at ${projection} --position=3`,
        ...(queryExample ? [`projection-at ${projection} --at=2s ${queryExample}`] : []),
      ],
      args: [{ name: 'projection', kind: 'projection', description: 'The projection (read model) to rebuild' }],
      options: [POSITION, AT],
      complete(req, cctx) {
        const words = req.before.filter((t) => !t.raw.startsWith('--'));
        if (req.partial.startsWith('-')) return [`--${POSITION.name}=`, `--${AT.name}=`];
        if (words.length === 0) return cctx.catalog.projections.map((p) => p.name);
        const name = words[0]!.value.toLowerCase();
        if (words.length === 1) return cctx.catalog.queries.filter((q) => q.projection.toLowerCase() === name).map((q) => q.type);
        return undefined;
      },
      async execute(args, ctx) {
        await projectionAt(args.rest, ctx);
      },
    },
  ];
}

async function projectionAt(rest: string, ctx: CommandContext): Promise<void> {
  const tokens = tokensOf(rest);
  // The query starts at the first word naming one of the domain's queries.
  const at = tokens.findIndex(
    (t, i) => i > 0 && !t.quoted && ctx.catalog.queries.some((q) => q.type.toLowerCase() === t.value.toLowerCase()),
  );
  const head = at === -1 ? tokens : tokens.slice(0, at);
  const parsed = parseArgs(ctx.entry, head, ctx.catalog);
  const projection = parsed.values['projection'] as string;
  const asOf = asOfFrom(parsed.options, [POSITION, AT]) as { position: number } | { at: number };
  let query: { type: string; params: Record<string, unknown> } | undefined;
  if (at !== -1) {
    const entry = ctx.table.lookup(tokens[at]!.value);
    if (!entry) throw new UsageError(`Unknown query '${tokens[at]!.value}'.`);
    const q = parseArgs(entry, tokens.slice(at + 1), ctx.catalog);
    const stray = Object.keys(q.options);
    if (stray.length > 0)
      throw new UsageError(`A read of the past takes no consistency options (got --${stray.join(', --')}): it never waits.`);
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(q.values)) if (v !== undefined) params[k] = v;
    query = { type: entry.name, params };
    const reads = ctx.catalog.queries.find((x) => x.type === entry.name)?.projection;
    if (reads !== undefined && reads !== projection)
      throw new UsageError(`${entry.name} reads the projection '${reads}', not '${projection}': projection-at ${reads} … ${entry.name} …`);
  }
  const r = await ctx.backend.dispatch({ kind: 'projectionAt', projection, asOf, ...(query ? { query } : {}) });
  ctx.out.heading(`${projection} as of ${describeAsOf(asOf)}: rebuilt from the first ${plural(r.position, 'event')} of the log`);
  if (query) renderData(ctx.out, r.data);
  for (const [name, table] of Object.entries(r.tables ?? {})) {
    ctx.out.table(
      table.columns,
      table.rows.map((row) => row.map(cellOf)),
      {
        caption: `${name} (${plural(table.rows.length, 'row')}${table.truncated ? ', truncated' : ''})`,
      },
    );
  }
  ctx.out.dim('Read-only: rebuilt aside from the log; the live read model is untouched.');
}

function cellOf(v: unknown): Cell {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : formatValue(v);
}
