// The terminal itself: help, clear, history.
import type { Block, Cell, OutputBuilder } from '../output.ts';
import { findSubcommand } from '../parse.ts';
import { suggest } from '../suggest.ts';
import {
  FAMILY_TITLES,
  UsageError,
  type CommandContext,
  type CommandDef,
  type CommandEntry,
  type CommandTable,
  type Family,
} from './types.ts';

const KEYS = 'Tab completes · ↑/↓ walk the history · Ctrl+C cancels the line · Ctrl+L clears the screen.';

function overview(ctx: CommandContext): void {
  const { out, table, catalog } = ctx;
  out.heading(`CQRS Lab terminal — ${catalog.title} (${catalog.name})`);
  const builtins = table.entries.filter(
    (e) => !catalog.commands.some((c) => c.type === e.name) && !catalog.queries.some((q) => q.type === e.name),
  );
  for (const family of Object.keys(FAMILY_TITLES) as Family[]) {
    const entries = builtins.filter((e) => e.family === family);
    if (entries.length === 0) continue;
    out.blank();
    out.heading(FAMILY_TITLES[family]);
    out.table(
      [],
      entries.map((e): Cell[] => [{ text: e.name, style: 'accent' }, e.description]),
      { wrap: true },
    );
    if (family === 'domain') {
      out.line({ text: 'commands: ', style: 'dim' }, { text: catalog.commands.map((c) => c.type).join(', '), style: 'accent' });
      out.line({ text: 'queries:  ', style: 'dim' }, { text: catalog.queries.map((q) => q.type).join(', '), style: 'accent' });
    }
  }
  out.blank();
  out.dim('`help <command>` shows its usage and examples, e.g. `help bus` or `help ' + (catalog.commands[0]?.type ?? 'sql') + '`.');
  out.dim(KEYS);
}

export function entryHelp(out: OutputBuilder, entry: CommandEntry, table: CommandTable): void {
  out.styled('code', entry.usage);
  out.text(entry.description);
  for (const d of entry.details ?? []) out.dim(d);
  if (entry.aliases?.length) out.dim(`Also: ${entry.aliases.join(', ')}`);
  const args = (entry.args ?? []).filter((a) => a.kind !== 'field');
  if (args.length > 0) {
    out.table(
      [],
      args.map((a): Cell[] => [{ text: a.required === false ? `[${a.name}]` : `<${a.name}>`, style: 'accent' }, a.description]),
      { wrap: true },
    );
  }
  const extra: Block[] = entry.helpExtra?.(table.catalog) ?? [];
  out.blocks.push(...extra);
  if (entry.options?.length) {
    out.table(
      [],
      entry.options.map((o): Cell[] => [
        { text: `--${o.name}${o.kind === 'flag' ? '' : `=${o.placeholder ?? o.name}`}`, style: 'accent' },
        o.description,
      ]),
      { wrap: true },
    );
  }
  if (entry.subcommands?.length) {
    out.table(
      [],
      entry.subcommands.map((s): Cell[] => [{ text: s.usage, style: 'accent' }, s.description]),
      { wrap: true },
    );
  }
  out.heading(entry.examples.length === 1 ? 'Example' : 'Examples');
  for (const ex of entry.examples) out.styled('code', `  ${ex}`);
}

export function terminalCommands(): CommandDef[] {
  return [
    {
      name: 'help',
      aliases: ['?', 'man'],
      family: 'terminal',
      description: 'List the commands, or show the usage and examples of one.',
      examples: ['help', 'help bus', 'help bus latency', 'help commands'],
      args: [
        { name: 'command', kind: 'topic', required: false, description: 'A command name' },
        { name: 'subcommand', kind: 'text', required: false, description: 'One of its subcommands' },
      ],
      complete(req, ctx) {
        if (req.before.length !== 1) return undefined;
        return ctx.table.lookup(req.before[0]!.value)?.subcommands?.map((s) => s.name) ?? [];
      },
      execute(args, ctx) {
        const name = args.values['command'] as string | undefined;
        if (name === undefined) {
          overview(ctx);
          return;
        }
        let entry = ctx.table.lookup(name);
        if (!entry) {
          const hint = suggest(name, ctx.table.allNames());
          throw new UsageError(
            `There is no command '${name}'.${hint !== undefined ? ` Did you mean '${hint}'?` : ''} \`help\` lists them all.`,
          );
        }
        const sub = args.values['subcommand'] as string | undefined;
        if (sub !== undefined) {
          const found = findSubcommand(entry, sub);
          if (!found) {
            const names = (entry.subcommands ?? []).map((s) => s.name);
            const hint = suggest(sub, names);
            throw new UsageError(
              names.length === 0
                ? `'${entry.name}' has no subcommands.`
                : `'${entry.name}' has no subcommand '${sub}'.${hint !== undefined ? ` Did you mean '${hint}'?` : ''} It has: ${names.join(', ')}.`,
            );
          }
          entry = found;
        }
        entryHelp(ctx.out, entry, ctx.table);
      },
    },
    {
      name: 'clear',
      aliases: ['cls'],
      family: 'terminal',
      description: 'Clear the screen (Ctrl+L does the same).',
      examples: ['clear'],
      execute(_args, ctx) {
        ctx.out.clear = true;
      },
    },
    {
      name: 'history',
      family: 'terminal',
      description: 'Show the lines typed here (kept across reloads), clear them, or show a stream’s history.',
      usage: 'history [n|clear|<streamId>]',
      examples: ['history', 'history 10', 'history clear'],
      args: [{ name: 'what', kind: 'text', required: false, description: 'How many lines, `clear`, or a stream id' }],
      async execute(args, ctx) {
        const what = args.values['what'] as string | undefined;
        if (what === 'clear') {
          ctx.history.clear();
          ctx.out.success('History cleared.');
          return;
        }
        if (what !== undefined && !/^\d+$/.test(what)) {
          // `history product-KB-42`: the history of a stream.
          const stream = ctx.table.lookup('stream');
          if (stream?.execute) {
            await stream.execute({ values: { streamId: what }, options: {}, rest: '' }, { ...ctx, entry: stream });
            return;
          }
        }
        const n = what === undefined ? 50 : Math.max(1, Number(what));
        const entries = ctx.history.entries;
        const start = Math.max(0, entries.length - n);
        if (entries.length === 0) {
          ctx.out.dim('Nothing typed yet.');
          return;
        }
        ctx.out.table(
          [],
          entries.slice(start).map((line, i): Cell[] => [{ text: start + i + 1, style: 'dim' }, line]),
          { align: ['right', 'left'], wrap: true },
        );
      },
    },
  ];
}
