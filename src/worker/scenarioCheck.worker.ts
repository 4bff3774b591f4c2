// A worker that checks a scenario draft on the real engine (the builder's
// "Check"), so the UI thread never runs the engine or SQL. It validates the
// draft again with the simulations/ schema before playing anything.
import * as Comlink from 'comlink';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import type { SqlJsStatic } from '../engine/index.ts';
import { checkScenario } from '../scenarios/authorCheck.ts';
import { parseScenario } from '../scenarios/schema.ts';
import type { ScenarioCheckApi } from './protocol/scenarioCheck.ts';
import { replyAsync } from './protocol/reply.ts';

// The wasm is served by the site itself, never a CDN.
const sqlReady = initSqlJs({ locateFile: () => wasmUrl });

const checker: ScenarioCheckApi = {
  check: (scenario) =>
    replyAsync(async () => {
      const valid = parseScenario(`${scenario.slug}.json`, scenario);
      return checkScenario((await sqlReady) as unknown as SqlJsStatic, valid);
    }, 'scenario-check'),
};

Comlink.expose(checker);
