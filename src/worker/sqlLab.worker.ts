// A worker that gives pages a real SQLite (sql.js) without running SQL on the UI thread.
// It only adapts src/lab over comlink; the logic lives there and is tested in Node.
import * as Comlink from 'comlink';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { measureReadPaths } from '../lab/flashSaleReadPaths.ts';
import { measureBoardReadPaths } from '../lab/workItemBoardReadPaths.ts';
import type { SqlLabApi } from './protocol/sqlLab.ts';
import { replyAsync } from './protocol/reply.ts';

// The wasm is served by the site itself, never a CDN.
const sqlReady = initSqlJs({ locateFile: () => wasmUrl });

const sqlLab: SqlLabApi = {
  query: (sql) =>
    replyAsync(async () => {
      const SQL = await sqlReady;
      const db = new SQL.Database();
      try {
        return db.exec(sql).map(({ columns, values }) => ({ columns, values }));
      } finally {
        db.close();
      }
    }, 'sql-lab'),
  measureReadPaths: (options = {}) => replyAsync(async () => measureReadPaths(await sqlReady, () => performance.now(), options), 'sql-lab'),
  measureBoardReadPaths: (options = {}) =>
    replyAsync(async () => measureBoardReadPaths(await sqlReady, () => performance.now(), options), 'sql-lab'),
};

Comlink.expose(sqlLab);
