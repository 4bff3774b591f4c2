// `npm run bench:ui`: the sandbox page under load, in Chromium, with every
// panel and the live picture on screen. The load generator sends
// BENCH_UI_RATE commands/s (default 1,000; one event each, so that many
// events/s through the bus to every projection) while time runs at 1×;
// meanwhile the bench types into a form field and moves a select with the
// arrow keys every 250 ms, and pauses and resumes time every 2 s.
// It prints the target rate, the events/s the engine actually carried, the
// main thread's long tasks over 50 ms (Long Tasks API and a trace), the
// inputs' time to the next paint (p50, p95), the CPU each thread spent per
// 1,000 events (main thread, coordinator worker, read worker: thread time
// from the trace, so a busy machine does not inflate it), where the main
// thread's time went (script, style, layout, paint: per second, with the
// layouts' count and mean cost, and the layouts forced inside script), the round trips
// the coordinator made to the read worker per event, and the memory of the
// page and of each worker after a full collection: JS heap, and array buffers
// (the sql.js stores) where the browser reports them.
//
// Modes (BENCH_UI_MODE):
// - `rate` (default): one run of BENCH_UI_SECONDS (default 20) at BENCH_UI_RATE. With BENCH_UI_SECONDS
//   over 60, memory is printed every minute and the trace covers the last 20 s (BENCH_UI_SECONDS=600
//   is the 10-minute memory run).
// - `max`: the load steps up (BENCH_UI_STEPS, default 1000,2000,3000,4000,5000,6000,8000,10000) and
//   each step is held for 20 s; prints the highest rate carried (≥ 95% of the target) with no main-thread
//   task over 50 ms of CPU.
// Settings (BENCH_UI_SETTINGS, a JSON settings patch, opened as a sandbox link): the defaults, except
// above 1,000 events/s (and in max mode), where each projection takes 0.1 ms per event and 4 ms per batch
// (costs.projectMs, costs.projectBatchMs) and commits on a 10 ms tick (projection.commitIntervalMs). At
// the default 1 ms per event a projection handles 1,000 events/s of virtual time: above that its queue
// grows without end, which is the simulation's honest answer, not the tab's limit, and leaves the read
// side idle. At 0.1 ms + 4 ms a batch, as a projection committing to a real database would (its commit
// and checkpoint write are the per-batch cost), a full batch of 50 events costs 9 ms. The 10 ms tick is
// the shortest on which such a batch commits every tick, so a busy projection still carries 50 events
// per tick (5,000 events/s; 5,555 without a tick); the four projections commit on the same ticks and
// share one round trip to the read worker, at most 100 a second of virtual time whatever the rate (a
// 5 ms tick allows twice as many for the same capacity), for at most 10 ms more lag over a bus latency
// of 20–30 ms. BENCH_UI_SETTINGS='{"costs":{"projectMs":0.1,"projectBatchMs":4}}' gives the run without it.
// Serves dist/ (or SITE_DIST); build first.
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ReadSideCalls } from '../../src/worker/protocol/readSide.ts';
import { chromiumLaunchOptions } from '../support/chromium.ts';
import { serveStatic } from '../support/staticServer.ts';
import { encodeSession } from '../../src/sandbox/urlCodec.ts';
import type { SettingsPatch } from '../../src/engine/index.ts';

const MODE = process.env['BENCH_UI_MODE'] ?? 'rate';
const SECONDS = Number(process.env['BENCH_UI_SECONDS'] ?? '20');
const RATE = Number(process.env['BENCH_UI_RATE'] ?? '1000');
const STEPS = (process.env['BENCH_UI_STEPS'] ?? '1000,2000,3000,4000,5000,6000,8000,10000').split(',').map(Number);
const SETTINGS = JSON.parse(
  process.env['BENCH_UI_SETTINGS'] ??
    (MODE === 'max' || RATE > 1000 ? '{"costs":{"projectMs":0.1,"projectBatchMs":4},"projection":{"commitIntervalMs":10}}' : '{}'),
) as SettingsPatch;
/** How long the max mode holds each rate, and the trace window of a long run. */
const STEP_SECONDS = 20;

const machine = (): string =>
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')} (1/5/15 min)`;

const site = await serveStatic(resolve(process.env['SITE_DIST'] ?? resolve(import.meta.dirname, '../../dist')));
const browser = await chromium.launch(chromiumLaunchOptions());
// Tall enough that every panel is on screen (off-screen panels stop rendering), so the bench measures the whole page's work.
const page = await browser.newPage({ viewport: { width: 1440, height: 4000 } });

