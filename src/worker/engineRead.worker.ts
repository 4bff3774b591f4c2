// The sandbox's read side: projections, their read stores (one sql.js
// database each) and queries. The coordinator drives it over a
// MessageChannel; it knows nothing of time or the bus.
import * as Comlink from 'comlink';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { getDomain } from '../domain/index.ts';
import { ReadSide } from '../engine/index.ts';
import { portMethods, type ReadSideCalls, type ReadSideRemote, type ReadWorkerApi } from './protocol/readSide.ts';
import { replyAsync, replySync } from './protocol/reply.ts';
import { EnvelopeReceiver } from './envelopeCache.ts';

// The wasm is served by the site itself, never a CDN.
const sqlReady = initSqlJs({ locateFile: () => wasmUrl });
let side: ReadSide | undefined;
let faultArmed = false;
/** The events the coordinator sent (it sends each once, then refers to it: envelopeCache.ts). */
let envelopes = new EnvelopeReceiver();

/** Learner SQL is not a step of the simulation: an injected fault waits for the next step. */
const NOT_STEPS = new Set(['readOnlySql', 'shadowInfo', 'exportStore']);
const METHODS = portMethods(ReadSide.prototype);

/**
 * Calls served so far, by method, and the batches they applied: round trips
 * per event explain the sandbox's throughput whatever the machine's load
 * (`npm run bench:ui` reads them from the worker's global scope).
 */
const served: ReadSideCalls = { calls: {}, batches: 0 };
(globalThis as { __readSideCalls?: ReadSideCalls }).__readSideCalls = served;

const remote: ReadSideRemote = {
  methods: () => replySync(() => METHODS, 'read'),
  call(method, args) {
    served.calls[method] = (served.calls[method] ?? 0) + 1;
    if (method === 'applyBatch') served.batches++;
    if (method === 'applyBatches' && Array.isArray(args[0])) served.batches += args[0].length;
    return replySync(() => {
      // First, before any fault: the coordinator counts on this worker holding every envelope it sent.
      const decoded = envelopes.args(method, args);
      if (!side) throw new Error('The read worker was not initialised.');
      if (faultArmed && !NOT_STEPS.has(method)) {
        faultArmed = false;
        throw new Error(`Injected fault: the read worker threw while handling ${method}.`);
      }
      const fn = (side as unknown as Record<string, unknown>)[method];
      if (typeof fn !== 'function' || !METHODS.includes(method)) throw new Error(`The read side has no method ${method}.`);
      return (fn as (...a: unknown[]) => unknown).apply(side, decoded);
    }, 'read');
  },
};

const api: ReadWorkerApi = {
  init: (domain) =>
    replyAsync(async () => {
      side?.close();
      side = new ReadSide(await sqlReady, getDomain(domain));
    }, 'read'),
  connect: (port) =>
    replySync(() => {
      envelopes = new EnvelopeReceiver();
      Comlink.expose(remote, port);
    }, 'read'),
  injectFault: () => replySync(() => void (faultArmed = true), 'read'),
  served: () => replySync(() => served, 'read'),
};

Comlink.expose(api);
