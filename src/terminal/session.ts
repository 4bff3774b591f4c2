// A terminal session: runs typed lines against a backend and returns
// structured output, completes words, keeps the history. DOM-free: the
// xterm.js layer renders `Output` with ansi.ts and feeds keys in.
//
// Nothing typed can throw out of `run()`: bad input, engine errors and
// internal failures all become output. Lines run one at a time, in order.
import type { DomainCatalog, TerminalBackend } from './backend.ts';
import { settingPaths } from './commands/settingsSchema.ts';
import { writeHint } from './commands/sql.ts';
import { buildCommandTable } from './commands/table.ts';
import {
  UsageError,
  type ArgSpec,
  type CommandContext,
  type CommandEntry,
  type CommandTable,
  type CompletionContext,
  type OptionSpec,
  type SessionState,
  type TerminalHost,
} from './commands/types.ts';
import { TerminalHistory, type KeyValueStorage } from './history.ts';
import { OutputBuilder, span, type Output } from './output.ts';
import { findSubcommand, looksLikeSql, parseLine, type ParseResult } from './parse.ts';
import { scenarioCatalog } from '../scenarios/index.ts';
import { STRATEGY_HELP } from './strategies.ts';
import { quoteIfNeeded, tokenize, type Token } from './tokenize.ts';

export interface TerminalSessionOptions {
  backend: TerminalBackend;
  /** Where history is kept across reloads (localStorage in the browser). */
  storage?: KeyValueStorage;
  historyKey?: string;
  historyLimit?: number;
  /** Sent with every command and query (read-your-writes is per session). Default 'terminal'. */
  sessionId?: string;
  host?: TerminalHost;
}

export interface Completion {
  /** Replaced range of the original line. */
  from: number;
  to: number;
  /** Every word that fits (shown when there are several). */
  candidates: string[];
  /** The line after completing as far as the candidates agree, and where the cursor goes. */
  line: string;
  cursor: number;
}

export class TerminalSession {
  readonly backend: TerminalBackend;
  readonly history: TerminalHistory;
  readonly state: SessionState;
  readonly host: TerminalHost;
  #catalogKey = '';
  #table: CommandTable | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  readonly #storage: KeyValueStorage | undefined;

  constructor(options: TerminalSessionOptions) {
    this.backend = options.backend;
    this.history = new TerminalHistory({
      ...(options.storage ? { storage: options.storage } : {}),
      ...(options.historyKey !== undefined ? { key: options.historyKey } : {}),
      ...(options.historyLimit !== undefined ? { limit: options.historyLimit } : {}),
    });
    this.state = { sessionId: options.sessionId ?? 'terminal' };
    this.host = options.host ?? {};
    this.#storage = options.storage;
  }

  /** The command table for the domain the backend has loaded now (rebuilt when it changes). */
  async table(): Promise<CommandTable> {
    const catalog = await this.backend.catalog();
    const key = JSON.stringify(catalog);
    if (!this.#table || key !== this.#catalogKey) {
      this.#table = buildCommandTable(catalog);
      this.#catalogKey = key;
    }
    return this.#table;
  }

  /** Parse without running (for tests and for highlighting). */
  async parse(line: string): Promise<ParseResult> {
    return parseLine(line, await this.table());
  }

  /** A greeting for a fresh terminal. */
  async banner(): Promise<Output> {
    const out = new OutputBuilder();
    try {
      const catalog = await this.backend.catalog();
      out.heading(`CQRS Lab terminal — ${catalog.title} (${catalog.name})`);
      out.dim('Type `help` for the commands, `commands` for what this domain accepts. Tab completes; ↑/↓ recall earlier lines.');
    } catch (e) {
      out.error(`The sandbox is not ready: ${messageOf(e)}`);
    }
    return out.build();
  }

  /** Run one line. Never rejects. */
  run(line: string): Promise<Output> {
    const next = this.#chain.then(() => this.#run(line));
    this.#chain = next.catch(() => undefined);
    return next;
  }

