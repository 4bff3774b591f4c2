import { readFile } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { inject } from 'vitest';
import { chromiumLaunchOptions } from '../support/chromium.ts';

export const baseUrl = () => inject('baseUrl');

/** The full sandbox keeps its settings in the "All settings" drawer under the picture: open it (a no-op when open). */
export async function openAllSettings(page: Page): Promise<void> {
  const drawer = page.locator('[data-drawer="settings"]');
  if (!(await drawer.evaluate((d) => (d as HTMLDetailsElement).open))) await drawer.locator('summary').click();
}

/**
 * Contexts block the site's service worker unless a test asks for it (`serviceWorkers: 'allow'`,
 * as offline.test.ts does): tests measure the pages themselves, and each fresh context would
 * otherwise download the whole precache (about 14 MB) in the background.
 */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch(chromiumLaunchOptions());
  const newContext = browser.newContext.bind(browser);
  const newPage = browser.newPage.bind(browser);
  browser.newContext = (options = {}) => newContext({ serviceWorkers: 'block', ...options });
  browser.newPage = (options = {}) => newPage({ serviceWorkers: 'block', ...options });
  return browser;
}

/**
 * axe-core for a page. A page with no frames but its own is checked by one `axe.run` inside it
 * (AxeBuilder's legacy mode): the same rules and the same results as the default mode, which
 * exists to reach into cross-origin frames and pays for it on every call (axe injected a second
 * time into a new blank page, the partial results carried over and merged there), two to three
 * times the cost of the audit itself. A page with frames keeps the default, frame-aware mode.
 */
export function axeBuilder(page: Page): AxeBuilder {
  const builder = new AxeBuilder({ page });
  return page.frames().length === 1 ? builder.setLegacyMode() : builder;
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions seen on the page so far. */
  errors: string[];
}

/** A page that records every console error and page error, so tests can assert none happened. */
export async function watchedPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { page, errors };
}

/** Every page of the built site reachable from the home page (crawled once, in global setup). */
export const sitePaths = () => inject('sitePaths');

export const lessonPaths = () => sitePaths().filter((path) => /^\/lessons\/[a-z0-9-]+\/$/.test(path));

/** Runs `task` over `items`, at most `limit` at a time (Chromium renders pages in parallel processes). */
export async function inParallel<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
    }),
  );
}

/** Send a command from the sandbox's command form and wait until its result is listed. */
export async function sendCommand(page: Page, type: string, fields: Record<string, string> = {}): Promise<void> {
  const before = await page.locator('[data-testid="command-results"] li').count();
  await page.selectOption('[data-testid="command-type"]', type);
  for (const [name, value] of Object.entries(fields)) await page.fill(`[data-panel="commands"] [data-field="${name}"]`, value);
  await page.click('[data-testid="command-send"]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="command-results"] li').length > n, before);
}

/**
 * Click an element once it has stopped moving. Scrolling a sandbox panel into view renders the
 * panels around it for the first time (content-visibility), and their real heights move it:
 * measured, the "Make a link" button moved twice within 210 ms of coming into view (by 98 px,
 * then 538 px), and a click aimed at it before that went to whatever took its place (2 of 12
 * shares under load did nothing). A learner sees the page settle before clicking; so do the tests.
 */
export async function clickWhenStill(page: Page, selector: string): Promise<void> {
  const target = page.locator(selector);
  await target.scrollIntoViewIfNeeded();
  await target.evaluate(
    (element) =>
      new Promise<void>((resolve) => {
        let last = '';
        let since = performance.now();
        const frame = (now: number) => {
          const box = element.getBoundingClientRect();
          const at = `${box.x},${box.y},${box.width},${box.height}`;
          if (at !== last) [last, since] = [at, now];
          if (now - since >= 400) resolve();
          else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
  );
  await target.click();
}

/** Click a button that downloads a file, and read the file. */
export async function download(page: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), clickWhenStill(page, `[data-testid="${testId}"]`)]);
  return readFile((await file.path())!, 'utf8');
}
