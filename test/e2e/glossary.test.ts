import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { baseUrl, launchBrowser, lessonPaths as lessonPathList, watchedPage } from './browser.ts';
import { READING_PROGRESS_KEY } from '../../src/scripts/readingProgress.ts';

// Lessons as a learner meets them: glossary terms
// that explain themselves, links that lead somewhere, and reading progress.
let browser: Browser;
const lessonPaths = lessonPathList();

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

// Every lesson sandbox booting with its panels and controls is checked in lessonEmbeds.test.ts.

describe('glossary terms', () => {
  it('shows a definition on hover and on keyboard focus, and Escape hides it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/lessons/projections/`);
    const term = page.locator('.term[data-term="projection"]').first();
    const tip = term.locator('[role="tooltip"]');
    const link = term.locator('a');
    expect(await link.getAttribute('aria-describedby')).toBe(await tip.getAttribute('id'));
    expect(await tip.isVisible()).toBe(false);

    await link.hover();
    await tip.waitFor({ state: 'visible' });
    expect(await tip.textContent()).toContain('Code that turns events into a read model');
    await page.mouse.move(0, 0);
    await tip.waitFor({ state: 'hidden' });

    await link.focus();
    await tip.waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await tip.waitFor({ state: 'hidden' });
    await context.close();
  });

  it('resolves every glossary and lesson link on every lesson page, anchors included', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const links = new Set<string>();
    for (const path of lessonPaths) {
      await page.goto(baseUrl() + path);
      const hrefs = await page.locator('main a[href]').evaluateAll((els) => els.map((el) => (el as HTMLAnchorElement).href));
      for (const href of hrefs) {
        const url = new URL(href);
        if (url.origin === new URL(baseUrl()).origin && /^\/(glossary|lessons)\//.test(url.pathname)) links.add(url.pathname + url.hash);
      }
    }
    expect([...links].some((link) => link.startsWith('/glossary/#'))).toBe(true);
    const broken: string[] = [];
    const anchorsByPage = new Map<string, string[]>();
    for (const link of links) {
      const [pathname, anchor] = link.split('#') as [string, string | undefined];
      if (!anchorsByPage.has(pathname)) {
        const response = await page.goto(baseUrl() + pathname);
        if (response?.status() !== 200) broken.push(`${pathname}: HTTP ${response?.status()}`);
        anchorsByPage.set(pathname, await page.locator('[id]').evaluateAll((els) => els.map((el) => el.id)));
      }
      if (anchor && !anchorsByPage.get(pathname)!.includes(decodeURIComponent(anchor))) broken.push(`${link}: no element with that id`);
    }
    expect(broken).toEqual([]);
    await context.close();
  }, 300_000);
});

describe('reading progress', () => {
  it('keeps a lesson marked read across a reload and shows it in the sidebar and the index', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/lessons/commands/`);
    const toggle = page.locator('[data-read-toggle]');
    // The toggle sits at the end of the lesson, where arriving marks it read: let that happen first.
    await toggle.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('[data-read-toggle]')?.getAttribute('aria-pressed') === 'true');
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await toggle.textContent()).toContain('Mark as read');
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    expect(await page.locator('[data-read-toggle]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#lesson-sidebar a[data-read-slug="commands"]').getAttribute('data-read')).toBe('');
    expect(await page.locator('#lesson-sidebar [data-read-count]').textContent()).toBe(`1 of ${lessonPaths.length} read`);

    await page.goto(`${baseUrl()}/lessons/`);
    expect(await page.locator('main [data-read-count]').textContent()).toBe(`1 of ${lessonPaths.length} read`);
    expect(await page.locator('main a[data-read-slug="commands"]').getAttribute('data-read')).toBe('');
    await context.close();
  });

  it('marks a lesson read when the learner reaches its end', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/lessons/shadow-replay/`);
    expect(await page.locator('[data-read-toggle]').getAttribute('aria-pressed')).toBe('false');
    await page.locator('[data-read-sentinel]').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('[data-read-toggle]')?.getAttribute('aria-pressed') === 'true');
    await context.close();
  });

  it('ignores corrupt stored progress and still works', async () => {
    const context = await browser.newContext();
    const { page, errors } = await watchedPage(context);
    await page.goto(`${baseUrl()}/lessons/`);
    await page.evaluate((key) => localStorage.setItem(key, '{not json'), READING_PROGRESS_KEY);
    await page.reload();
    expect(await page.locator('main [data-read-count]').textContent()).toBe(`0 of ${lessonPaths.length} read`);
    expect(errors).toEqual([]);
    await context.close();
  });
});
