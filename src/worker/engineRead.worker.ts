// The sandbox's read side: projections, their read stores (one sql.js
// database each) and queries. The coordinator drives it over a
// MessageChannel; it knows nothing of time or the bus.
import * as Comlink from 'comlink';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { getDomain } from '../domain/index.ts';
import { ReadSide } from '../engine/readSide.ts';
import { portMethods, replySync, type ReadSideRemote, type ReadWorkerApi } from './engineProtocol.ts';

// The wasm is served by the site itself, never a CDN.
const sqlReady = initSqlJs({ locateFile: () => wasmUrl });
let side: ReadSide | undefined;
let faultArmed = false;

/** Learner SQL is not a step of the simulation: an injected fault waits for the next step. */
const NOT_STEPS = new Set(['readOnlySql', 'shadowInfo', 'exportStore']);
const METHODS = portMethods(ReadSide.prototype);

const remote: ReadSideRemote = {
  methods() {
    return METHODS;
  },
  call(method, args) {
    return replySync(() => {
      if (!side) throw new Error('The read worker was not initialised.');
      if (faultArmed && !NOT_STEPS.has(method)) {
        faultArmed = false;
        throw new Error(`Injected fault: the read worker threw while handling ${method}.`);
      }
      const fn = (side as unknown as Record<string, unknown>)[method];
      if (typeof fn !== 'function' || !METHODS.includes(method)) throw new Error(`The read side has no method ${method}.`);
      return (fn as (...a: unknown[]) => unknown).apply(side, args);
    }, 'read');
  },
};

const api: ReadWorkerApi = {
  async init(domain) {
    side?.close();
    side = new ReadSide(await sqlReady, getDomain(domain));
  },
  connect(port) {
    Comlink.expose(remote, port);
  },
  injectFault() {
    faultArmed = true;
  },
};

Comlink.expose(api);
