import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { chromiumLaunchOptions } from '../support/chromium.ts';

export const baseUrl = () => inject('baseUrl');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions());
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions seen on the page so far. */
  errors: string[];
}

/** A page that records every console error and page error, so tests can assert none happened. */
export async function watchedPage(
  context: BrowserContext,
): Promise<WatchedPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { page, errors };
}

/** Every page path of the built site, read from the sitemap of links reachable from the home page. */
export async function crawlSite(page: Page): Promise<string[]> {
  const seen = new Set<string>(['/']);
  const queue = ['/'];
  while (queue.length > 0) {
    const path = queue.shift()!;
    await page.goto(baseUrl() + path);
    const links = await page.$$eval('a[href]', (anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
    for (const href of links) {
      const url = new URL(href);
      if (url.origin !== new URL(baseUrl()).origin) continue;
      const clean = url.pathname;
      if (!seen.has(clean)) {
        seen.add(clean);
        queue.push(clean);
      }
    }
  }
  return [...seen].sort();
}
