// `npm run bench:ui`: the sandbox page under load, in Chromium. The load
// generator sends 1,000 commands/s (one event each, so 1,000 events/s
// through the bus to every projection) while time runs at 1×; meanwhile
// the bench types into a form field and moves a select with the arrow keys
// every 250 ms, and pauses and resumes time every 2 s.
// It prints the target rate, the events/s the engine actually carried, the
// main thread's long tasks over 50 ms (Long Tasks API and a trace), and the
// inputs' time to the next paint, p50 and p95, and the round trips the
// coordinator made to the read worker per event (independent of the
// machine's load). Serves dist/ (or SITE_DIST); build first.
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import type { ReadSideCalls } from '../../src/worker/protocol/readSide.ts';
import { chromiumLaunchOptions } from '../support/chromium.ts';
import { serveStatic } from '../support/staticServer.ts';

const SECONDS = Number(process.env['BENCH_UI_SECONDS'] ?? '20');
const RATE = Number(process.env['BENCH_UI_RATE'] ?? '1000');
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
await page.goto(`${site.url}/sandbox/`, { waitUntil: 'load' });
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

// Start the load and the clock, then measure after a short warm-up.
await page.locator('[data-panel="run"] input[type="range"]').fill(String(RATE));
// The full sandbox starts with time running; run it if it is paused.
if ((await page.locator('[data-testid="play"]').getAttribute('aria-pressed')) !== 'true') await page.click('[data-testid="play"]');
await page.waitForTimeout(2000);
const start = await status();
const callsStart = await readSideCalls(page);
const wallStart = Date.now();
await page.evaluate(() => ((window as unknown as { __from: number }).__from = performance.now()));
// A trace of the same window gives each main-thread task's CPU time beside its wall time, so a task
// that was long only because the thread waited for a core can be told from one that worked that long.
await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });

// Interact while it runs: typing into a form field, arrow keys on a select, pause/run clicks.
const field = page.locator('[data-panel="commands"] [data-field="sku"]');
const select = page.getByLabel('Read model', { exact: true });
const play = page.locator('[data-testid="play"]');
let interactions = 0;
while (Date.now() - wallStart < SECONDS * 1000) {
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
}
const wall = (Date.now() - wallStart) / 1000;
const traceEvents = (
  JSON.parse((await browser.stopTracing()).toString()) as {
    traceEvents: { name: string; ph: string; tid: number; dur?: number; tdur?: number; args?: { name?: string } }[];
  }
).traceEvents;
const mainTid = traceEvents.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid;
// CPU time of each worker thread (the coordinator, the read side): what an event costs, however busy the machine.
const workerTids = new Set(
  traceEvents.filter((e) => e.name === 'thread_name' && e.args?.name === 'DedicatedWorker thread').map((e) => e.tid),
);
const workerCpu = new Map<number, number>();
for (const e of traceEvents)
  if (e.name === 'RunTask' && e.ph === 'X' && workerTids.has(e.tid))
    workerCpu.set(e.tid, (workerCpu.get(e.tid) ?? 0) + (e.tdur ?? 0) / 1000);
const tasks = traceEvents.filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.tid === mainTid);
const longByWall = tasks.filter((t) => (t.dur ?? 0) > 50_000);
const longByCpu = tasks.filter((t) => (t.tdur ?? 0) > 50_000);
const busyMs = tasks.reduce((n, t) => n + (t.tdur ?? 0), 0) / 1000;
const end = await status();
const callsEnd = await readSideCalls(page);
const appended = end.events - start.events;
const { longTasks, inputs, paints } = await page.evaluate(() => {
  const w = window as unknown as {
    __longTasks: number[];
    __inputs: { name: string; delay: number; duration: number }[];
    __paints: number[];
  };
  return { longTasks: w.__longTasks, inputs: w.__inputs, paints: w.__paints };
});
const projections = await page.$$eval('[data-panel="projections"] tbody tr', (rows) =>
  rows.map((r) =>
    [...r.querySelectorAll('th, td')]
      .slice(0, 5)
      .map((c) => c.textContent?.trim())
      .join(' '),
  ),
);

const pct = (xs: number[], p: number) =>
  xs.length === 0 ? 0 : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const eventsPerSecond = (end.events - start.events) / wall;
const virtualPerReal = (end.at - start.at) / 1000 / wall;
const sustained = eventsPerSecond >= RATE * 0.95;
console.log(
  `machine: ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')} (1/5/15 min): a long task's wall time includes waiting for a core`,
);
console.log(
  `target rate: ${RATE} events/s (${RATE} commands/s of 1 event, each delivered to every projection), ${wall.toFixed(1)} s measured`,
);
console.log(
  `achieved: ${Math.round(eventsPerSecond)} events/s appended per real second${sustained ? '' : ' (below the target)'}; virtual time ran at ${virtualPerReal.toFixed(2)}× real time`,
);
if (callsStart && callsEnd) {
  const roundTrips = Object.entries(callsEnd.calls).reduce((n, [method, c]) => n + c - (callsStart.calls[method] ?? 0), 0);
  const applyTrips = ['applyBatch', 'applyBatches'].reduce((n, m) => n + (callsEnd.calls[m] ?? 0) - (callsStart.calls[m] ?? 0), 0);
  const batches = callsEnd.batches - callsStart.batches;
  console.log(
    `read worker: ${(roundTrips / Math.max(1, appended)).toFixed(2)} round trips per event (${roundTrips} in all), of which ${applyTrips} carried ${batches} live batches (${(batches / Math.max(1, applyTrips)).toFixed(2)} per round trip, ${(batches / Math.max(1, appended)).toFixed(2)} per event)`,
  );
} else console.log('read worker: no call counter in this build');
const perThousand = (ms: number) => Math.round((1000 * ms) / Math.max(1, appended));
console.log(
  `CPU per 1,000 events: worker threads ${[...workerCpu.values()]
    .sort((a, b) => b - a)
    .map((ms) => `${perThousand(ms)} ms`)
    .join(' + ')} (the busier is the coordinator), main thread ${perThousand(busyMs)} ms`,
);
console.log(
  `long tasks > 50 ms on the main thread: ${longTasks.length} (Long Tasks API)${longTasks.length ? `, longest ${Math.round(Math.max(...longTasks))} ms` : ''}; from the trace: ${longByWall.length} over 50 ms wall, ${longByCpu.length} over 50 ms of CPU (most CPU in one task ${Math.round(Math.max(0, ...tasks.map((t) => t.tdur ?? 0)) / 1000)} ms); main thread busy ${Math.round(busyMs / wall / 10)}% of the time`,
);
console.log(
  `input to paint: p50 ${Math.round(pct(paints, 50))} ms, p95 ${Math.round(pct(paints, 95))} ms, worst ${Math.round(Math.max(0, ...paints))} ms over ${paints.length} inputs (${interactions} sent); Event Timing: ${inputs.length} took 16 ms or more, worst input delay ${Math.round(Math.max(0, ...inputs.map((i) => i.delay)))} ms`,
);
console.log(`status: ${end.text}`);
for (const p of projections) console.log(`  ${p}`);
await browser.close();
await site.close();
process.exitCode = longByCpu.length > 0 ? 1 : 0;
