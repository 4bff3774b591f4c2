// Assemble the command table for a loaded domain: the built-in families plus
// one entry per domain command and query type, derived from their specs, so
// a new domain needs no change here.
import type { DomainCatalog } from '../backend.ts';
import { placeholderOf } from '../parse.ts';
import { busCommands } from './bus.ts';
import { domainCommands } from './domain.ts';
import { forkCommands } from './fork.ts';
import { projectionCommands } from './projections.ts';
import { readCommands } from './read.ts';
import { scenarioCommands } from './scenarios.ts';
import { sessionCommands } from './session.ts';
import { sqlCommands } from './sql.ts';
import { temporalCommands } from './temporal.ts';
import { terminalCommands } from './terminal.ts';
import { timeCommands } from './time.ts';
import type { ArgSpec, CommandDef, CommandEntry, CommandTable, OptionSpec } from './types.ts';

export function buildCommandTable(catalog: DomainCatalog): CommandTable {
  const { builtins: domainBuiltins, types } = domainCommands(catalog);
  const defs: CommandDef[] = [
    ...domainBuiltins,
    ...readCommands(catalog),
    ...temporalCommands(catalog),
    ...sqlCommands(catalog),
    ...busCommands(catalog),
    ...projectionCommands(catalog),
    ...timeCommands(),
    ...sessionCommands(),
    ...forkCommands(),
    ...scenarioCommands(),
    ...terminalCommands(),
  ];
  const builtins = defs.map((d) => finish(d, []));
  // Built-ins win over domain types on a name clash (e.g. a command called "Reset").
  const taken = new Set(builtins.flatMap((e) => [e.name.toLowerCase(), ...(e.aliases ?? []).map((a) => a.toLowerCase())]));
  const typed = types.map((d) => finish(d, [])).filter((e) => !taken.has(e.name.toLowerCase()) || e.name !== e.name.toLowerCase());
  const entries = [...builtins, ...typed];
  const lookup = (word: string): CommandEntry | undefined => {
    const exact = entries.find((e) => e.name === word || e.aliases?.includes(word));
    if (exact) return exact;
    const lower = word.toLowerCase();
    return entries.find((e) => e.name.toLowerCase() === lower || e.aliases?.some((a) => a.toLowerCase() === lower));
  };
  return {
    catalog,
    entries,
    lookup,
    allNames: () => entries.flatMap((e) => [e.name, ...(e.aliases ?? [])]),
    completionNames: () => entries.map((e) => e.name),
  };
}

/** Work out usage and path, recursively. */
export function finish(def: CommandDef, parent: readonly string[]): CommandEntry {
  const path = [...parent, def.name];
  const { subcommands: subDefs, ...rest } = def;
  const subcommands = subDefs?.map((s) => finish(s, path));
  const entry: CommandEntry = { ...rest, path, usage: def.usage ?? usageOf(path, def, subcommands) };
  if (subcommands) entry.subcommands = subcommands;
  return entry;
}

export function usageOf(path: readonly string[], def: CommandDef, subcommands?: readonly CommandEntry[]): string {
  const parts: string[] = [...path];
  if (subcommands && subcommands.length > 0) {
    const names = subcommands.map((s) => s.name).join('|');
    parts.push(def.execute ? `[${names}]` : `<${names}>`);
    if (def.args?.length) parts.push(...def.args.map(argUsage));
    else parts.push('…');
    return parts.join(' ');
  }
  if (def.raw) parts.push('<text…>');
  parts.push(...(def.args ?? []).map(argUsage));
  parts.push(...(def.options ?? []).map(optionUsage));
  return parts.join(' ');
}

export function argUsage(arg: ArgSpec): string {
  const inner = arg.kind === 'onoff' ? 'on|off' : arg.kind === 'enum' && arg.values ? arg.values.join('|') : arg.name;
  const bare = arg.kind === 'onoff' || (arg.kind === 'enum' && arg.values);
  if (arg.required === false) return `[${inner}]`;
  return bare ? inner : `<${inner}>`;
}

export function optionUsage(opt: OptionSpec): string {
  if (opt.kind === 'flag') return `[--${opt.name}]`;
  return `[--${opt.name}=${opt.placeholder ?? placeholderOf(opt)}]`;
}

/** Every entry of the table, subcommands included (depth first). */
export function allEntries(table: CommandTable): CommandEntry[] {
  const out: CommandEntry[] = [];
  const walk = (e: CommandEntry): void => {
    out.push(e);
    for (const s of e.subcommands ?? []) walk(s);
  };
  for (const e of table.entries) walk(e);
  return out;
}
