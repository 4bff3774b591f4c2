// Shared setup: a terminal session over a real in-process engine.
import initSqlJs from 'sql.js';
import { createEngine } from '../../../src/engine/index.ts';
import type { DomainDefinition, SettingsPatch } from '../../../src/engine/index.ts';
import type { SqlJsStatic } from '../../../src/engine/sqlite.ts';
import { banking, commerce } from '../../../src/domain/index.ts';
import { createLocalBackend, type LocalBackend, type Ticker } from '../../../src/terminal/localBackend.ts';
import { TerminalSession } from '../../../src/terminal/session.ts';
import { memoryStorage } from '../../../src/terminal/history.ts';
import { renderPlain } from '../../../src/terminal/ansi.ts';
import type { Output } from '../../../src/terminal/output.ts';

let sqlPromise: Promise<SqlJsStatic> | undefined;
export function sqlJs(): Promise<SqlJsStatic> {
  sqlPromise ??= initSqlJs();
  return sqlPromise;
}

export interface Harness {
  backend: LocalBackend;
  session: TerminalSession;
  storage: ReturnType<typeof memoryStorage>;
  /** Run a line; the plain text it printed. */
  run(line: string): Promise<string>;
  /** Run a line; the structured output. */
  out(line: string): Promise<Output>;
}

/** A manual ticker: `tick(ms)` advances a playing backend by hand. */
export function manualTicker(): { ticker: Ticker; tick(ms: number): Promise<void>; running(): boolean } {
  let fn: ((ms: number) => Promise<void>) | undefined;
  return {
    ticker: (f) => {
      fn = f;
      return () => {
        fn = undefined;
      };
    },
    tick: async (ms) => {
      await fn?.(ms);
    },
    running: () => fn !== undefined,
  };
}

export async function harness(
  domain: DomainDefinition = commerce,
  options: { settings?: SettingsPatch; seed?: number; storage?: ReturnType<typeof memoryStorage>; ticker?: Ticker } = {},
): Promise<Harness> {
  const sql = await sqlJs();
  const settings = options.settings ?? {};
  const engine = createEngine({ sql, domain, seed: options.seed ?? 1, settings });
  const backend = createLocalBackend(engine, {
    sql,
    domains: { commerce, banking },
    settings,
    ...(options.ticker ? { ticker: options.ticker } : {}),
  });
  const storage = options.storage ?? memoryStorage();
  const session = new TerminalSession({ backend, storage });
  return {
    backend,
    session,
    storage,
    run: async (line) => renderPlain(await session.run(line)),
    out: (line) => session.run(line),
  };
}