await page.addInitScript(() => {
  const w = window as unknown as { __longTasks: number[]; __inputs: { name: string; delay: number; duration: number }[]; __from: number };
  w.__longTasks = [];
  w.__inputs = [];
  w.__from = Number.POSITIVE_INFINITY;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.startTime >= w.__from) w.__longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as PerformanceEventTiming[]) {
      if (e.startTime >= w.__from) w.__inputs.push({ name: e.name, delay: e.processingStart - e.startTime, duration: e.duration });
    }
  }).observe({ type: 'event', buffered: true, durationThreshold: 16 } as PerformanceObserverInit);
  // Every input's time to the next paint (the Event Timing API reports only those of 16 ms or more):
  // from the event's timestamp to a task queued by the next animation frame, which runs once that frame is painted.
  const paints: number[] = [];
  (window as unknown as { __paints: number[] }).__paints = paints;
  const measure = (e: Event): void => {
    if (e.timeStamp < w.__from) return;
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => paints.push(performance.now() - e.timeStamp);
      ch.port2.postMessage(null);
    });
  };
  addEventListener('keydown', measure, { capture: true });
  addEventListener('pointerdown', measure, { capture: true });
});

page.on('pageerror', (e) => console.error('page error:', e.message));
// A sandbox link carrying the settings (an empty script): the page replays it and starts there.
const link = await encodeSession({ domain: 'commerce', seed: 42, settings: SETTINGS, script: [] });
console.log(`settings: ${JSON.stringify(SETTINGS)} over the defaults`);
await page.goto(`${site.url}/sandbox/#s=${link}`, { waitUntil: 'load' });
await page.waitForSelector('.sandbox[data-phase="ready"]', { timeout: 30_000 });

const status = () =>
  page.evaluate(() => {
    const text = document.querySelector('[data-testid="clock"]')!.textContent!;
    const num = (re: RegExp) => Number((re.exec(text)?.[1] ?? '0').replace(/,/g, ''));
    return { at: num(/Virtual time ([\d.,]+) s/) * 1000, events: num(/events ([\d,]+)/), text: text.replace(/\s+/g, ' ').trim() };
  });

/** What the read worker has served so far (its global counter); null for a build without one. */
async function readSideCalls(p: Page): Promise<ReadSideCalls | null> {
  for (const worker of p.workers()) {
    const calls = await worker
      .evaluate(() => (globalThis as { __readSideCalls?: ReadSideCalls }).__readSideCalls ?? null)
      .catch(() => null);
    if (calls) return calls;
  }
  return null;
}

const MB = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;

/** What Runtime.getHeapUsage answers; backingStorageSize (array buffers, the sql.js databases' wasm memory among them) in recent Chromium only. */
interface HeapUsage {
  usedSize: number;
  backingStorageSize?: number;
}

/** JS heap, then array buffers (the sql.js databases live there), if the browser says. */
const usage = (u: HeapUsage): string =>
  MB(u.usedSize) + (u.backingStorageSize !== undefined ? ` + ${MB(u.backingStorageSize)} buffers` : '');

/**
 * Memory in use after a full collection: the page's (CDP Runtime.getHeapUsage) and each dedicated worker's (the
 * same calls in its own target). The JS heap is the simulator's own bookkeeping; the buffers hold the sql.js
 * stores, which grow with the events and rows the run makes, as any event store does.
 */
