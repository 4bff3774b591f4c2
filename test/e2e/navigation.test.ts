import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { baseUrl, launchBrowser } from './browser.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

describe('pages', () => {
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

describe('the header menu on a phone (360 px)', () => {
  const sections = [
    { link: 'Lessons', path: '/lessons/' },
    { link: 'Scenarios', path: '/scenarios/' },
    { link: 'Sandbox', path: '/sandbox/' },
    { link: 'Write code', path: '/practice/code/' },
    { link: 'Incidents', path: '/practice/incidents/' },
    { link: 'Interview practice', path: '/interview/' },
    { link: 'Glossary', path: '/glossary/' },
  ];

  /** Tab from the top of the page until the menu button has focus. */
  async function tabToMenu(page: import('playwright-core').Page): Promise<void> {
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.hasAttribute('data-nav-toggle'))) return;
    }
    throw new Error('Tab never reached the menu button');
  }

  it('hides the links behind a menu button that opens and closes with the keyboard, without moving the page', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: 360, height: 740 }, colorScheme });
      const page = await context.newPage();
      await page.goto(`${baseUrl()}/`);
      const nav = page.getByRole('navigation', { name: 'Main' });
      const menu = page.getByRole('button', { name: 'Menu' });
      expect(await nav.getByRole('link', { name: 'Sandbox' }).isVisible()).toBe(false);
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      expect(await page.locator(`#${await menu.getAttribute('aria-controls')}`).getAttribute('aria-label')).toBe('Main');
      const mainTop = async () => page.locator('main').evaluate((m) => m.getBoundingClientRect().top);
      const before = await mainTop();

      await tabToMenu(page);
      await page.keyboard.press('Enter');
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
      for (const { link } of sections) expect(await nav.getByRole('link', { name: link, exact: true }).isVisible()).toBe(true);
      expect(await mainTop()).toBe(before);
      // The links follow the button in the tab order.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Lessons');

      await page.keyboard.press('Escape');
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      expect(await nav.getByRole('link', { name: 'Lessons' }).isVisible()).toBe(false);
      expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-nav-toggle'))).toBe(true);
      await context.close();
    }
  });

  for (const [index, { link, path }] of sections.entries()) {
    it(`reaches ${link} from the menu with the keyboard`, async () => {
      const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
      const page = await context.newPage();
      await page.goto(`${baseUrl()}/`);
      await tabToMenu(page);
      await page.keyboard.press('Enter');
      for (let i = 0; i <= index; i++) await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(link);
      const [response] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === path), page.keyboard.press('Enter')]);
      await page.waitForURL((url) => url.pathname === path);
      expect(response.status()).toBe(200);
      await expect(page.locator('h1').first().isVisible()).resolves.toBe(true);
      // The section's own link is marked as the current page.
      const current = page
        .getByRole('navigation', { name: 'Main', includeHidden: true })
        .getByRole('link', { name: link, exact: true, includeHidden: true });
      expect(await current.getAttribute('aria-current')).toBe('page');
      await context.close();
    });
  }
});
