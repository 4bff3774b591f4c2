// The session as a whole: seed, reset, export and import (scenarios: scenarios.ts).
import type { ScriptEntry } from '../../engine/index.ts';
import { plural } from '../format.ts';
import { clockLine } from './time.ts';
import { UsageError, type CommandContext, type CommandDef } from './types.ts';

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
  ];
}