async function heaps(b: Browser, p: Page): Promise<string> {
  const pageSession = await p.context().newCDPSession(p);
  // After a full collection, so what is printed is what is kept, not garbage not yet collected.
  await pageSession.send('HeapProfiler.collectGarbage');
  const own = (await pageSession.send('Runtime.getHeapUsage')) as HeapUsage;
  await pageSession.detach();
  const session = await b.newBrowserCDPSession();
  const { targetInfos } = await session.send('Target.getTargets');
  const parts = [`page ${usage(own)}`];
  let id = 0;
  for (const t of targetInfos.filter((t) => t.type === 'worker')) {
    const { sessionId } = await session.send('Target.attachToTarget', { targetId: t.targetId, flatten: false });
    const reply = new Promise<HeapUsage>((done) => {
      const collected = ++id;
      const mine = ++id;
      session.on('Target.receivedMessageFromTarget', (e) => {
        const m = JSON.parse(e.message) as { id?: number; result?: HeapUsage };
        if (e.sessionId !== sessionId) return;
        if (m.id === collected)
          void session.send('Target.sendMessageToTarget', {
            sessionId,
            message: JSON.stringify({ id: mine, method: 'Runtime.getHeapUsage' }),
          });
        if (m.id === mine) done(m.result ?? { usedSize: Number.NaN });
      });
      // A full collection first (as for the page), then the heap in use.
      void session.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id: collected, method: 'HeapProfiler.collectGarbage' }),
      });
    });
    const used = await Promise.race([reply, new Promise<HeapUsage>((r) => setTimeout(() => r({ usedSize: Number.NaN }), 5000))]);
    const name = /\/(\w+)\.worker/.exec(t.url)?.[1] ?? t.url;
    parts.push(`${name} worker ${usage(used)}`);
    await session.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
  }
  await session.detach();
  return `memory (JS heap + array buffers): ${parts.join(', ')}`;
}

async function setRate(rate: number): Promise<void> {
  const slider = page.locator('[data-panel="run"] input[type="range"]');
  await slider.fill(String(rate));
  const actual = Number(await slider.inputValue());
  if (actual !== rate) throw new Error(`The load slider took ${actual}, not ${rate}: is the build older than the bench?`);
}

interface TraceEvent {
  name: string;
  ph: string;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { url?: string; workerThreadId?: number } };
}

/** CPU per thread and the main thread's tasks, from a trace of the measured window. */
function threadCpu(traceEvents: TraceEvent[]) {
  const mainTid = traceEvents.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid;
  // Each worker thread by its script (the trace names them all "DedicatedWorker thread").
  const workerNames = new Map<number, string>();
  for (const e of traceEvents) {
    const d = e.args?.data;
    if (e.name === 'TracingSessionIdForWorker' && d?.workerThreadId !== undefined && d.url)
      workerNames.set(d.workerThreadId, /\/(\w+)\.worker/.exec(d.url)?.[1] ?? d.url);
  }
  const workerTids = new Set(
    traceEvents.filter((e) => e.name === 'thread_name' && e.args?.name === 'DedicatedWorker thread').map((e) => e.tid),
  );
  const workerCpu = new Map<string, number>();
  for (const e of traceEvents)
    if (e.name === 'RunTask' && e.ph === 'X' && workerTids.has(e.tid)) {
      const name = workerNames.get(e.tid) ?? `worker ${e.tid}`;
      workerCpu.set(name, (workerCpu.get(name) ?? 0) + (e.tdur ?? 0) / 1000);
    }
  const tasks = traceEvents.filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.tid === mainTid);
  return {
    workerCpu,
    tasks,
    rendering: mainThreadWork(traceEvents.filter((e) => e.tid === mainTid && e.ph === 'X')),
    longByWall: tasks.filter((t) => (t.dur ?? 0) > 50_000).length,
    longByCpu: tasks.filter((t) => (t.tdur ?? 0) > 50_000).length,
    mostCpu: Math.max(0, ...tasks.map((t) => t.tdur ?? 0)) / 1000,
    busyMs: tasks.reduce((n, t) => n + (t.tdur ?? 0), 0) / 1000,
  };
}

/**
 * Where the main thread's time went, by the trace's own event names (thread time, ms): script (the
 * outermost script call of each task), style (UpdateLayoutTree), layout (count, and how many ran inside
 * script: forced by a read or a canvas font after a write), paint (PrePaint, Paint, Layerize, Commit), and
 * how many animation frames ran a callback.
 */
function mainThreadWork(events: TraceEvent[]) {
  const sorted = [...events].sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const work = { script: 0, style: 0, layout: 0, layouts: 0, forcedLayouts: 0, paint: 0, animationFrames: 0 };
  const open: TraceEvent[] = [];
  let inScript = 0;
  for (const e of sorted) {
    while (open.length > 0 && open.at(-1)!.ts + (open.at(-1)!.dur ?? 0) <= e.ts) if (SCRIPT.has(open.pop()!.name)) inScript--;
    const ms = (e.tdur ?? 0) / 1000;
    if (e.name === 'FireAnimationFrame') work.animationFrames++;
    if (SCRIPT.has(e.name)) {
      if (inScript === 0) work.script += ms;
      inScript++;
      open.push(e);
      continue;
    }
    if (e.name === 'UpdateLayoutTree') work.style += ms;
    else if (e.name === 'Layout') {
      work.layout += ms;
      work.layouts++;
      if (inScript > 0) work.forcedLayouts++;
    } else if (PAINT.has(e.name)) work.paint += ms;
    open.push(e);
  }
  return work;
}
const SCRIPT = new Set([
  'FunctionCall',
  'EvaluateScript',
  'v8.callFunction',
  'TimerFire',
  'FireAnimationFrame',
  'EventDispatch',
  'HandlePostMessage',
]);
const PAINT = new Set(['PrePaint', 'Paint', 'Layerize', 'Commit']);

