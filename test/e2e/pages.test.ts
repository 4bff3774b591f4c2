import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { baseUrl, launchBrowser, sitePaths, watchedPage } from './browser.ts';

let browser: Browser;
const paths = sitePaths();

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

describe('every page of the built site', () => {
  it('finds the home page, the lesson list and at least one lesson by following links', () => {
    expect(paths).toContain('/');
    expect(paths).toContain('/lessons/');
    expect(paths.some((path) => /^\/lessons\/[a-z0-9-]+\/$/.test(path))).toBe(true);
  });

  it('answers 200 and logs no console error, in both themes', async () => {
    const failures: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme });
      const { page, errors } = await watchedPage(context);
      for (const path of paths) {
        const response = await page.goto(baseUrl() + path, { waitUntil: 'load' });
        if (response?.status() !== 200) failures.push(`${path} (${colorScheme}): status ${response?.status()}`);
        // Let lazy work (diagrams) finish, so its errors are caught too.
        await page.waitForFunction(() => !document.querySelector('.mermaid-diagram[data-state="pending"]'));
        const theme = await page.evaluate(() => document.documentElement.dataset.theme);
        if (theme !== colorScheme) failures.push(`${path}: theme ${theme}, system asked for ${colorScheme}`);
      }
      failures.push(...errors.map((error) => `${colorScheme}: ${error}`));
      await context.close();
    }
    expect(failures).toEqual([]);
  });

  it('serves the 404 page, with status 404, for an unknown address', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`${baseUrl()}/lessons/no-such-lesson/`);
    expect(response?.status()).toBe(404);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/404/);
    await expect(page.locator('a[href="/"]').count()).resolves.toBeGreaterThan(0);
    await context.close();
  });

  it('has a skip link that moves focus to the main content', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/lessons/`);
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
    expect(focused).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await context.close();
  });
});
