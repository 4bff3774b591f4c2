// A worker that runs learner code: QuickJS (wasm) holds the code, the real
// engine (sql.js, in this worker) runs it, so nothing a learner writes ever
// runs in the page. It only adapts src/code over comlink. The page stops a run
// that takes too long by terminating the worker.
import * as Comlink from 'comlink';
import quickjsWasmUrl from '@jitl/quickjs-wasmfile-release-sync/wasm?url';
import initSqlJs from 'sql.js';
import sqlWasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import type { CodeEnvironment } from '../code/checks/environment.ts';
import { checkExercise } from '../code/exercises/check.ts';
import { DeciderLab } from '../code/lab/deciderLab.ts';
import { balanceLab } from '../code/lab/labs.ts';
import { ProjectionLab } from '../code/lab/projectionLab.ts';
import { SessionDeciderLab } from '../code/lab/sessionDeciderLab.ts';
import { SessionProjectionLab } from '../code/lab/sessionProjectionLab.ts';
import { LearnerCodeError } from '../code/sandbox/errors.ts';
import { loadQuickJs } from '../code/sandbox/quickjs.ts';
import type { SqlJsStatic } from '../engine/index.ts';
import type { CodeApi, LabOpening } from './protocol/code.ts';
import { replyAsync } from './protocol/reply.ts';

// Both wasm files are served by the site itself, never a CDN.
const ready: Promise<CodeEnvironment> = Promise.all([
  initSqlJs({ locateFile: () => sqlWasmUrl }) as unknown as Promise<SqlJsStatic>,
  loadQuickJs(quickjsWasmUrl),
]).then(([sql, quickjs]) => ({ sql, quickjs }));

const PROJECTION_LABS: Record<string, () => ReturnType<typeof balanceLab>> = { 'idempotent-balance': () => balanceLab() };

let projectionLab: ProjectionLab | null = null;
let deciderLab: DeciderLab | null = null;
let sessionLab: SessionProjectionLab | null = null;
let sessionDecider: SessionDeciderLab | null = null;

function openSessionLab(): SessionProjectionLab {
  if (!sessionLab) throw new Error('no sandbox projection lab is open');
  return sessionLab;
}

/** Runs `open`; a learner error becomes the answer { ok: false, error }. */
async function opening<T>(open: () => Promise<T>): Promise<LabOpening<T>> {
  try {
    return { ok: true, state: await open() };
  } catch (e) {
    if (e instanceof LearnerCodeError) return { ok: false, error: e.diagnostic };
    throw e;
  }
}

const codeRunner: CodeApi = {
  check: (exerciseId, source, runs) => replyAsync(async () => checkExercise(await ready, exerciseId, source, runs), 'code'),

  openProjectionLab: (exerciseId, source) =>
    replyAsync(async () => {
      const config = PROJECTION_LABS[exerciseId];
      if (!config) throw new Error(`exercise ${exerciseId} has no projection lab`);
      const env = await ready;
      projectionLab?.close();
      projectionLab = null;
      return opening(async () => {
        projectionLab = await ProjectionLab.open(env, source, config());
        return projectionLab.state();
      });
    }, 'code'),

  projectionLab: (step) =>
    replyAsync(() => {
      if (!projectionLab) throw new Error('no projection lab is open');
      return 'send' in step ? projectionLab.send(step.send) : projectionLab.act(step.action);
    }, 'code'),

  openDeciderLab: (source) =>
    replyAsync(async () => {
      const env = await ready;
      deciderLab?.close();
      deciderLab = null;
      return opening(async () => {
        deciderLab = DeciderLab.open(env, source, 1);
        return null;
      });
    }, 'code'),

  sendCommand: (command) =>
    replyAsync(() => {
      if (!deciderLab) throw new Error('no decider lab is open');
      return deciderLab.send(command);
    }, 'code'),

  openSessionProjectionLab: (session, code) =>
    replyAsync(async () => {
      const env = await ready;
      sessionLab?.close();
      sessionLab = null;
      return opening(async () => {
        sessionLab = await SessionProjectionLab.open(env, session, code);
        return sessionLab.state();
      });
    }, 'code'),

  sessionProjectionLab: (action) => replyAsync(() => openSessionLab().act(action), 'code'),
  sessionLabQuery: (type, params) => replyAsync(() => openSessionLab().query(type, params), 'code'),
  sessionLabReadView: () => replyAsync(() => openSessionLab().readView(), 'code'),

  openSessionDeciderLab: (session, code) =>
    replyAsync(async () => {
      const env = await ready;
      sessionDecider?.close();
      sessionDecider = null;
      return opening(async () => {
        sessionDecider = await SessionDeciderLab.open(env, session, code);
        return sessionDecider.opened;
      });
    }, 'code'),

  sessionDeciderSend: (command) =>
    replyAsync(() => {
      if (!sessionDecider) throw new Error('no sandbox decider lab is open');
      return sessionDecider.send(command);
    }, 'code'),
};

Comlink.expose(codeRunner);