const pct = (xs: number[], p: number) =>
  xs.length === 0 ? 0 : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

/**
 * Hold `rate` for `seconds` while interacting; the trace covers the last `traceSeconds`.
 * `atMinute` runs at each whole minute (the long run's heap lines).
 */
async function measure(rate: number, seconds: number, traceSeconds: number, atMinute?: (minute: number) => Promise<void>) {
  await setRate(rate);
  // Let the new rate settle before measuring.
  await page.waitForTimeout(2000);
  const wallStart = Date.now();
  let start = await status();
  let callsStart = await readSideCalls(page);
  let measuredFrom = wallStart;
  let tracing = false;
  const startTrace = async () => {
    start = await status();
    callsStart = await readSideCalls(page);
    measuredFrom = Date.now();
    await page.evaluate(() => {
      const w = window as unknown as { __from: number; __longTasks: number[]; __inputs: unknown[]; __paints: number[] };
      w.__from = performance.now();
      w.__longTasks.length = 0;
      w.__inputs.length = 0;
      w.__paints.length = 0;
    });
    // A trace of the window gives each main-thread task's CPU time beside its wall time, so a task
    // that was long only because the thread waited for a core can be told from one that worked that long.
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    tracing = true;
  };
  if (traceSeconds >= seconds) await startTrace();

  // Interact while it runs: typing into a form field, arrow keys on a select, pause/run clicks.
  const field = page.locator('[data-panel="commands"] [data-field="sku"]');
  const select = page.getByLabel('Read model', { exact: true });
  const play = page.locator('[data-testid="play"]');
  let interactions = 0;
  let minute = 0;
  while (Date.now() - wallStart < seconds * 1000) {
    await field.press('x');
    await field.press('Backspace');
    await select.press(interactions % 2 === 0 ? 'ArrowDown' : 'ArrowUp');
    if (interactions % 8 === 0) {
      // Pause time and run it again: the controls themselves must answer promptly.
      await play.click();
      await play.click();
    }
    interactions += 3;
    await page.waitForTimeout(250);
    const elapsed = (Date.now() - wallStart) / 1000;
    if (atMinute && Math.floor(elapsed / 60) > minute) await atMinute(++minute);
    if (!tracing && elapsed >= seconds - traceSeconds) await startTrace();
  }
  const wall = (Date.now() - measuredFrom) / 1000;
  const trace = threadCpu((JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] }).traceEvents);
  const end = await status();
  const callsEnd = await readSideCalls(page);
  const appended = end.events - start.events;
  const { longTasks, inputs, paints } = await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[]; __inputs: { delay: number }[]; __paints: number[] };
    return { longTasks: [...w.__longTasks], inputs: [...w.__inputs], paints: [...w.__paints] };
  });
  const eventsPerSecond = appended / wall;
  const perThousand = (ms: number) => Math.round((1000 * ms) / Math.max(1, appended));
  const lines = [
    `machine: ${cpus().length} cores, ${machine()}: a long task's wall time includes waiting for a core`,
    `target rate: ${rate} events/s (${rate} commands/s of 1 event, each delivered to every projection), ${wall.toFixed(1)} s measured`,
    `achieved: ${Math.round(eventsPerSecond)} events/s appended per real second${eventsPerSecond >= rate * 0.95 ? '' : ' (below the target)'}; virtual time ran at ${((end.at - start.at) / 1000 / wall).toFixed(2)}× real time`,
  ];
  if (callsStart && callsEnd) {
    const roundTrips = Object.entries(callsEnd.calls).reduce((n, [method, c]) => n + c - (callsStart!.calls[method] ?? 0), 0);
    const applyTrips = ['applyBatch', 'applyBatches'].reduce((n, m) => n + (callsEnd.calls[m] ?? 0) - (callsStart!.calls[m] ?? 0), 0);
    const batches = callsEnd.batches - callsStart.batches;
    lines.push(
      `read worker: ${(roundTrips / Math.max(1, appended)).toFixed(2)} round trips per event (${roundTrips} in all), of which ${applyTrips} carried ${batches} live batches (${(batches / Math.max(1, applyTrips)).toFixed(2)} per round trip, ${(batches / Math.max(1, appended)).toFixed(2)} per event)`,
    );
  } else lines.push('read worker: no call counter in this build');
  const workers = [...trace.workerCpu].sort((a, b) => b[1] - a[1]).map(([name, ms]) => `${name} ${perThousand(ms)} ms`);
  lines.push(`CPU per 1,000 events: main thread ${perThousand(trace.busyMs)} ms, workers: ${workers.join(', ')}`);
  const r = trace.rendering;
  const perSecond = (ms: number) => `${Math.round(ms / wall)} ms/s`;
  lines.push(
    `main thread per second: script ${perSecond(r.script)}, style ${perSecond(r.style)}, layout ${perSecond(r.layout)} (${(r.layouts / wall).toFixed(1)} layouts/s, mean ${(r.layout / Math.max(1, r.layouts)).toFixed(2)} ms, ${r.forcedLayouts} forced inside script), paint ${perSecond(r.paint)}; ${(r.animationFrames / wall).toFixed(1)} animation-frame callbacks/s`,
  );
  lines.push(
    `long tasks > 50 ms on the main thread: ${longTasks.length} (Long Tasks API)${longTasks.length ? `, longest ${Math.round(Math.max(...longTasks))} ms` : ''}; from the trace: ${trace.longByWall} over 50 ms wall, ${trace.longByCpu} over 50 ms of CPU (most CPU in one task ${Math.round(trace.mostCpu)} ms); main thread busy ${Math.round(trace.busyMs / wall / 10)}% of the time`,
  );
  lines.push(
    `input to paint: p50 ${Math.round(pct(paints, 50))} ms, p95 ${Math.round(pct(paints, 95))} ms, worst ${Math.round(Math.max(0, ...paints))} ms over ${paints.length} inputs (${interactions} sent); Event Timing: ${inputs.length} took 16 ms or more, worst input delay ${Math.round(Math.max(0, ...inputs.map((i) => i.delay)))} ms`,
  );
  lines.push(`status: ${end.text}`);
  return { lines, held: eventsPerSecond >= rate * 0.95 && trace.longByCpu === 0, longByCpu: trace.longByCpu };
}

