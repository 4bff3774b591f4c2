// From a typed line to an entry of the command table and its coerced
// arguments. Pure: no backend, no I/O. Bad input becomes a ParseResult that
// says what was wrong; nothing here throws to the caller.
import { parseFieldValue, type FieldSpec } from '../engine/index.ts';
import type { DomainCatalog } from './backend.ts';
import type { ArgSpec, CommandEntry, CommandTable, OptionSpec, ParsedArgs } from './commands/types.ts';
import { UsageError } from './commands/types.ts';
import { STRATEGY_HELP, strategyOf } from './strategies.ts';
import { didYouMean, suggest } from './suggest.ts';
import { splitRaw, tokenize, TokenizeError, type Token } from './tokenize.ts';

export type ParseResult =
  | { kind: 'empty' }
  | { kind: 'unknown'; word: string; suggestion?: string; message: string }
  | { kind: 'usage'; entry: CommandEntry; message: string }
  | { kind: 'ok'; entry: CommandEntry; args: ParsedArgs };

export function parseLine(line: string, table: CommandTable): ParseResult {
  const { head } = splitRaw(line, 1);
  const first = head[0];
  if (!first) return { kind: 'empty' };
  if (first.value.startsWith('#')) return { kind: 'empty' }; // a comment line
  let entry = table.lookup(first.value);
  if (!entry) {
    const suggestion = suggestCommand(first.value, table);
    return {
      kind: 'unknown',
      word: first.value,
      ...(suggestion !== undefined ? { suggestion } : {}),
      message: `Unknown command '${first.value}'.${suggestion !== undefined ? ` Did you mean '${suggestion}'?` : ''}`,
    };
  }
  if (entry.raw) return { kind: 'ok', entry, args: { values: {}, options: {}, rest: splitRaw(line, 1).rest } };
  let tokens: Token[];
  try {
    tokens = tokenize(line);
  } catch (e) {
    return { kind: 'usage', entry, message: e instanceof TokenizeError ? e.message : String(e) };
  }
  let i = 1;
  while (entry.subcommands && i < tokens.length) {
    const t = tokens[i]!;
    if (t.quoted || t.key !== undefined || t.raw.startsWith('--')) break;
    const sub = findSubcommand(entry, t.value);
    if (!sub) break;
    entry = sub;
    i++;
    if (entry.raw) {
      return { kind: 'ok', entry, args: { values: {}, options: {}, rest: line.slice(t.end).replace(/^\s+/, '') } };
    }
  }
  const rest = tokens.slice(i);
  try {
    return { kind: 'ok', entry, args: parseArgs(entry, rest, table.catalog) };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    // `bus latncy 5`: the word was meant as a subcommand.
    const word = rest[0];
    if (entry.subcommands && word && !word.quoted) {
      const names = entry.subcommands.flatMap((s) => [s.name, ...(s.aliases ?? [])]);
      const hint = suggest(word.value, names);
      if (hint !== undefined || !entry.args?.length) {
        return {
          kind: 'usage',
          // Show the usage of the subcommand it was probably meant to be.
          entry: (hint !== undefined ? findSubcommand(entry, hint) : undefined) ?? entry,
          message:
            `Unknown ${entry.subject ?? `${entry.path.join(' ')} subcommand`} '${word.value}'.` +
            (hint !== undefined ? ` Did you mean '${hint}'?` : ` Choose from: ${entry.subcommands.map((s) => s.name).join(', ')}.`),
        };
      }
    }
    return { kind: 'usage', entry: e.entry ?? entry, message: e.message };
  }
}

export function findSubcommand(entry: CommandEntry, word: string): CommandEntry | undefined {
  const subs = entry.subcommands ?? [];
  const lower = word.toLowerCase();
  return (
    subs.find((s) => s.name === word || s.aliases?.includes(word)) ??
    subs.find((s) => s.name.toLowerCase() === lower || s.aliases?.some((a) => a.toLowerCase() === lower))
  );
}

/** Words that look like SQL typed without `sql` in front. */
const SQL_WORDS = new Set([
  'select',
  'with',
  'pragma',
  'insert',
  'update',
  'delete',
  'drop',
  'create',
  'alter',
  'attach',
  'detach',
  'begin',
  'commit',
  'rollback',
  'explain',
  'replace',
  'vacuum',
  'values',
]);

export function looksLikeSql(word: string): boolean {
  return SQL_WORDS.has(word.toLowerCase());
}

function suggestCommand(word: string, table: CommandTable): string | undefined {
  return suggest(word, table.allNames());
}

