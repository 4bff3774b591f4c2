// The sandbox page, driven like a learner: controls change the running
// engine, the measured window follows the latency, a link and an exported
// file reproduce the same trace, a corrupt file is refused and nothing is
// lost, the session survives a reload, and a failing worker is restarted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { baseUrl, clickWhenStill, download, launchBrowser, openAllSettings, watchedPage, sendCommand as send } from './browser.ts';
import { SETTING_CONTROLS, sliderPosition } from '../../src/sandbox/controls.ts';
import { commerce } from '../../src/domain/index.ts';

/** A setting slider's position for a display value (its value is an index into the control's stops). */
const position = (id: string, display: number): string =>
  String(sliderPosition(SETTING_CONTROLS.find((c) => c.id === id) as { stops: readonly number[] }, display));

/** Windows a command of this event type opens: one per projection that handles it. */
const handling = (eventType: string) => commerce.projections.filter((p) => p.handles.includes(eventType)).length;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

async function openSandbox(context: BrowserContext, hash = ''): Promise<{ page: Page; errors: string[] }> {
  const watched = await watchedPage(context);
  // ?paused: these tests drive time themselves (a fresh /sandbox/ starts with time running).
  await watched.page.goto(`${baseUrl()}/sandbox/?paused${hash}`, { waitUntil: 'load' });
  await ready(watched.page);
  return watched;
}

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('.sandbox[data-phase="ready"]', { timeout: 30_000 });
  await page.waitForFunction(() => !document.querySelector('.sandbox .busy'));
  await openAllSettings(page);
}

/** Panels off screen are not rendered (content-visibility), so tests read textContent, not innerText. */
/** Panels off screen stop re-rendering (they keep their last frame): bring one into view before reading it. */
async function show(page: Page, panel: string): Promise<void> {
  await page.locator(`[data-panel="${panel}"]`).scrollIntoViewIfNeeded();
}

const clockText = (page: Page) => page.locator('[data-testid="clock"]').innerText();

/** Autosave runs every two seconds: until it has saved where the run stands (the frame on screen). */
async function autosaved(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const s = document.querySelector<HTMLElement>('.sandbox')!;
      return s.dataset.saved !== '' && s.dataset.saved === s.dataset.position;
    },
    null,
    { timeout: 15_000 },
  );
}

/** A small run with time paused: every step is driven by the page, so it is exactly reproducible. */
async function smallRun(page: Page): Promise<void> {
  await send(page, 'AddProduct');
  await send(page, 'PlaceOrder', { orderId: 'o-1' });
  await page.locator('[data-setting="duplicates"]').fill('40');
  await send(page, 'PlaceOrder', { orderId: 'o-2' });
  await page.click('[data-testid="query-send"]');
  await page.waitForSelector('[data-testid="query-results"] li');
  for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'Step one task' }).click();
}

