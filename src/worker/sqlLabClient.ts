// The page's side of sqlLab.worker.ts: starts the worker and unwraps its
// replies, so a failed measurement rejects with the error's own class.
import * as Comlink from 'comlink';
import type { SqlLabApi } from './protocol/sqlLab.ts';
import { unwrap, type ReplyValue } from './protocol/reply.ts';

/** The lab's methods as the page calls them: the value, or the error thrown. */
export type SqlLab = {
  [K in keyof SqlLabApi]: (...args: Parameters<SqlLabApi[K]>) => Promise<ReplyValue<Awaited<ReturnType<SqlLabApi[K]>>>>;
};

export interface SqlLabConnection {
  lab: SqlLab;
  close(): void;
}

/** Starts the sql.js worker and returns its methods. */
export function connectSqlLab(): SqlLabConnection {
  const worker = new Worker(new URL('./sqlLab.worker.ts', import.meta.url), { type: 'module', name: 'sql-lab' });
  const remote = Comlink.wrap<SqlLabApi>(worker);
  return {
    lab: {
      query: async (sql) => unwrap(await remote.query(sql)),
      measureReadPaths: async (options) => unwrap(await remote.measureReadPaths(options)),
      measureBoardReadPaths: async (options) => unwrap(await remote.measureBoardReadPaths(options)),
    },
    close() {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