/** Bind tokens to an entry's arguments and options. Throws UsageError. */
export function parseArgs(entry: CommandEntry, tokens: readonly Token[], catalog: DomainCatalog): ParsedArgs {
  const values: Record<string, unknown> = {};
  const options: Record<string, unknown> = {};
  const positional: Token[] = [];
  const args = entry.args ?? [];
  const opts = entry.options ?? [];
  let endOfOptions = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!endOfOptions && t.raw === '--') {
      endOfOptions = true;
      continue;
    }
    if (!endOfOptions && t.raw.startsWith('--') && t.raw.length > 2) {
      const name = (t.key ?? t.value).slice(2);
      const spec = findOption(opts, name);
      if (!spec) {
        const names = opts.flatMap((o) => [o.name, ...(o.aliases ?? [])]);
        throw new UsageError(
          opts.length === 0
            ? `'${entry.path.join(' ')}' takes no options, got --${name}.`
            : `Unknown option --${name}.${didYouMean(name, names).replace(/'([^']+)'/, "'--$1'")}`,
          entry,
        );
      }
      if (spec.kind === 'flag') {
        options[spec.name] = t.key !== undefined ? coerceOnOff(`--${spec.name}`, t.keyValue ?? '', entry) : true;
        continue;
      }
      let raw: string | undefined = t.keyValue;
      if (t.key === undefined) {
        const next = tokens[i + 1];
        if (next && !(next.raw.startsWith('--') && next.raw.length > 2)) {
          raw = next.value;
          i++;
        }
      }
      if (raw === undefined || raw === '') {
        throw new UsageError(`--${spec.name} needs a value, e.g. --${spec.name}=${spec.placeholder ?? placeholderOf(spec)}.`, entry);
      }
      options[spec.name] = coerce(spec as Spec, `--${spec.name}`, raw, entry, catalog);
      continue;
    }
    if (entry.pairs && t.key !== undefined && !t.key.startsWith('--')) {
      const arg = args.find((a) => a.name === t.key) ?? args.find((a) => a.name.toLowerCase() === t.key!.toLowerCase());
      if (!arg) {
        throw new UsageError(
          `${entry.name} has no field '${t.key}'.${didYouMean(
            t.key,
            args.map((a) => a.name),
          )} It takes: ${args.map((a) => a.name).join(', ') || 'nothing'}.`,
          entry,
        );
      }
      if (arg.name in values) throw new UsageError(`'${arg.name}' is given twice.`, entry);
      values[arg.name] = coerce(arg, arg.name, t.keyValue ?? '', entry, catalog);
      continue;
    }
    positional.push(t);
  }
  let p = 0;
  for (const arg of args) {
    if (arg.name in values) continue;
    const t = positional[p];
    if (t) {
      values[arg.name] = coerce(arg, arg.name, t.value, entry, catalog);
      p++;
    } else if (arg.required !== false) {
      throw new UsageError(`Missing <${arg.name}>: ${lowerFirst(arg.description)}.`, entry);
    }
  }
  if (p < positional.length) {
    const extra = positional
      .slice(p)
      .map((t) => t.raw)
      .join(' ');
    throw new UsageError(
      args.length === 0 ? `'${entry.path.join(' ')}' takes no arguments, got: ${extra}` : `Too many arguments: ${extra}`,
      entry,
    );
  }
  return { values, options, rest: '' };
}

function findOption(opts: readonly OptionSpec[], name: string): OptionSpec | undefined {
  const lower = name.toLowerCase();
  return (
    opts.find((o) => o.name === name || o.aliases?.includes(name)) ??
    opts.find((o) => o.name.toLowerCase() === lower || o.aliases?.some((a) => a.toLowerCase() === lower))
  );
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}

export function placeholderOf(spec: ArgSpec | OptionSpec): string {
  switch (spec.kind) {
    case 'onoff':
      return 'on|off';
    case 'enum':
      return (spec.values ?? []).join('|');
    case 'duration':
      return '500ms';
    case 'probability':
      return '10%';
    case 'integer':
    case 'number':
      return 'n';
    default:
      return `<${spec.name}>`;
  }
}

// ── coercion ──────────────────────────────────────────────────────────────

type Spec = ArgSpec | (OptionSpec & { kind: Exclude<OptionSpec['kind'], 'flag'> });

