// A guard against tests that never give the event loop back. Vitest's
// testTimeout and hookTimeout are timers on the test's own thread: they fail
// a test that awaits forever, but a synchronous infinite loop, or an async one
// that only ever awaits settled promises (microtasks), never lets a timer run,
// so the test process hangs and the whole run with it.
//
// This setup file (node projects only) starts a watchdog on a separate thread,
// which keeps running while the test's thread is stuck. Each test arms it with
// its own timeout plus a grace period; hooks between tests are armed with the
// hook timeout. When a deadline passes, the watchdog prints what was running
// to stderr and kills the test process: Vitest reports the file as failed
// (its worker exited unexpectedly) and the run ends, instead of hanging.
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';

/** Past its own timeout, a test gets this long to be failed by Vitest before the process is killed. */
const GRACE_MS = 30_000;
/** Hooks between tests: the hook timeout of vitest.config.ts plus the grace. */
const HOOK_DEADLINE_MS = 60_000 + GRACE_MS;
/**
 * A file's beforeAll may set a longer timeout of its own (every-page-a and -b crawl the
 * whole site in one, with 900 s), which this setup file cannot read: it waits
 * up to the longest one any file sets, plus the grace.
 */
const SETUP_DEADLINE_MS = 900_000 + GRACE_MS;

const WATCHDOG = `
const { parentPort } = require('node:worker_threads');
const { writeSync } = require('node:fs');
let armed = null;
parentPort.on('message', (m) => { armed = m.what === null ? null : { what: m.what, deadline: Date.now() + m.ms }; });
setInterval(() => {
  if (armed === null || Date.now() < armed.deadline) return;
  writeSync(2, '\\n[hang guard] ' + armed.what + ' did not return within its timeout plus grace: its thread never yielded ' +
    '(a synchronous loop, or an async loop on settled promises). Killing the test process so the run fails instead of hanging.\\n');
  process.kill(process.pid, 'SIGKILL');
}, 500).unref();
`;

const watchdog = new Worker(WATCHDOG, { eval: true });
watchdog.unref();

const arm = (what: string, ms: number): void => watchdog.postMessage({ what, ms });

beforeAll(() => arm(`the beforeAll hooks of ${expect.getState().testPath ?? 'this file'}`, SETUP_DEADLINE_MS));
beforeEach((ctx) => arm(`test "${ctx.task.fullName}"`, ctx.task.timeout + GRACE_MS));
afterEach((ctx) => arm(`the hooks after "${ctx.task.name}"`, HOOK_DEADLINE_MS));
afterAll(() => {
  watchdog.postMessage({ what: null });
  void watchdog.terminate();
});
