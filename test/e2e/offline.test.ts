// Offline after one visit: the service worker precaches the whole site on the first visit, so
// with the network off the sandbox still opens, starts its workers, loads sql.js's wasm, takes a
// command and answers a query about it; lessons and search work too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { baseUrl, launchBrowser, watchedPage } from './browser.ts';

let browser: Browser;
let context: BrowserContext;
beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ serviceWorkers: 'allow' });
});
afterAll(() => browser?.close());

/** The first visit: the page registers the worker, which activates once everything is precached. */
async function visitOnce(page: Page): Promise<void> {
  await page.goto(`${baseUrl()}/`, { waitUntil: 'load' });
  await page.waitForFunction(
    async () => Boolean((await navigator.serviceWorker.ready).active && navigator.serviceWorker.controller),
    undefined,
    { timeout: 60_000 },
  );
}

describe('offline after one visit', () => {
  it('opens the sandbox with the network off, takes a command and reads it back', async () => {
    const first = await context.newPage();
    await visitOnce(first);
    await first.close();
    await context.setOffline(true);

    const { page, errors } = await watchedPage(context);
    await page.goto(`${baseUrl()}/sandbox/`, { waitUntil: 'load' });
    await page.waitForSelector('.sandbox[data-phase="ready"]', { timeout: 30_000 });
    await page.waitForFunction(() => !document.querySelector('.sandbox .busy'));
    await page.selectOption('[data-testid="command-type"]', 'AddProduct');
    await page.fill('[data-panel="commands"] [data-field="sku"]', 'OFFLINE-1');
    await page.click('[data-testid="command-send"]');
    await page.waitForSelector('[data-testid="command-results"] li');
    await page.selectOption('[data-testid="query-type"]', 'GetProduct');
    await page.selectOption('[data-testid="query-strategy"]', 'readYourWrites');
    await page.fill('[data-panel="queries"] [data-field="sku"]', 'OFFLINE-1');
    await page.click('[data-testid="query-send"]');
    const answer = page.locator('[data-testid="query-results"] li').first();
    await answer.waitFor();
    expect(await answer.innerText()).toContain('OFFLINE-1');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('serves lessons, scenarios, interview, glossary and search with the network off', async () => {
    await context.setOffline(true);
    const page = await context.newPage();
    for (const path of ['/lessons/outbox/', '/scenarios/', '/interview/', '/glossary/']) {
      const response = await page.goto(`${baseUrl()}${path}`);
      expect(response?.status(), path).toBe(200);
      expect(await page.locator('main h1, h1').first().innerText(), path).not.toBe('');
    }
    // Search: Pagefind's script, wasm and index come from the precache.
    // (a string, so the test runner leaves the browser's import() alone)
    const results = await page.evaluate<number>(
      `import('${baseUrl()}/pagefind/pagefind.js').then((pagefind) => pagefind.search('outbox')).then((found) => found.results.length)`,
    );
    expect(results).toBeGreaterThan(0);
    await page.close();
  });
});