function coerce(spec: Spec, label: string, raw: string, entry: CommandEntry, catalog: DomainCatalog): unknown {
  const fail = (expected: string): never => {
    throw new UsageError(`${label} should be ${expected}, got '${raw}'.`, entry);
  };
  const bounded = (n: number, what: string): number => {
    if (spec.min !== undefined && n < spec.min) fail(`${what} of at least ${spec.min}`);
    if (spec.max !== undefined && n > spec.max) fail(`${what} of at most ${spec.max}`);
    return n;
  };
  switch (spec.kind) {
    case 'text':
    case 'stream':
    case 'topic':
    case 'setting':
    case 'domain':
    case 'scenario':
    case 'variant':
      return raw;
    case 'strategy': {
      const strategy = strategyOf(raw);
      if (strategy === undefined) fail(`a consistency strategy: ${Object.keys(STRATEGY_HELP).join(', ')}`);
      return strategy;
    }
    case 'integer': {
      const n = Number(raw.replaceAll('_', ''));
      if (raw.trim() === '' || !Number.isSafeInteger(n)) fail('a whole number');
      return bounded(n, 'a whole number');
    }
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) fail('a number');
      return bounded(n, 'a number');
    }
    case 'onoff':
      return coerceOnOff(label, raw, entry);
    case 'enum': {
      const values = spec.values ?? [];
      const hit = values.find((v) => v.toLowerCase() === raw.toLowerCase());
      if (hit === undefined)
        fail(`one of: ${values.join(', ')}${didYouMean(raw, values).replace(' Did you mean', ' (did you mean').replace('?', '?)')}`);
      return hit;
    }
    case 'duration': {
      const ms = parseDuration(raw);
      if (ms === undefined) fail('a duration such as 500, 500ms, 2s or 1m');
      return bounded(ms!, 'a duration (in ms)');
    }
    case 'probability': {
      const p = parseProbability(raw);
      if (p === undefined) fail('a probability such as 10% or 0.1 (from 0 to 1)');
      return p;
    }
    case 'speed': {
      const m = /^(\d+(?:\.\d+)?|\.\d+)\s*[x×]?$/i.exec(raw.trim());
      const n = m ? Number(m[1]) : Number.NaN;
      if (!Number.isFinite(n) || n <= 0) fail('a speed such as 0.5, 2 or 10x');
      return bounded(n, 'a speed');
    }
    case 'projection': {
      const names = catalog.projections.map((p) => p.name);
      if ('allowAll' in spec && spec.allowAll && raw.toLowerCase() === 'all') return 'all';
      const hit = names.find((n) => n === raw) ?? names.find((n) => n.toLowerCase() === raw.toLowerCase());
      if (hit === undefined) {
        throw new UsageError(
          `There is no projection called '${raw}'.${didYouMean(raw, names)} This domain has: ${names.join(', ')}${'allowAll' in spec && spec.allowAll ? ' (or all)' : ''}.`,
          entry,
        );
      }
      return hit;
    }
    case 'store': {
      const names = ['write', ...catalog.projections.map((p) => p.name)];
      const hit = names.find((n) => n === raw) ?? names.find((n) => n.toLowerCase() === raw.toLowerCase());
      if (hit === undefined)
        throw new UsageError(`There is no store called '${raw}'.${didYouMean(raw, names)} Stores: ${names.join(', ')}.`, entry);
      return hit;
    }
    case 'field':
      return coerceField((spec as ArgSpec).field, raw);
  }
}

function coerceOnOff(label: string, raw: string, entry: CommandEntry): boolean {
  const v = raw.toLowerCase();
  if (v === 'on' || v === 'true' || v === 'yes' || v === '1') return true;
  if (v === 'off' || v === 'false' || v === 'no' || v === '0') return false;
  throw new UsageError(`${label} should be on or off, got '${raw}'.`, entry);
}

/** Text typed for a domain field, in the field's type (the engine judges it). */
export function coerceField(field: FieldSpec | undefined, raw: string): unknown {
  if (!field) return raw;
  switch (field.kind) {
    case 'boolean': {
      const v = raw.toLowerCase();
      if (v === 'true' || v === 'yes' || v === 'on') return true;
      if (v === 'false' || v === 'no' || v === 'off') return false;
      return raw;
    }
    case 'enum':
      return (field.values ?? []).find((x) => x.toLowerCase() === raw.toLowerCase()) ?? raw;
    case 'integer':
    case 'number':
      return parseFieldValue(field, raw.replaceAll('_', ''));
    default:
      return parseFieldValue(field, raw);
  }
}

/** 500 → 500; 500ms; 2s → 2000; 1.5s; 1m / 1min → 60000. */
export function parseDuration(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|sec|m|min)?$/i.exec(raw.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'ms').toLowerCase();
  const ms = unit === 'ms' ? n : unit === 's' || unit === 'sec' ? n * 1000 : n * 60_000;
  return Math.round(ms);
}

/** 10% → 0.1; 0.1 → 0.1; values above 1 need a % sign. */
export function parseProbability(raw: string): number | undefined {
  const text = raw.trim();
  const pct = /^(\d+(?:\.\d+)?|\.\d+)\s*%$/.exec(text);
  if (pct) {
    const n = Number(pct[1]) / 100;
    return n <= 1 ? Math.round(n * 1e9) / 1e9 : undefined;
  }
  if (!/^(\d+(?:\.\d+)?|\.\d+)$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 0 && n <= 1 ? n : undefined;
}