  async #run(line: string): Promise<Output> {
    const out = new OutputBuilder();
    this.history.push(line);
    try {
      const table = await this.table();
      const parsed = parseLine(line, table);
      switch (parsed.kind) {
        case 'empty':
          break;
        case 'unknown':
          out.error(parsed.message);
          if (looksLikeSql(parsed.word)) out.line(span('SQL goes through `sql`: ', 'dim'), span(`sql ${line.trim()}`, 'code'));
          else out.dim('`help` lists every command.');
          break;
        case 'usage':
          usage(out, parsed.entry, parsed.message);
          break;
        case 'ok': {
          const ctx: CommandContext = {
            backend: this.backend,
            catalog: table.catalog,
            table,
            out,
            state: this.state,
            history: this.history,
            host: this.host,
            ...(this.#storage ? { storage: this.#storage } : {}),
            entry: parsed.entry,
          };
          try {
            if (parsed.entry.execute) await parsed.entry.execute(parsed.args, ctx);
            else usage(out, parsed.entry, `'${parsed.entry.path.join(' ')}' needs more.`);
          } catch (e) {
            report(e, parsed.entry, table.catalog, out);
          }
          break;
        }
      }
    } catch (e) {
      out.error(`The terminal could not run that: ${messageOf(e)}`);
    }
    return out.build();
  }

  /** Complete the word at the cursor. Never rejects. */
  async complete(line: string, cursor: number = line.length): Promise<Completion> {
    const none: Completion = { from: cursor, to: cursor, candidates: [], line, cursor };
    try {
      const table = await this.table();
      const before = line.slice(0, cursor);
      const tokens = tokenize(before, { lenient: true });
      const last = tokens[tokens.length - 1];
      const partialTok = last && last.end === before.length ? tokens.pop() : undefined;
      const partial = partialTok?.value ?? '';
      const from = partialTok?.start ?? cursor;
      const cctx: CompletionContext = { backend: this.backend, catalog: table.catalog, table, state: this.state };
      const raw = await candidatesFor(table, tokens, partialTok, partial, before, cctx);
      const lower = partial.toLowerCase();
      const candidates = [...new Set(raw)].filter((c) => c.toLowerCase().startsWith(lower));
      if (candidates.length === 0) return none;
      let replacement: string;
      if (candidates.length === 1) {
        const only = candidates[0]!;
        const quoted = only.endsWith('=') ? only : quoteIfNeeded(only);
        replacement = quoted.endsWith('=') ? quoted : `${quoted} `;
      } else {
        const common = commonPrefix(candidates);
        replacement = common.length > partial.length ? common : (partialTok?.raw ?? '');
      }
      const newLine = line.slice(0, from) + replacement + line.slice(cursor);
      return { from, to: cursor, candidates, line: newLine, cursor: from + replacement.length };
    } catch {
      return none;
    }
  }
}

// ── errors ──────────────────────────────────────────────────────────────

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function usage(out: OutputBuilder, entry: CommandEntry, message: string): void {
  out.error(message);
  out.line(span('usage:   ', 'dim'), span(entry.usage, 'code'));
  const example = entry.examples[0];
  if (example !== undefined) out.line(span('example: ', 'dim'), span(example, 'code'));
}

function report(e: unknown, entry: CommandEntry, catalog: DomainCatalog, out: OutputBuilder): void {
  if (e instanceof UsageError) {
    usage(out, e.entry ?? entry, e.message);
    return;
  }
  const code = (e as { code?: unknown } | null)?.code;
  const message = messageOf(e);
  switch (code) {
    case 'INVALID_PAYLOAD':
      usage(out, entry, message);
      return;
    case 'READ_ONLY':
      out.error(message);
      out.warn(writeHint(catalog));
      return;
    case 'UNKNOWN_STREAM':
      out.error(message);
      out.dim('`streams` lists the streams that exist.');
      return;
    case 'NOT_QUIESCENT':
      out.error(message);
      out.dim('Lower the drop probability (`bus drops 0`) or move time in smaller amounts (`time advance 1s`).');
      return;
    case 'INVALID_INTENT':
      out.error(message);
      if (/projection action/i.test(message)) out.dim('This engine does not offer that yet.');
      return;
    case 'CONCURRENCY': {
      out.error(message);
      const details = (e as { details?: { expectedBy?: unknown; streamId?: unknown } }).details;
      if (details?.expectedBy === 'client')
        out.dim(
          `\`stream ${String(details.streamId)}\` shows what changed since; decide again, then send it with the new --expect-version.`,
        );
      return;
    }
    case 'READ_MODEL_UNAVAILABLE':
      out.error(message);
      out.dim('Resume the projection (`projection resume <name>`) or make it asynchronous again (`set sync.mode async`).');
      return;
    default:
      out.error(message);
  }
}

// ── completion ──────────────────────────────────────────────────────────

