// The session as a whole: seed, reset, export and import, scenarios.
import type { ScriptEntry } from '../../engine/index.ts';
import { plural } from '../format.ts';
import { clockLine } from './time.ts';
import { UsageError, type CommandContext, type CommandDef } from './types.ts';

const NOT_YET = 'Scenarios are not available here yet.';

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
      args: [{ name: 'n', kind: 'integer', required: false, min: 0, max: 2 ** 31 - 1, description: 'A new seed (this resets the session)' }],
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
      description: 'Start a fresh session: empty event store and read models, time back to 0 (settings are kept).',
      examples: ['reset', 'reset --seed=7', 'reset --defaults', 'reset --domain=banking'],
      options: [
        { name: 'seed', kind: 'integer', min: 0, max: 2 ** 31 - 1, placeholder: 'n', description: 'Use this seed (default: the current one)' },
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
      usage: 'import <exported session text>',
      description: 'Replace the session with an exported one (your current session is kept if the text is not valid).',
      examples: ['import {"format":"cqrs-lab-session","version":1}'],
      async execute(args, ctx) {
        let text = args.rest.trim();
        if (text === '' && ctx.host.pickFile) text = (await ctx.host.pickFile())?.trim() ?? '';
        if (text === '') throw new UsageError('Paste the text printed by `export` after `import `.');
        await ctx.backend.importSession(text);
        ctx.state.lastCommandId = undefined;
        ctx.state.lastCommandType = undefined;
        ctx.state.lastToken = undefined;
        await afterSwap(ctx, 'Session imported');
      },
    },
    {
      name: 'scenarios',
      family: 'session',
      description: 'List the scenarios you can load.',
      examples: ['scenarios'],
      async execute(_args, ctx) {
        await listScenarios(ctx);
      },
    },
    {
      name: 'scenario',
      family: 'session',
      subject: 'scenario action',
      description: 'List or load a scenario: a prepared situation to explore.',
      examples: ['scenario list', 'scenario load flash-sale'],
      subcommands: [
        {
          name: 'list',
          aliases: ['ls'],
          family: 'session',
          description: 'List the scenarios you can load.',
          examples: ['scenario list'],
          async execute(_args, ctx) {
            await listScenarios(ctx);
          },
        },
        {
          name: 'load',
          family: 'session',
          description: 'Load a scenario (this replaces the session).',
          examples: ['scenario load flash-sale'],
          args: [{ name: 'id', kind: 'scenario', description: 'A scenario id from `scenarios`' }],
          async execute(args, ctx) {
            const { backend, out } = ctx;
            if (!backend.loadScenario) {
              out.warn(NOT_YET);
              return;
            }
            const id = args.values['id'] as string;
            const loaded = await backend.loadScenario(id);
            ctx.state.lastCommandId = undefined;
            ctx.state.lastCommandType = undefined;
            ctx.state.lastToken = undefined;
            await afterSwap(ctx, `Scenario ${loaded && loaded.title ? loaded.title : id} loaded`);
            for (const m of (loaded && loaded.messages) || []) out.text(m);
          },
        },
      ],
      async execute(_args, ctx) {
        await listScenarios(ctx);
      },
    },
  ];
}

async function listScenarios(ctx: CommandContext): Promise<void> {
  const { backend, out } = ctx;
  if (!backend.listScenarios) {
    out.warn(NOT_YET);
    return;
  }
  const list = await backend.listScenarios();
  if (list.length === 0) {
    out.dim('No scenarios yet.');
    return;
  }
  out.table(['id', 'title', 'domain', 'description'], list.map((s) => [s.id, s.title, s.domain ?? '', s.description ?? '']));
  out.dim('`scenario load <id>` loads one.');
}
