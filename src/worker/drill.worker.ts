// A worker that runs interview design drills on the real engine, so the UI
// thread never runs the engine or SQL. It only adapts src/drills over comlink.
import * as Comlink from 'comlink';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import type { SqlJsStatic } from '../engine/index.ts';
import { runDrill } from '../drills/runner.ts';
import type { DrillApi } from './protocol/drill.ts';
import { replyAsync } from './protocol/reply.ts';

// The wasm is served by the site itself, never a CDN.
const sqlReady = initSqlJs({ locateFile: () => wasmUrl });

const drillRunner: DrillApi = {
  run: (drill, design, onProgress) =>
    replyAsync(async () => {
      const SQL = (await sqlReady) as unknown as SqlJsStatic;
      return runDrill(SQL, drill, design, onProgress ? { onProgress } : {});
    }, 'drill'),
};

Comlink.expose(drillRunner);
