// The sandbox's command form with an expected version: a learner who saved
// against a version that has moved on is refused, and reads both versions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { baseUrl, launchBrowser, watchedPage } from './browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

const results = '[data-testid="command-results"] li';

/** Send a command from the form (fields prefilled with the spec's examples) and return the new result's text. */
async function send(page: Page, type: string, fields: Record<string, string>, expectedVersion = ''): Promise<string> {
  const before = await page.locator(results).count();
  await page.selectOption('[data-testid="command-type"]', type);
  for (const [name, value] of Object.entries(fields)) await page.fill(`[data-panel="commands"] [data-field="${name}"]`, value);
  await page.fill('[data-testid="command-expected-version"]', expectedVersion);
  await page.click('[data-testid="command-send"]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="command-results"] li').length > n, before);
  // Newest first.
  return ((await page.locator(results).first().textContent()) ?? '').replace(/\s+/g, ' ');
}

describe('the expected version in the sandbox’s command form', () => {
  it('accepts a save at the stream’s version and refuses a stale one, naming both versions', async () => {
    const context = await browser.newContext();
    const { page, errors } = await watchedPage(context);
    await page.goto(`${baseUrl()}/sandbox/?paused`, { waitUntil: 'load' });
    await page.waitForSelector('.sandbox[data-phase="ready"]', { timeout: 30_000 });
    await page.waitForFunction(() => !document.querySelector('.sandbox .busy'));
    expect(await page.locator('[data-panel="commands"]').textContent()).toContain(
      'If someone changed it since, the command is refused, naming both versions.',
    );

    const created = await send(page, 'AddProduct', { sku: 'EV-1' }, '0');
    expect(created).toMatch(/Accepted.*product-EV-1 v1/);
    // Two people opened the product at version 1; the first save wins…
    expect(await send(page, 'ChangePrice', { sku: 'EV-1', priceCents: '3999' }, '1')).toMatch(/Accepted.*product-EV-1 v2/);
    // …and the second, still at version 1, is refused.
    const stale = await send(page, 'ChangePrice', { sku: 'EV-1', priceCents: '4599' }, '1');
    expect(stale).toContain('Refused');
    expect(stale).toContain(
      'You edited product-EV-1 at version 1, but it is now at version 2: someone changed it since. Reload it and decide again',
    );
    expect(await page.locator(results).first().getAttribute('data-ok')).toBe('false');
    // Empty field: no check, the save goes through.
    expect(await send(page, 'ChangePrice', { sku: 'EV-1', priceCents: '4599' })).toMatch(/Accepted.*product-EV-1 v3/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
