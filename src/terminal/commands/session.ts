// The session as a whole: seed, reset, export and import (scenarios: scenarios.ts).
import type { ScriptEntry } from '../../engine/index.ts';
import { plural } from '../format.ts';
import { clockLine } from './time.ts';
import { parseArgs } from '../parse.ts';
import { didYouMean } from '../suggest.ts';
import { tokenize, TokenizeError } from '../tokenize.ts';
import { UsageError, type CommandContext, type CommandDef, type CommandEntry } from './types.ts';

async function afterSwap(ctx: CommandContext, what: string): Promise<void> {
  const [catalog, clock, status] = await Promise.all([ctx.backend.catalog(), ctx.backend.clock(), ctx.backend.status()]);
  ctx.out.success(`${what}: ${catalog.title} (${catalog.name}), seed ${clock.seed}, ${plural(status.headPosition, 'event')} in the log.`);
  ctx.out.dim(clockLine(clock));
}

export function sessionCommands(): CommandDef[] {
  return [
    {
      name: 'seed',
      family: 'session',
      description: 'Show the seed of the random generator, or start a fresh session with another seed.',
      details: ['Same seed, same commands, same settings: the same run, event for event.'],
      examples: ['seed', 'seed 42'],
      args: [
        { name: 'n', kind: 'integer', required: false, min: 0, max: 2 ** 31 - 1, description: 'A new seed (this resets the session)' },
      ],
      async execute(args, ctx) {
        const seed = args.values['n'] as number | undefined;
        if (seed === undefined) {
          ctx.out.text(`seed ${(await ctx.backend.clock()).seed}`);
          ctx.out.dim('`seed <n>` starts a fresh session with another seed.');
          return;
        }
        await ctx.backend.reset({ seed });
        await afterSwap(ctx, 'Fresh session');
      },
    },
    {
      name: 'reset',
      family: 'session',
      description:
        "Start a fresh session, time back to 0 (settings are kept): the sandbox's starting data is replayed (a lesson's prepared product or account), otherwise the event store and read models start empty.",
      examples: ['reset', 'reset --seed=7', 'reset --defaults', 'reset --domain=banking'],
      options: [
        {
          name: 'seed',
          kind: 'integer',
          min: 0,
          max: 2 ** 31 - 1,
          placeholder: 'n',
          description: 'Use this seed (default: the current one)',
        },
        { name: 'domain', kind: 'domain', placeholder: 'name', description: 'Load another domain' },
        { name: 'defaults', kind: 'flag', description: 'Also put every setting back to its default' },
      ],
      async execute(args, ctx) {
        const o = args.options;
        await ctx.backend.reset({
          ...(o['seed'] !== undefined ? { seed: o['seed'] as number } : {}),
          ...(o['domain'] !== undefined ? { domain: o['domain'] as string } : {}),
          ...(o['defaults'] === true ? { defaults: true } : {}),
        });
        ctx.state.lastCommandId = undefined;
        ctx.state.lastCommandType = undefined;
        ctx.state.lastToken = undefined;
        await afterSwap(ctx, 'Fresh session');
        if (o['defaults'] !== true) ctx.out.dim('Settings were kept; `reset --defaults` also resets them.');
      },
    },
    {
      name: 'export',
      family: 'session',
      description: 'Print the session (seed, settings and every intent) as one line of text that `import` restores.',
      examples: ['export', 'export --download'],
      options: [
        { name: 'download', kind: 'flag', description: 'Also save it as a file' },
        { name: 'copy', kind: 'flag', description: 'Also copy it to the clipboard' },
      ],
      async execute(args, ctx) {
        const text = await ctx.backend.exportSession();
        let intents = 0;
        try {
          intents = (JSON.parse(text) as { script?: ScriptEntry[] }).script?.length ?? 0;
        } catch {
          // another backend's format: still printable
        }
        ctx.out.heading(`Session: ${plural(intents, 'recorded intent')}. Replaying them on the same seed gives the same run.`);
        ctx.out.text(text);
        if (args.options['download'] === true) {
          if (ctx.host.download) {
            await ctx.host.download('cqrs-lab-session.json', text);
            ctx.out.dim('Saved as cqrs-lab-session.json.');
          } else ctx.out.warn('Saving a file is not available here: copy the line above instead.');
        }
        if (args.options['copy'] === true) {
          if (ctx.host.copy) {
            await ctx.host.copy(text);
            ctx.out.dim('Copied to the clipboard.');
          } else ctx.out.warn('The clipboard is not available here: select the line above and copy it.');
        }
        ctx.out.dim('Restore it with `import <the line>`.');
      },
    },
    {
      name: 'import',
      family: 'session',
      raw: true,
      usage: 'import <exported session text>  |  import <streamId> <EventType> [--schema-version=n] <JSON data>',
      description:
        'Replace the session with an exported one (kept as it is if the text is not valid), or append one event written by an older system.',
      details: [
        'With a stream id first, the line appends one historical event, as a migration would: `import product-OLD-3 ProductAdded --schema-version=1 {"sku":"OLD-3","name":"Stapler","priceCents":900,"stock":12}`.',
        'The data is the rest of the line, as JSON; --schema-version says which version of the event it is written in (default: the current one). Readers see it upcast to today’s shape.',
      ],
      examples: [
        'import {"format":"cqrs-lab-session","version":1}',
        'import product-OLD-3 ProductAdded --schema-version=1 {"sku":"OLD-3","name":"Stapler","priceCents":900,"stock":12}',
      ],
      async execute(args, ctx) {
        let text = args.rest.trim();
        if (text !== '' && !text.startsWith('{')) {
          await importEvent(text, ctx);
          return;
        }
        if (text === '' && ctx.host.pickFile) text = (await ctx.host.pickFile())?.trim() ?? '';
        if (text === '') throw new UsageError('Paste the text printed by `export` after `import `.');
        await ctx.backend.importSession(text);
        ctx.state.lastCommandId = undefined;
        ctx.state.lastCommandType = undefined;
        ctx.state.lastToken = undefined;
        await afterSwap(ctx, 'Session imported');
      },
    },
  ];
}

