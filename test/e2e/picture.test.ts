// The live picture on /sandbox, compared with the engine in the real page:
// with time paused the tokens on the bus are the in-flight deliveries the
// downloaded trace says; the picture's own controls (keyboard only) change
// the bus and crash a projection, whose reason it then shows; a read model
// that applied duplicates is marked with its number and the events' number,
// and an answer from it is not "up to date"; a scrubbed past moment shows that
// moment's positions; hostile learner text stays text.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { baseUrl, launchBrowser, openAllSettings, watchedPage, sendCommand as send } from './browser.ts';
import type { TraceRecord } from '../../src/engine/index.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

const picture = (page: Page) => page.locator('[data-testid="architecture"]');

async function openSandbox(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const watched = await watchedPage(context);
  await watched.page.goto(`${baseUrl()}/sandbox/?paused`, { waitUntil: 'load' });
  await watched.page.waitForSelector('.sandbox[data-phase="ready"]', { timeout: 30_000 });
  await watched.page.waitForFunction(() => !document.querySelector('.sandbox .busy'));
  await picture(watched.page).waitFor();
  return watched;
}

async function trace(page: Page): Promise<TraceRecord[]> {
  await page.locator('[data-panel="timeline"]').scrollIntoViewIfNeeded();
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download-trace"]')]);
  return JSON.parse(await readFile((await file.path())!, 'utf8')) as TraceRecord[];
}

/** Deliveries in flight per subscriber, counted from the trace alone (no pauses in these runs: nothing is held or discarded). */
function inFlight(records: readonly TraceRecord[]): Map<string, number> {
  const n = new Map<string, number>();
  const add = (s: string, d: number) => n.set(s, (n.get(s) ?? 0) + d);
  for (const r of records) {
    if (r.type === 'bus.published') for (const s of r.subscribers) add(s, 1);
    else if (r.type === 'bus.duplicated') add(r.projection, 1);
    else if (r.type === 'bus.delivered') add(r.projection, -1);
    // A drop ends one leg and starts the redelivery: still one in flight.
  }
  return n;
}

/** Until the picture's frame has caught up with the page's latest frame (the sandbox's data-position). */
async function pictureSettled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const seq = document.querySelector('.sandbox')?.getAttribute('data-position')?.split(':')[0];
    return seq !== undefined && document.querySelector('[data-testid="architecture"]')?.getAttribute('data-seq') === seq;
  });
}

