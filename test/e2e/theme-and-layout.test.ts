import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { baseUrl, launchBrowser, lessonPaths as lessonPathList } from './browser.ts';

let browser: Browser;
const lessonPath = lessonPathList()[0]!;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

describe('theme', () => {
  it('follows the system until the learner chooses, then keeps the choice across reloads', async () => {
    const context = await browser.newContext({ colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(baseUrl() + lessonPath);
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    expect(await theme()).toBe('light');

    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await theme()).toBe('dark');
    await page.reload();
    expect(await theme()).toBe('dark');
    await page.goto(`${baseUrl()}/`);
    expect(await theme()).toBe('dark');

    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    await page.reload();
    expect(await theme()).toBe('light');
    await context.close();
  });

  it('shows each diagram drawn for the theme in use, and the other one after a switch', async () => {
    const context = await browser.newContext({ colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(baseUrl() + lessonPath);
    // Drawn at build time, once per theme: the page shows the one that matches and hides the other.
    const figure = page.locator('.mermaid-diagram[data-drawn="build"]').first();
    await figure.waitFor();
    const light = figure.locator('svg.mermaid-theme-light');
    const dark = figure.locator('svg.mermaid-theme-dark');
    expect(await light.isVisible()).toBe(true);
    expect(await dark.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await expect.poll(() => dark.isVisible()).toBe(true);
    expect(await light.isVisible()).toBe(false);
    await context.close();
  });
});

describe('layout', () => {
  it('collapses the sidebar at phone width behind a menu button, without horizontal scrolling', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await page.goto(baseUrl() + lessonPath);
    const sidebar = page.locator('#lesson-sidebar');
    expect(await sidebar.isVisible()).toBe(false);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    const menu = page.getByRole('button', { name: 'Lessons menu' });
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    expect(await sidebar.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await sidebar.isVisible()).toBe(false);

    await menu.click();
    const links = sidebar.getByRole('link');
    const last = links.last();
    const href = await last.getAttribute('href');
    await last.click();
    await page.waitForURL((url) => url.pathname === href);
    expect(await page.locator('#lesson-sidebar').isVisible()).toBe(false);
    await context.close();
  });

  it('shows the sidebar beside the lesson on a wide screen', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(baseUrl() + lessonPath);
    expect(await page.locator('#lesson-sidebar').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Lessons menu' }).isVisible()).toBe(false);
    const current = page.locator('#lesson-sidebar a[aria-current="page"]');
    expect(await current.getAttribute('href')).toBe(lessonPath);
    await context.close();
  });
});
