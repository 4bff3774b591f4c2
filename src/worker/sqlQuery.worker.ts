// A disposable worker for the terminal's read-only SQL. It opens a copy of a
// store (bytes from Engine.exportStore) and runs the learner's SQL on it with
// the engine's own read-only path, so SQLite still refuses every write. sql.js
// cannot interrupt a running statement: when a query runs too long, the page
// terminates this worker (sqlQueryClient.ts) and the engine never notices.
import * as Comlink from 'comlink';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { runReadOnlySql, type SqlResult } from '../engine/index.ts';
import { replyAsync, type Reply } from './engineProtocol.ts';

// The wasm is served by the site itself, never a CDN.
const sqlReady = initSqlJs({ locateFile: () => wasmUrl });

const sqlQuery = {
  /** Run `sql` on a copy of `store` given as a database file. */
  run(bytes: Uint8Array, store: string, sql: string): Promise<Reply<SqlResult>> {
    return replyAsync(async () => {
      const SQL = await sqlReady;
      const db = new SQL.Database(bytes);
      try {
        return runReadOnlySql(db, store, sql);
      } finally {
        db.close();
      }
    }, 'read');
  },
};

export type SqlQueryWorker = typeof sqlQuery;

Comlink.expose(sqlQuery);
