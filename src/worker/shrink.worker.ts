// A worker that shrinks a failing run on the real engine (sql.js), so the UI
// thread never replays anything. It only adapts src/shrink over comlink; the
// wall clock for the time budget is read here, never in src/shrink.
import * as Comlink from 'comlink';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import type { SqlJsStatic } from '../engine/index.ts';
import { failingRunOfDrill } from '../shrink/drillRun.ts';
import { checkRun, failingRunOfChallenge, type FailingRun } from '../shrink/failingRun.ts';
import { shrinkReport, type ShrinkReport } from '../shrink/report.ts';
import { shrinkFailingRun, type ShrinkProgress } from '../shrink/shrink.ts';
import { replyAsync } from './protocol/reply.ts';
import type { ShrinkApi, ShrinkLimits } from './protocol/shrink.ts';

// The wasm is served by the site itself, never a CDN.
const sqlReady = initSqlJs({ locateFile: () => wasmUrl });

/** Shrink `run` (null: nothing failed) with the wall clock as the time budget. */
async function shrunk(
  sql: SqlJsStatic,
  run: FailingRun | null,
  limits: ShrinkLimits,
  onProgress?: (p: ShrinkProgress) => void,
): Promise<ShrinkReport | null> {
  if (!run) return null;
  const outcome = await shrinkFailingRun(
    run,
    (candidate) => checkRun(sql, candidate),
    { maxReplays: limits.maxReplays, maxMs: limits.maxMs, now: () => performance.now() },
    onProgress ? (p) => void onProgress(p) : undefined,
  );
  return shrinkReport(outcome);
}

const shrinker: ShrinkApi = {
  shrinkChallenge: (session, scenario, learner, limits, onProgress) =>
    replyAsync(async () => {
      const sql = (await sqlReady) as unknown as SqlJsStatic;
      return shrunk(sql, await failingRunOfChallenge(sql, session, scenario, learner), limits, onProgress);
    }, 'shrink'),
  shrinkDrill: (drill, design, limits, onProgress) =>
    replyAsync(async () => {
      const sql = (await sqlReady) as unknown as SqlJsStatic;
      return shrunk(sql, await failingRunOfDrill(sql, drill, design), limits, onProgress);
    }, 'shrink'),
};

Comlink.expose(shrinker);
