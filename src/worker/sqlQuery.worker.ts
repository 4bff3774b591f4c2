// A disposable worker for the terminal's read-only SQL. It opens a copy of a
// store (bytes from Engine.exportStore) and runs the learner's SQL on it with
// the engine's own read-only path, so SQLite still refuses every write. sql.js
// cannot interrupt a running statement: when a query runs too long, the page
// terminates this worker (sqlQueryClient.ts) and the engine never notices.
import * as Comlink from 'comlink';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { runReadOnlySql, type SqlResult } from '../engine/index.ts';
import type { SqlQueryApi } from './protocol/sqlQuery.ts';
import { replyAsync } from './protocol/reply.ts';

// The wasm is served by the site itself, never a CDN.
const sqlReady = initSqlJs({ locateFile: () => wasmUrl });

const sqlQuery: SqlQueryApi = {
  run(bytes, store, sql) {
    return replyAsync(async (): Promise<SqlResult> => {
      const SQL = await sqlReady;
      const db = new SQL.Database(bytes);
      try {
        return runReadOnlySql(db, store, sql);
      } finally {
        db.close();
      }
    }, 'sql-query');
  },
};

Comlink.expose(sqlQuery);
