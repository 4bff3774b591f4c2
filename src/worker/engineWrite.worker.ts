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
import { replyAsync, replySync, WorkerFaultError, type CoordinatorApi, type ReadSideRemote } from './engineProtocol.ts';

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
      const readMethods = await readRemote.methods();
      host = new EngineHost({
        domain,
        seed: options.seed,
        settings: options.settings,
        write: new WriteSide(await sqlReady, domain),
        read: readRemote,
        readMethods,
        speed: options.speed,
        ...(options.traceLimit !== undefined ? { traceLimit: options.traceLimit } : {}),
        ...(options.load ? { load: options.load } : {}),
      });
      await host.replay({ script: options.script, ...(options.until ? { until: options.until } : {}) });
      host.startFrames();
      return { replayed: options.script.length };
    }, 'write');
  },
  onFrame(callback) {
    current().onFrame(callback);
  },
  dispatch: (intent) => replyAsync(() => current().dispatch(intent), 'write'),
  setRunning(running) {
    current().setRunning(running);
  },
  setSpeed(speed) {
    current().setSpeed(speed);
  },
  step: () => replyAsync(() => current().step(), 'write'),
  setLoad: (rate) => replySync(() => current().setLoad(rate), 'write'),
  session: () => current().session(),
  async autosave(meta) {
    const h = current();
    if (h.fault) return null;
    return autosaver.save(meta, h.engine, (script) => h.session(script), Date.now());
  },
  tables: () => replyAsync(() => current().tables(), 'write'),
  table: (ref, limit) => replyAsync(() => current().table(ref, limit), 'write'),
  timeline: (seq, before, after) => current().timeline(seq, before, after),
  diagram: (commandId) => current().diagram(commandId),
  frame: () => current().frame(),
  readAll: (from, limit) => current().write.readAll(from, limit),
  traceJson: () => current().traceJson(),
  injectWriteFault() {
    current().injectWriteFault();
  },
  runUntilIdle: () => replyAsync(() => current().runUntilIdle(), 'write'),
  status: () => current().engine.status(),
  settings: () => current().engine.settings,
  readOnlySql: (store, sql) => replyAsync(() => current().engine.readOnlySql(store, sql), 'write'),
  exportStore: (store) => replyAsync(() => current().engine.exportStore(store), 'write'),
  readStream: (streamId) => replyAsync(() => current().engine.readStream(streamId), 'write'),
  listStreams: () => replyAsync(() => current().engine.listStreams(), 'write'),
  trace: (filter) => current().trace(filter),
  advance: (ms) => replyAsync(() => current().advance(ms), 'write'),
  playScenarioSetup: (setup) => replyAsync(() => current().playScenario((engine) => playSetup(engine, setup)), 'write'),
  playScenarioStep: (step) => replyAsync(() => current().playScenario((engine) => playStoryStep(engine, step)), 'write'),
  scriptLength: () => current().engine.recordedCount(),
  verifyScenario: (scenario, learner) => replyAsync(async () => verifyOnReplay(await sqlReady, current().session(), scenario, learner), 'write'),
};

Comlink.expose(api);