function commonPrefix(words: readonly string[]): string {
  let prefix = words[0] ?? '';
  for (const w of words.slice(1)) {
    let i = 0;
    while (i < prefix.length && i < w.length && prefix[i]!.toLowerCase() === w[i]!.toLowerCase()) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}

async function candidatesFor(
  table: CommandTable,
  tokens: Token[],
  partialTok: Token | undefined,
  partial: string,
  line: string,
  ctx: CompletionContext,
): Promise<string[]> {
  const first = tokens[0];
  if (!first) return [...table.completionNames()].sort((a, b) => a.localeCompare(b));
  let entry = table.lookup(first.value);
  if (!entry) return [];
  let i = 1;
  if (!entry.raw) {
    while (entry.subcommands && i < tokens.length) {
      const sub = findSubcommand(entry, tokens[i]!.value);
      if (!sub) break;
      entry = sub;
      i++;
    }
  }
  const rest = tokens.slice(i);
  if (entry.complete) {
    const custom = await entry.complete({ partial, before: rest, line }, ctx);
    if (custom) return custom;
  }
  if (entry.raw) return [];
  const options = entry.options ?? [];
  const args = entry.args ?? [];
  // --option or --option=value
  if (partial.startsWith('-')) {
    if (partialTok?.key?.startsWith('--')) {
      const opt = findOption(options, partialTok.key.slice(2));
      if (!opt || opt.kind === 'flag') return [];
      return (await valuesOf(opt, ctx)).map((v) => `--${opt.name}=${v}`);
    }
    return options.map((o) => (o.kind === 'flag' ? `--${o.name}` : `--${o.name}=`));
  }
  // `--consistency ` then the value
  const prev = rest[rest.length - 1];
  if (prev && prev.raw.startsWith('--') && prev.key === undefined) {
    const opt = findOption(options, prev.value.slice(2));
    if (opt && opt.kind !== 'flag') return valuesOf(opt, ctx);
  }
  // name=value
  if (entry.pairs && partialTok?.key !== undefined) {
    const arg = args.find((a) => a.name.toLowerCase() === partialTok.key!.toLowerCase());
    return arg ? (await valuesOf(arg, ctx)).map((v) => `${arg.name}=${v}`) : [];
  }
  // positional
  const named = new Set(entry.pairs ? rest.filter((t) => t.key !== undefined && !t.key.startsWith('--')).map((t) => t.key!) : []);
  let positional = 0;
  for (let k = 0; k < rest.length; k++) {
    const t = rest[k]!;
    if (t.raw.startsWith('--')) {
      const opt = t.key === undefined ? findOption(options, t.value.slice(2)) : undefined;
      if (opt && opt.kind !== 'flag') k++; // its value
      continue;
    }
    if (entry.pairs && t.key !== undefined) continue;
    positional++;
  }
  const open = args.filter((a) => !named.has(a.name));
  const next = open[positional];
  const out: string[] = [];
  if (entry.subcommands && rest.length === 0) out.push(...entry.subcommands.map((s) => s.name));
  if (next) out.push(...(await valuesOf(next, ctx)));
  if (entry.pairs) out.push(...open.slice(positional).map((a) => `${a.name}=`));
  return out;
}

function findOption(options: readonly OptionSpec[], name: string): OptionSpec | undefined {
  const lower = name.toLowerCase();
  return options.find((o) => o.name.toLowerCase() === lower || o.aliases?.some((a) => a.toLowerCase() === lower));
}

async function valuesOf(spec: ArgSpec | OptionSpec, ctx: CompletionContext): Promise<string[]> {
  const { catalog } = ctx;
  switch (spec.kind) {
    case 'projection': {
      const names = catalog.projections.map((p) => p.name);
      return 'allowAll' in spec && spec.allowAll ? [...names, 'all'] : names;
    }
    case 'store':
      return ['write', ...catalog.projections.map((p) => p.name)];
    case 'stream':
      return (await ctx.backend.listStreams()).map((s) => s.streamId);
    case 'onoff':
      return ['on', 'off'];
    case 'enum':
      return [...(spec.values ?? [])];
    case 'topic':
      return [...ctx.table.completionNames()].sort((a, b) => a.localeCompare(b));
    case 'setting':
      return settingPaths(catalog);
    case 'domain':
      return ctx.backend.listDomains ? (await ctx.backend.listDomains()).map((d) => d.name) : [catalog.name];
    case 'scenario':
      return scenarioCatalog().map((s) => s.slug);
    case 'strategy':
      return Object.keys(STRATEGY_HELP);
    case 'variant':
      return ['current', ...new Set(catalog.projections.flatMap((p) => p.variants))];
    case 'field': {
      const f = (spec as ArgSpec).field;
      if (f?.kind === 'boolean') return ['true', 'false'];
      if (f?.kind === 'enum') return [...(f.values ?? [])];
      return [];
    }
    default:
      return [];
  }
}