describe('the sandbox page', () => {
  it('measures a consistency window of at least the bus latency the learner sets', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openSandbox(context);
    await page.locator('[data-setting="jitter"]').fill(position('jitter', 0));
    await page.locator('[data-setting="latency"]').fill(position('latency', 1500));
    await page.waitForFunction(() => document.querySelector('[data-setting="latency"]')?.getAttribute('aria-valuetext') === '1,500 ms');
    await send(page, 'AddProduct');
    await send(page, 'PlaceOrder');
    await page.selectOption('[data-panel="run"] select >> nth=0', '10');
    await page.click('[data-testid="play"]');
    await show(page, 'window');
    const expected = String(handling('ProductAdded') + handling('OrderPlaced'));
    await page.waitForFunction((n) => document.querySelector('[data-stat="count"]')?.textContent === n, expected, { timeout: 20_000 });
    const min = Number((await page.locator('[data-stat="min"]').innerText()).replace(/[^0-9]/g, ''));
    const p50 = Number((await page.locator('[data-stat="p50"]').innerText()).replace(/[^0-9]/g, ''));
    expect(min).toBeGreaterThanOrEqual(1500);
    expect(p50).toBeGreaterThanOrEqual(1500);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('reproduces the same trace from a shared link', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openSandbox(context);
    await smallRun(page);
    const trace = await download(page, 'download-trace');
    await clickWhenStill(page, '[data-testid="share"]');
    const link = await page.locator('[data-testid="share-url"]').inputValue();
    expect(link).toMatch(/\/sandbox\/#s=[A-Za-z0-9_-]+$/);

    const other = await browser.newContext();
    const opened = await watchedPage(other);
    await opened.page.goto(link, { waitUntil: 'load' });
    await ready(opened.page);
    expect(await opened.page.locator('[data-testid="session-notice"]').textContent()).toMatch(/Opened the run shared in this link/);
    expect(await clockText(opened.page)).toBe(await clockText(page));
    expect(await download(opened.page, 'download-trace')).toBe(trace);
    expect(JSON.parse(trace).length).toBeGreaterThan(20);
    expect([...errors, ...opened.errors]).toEqual([]);
    await other.close();
    await context.close();
  });

  it('exports a session and imports it back to the same trace; refuses a corrupt file and keeps the current session', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openSandbox(context);
    await smallRun(page);
    const trace = await download(page, 'download-trace');
    const exported = await download(page, 'export');
    expect(JSON.parse(exported)).toMatchObject({ format: 'cqrs-lab-session', version: 1, session: { domain: 'commerce', seed: 42 } });

    const other = await browser.newContext();
    const { page: fresh, errors: freshErrors } = await openSandbox(other);
    const clockBefore = await clockText(fresh);
    await fresh.setInputFiles('[data-testid="import"]', {
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format":"cqrs-lab-session","version":1,"session":{"domain":"commerce"'),
    });
    await fresh.waitForFunction(() => /refused/.test(document.querySelector('[data-testid="session-notice"]')?.textContent ?? ''));
    expect(await fresh.locator('[data-testid="session-notice"]').textContent()).toMatch(
      /broken\.json was refused: .*not valid JSON.*Your current session is unchanged/,
    );
    await fresh.setInputFiles('[data-testid="import"]', {
      name: 'foreign.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ format: 'todo-app', items: [] })),
    });
    await fresh.waitForFunction(() =>
      /foreign\.json was refused/.test(document.querySelector('[data-testid="session-notice"]')?.textContent ?? ''),
    );
    expect(await fresh.locator('[data-testid="session-notice"]').textContent()).toMatch(/"format" is "todo-app"/);
    expect(await clockText(fresh)).toBe(clockBefore);

    await fresh.setInputFiles('[data-testid="import"]', { name: 'run.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
    await fresh.waitForFunction(() =>
      /Imported run\.json/.test(document.querySelector('[data-testid="session-notice"]')?.textContent ?? ''),
    );
    await ready(fresh);
    expect(await download(fresh, 'download-trace')).toBe(trace);
    // A corrupt file after a good import: still refused, the imported run is kept.
    const clockAfterImport = await clockText(fresh);
    await fresh.setInputFiles('[data-testid="import"]', {
      name: 'bad-script.json',
      mimeType: 'application/json',
      buffer: Buffer.from(exported.replace('"AddProduct"', '"Explode"')),
    });
    await fresh.waitForFunction(() =>
      /bad-script\.json was refused/.test(document.querySelector('[data-testid="session-notice"]')?.textContent ?? ''),
    );
    expect(await clockText(fresh)).toBe(clockAfterImport);
    expect(await download(fresh, 'download-trace')).toBe(trace);
    expect([...errors, ...freshErrors]).toEqual([]);
    await other.close();
    await context.close();
  });

  it('starts a fresh sandbox with time running, so the first command flows through on its own', async () => {
    const context = await browser.newContext();
    const { page, errors } = await watchedPage(context);
    await page.goto(`${baseUrl()}/sandbox/`, { waitUntil: 'load' });
    await ready(page);
    await expect.poll(() => page.getAttribute('[data-testid="play"]', 'aria-pressed')).toBe('true');
    await send(page, 'AddProduct');
    // Nobody presses Run or Step: the bus delivers and every projection catches up by itself.
    await show(page, 'projections');
    await page.waitForFunction(
      () => {
        const rows = [...document.querySelectorAll('[data-panel="projections"] [data-projection]')];
        return rows.length > 0 && rows.every((r) => r.getAttribute('data-position') === '1');
      },
      null,
      { timeout: 30_000 },
    );
    // Pause and run again in two quick clicks, before a frame can show the pause: time still runs
    // (it used to pause twice). Virtual time moving two more seconds shows it, whatever frame was up.
    const virtualSeconds = async () => Number((await clockText(page)).match(/Virtual time ([\d.,]+) s/)![1]!.replace(/,/g, ''));
    const clicked = await virtualSeconds();
    await page.locator('[data-testid="play"]').evaluate((button: HTMLButtonElement) => {
      button.click();
      button.click();
    });
    await expect.poll(virtualSeconds, { timeout: 20_000 }).toBeGreaterThan(clicked + 2);
    expect(await clockText(page)).toMatch(/running at/);
    expect(await page.getAttribute('[data-testid="play"]', 'aria-pressed')).toBe('true');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the session across a reload (IndexedDB)', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openSandbox(context);
    await smallRun(page);
    const trace = await download(page, 'download-trace');
    await autosaved(page);
    await page.reload({ waitUntil: 'load' });
    await ready(page);
    expect(await download(page, 'download-trace')).toBe(trace);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('carries the load on after a reload where it stopped: no command of it is refused as a repeat', async () => {
    const context = await browser.newContext();
    const { page, errors } = await watchedPage(context);
    await page.goto(`${baseUrl()}/sandbox/`, { waitUntil: 'load' });
    await ready(page);
    const load = page.getByLabel('Commands per second');
    const setLoad = (rate: number) =>
      load.evaluate((el: HTMLInputElement, v) => {
        el.value = String(v);
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }, rate);
    const tallies = async () => {
      const text = (await page.locator('[data-testid="command-tallies"]').textContent()) ?? '';
      const [accepted, refused] = [/([\d,]+) accepted/, /([\d,]+) refused/].map((r) => Number(text.match(r)?.[1]?.replace(/,/g, '') ?? -1));
      return { accepted: accepted!, refused: refused! };
    };
    const running = async (on: boolean) => {
      if ((await page.getAttribute('[data-testid="play"]', 'aria-pressed')) !== String(on)) await page.click('[data-testid="play"]');
      await expect.poll(() => page.getAttribute('[data-testid="play"]', 'aria-pressed')).toBe(String(on));
    };
    await running(true);
    await setLoad(200);
    await expect.poll(async () => (await tallies()).accepted, { timeout: 30_000 }).toBeGreaterThanOrEqual(300);
    await setLoad(0);
    await running(false);
    // The button shows the click at once; the clock shows the run paused only once the worker has paused it.
    await expect.poll(() => clockText(page)).not.toMatch(/running at/);
    await autosaved(page);
    // Read once the paused run is saved: the frame shown is the one saved.
    const before = await tallies();
    expect(before.refused).toBe(0);
    await page.reload({ waitUntil: 'load' });
    await ready(page);
    expect(await tallies()).toEqual(before);
    // On again: it goes on from the commands it had sent (it used to start over, adding products and orders that exist).
    await running(true);
    await setLoad(200);
    await expect.poll(async () => (await tallies()).accepted, { timeout: 30_000 }).toBeGreaterThanOrEqual(before.accepted + 200);
    await setLoad(0);
    expect((await tallies()).refused).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('reports a worker that throws and restarts it without losing the event store', async () => {
    const context = await browser.newContext();
    const { page } = await openSandbox(context);
    await send(page, 'AddProduct');
    await send(page, 'PlaceOrder', { orderId: 'o-1' });
    await show(page, 'log');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="event-log"] tbody tr').length === 2);
    const events = await page.locator('[data-testid="event-log"] tbody').textContent();
    await page.getByRole('button', { name: 'Make the read worker throw' }).click();
    await page.click('[data-testid="play"]');
    const alert = page.locator('[data-testid="worker-fault"]');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/The read worker failed.*Injected fault/s);
    await page.getByRole('button', { name: 'Restart the workers' }).click();
    await alert.waitFor({ state: 'detached' });
    await ready(page);
    await show(page, 'log');
    expect(await page.locator('[data-testid="event-log"] tbody').textContent()).toBe(events);
    await page.click('[data-testid="play"]');
    await show(page, 'projections');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-panel="projections"] [data-status]')].every((s) => s.textContent === 'live'),
    );
    await context.close();
  });

  it('stacks its panels at phone width without overflowing the page', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 780 } });
    const { page, errors } = await openSandbox(context);
    await send(page, 'AddProduct');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(360);
    const columns = await page.evaluate(
      () => getComputedStyle(document.querySelector('.sandbox .panels')!).gridTemplateColumns.split(' ').length,
    );
    expect(columns).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('part-2 controls in the sandbox', () => {
  /** Time paused: nothing moves between the command and the query unless the query waits for it. */
  async function pauseTime(page: Page): Promise<void> {
    const play = page.locator('[data-testid="play"]');
    if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
    await page.waitForFunction(() => document.querySelector('[data-testid="play"]')?.getAttribute('aria-pressed') === 'false');
  }

  async function queryWith(page: Page, strategy: string): Promise<{ staleness: string; consistency: string }> {
    const before = await page.locator('[data-testid="query-results"] li').count();
    await page.selectOption('[data-testid="query-type"]', 'GetProduct');
    await page.selectOption('[data-testid="query-strategy"]', strategy);
    await page.click('[data-testid="query-send"]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="query-results"] li').length > n, before);
    const newest = page.locator('[data-testid="query-results"] li').first();
    return {
      staleness: await newest.locator('[data-staleness]').innerText(),
      consistency: await newest.locator('.consistency').innerText(),
    };
  }

  it('answers a read right after a write stale with eventual, and fresh with read-your-writes', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openSandbox(context);
    await page.locator('[data-setting="jitter"]').fill(position('jitter', 0));
    await page.locator('[data-setting="latency"]').fill(position('latency', 800));
    await page.waitForFunction(() => document.querySelector('[data-setting="latency"]')?.getAttribute('aria-valuetext') === '800 ms');
    await pauseTime(page);
    await send(page, 'AddProduct');

    const eventual = await queryWith(page, 'eventual');
    expect(eventual.staleness).toMatch(/behind/);
    expect(eventual.consistency).toMatch(/your own last write is NOT visible/);

    const ryw = await queryWith(page, 'readYourWrites');
    expect(ryw.staleness).toBe('up to date');
    expect(ryw.consistency).toMatch(/your own last write is visible/);
    const waited = Number(/waiting (\d+) ms/.exec(ryw.consistency)?.[1]);
    expect(waited).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('makes a read right after a write fresh when projections run synchronously', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openSandbox(context);
    await page.locator('[data-setting="latency"]').fill(position('latency', 800));
    await page.selectOption('[data-setting="sync-mode"]', 'sync');
    await pauseTime(page);
    await send(page, 'AddProduct');
    const eventual = await queryWith(page, 'eventual');
    expect(eventual.staleness).toBe('up to date');
    expect(errors).toEqual([]);
    await context.close();
  });
});
