// A worker that gives pages a real SQLite (sql.js) without running SQL on the UI thread.
// It only adapts src/lab over comlink; the logic lives there and is tested in Node.
import * as Comlink from 'comlink';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { measureReadPaths, type ReadPathOptions, type ReadPathReport } from '../lab/flashSaleReadPaths.ts';
import { measureBoardReadPaths, type BoardReadPathOptions, type BoardReadPathReport } from '../lab/workItemBoardReadPaths.ts';

// The wasm is served by the site itself, never a CDN.
const sqlReady = initSqlJs({ locateFile: () => wasmUrl });

const sqlLab = {
  /** Runs one statement in a scratch database: proves the worker, wasm and comlink chain. */
  async query(sql: string): Promise<{ columns: string[]; values: unknown[][] }[]> {
    const SQL = await sqlReady;
    const db = new SQL.Database();
    try {
      return db.exec(sql).map(({ columns, values }) => ({ columns, values }));
    } finally {
      db.close();
    }
  },
  async measureReadPaths(options: Partial<ReadPathOptions> = {}): Promise<ReadPathReport> {
    const SQL = await sqlReady;
    return measureReadPaths(SQL, () => performance.now(), options);
  },
  /** The work-item board read from normalised tables with a JOIN vs from the board projection. */
  async measureBoardReadPaths(options: Partial<BoardReadPathOptions> = {}): Promise<BoardReadPathReport> {
    const SQL = await sqlReady;
    return measureBoardReadPaths(SQL, () => performance.now(), options);
  },
};

export type SqlLab = typeof sqlLab;

Comlink.expose(sqlLab);
