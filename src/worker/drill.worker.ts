// A worker that runs interview design drills on the real engine, so the UI
// thread never runs the engine or SQL. It only adapts src/drills over comlink.
import * as Comlink from 'comlink';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import type { SqlJsStatic } from '../engine/index.ts';
import { runDrill } from '../drills/runner.ts';
import type { Design, Drill, DrillReport } from '../drills/types.ts';

// The wasm is served by the site itself, never a CDN.
const sqlReady = initSqlJs({ locateFile: () => wasmUrl });

const drillRunner = {
  async run(drill: Drill, design: Design, onProgress?: (fraction: number) => void): Promise<DrillReport> {
    const SQL = (await sqlReady) as unknown as SqlJsStatic;
    return runDrill(SQL, drill, design, onProgress ? { onProgress } : {});
  },
};

export type DrillRunner = typeof drillRunner;

Comlink.expose(drillRunner);