/** Until the picture lists the commands sent: their replies come before the frame that shows them, so a settled picture alone may be the frame before. */
async function commandsDrawn(page: Page): Promise<void> {
  await expect.poll(() => picture(page).locator('[data-command]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
  await pictureSettled(page);
}

describe('the picture on /sandbox', () => {
  it('is the first thing in the sandbox, and the full settings wait in a drawer', async () => {
    const { page, errors } = await openSandbox();
    const order = await page.evaluate(() => {
      const pic = document.querySelector('[data-testid="architecture"]')!;
      const panels = document.querySelector('.sandbox .panels')!;
      return pic.compareDocumentPosition(panels) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    expect(order).toBeTruthy();
    expect(await page.locator('[data-drawer="settings"]').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await openAllSettings(page);
    await expect.poll(() => page.locator('[data-setting="latency"]').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('draws, with time paused, one token per delivery the trace has in flight; its bus controls work from the keyboard', async () => {
    const { page, errors } = await openSandbox();
    // Keyboard only: open the bus's popover and raise the latency to its top stop.
    await picture(page)
      .getByRole('button', { name: /Event bus settings/ })
      .focus();
    await page.keyboard.press('Enter');
    const latency = page.locator('[data-testid="architecture"] .pop [data-control="latency"] input[type="range"]');
    await latency.waitFor({ state: 'visible' });
    await latency.focus();
    await page.keyboard.press('End');
    await expect
      .poll(async () =>
        Number((await picture(page).locator('.bus-summary').innerText()).match(/^([\d,]+) ms/)?.[1]?.replace(/,/g, '') ?? 0),
      )
      .toBeGreaterThanOrEqual(1000);
    await page.keyboard.press('Escape');
    for (let i = 0; i < 3; i++) await send(page, i === 0 ? 'AddProduct' : 'RestockProduct');
    await pictureSettled(page);
    const expected = inFlight(await trace(page));
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0);
    // The command replies come before the frame that shows them: wait for the picture to reach the trace's moment (time is paused, so it stays there).
    await expect.poll(async () => Number(await picture(page).locator('[data-in-flight]').innerText()), { timeout: 10_000 }).toBe(total);
    await pictureSettled(page);
    for (const [subscriber, count] of expected) {
      // The lane's canvas keeps the count of the tokens it drew in flight (held ones aside) as text.
      const drawn = await picture(page).locator(`[data-lane="${subscriber}"] canvas[data-drawn]`).getAttribute('data-drawn');
      expect(Number(drawn), subscriber).toBe(count);
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('crashes a projection from its card (keyboard) and shows the reason the trace gives', async () => {
    const { page, errors } = await openSandbox();
    await send(page, 'AddProduct');
    await picture(page)
      .getByRole('button', { name: /^Projection catalogue: .*Controls$/ })
      .focus();
    await page.keyboard.press('Enter');
    const crash = picture(page).locator('.pop:popover-open [data-action="crash"]');
    await crash.waitFor({ state: 'visible' });
    await crash.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Step one task' }).click();
    const card = picture(page).locator('[data-projection="catalogue"]');
    await expect.poll(() => card.getAttribute('data-status')).toBe('crashed');
    const crashed = (await trace(page)).filter((r) => r.type === 'projection.crashed' && r.projection === 'catalogue').at(-1) as
      { reason: string } | undefined;
    expect(crashed).toBeDefined();
    expect(await card.locator('[data-crash-reason]').innerText()).toContain(crashed!.reason);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('marks a read model that applied duplicates, with both numbers, and its answers are not "up to date"', async () => {
    const { page, errors } = await openSandbox();
    await openAllSettings(page);
    await send(page, 'AddProduct', { sku: 'KB-42', stock: '100' });
    await page.locator('[data-setting="dedupe"]').uncheck();
    await page.locator('[data-setting="duplicates"]').fill('100');
    for (let i = 0; i < 3; i++) await send(page, 'RestockProduct', { sku: 'KB-42', quantity: '5' });
    await page.locator('[data-testid="play"]').click();
    const mark = picture(page).locator('[data-projection="catalogue"] [data-divergence]').first();
    await mark.waitFor({ timeout: 20_000 });
    const [, live, events] = (await mark.innerText()).match(/stock (\d+), the events say (\d+)/) ?? [];
    // The events say 100 + 3 × 5; the read model holds what the live store holds.
    expect(Number(events)).toBe(115);
    expect(Number(live)).toBeGreaterThan(115);
    await page.selectOption('[data-testid="query-type"]', 'GetProduct');
    await page.fill('[data-panel="queries"] [data-field="sku"]', 'KB-42');
    await page.click('[data-testid="query-send"]');
    const answer = page.locator('[data-testid="query-results"] li').first();
    await answer.waitFor();
    expect(await answer.innerText()).toContain(`"stock": ${live}`);
    const staleness = await answer.locator('[data-staleness]').innerText();
    expect(staleness).not.toContain('up to date');
    expect(staleness).toContain(`stock ${live}, the events say 115`);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("shows a scrubbed past moment with that moment's positions", async () => {
    const { page, errors } = await openSandbox();
    for (let i = 0; i < 3; i++) await send(page, i === 0 ? 'AddProduct' : 'RestockProduct');
    await page.locator('[data-testid="play"]').click();
    await expect
      .poll(async () =>
        Number(
          await picture(page)
            .locator('[data-projection="catalogue"] [data-checkpoint]')
            .innerText()
            .then((t) => t.replace(/\D/g, '')),
        ),
      )
      .toBe(3);
    await page.locator('[data-testid="play"]').click();
    // Off screen the panel keeps its last frame: bring it into view first.
    await page.locator('[data-panel="timeline"]').scrollIntoViewIfNeeded();
    const slider = page.locator('[data-panel="timeline"] input[type="range"]');
    await slider.waitFor();
    const max = Number(await slider.getAttribute('max'));
    const target = Math.floor(max / 2);
    await slider.fill(String(target));
    const world = page.locator('[data-testid="timeline-world"]');
    await expect.poll(() => world.innerText()).toContain(`Record ${target} `);
    await page.locator('[data-testid="past-moment"]').waitFor();
    await expect.poll(() => picture(page).getAttribute('data-seq')).toBe(String(target));
    const text = await world.innerText();
    for (const name of ['orderSummary', 'catalogue', 'customerOrders', 'checkouts']) {
      const at = text.match(new RegExp(`${name} at (\\d+)`))?.[1];
      expect(at, name).toBeDefined();
      expect(await picture(page).locator(`[data-projection="${name}"] [data-checkpoint]`).innerText()).toBe(`#${at}`);
    }
    const head = text.match(/event store head (\d+)/)?.[1];
    expect(await picture(page).locator('[data-head]').innerText()).toBe(`#${head}`);
    await page.getByRole('button', { name: 'Back to live' }).click();
    await expect.poll(() => page.locator('[data-testid="past-moment"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows hostile learner text as typed, and none of it runs', async () => {
    const { page, errors } = await openSandbox();
    const name = '<img src=x onerror="window.__pwned=1">';
    const category = '</svg><script>window.__pwned=2</script>';
    await send(page, 'AddProduct', { sku: 'KB-7', name, category });
    // Ids are checked (letters, digits, - and _): a hostile one is refused, and the refusal shows it as text.
    await send(page, 'AddProduct', { sku: name, name: 'x' });
    await commandsDrawn(page);
    await page.locator('[data-panel="log"]').scrollIntoViewIfNeeded();
    // The log shows each event's data as JSON: the text as typed, quotes escaped.
    await expect.poll(() => page.locator('[data-testid="event-log"]').textContent()).toContain(JSON.stringify(name));
    expect(await page.locator('[data-testid="event-log"]').textContent()).toContain(JSON.stringify(category));
    expect(await page.locator('[data-testid="command-results"]').textContent()).toContain(JSON.stringify(name));
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('.sandbox img, .sandbox script').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('lets the keyboard reach every control on the picture', async () => {
    const { page, errors } = await openSandbox();
    await send(page, 'AddProduct');
    await commandsDrawn(page);
    const controls = await picture(page)
      .locator('button:not(.pop button), select:not(.pop select)')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent?.trim() ?? ''));
    expect(controls.length).toBeGreaterThanOrEqual(6);
    // Tab from the element before the picture until focus leaves it: every control is met on the way.
    await page.locator('.sandbox .intro').evaluate((el) => {
      el.setAttribute('tabindex', '-1');
      (el as HTMLElement).focus();
    });
    const met: string[] = [];
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const inside = await page.evaluate(() => {
        const a = document.activeElement;
        const pic = document.querySelector('[data-testid="architecture"]');
        return a && pic?.contains(a) ? (a.getAttribute('aria-label') ?? a.textContent?.trim() ?? '') : null;
      });
      if (inside === null) {
        if (met.length > 0) break;
        continue;
      }
      met.push(inside);
    }
    for (const c of controls) expect(met, c).toContain(c);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