const IMPORT_EVENT: CommandEntry = {
  name: 'import',
  family: 'session',
  path: ['import'],
  usage: 'import <streamId> <EventType> [--schema-version=n] <JSON data>',
  description: 'Append one event written by an older system.',
  examples: ['import product-OLD-3 ProductAdded --schema-version=1 {"sku":"OLD-3","name":"Stapler","priceCents":900,"stock":12}'],
  args: [
    { name: 'streamId', kind: 'stream', description: 'The stream it belongs to, e.g. product-OLD-3' },
    { name: 'type', kind: 'text', description: 'The event type, e.g. ProductAdded (`domain` lists them)' },
  ],
  options: [
    {
      name: 'schema-version',
      aliases: ['schema'],
      kind: 'integer',
      min: 1,
      placeholder: 'n',
      description: 'The schema version its data is written in (default: the current one)',
    },
  ],
};

/** `import <streamId> <EventType> [--schema-version=n] <json>`: checked here as the engine checks an import, then appended by it. */
async function importEvent(text: string, ctx: CommandContext): Promise<void> {
  const brace = text.indexOf('{');
  if (brace === -1)
    throw new UsageError('Give the event’s data as a JSON object after its type, e.g. {"sku":"OLD-3","name":"Stapler"}.', IMPORT_EVENT);
  let head = text.slice(0, brace);
  let json = text.slice(brace).trim();
  // '{…}' quoted as a whole: the quotes are the shell's, not the JSON's.
  if (/'\s*$/.test(head) && json.endsWith("'")) {
    head = head.replace(/'\s*$/, '');
    json = json.slice(0, -1);
  }
  let tokens;
  try {
    tokens = tokenize(head);
  } catch (e) {
    throw new UsageError(e instanceof TokenizeError ? e.message : String(e), IMPORT_EVENT);
  }
  const parsed = parseArgs(IMPORT_EVENT, tokens, ctx.catalog);
  const streamId = parsed.values['streamId'] as string;
  const typed = parsed.values['type'] as string;
  const schemaVersion = parsed.options['schema-version'] as number | undefined;
  const types = ctx.catalog.events.map((e) => e.type);
  const spec =
    ctx.catalog.events.find((e) => e.type === typed) ?? ctx.catalog.events.find((e) => e.type.toLowerCase() === typed.toLowerCase());
  if (!spec)
    throw new UsageError(
      `There is no event type '${typed}'.${didYouMean(typed, types)} This domain has: ${types.join(', ')}.`,
      IMPORT_EVENT,
    );
  const aggregate = ctx.catalog.aggregates.find((a) => a.name === spec.aggregate);
  if (aggregate && (!streamId.startsWith(aggregate.streamPrefix) || streamId.length <= aggregate.streamPrefix.length))
    throw new UsageError(`${spec.type} belongs to a stream named ${aggregate.streamPrefix}<id>, got '${streamId}'.`, IMPORT_EVENT);
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new UsageError(
      `The data is not valid JSON (${e instanceof Error ? e.message : String(e)}): write it as {"field":value,…}.`,
      IMPORT_EVENT,
    );
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new UsageError('The data must be one JSON object, e.g. {"sku":"OLD-3"}.', IMPORT_EVENT);
  const r = await ctx.backend.dispatch({
    kind: 'import',
    events: [
      { streamId, type: spec.type, data: data as Record<string, unknown>, ...(schemaVersion !== undefined ? { schemaVersion } : {}) },
    ],
  });
  for (const e of r.events) {
    ctx.out.success(`✓ Imported ${e.eventType} into ${e.streamId} as version ${e.version}, at position ${e.position} (${r.commandId}).`);
    ctx.out.dim(
      `Stored as written, in schema version ${e.storedSchemaVersion}; readers and projections see it upcast to today’s shape. \`stream ${e.streamId}\` shows it.`,
    );
  }
}
