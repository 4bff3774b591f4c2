// The script that runs in every sandbox before the learner's module. It
// takes the host functions off the global object (keeping them in a
// closure), refuses what a learner's code must not reach (page, network,
// storage, messaging, timers, code built from text), replaces wall-clock
// time and unseeded randomness by the engine's virtual clock and a seeded
// generator, and returns the one function the host calls: invoke.

/** Globals of a browser or a worker that do not exist here; touching one says why. */
export const REFUSED_GLOBALS = [
  'window',
  'self',
  'document',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'EventSource',
  'importScripts',
  'postMessage',
  'indexedDB',
  'localStorage',
  'sessionStorage',
  'caches',
  'navigator',
  'location',
  'Worker',
  'SharedWorker',
  'BroadcastChannel',
  'MessageChannel',
  'require',
  'process',
] as const;

/** Timers: time moves only with the engine's virtual clock. */
export const REFUSED_TIMERS = ['setTimeout', 'setInterval', 'setImmediate', 'requestAnimationFrame', 'queueMicrotask'] as const;

export function preludeSource(seed: number): string {
  return `(function () {
  'use strict';
  const g = globalThis;
  const hostNow = g.__host_now, hostSql = g.__host_sql, hostLog = g.__host_log;
  delete g.__host_now; delete g.__host_sql; delete g.__host_log;
  const refuse = (name, why) => { throw new Error(name + ' is not available in the sandbox: ' + why); };
  const NO_PAGE = 'your code runs inside a worker sandbox with no page, network, storage or messaging; it gets only what the API hands it (db and the event, or the command and the state)';
  const NO_TIMERS = 'time moves only with the engine\\'s virtual clock (Date.now() reads it)';
  const fence = (names, why) => {
    for (const name of names) {
      Object.defineProperty(g, name, { get() { refuse(name, why); }, set() { refuse(name, why); }, configurable: false });
    }
  };
  fence(${JSON.stringify(REFUSED_GLOBALS)}, NO_PAGE);
  fence(${JSON.stringify(REFUSED_TIMERS)}, NO_TIMERS);

  // Code built from text at run time: the Function constructor (and its
  // async and generator kin, reachable through any function's .constructor) and eval.
  const NO_CODE_FROM_TEXT = 'building code from text at run time is refused; write the code in your file';
  const kinds = [
    [function () {}, 'Function'],
    [async function () {}, 'AsyncFunction'],
    [function* () {}, 'GeneratorFunction'],
    [async function* () {}, 'AsyncGeneratorFunction'],
  ];
  for (const [sample, name] of kinds) {
    const proto = Object.getPrototypeOf(sample);
    const refused = function () { refuse('the ' + name + ' constructor', NO_CODE_FROM_TEXT); };
    refused.prototype = proto;
    Object.defineProperty(proto, 'constructor', { value: refused, writable: false, configurable: false });
    if (name === 'Function') Object.defineProperty(g, 'Function', { value: refused, writable: false, configurable: false });
  }
  Object.defineProperty(g, 'eval', { value: function () { refuse('eval', NO_CODE_FROM_TEXT); }, writable: false, configurable: false });

  // Virtual time: new Date() and Date.now() read the engine's clock.
  const RealDate = Date;
  function VirtualDate(...args) {
    if (!new.target) return new RealDate(hostNow()).toString();
    return args.length === 0 ? new RealDate(hostNow()) : new RealDate(...args);
  }
  VirtualDate.prototype = RealDate.prototype;
  VirtualDate.now = function now() { return hostNow(); };
  VirtualDate.parse = RealDate.parse;
  VirtualDate.UTC = RealDate.UTC;
  Object.defineProperty(RealDate.prototype, 'constructor', { value: VirtualDate, writable: false, configurable: false });
  Object.defineProperty(g, 'Date', { value: VirtualDate, writable: false, configurable: false });

  // Seeded randomness (mulberry32): the same seed draws the same numbers.
  let state = ${seed >>> 0};
  const imul = Math.imul;
  Math.random = function random() {
    state = (state + 0x6d2b79f5) | 0;
    let t = imul(state ^ (state >>> 15), 1 | state);
    t = (t + imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const show = (v) => (typeof v === 'string' ? v : (() => { try { return JSON.stringify(v); } catch { return String(v); } })());
  const log = (...args) => { hostLog(args.map(show).join(' ')); };
  g.console = Object.freeze({ log, info: log, warn: log, error: log, debug: log });

  /** A decider refuses a command: return reject('OutOfStock', 'only 2 left'). */
  g.reject = function reject(code, message) {
    if (typeof code !== 'string' || code === '') throw new TypeError('reject(code, message): code must be a non-empty string');
    return { code, message: message === undefined ? code : String(message) };
  };

  const sql = (kind) => function (text, params) {
    if (typeof text !== 'string') throw new TypeError('db.' + kind + '(sql, params): sql must be a string');
    const list = params === undefined ? [] : params;
    if (!Array.isArray(list)) throw new TypeError('db.' + kind + '(sql, params): params must be an array of values for the ? placeholders');
    const out = hostSql(kind, text, JSON.stringify(list));
    return out === undefined ? undefined : JSON.parse(out);
  };
  const db = Object.freeze({ run: sql('run'), get: sql('get'), all: sql('all') });

  return function invoke(mod, name, argsJson, withDb) {
    const f = mod[name];
    if (typeof f !== 'function') throw new TypeError('your code must export a function named ' + name + ' (export function ' + name + '(…) { … })');
    const args = JSON.parse(argsJson);
    const result = withDb ? f(db, ...args) : f(...args);
    if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
      throw new TypeError(name + ' must return its result directly: it runs synchronously, so it cannot be async');
    }
    return result === undefined ? undefined : JSON.stringify(result);
  };
})()`;
}
