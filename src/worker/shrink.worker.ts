// A worker that shrinks a failing run on the real engine (sql.js), so the UI
// thread never replays anything. It only adapts src/shrink over comlink; the
// wall clock for the time budget is read here, never in src/shrink.
import * as Comlink from 'comlink';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import type { SqlJsStatic } from '../engine/index.ts';
import { checkRun, failingRunOfChallenge } from '../shrink/failingRun.ts';
import { shrinkReport } from '../shrink/report.ts';
import { shrinkFailingRun } from '../shrink/shrink.ts';
import { replyAsync } from './protocol/reply.ts';
import type { ShrinkApi } from './protocol/shrink.ts';

// The wasm is served by the site itself, never a CDN.
const sqlReady = initSqlJs({ locateFile: () => wasmUrl });

const shrinker: ShrinkApi = {
  shrinkChallenge: (session, scenario, learner, limits, onProgress) =>
    replyAsync(async () => {
      const sql = (await sqlReady) as unknown as SqlJsStatic;
      const run = await failingRunOfChallenge(sql, session, scenario, learner);
      if (!run) return null;
      const outcome = await shrinkFailingRun(
        run,
        (candidate) => checkRun(sql, candidate),
        { maxReplays: limits.maxReplays, maxMs: limits.maxMs, now: () => performance.now() },
        onProgress ? (p) => void onProgress(p) : undefined,
      );
      return shrinkReport(outcome);
    }, 'shrink'),
};

Comlink.expose(shrinker);