// The full sandbox starts with time running; run it if it is paused.
if ((await page.locator('[data-testid="play"]').getAttribute('aria-pressed')) !== 'true') await page.click('[data-testid="play"]');

let failed = false;
if (MODE === 'max') {
  let best = 0;
  for (const rate of STEPS) {
    const r = await measure(rate, STEP_SECONDS, STEP_SECONDS);
    console.log(`── ${rate} events/s: ${r.held ? 'held' : 'not held'}`);
    for (const line of r.lines) console.log(`  ${line}`);
    if (!r.held) break;
    best = rate;
  }
  console.log(`${await heaps(browser, page)}`);
  console.log(
    `max rate held for ${STEP_SECONDS} s with no main-thread task over 50 ms of CPU: ${best > 0 ? `${best} events/s` : 'none of the steps'} (${machine()})`,
  );
} else {
  const long = SECONDS > 60;
  const started = Date.now();
  const r = await measure(RATE, SECONDS, long ? STEP_SECONDS : SECONDS, async (minute) => {
    console.log(
      `after ${minute} min (${Math.round((Date.now() - started) / 1000)} s): ${await heaps(browser, page)}; ${(await status()).text}`,
    );
  });
  for (const line of r.lines) console.log(line);
  if (!long) console.log(await heaps(browser, page));
  const projections = await page.$$eval('[data-panel="projections"] tbody tr', (rows) =>
    rows.map((r) =>
      [...r.querySelectorAll('th, td')]
        .slice(0, 5)
        .map((c) => c.textContent?.trim())
        .join(' '),
    ),
  );
  for (const p of projections) console.log(`  ${p}`);
  failed = r.longByCpu > 0;
}
await browser.close();
await site.close();
process.exitCode = failed ? 1 : 0;
