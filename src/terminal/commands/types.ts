// The command table's vocabulary. Every terminal command is one entry:
// name, aliases, usage, description, examples, argument spec, completion and
// execution. Help, parsing and completion all read the same entry.
import type { FieldSpec } from '../../engine/index.ts';
import type { ConsistencyOptions, DomainCatalog, TerminalBackend } from '../backend.ts';
import type { KeyValueStorage, TerminalHistory } from '../history.ts';
import type { Block, OutputBuilder } from '../output.ts';
import type { Token } from '../tokenize.ts';

export type Family = 'domain' | 'read' | 'sql' | 'bus' | 'projections' | 'time' | 'session' | 'terminal';

export const FAMILY_TITLES: Record<Family, string> = {
  domain: 'Commands and queries of the loaded domain',
  read: 'Looking at the event store and the trace',
  sql: 'Read-only SQL',
  bus: 'Event bus and settings',
  projections: 'Projections (read models)',
  time: 'Virtual time',
  session: 'Session',
  terminal: 'Terminal',
};

export type ArgKind =
  /** Any word. */
  | 'text'
  | 'integer'
  | 'number'
  /** on|off (also true/false, yes/no). */
  | 'onoff'
  /** One of `values` (case-insensitive). */
  | 'enum'
  /** Virtual milliseconds: 500, 500ms, 2s, 1.5s, 1m. */
  | 'duration'
  /** 10%, 0.1. */
  | 'probability'
  /** 2, 2x, 0.5. */
  | 'speed'
  /** A stream id (completed from the event store). */
  | 'stream'
  /** A projection name of the loaded domain (checked and completed). */
  | 'projection'
  /** `write` or a projection name. */
  | 'store'
  /** A command name, for help. */
  | 'topic'
  /** A settings path such as bus.latencyMs. */
  | 'setting'
  /** A registered domain name (completed from the backend). */
  | 'domain'
  /** A scenario slug (completed from the scenario catalogue). */
  | 'scenario'
  /** A query consistency strategy: read-your-writes, polling, swr… or the engine's own names. */
  | 'strategy'
  /** A version (variant) of a projection's code, for shadow rebuilds. */
  | 'variant'
  /** A field of a domain command or query: coerced per its FieldSpec, judged by the engine. */
  | 'field';

export interface ArgSpec {
  name: string;
  kind: ArgKind;
  description: string;
  /** Defaults to true. */
  required?: boolean;
  values?: readonly string[];
  /** Numeric bounds the terminal itself enforces (the engine checks its own). */
  min?: number;
  max?: number;
  /** For kind 'field'. */
  field?: FieldSpec;
  /** For kind 'projection': also accept `all`. */
  allowAll?: boolean;
}

export interface OptionSpec {
  /** Without the leading --. */
  name: string;
  aliases?: readonly string[];
  /** 'flag' takes no value (`--defaults`); the others take one (`--token=12` or `--token 12`). */
  kind: ArgKind | 'flag';
  description: string;
  values?: readonly string[];
  min?: number;
  max?: number;
  placeholder?: string;
}

export interface ParsedArgs {
  /** Positional arguments and key=value pairs, by argument name, coerced. */
  values: Record<string, unknown>;
  /** --options by name, coerced (flags are true). */
  options: Record<string, unknown>;
  /** For raw commands: the rest of the line, untouched. */
  rest: string;
}

export interface SessionState {
  /** Sent with every command and query of this terminal. */
  sessionId: string;
  lastCommandId?: string;
  lastCommandType?: string;
  /** Consistency token of the last accepted command. */
  lastToken?: number;
  /** The default consistency this terminal set for its session (`consistency …`). */
  consistency?: ConsistencyOptions | null;
}

/** Optional hooks into the page hosting the terminal. */
export interface TerminalHost {
  copy?(text: string): Promise<void> | void;
  download?(filename: string, text: string): Promise<void> | void;
  /** Ask the learner for a file; resolves to its text, or undefined when cancelled. */
  pickFile?(): Promise<string | undefined>;
  /** Go to another page of the site; `path` is relative to the site's base (`scenarios/flash-sale/`). */
  navigate?(path: string): void;
}

export interface CommandTable {
  readonly catalog: DomainCatalog;
  /** Top-level entries: built-ins, then one per domain command and query type. */
  readonly entries: readonly CommandEntry[];
  /** Find a top-level entry by name or alias (exact first, then case-insensitive). */
  lookup(word: string): CommandEntry | undefined;
  /** Every name and alias a learner could mean (for "did you mean"). */
  allNames(): string[];
  /** Names offered by completion at the start of a line. */
  completionNames(): string[];
}

export interface CommandContext {
  backend: TerminalBackend;
  catalog: DomainCatalog;
  table: CommandTable;
  out: OutputBuilder;
  state: SessionState;
  history: TerminalHistory;
  host: TerminalHost;
  /** The browser's storage (scenario progress is read from it), when there is one. */
  storage?: KeyValueStorage;
  /** The entry being run. */
  entry: CommandEntry;
}

export interface CompletionContext {
  backend: TerminalBackend;
  catalog: DomainCatalog;
  table: CommandTable;
  state: SessionState;
}

export interface CompletionRequest {
  /** The word being completed (quotes removed). */
  partial: string;
  /** Tokens after the command path and before the partial word. */
  before: Token[];
  /** Text of the line before the cursor. */
  line: string;
}

export interface CommandDef {
  name: string;
  aliases?: readonly string[];
  family: Family;
  /** One line, shown by `help`. */
  description: string;
  /** More lines shown by `help <command>`. */
  details?: readonly string[];
  /** Generated from the arguments and options when omitted. */
  usage?: string;
  /** At least one; each must parse (a test checks). */
  examples: readonly string[];
  args?: readonly ArgSpec[];
  options?: readonly OptionSpec[];
  /** Arguments may also be given as name=value, in any order. */
  pairs?: boolean;
  /** The argument is the rest of the line, untouched (sql, import). */
  raw?: boolean;
  /** `bus latency 500`: latency is a subcommand of bus. */
  subcommands?: readonly CommandDef[];
  /** What the subcommands are, for error messages ("bus setting"). */
  subject?: string;
  /** Replaces the generic completion when it returns a list. */
  complete?(req: CompletionRequest, ctx: CompletionContext): Promise<string[] | undefined> | string[] | undefined;
  /** Parents without execute print their help. */
  execute?(args: ParsedArgs, ctx: CommandContext): Promise<void> | void;
  /** Extra blocks for `help <command>` (e.g. the list of domain commands). */
  helpExtra?(catalog: DomainCatalog): Block[];
}

/** A definition with its usage worked out and its place in the table. */
export interface CommandEntry extends Omit<CommandDef, 'subcommands'> {
  usage: string;
  /** Words that reach it: ['bus', 'latency']. */
  path: readonly string[];
  subcommands?: readonly CommandEntry[];
}

/** Bad arguments: the terminal prints the message, the usage line and an example. */
export class UsageError extends Error {
  readonly entry: CommandEntry | undefined;
  constructor(message: string, entry?: CommandEntry) {
    super(message);
    this.name = 'UsageError';
    this.entry = entry;
  }
}
