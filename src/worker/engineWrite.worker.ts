// The sandbox's write worker: the write side (command handlers and the event
// store, a sql.js database) together with the coordinator that owns the
// virtual clock, the scheduler, the bus and the trace. The read side lives in
// engineRead.worker.ts, reached through the port the page hands over.
import * as Comlink from 'comlink';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { getDomain } from '../domain/index.ts';
import { WriteSide } from '../engine/index.ts';
import { Autosave, SessionStore } from '../sandbox/persistence.ts';
import { EngineHost } from './engineHost.ts';
import { playSetup, playStoryStep, verifyOnReplay } from '../scenarios/playerWorker.ts';
import { predictOnReplay } from '../scenarios/predictionRun.ts';
import type { CoordinatorApi } from './protocol/coordinator.ts';
import type { ReadSideRemote } from './protocol/readSide.ts';
import { replyAsync, replySync, unwrap, WorkerFaultError } from './protocol/reply.ts';

// The wasm is served by the site itself, never a CDN.
const sqlReady = initSqlJs({ locateFile: () => wasmUrl });
let host: EngineHost | undefined;
let readRemote: Comlink.Remote<ReadSideRemote> | undefined;
let store: SessionStore | undefined;
const autosaver = new Autosave(() => (store ??= new SessionStore()));

function current(): EngineHost {
  if (!host) throw new WorkerFaultError('write', 'The engine has not been started.');
  return host;
}

const api: CoordinatorApi = {
  async start(options, readPort) {
    return replyAsync(async () => {
      host?.close();
      const domain = getDomain(options.domain);
      readRemote = Comlink.wrap<ReadSideRemote>(readPort);
      const readMethods = unwrap(await readRemote.methods());
      host = new EngineHost({
        domain,
        seed: options.seed,
        settings: options.settings,
        write: new WriteSide(await sqlReady, domain),
        read: readRemote,
        readMethods,
        speed: options.speed,
        sql: await sqlReady,
        ...(options.traceLimit !== undefined ? { traceLimit: options.traceLimit } : {}),
        ...(options.loadShape ? { loadShape: options.loadShape } : {}),
      });
      await host.replay({ script: options.script, ...(options.until ? { until: options.until } : {}) });
      host.startFrames();
      return { replayed: options.script.length };
    }, 'write');
  },
  onFrame: (callback) => replySync(() => current().onFrame(callback), 'write'),
  dispatch: (intent) => replyAsync(() => current().dispatch(intent), 'write'),
  setRunning: (running) => replySync(() => current().setRunning(running), 'write'),
  setSpeed: (speed) => replySync(() => current().setSpeed(speed), 'write'),
  step: () => replyAsync(() => current().step(), 'write'),
  setLoad: (rate) => replySync(() => current().setLoad(rate), 'write'),
  session: () => replySync(() => current().session(), 'write'),
  autosave: (meta) =>
    replyAsync(() => {
      const h = current();
      if (h.fault) return null;
      return autosaver.save(meta, h.engine, (script) => h.session(script), Date.now());
    }, 'write'),
  tables: () => replyAsync(() => current().tables(), 'write'),
  table: (ref, limit) => replyAsync(() => current().table(ref, limit), 'write'),
  timeline: (seq, before, after) => replySync(() => current().timeline(seq, before, after), 'write'),
  diagram: (commandId) => replySync(() => current().diagram(commandId), 'write'),
  focusCommand: (commandId) => replySync(() => current().focusCommand(commandId), 'write'),
  architectureAt: (seq) => replySync(() => current().architectureAt(seq), 'write'),
  checkDivergence: () => replyAsync(() => current().checkDivergence(true), 'write'),
  frame: () => replySync(() => current().frame(), 'write'),
  readAll: (from, limit) => replySync(() => current().write.readAll(from, limit), 'write'),
  traceJson: () => replySync(() => current().traceJson(), 'write'),
  injectWriteFault: () => replySync(() => current().injectWriteFault(), 'write'),
  runUntilIdle: () => replyAsync(() => current().runUntilIdle(), 'write'),
  status: () => replySync(() => current().engine.status(), 'write'),
  settings: () => replySync(() => current().engine.settings, 'write'),
  readOnlySql: (store, sql) => replyAsync(() => current().engine.readOnlySql(store, sql), 'write'),
  exportStore: (store) => replyAsync(() => current().engine.exportStore(store), 'write'),
  readStream: (streamId) => replyAsync(() => current().engine.readStream(streamId), 'write'),
  listStreams: () => replyAsync(() => current().engine.listStreams(), 'write'),
  trace: (filter) => replySync(() => current().trace(filter), 'write'),
  advance: (ms) => replyAsync(() => current().advance(ms), 'write'),
  playScenarioSetup: (setup) => replyAsync(() => current().playScenario((engine) => playSetup(engine, setup)), 'write'),
  playScenarioStep: (step) => replyAsync(() => current().playScenario((engine) => playStoryStep(engine, step)), 'write'),
  scriptLength: () => replySync(() => current().engine.recordedCount(), 'write'),
  verifyScenario: (scenario, learner) =>
    replyAsync(async () => verifyOnReplay(await sqlReady, current().session(), scenario, learner), 'write'),
  measurePrediction: (prediction) => replyAsync(async () => predictOnReplay(await sqlReady, current().session(), prediction), 'write'),
  forkAt: (seq) => replySync(() => current().forkAt(seq), 'write'),
  branchNumbers: (fromSeq) => replySync(() => current().branchNumbers(fromSeq), 'write'),
  readModels: () => replyAsync(() => current().readModels(), 'write'),
};

Comlink.expose(api);
