// A new deploy, as a returning learner meets it: the site (build A) is served from a copy of
// dist/, visited once so its service worker takes over, and a lesson is marked read. Then the
// copy becomes build B: the lesson's page changes and sw.js lists the page's new revision, as
// the build script writes it. The next visit finds the new worker, which waits; the learner is
// told and offered a reload; the reload brings build B, and the reading progress in
// localStorage is still there before and after.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, watchedPage } from './browser.ts';
import { serveStatic, type StaticSite } from '../support/staticServer.ts';

const LESSON = 'outbox';
const PROGRESS_KEY = 'cqrs-lab:reading-progress:v1';
let siteDir: string;
let site: StaticSite;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  // A copy, so rewriting it never touches the dist/ that the other e2e files are served from.
  siteDir = await mkdtemp(join(tmpdir(), 'cqrs-lab-deploy-'));
  await cp(resolve(process.env.SITE_DIST ?? resolve(import.meta.dirname, '../../dist')), siteDir, { recursive: true });
  site = await serveStatic(siteDir);
  browser = await launchBrowser();
  context = await browser.newContext({ serviceWorkers: 'allow' });
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (siteDir) await rm(siteDir, { recursive: true, force: true });
});

/** Build B: the lesson page gains a marker, and the precache manifest in sw.js carries its new revision. */
async function deployB(): Promise<void> {
  const pageFile = join(siteDir, 'lessons', LESSON, 'index.html');
  const html = await readFile(pageFile, 'utf8');
  await writeFile(pageFile, html.replace('</head>', '<meta name="cqrs-lab-deploy" content="B"></head>'));
  const swFile = join(siteDir, 'sw.js');
  const sw = await readFile(swFile, 'utf8');
  const entry = new RegExp(`(\\{url:"/lessons/${LESSON}/index\\.html",revision:")[0-9a-f]+"`);
  expect(sw, 'sw.js lists the lesson page with a revision').toMatch(entry);
  await writeFile(swFile, sw.replace(entry, '$1deploy-b"'));
}

const readProgress = (page: Page) => page.evaluate((key) => localStorage.getItem(key), PROGRESS_KEY);
const readToggle = (page: Page) => page.locator('[data-read-toggle]').getAttribute('aria-pressed');

describe('a new deploy', () => {
  it('is found, the learner is offered a reload, and the reading progress survives it', async () => {
    const { page, errors } = await watchedPage(context);
    const lessonUrl = `${site.url}/lessons/${LESSON}/`;

    // Build A: first visit, the worker precaches the site and takes control; the lesson is marked read.
    await page.goto(lessonUrl, { waitUntil: 'load' });
    await page.waitForFunction(
      async () => Boolean((await navigator.serviceWorker.ready).active && navigator.serviceWorker.controller),
      undefined,
      { timeout: 60_000 },
    );
    // Reaching the end of the lesson marks it read.
    await page.locator('[data-read-sentinel]').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('[data-read-toggle]')?.getAttribute('aria-pressed') === 'true');
    const progress = await readProgress(page);
    expect(JSON.parse(progress ?? '{}')).toHaveProperty(['read', LESSON]);
    expect(await page.locator('.update-banner').count()).toBe(0);

    // Build B goes live; the next visit checks sw.js, installs the new worker and leaves it waiting.
    await deployB();
    await page.reload({ waitUntil: 'load' });
    const banner = page.locator('.update-banner');
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.getAttribute('role')).toBe('status');
    expect(await banner.locator('p').innerText()).toBe('A new version of CQRS Lab is ready. Your sessions and progress are kept.');
    // Until the learner accepts, the page is still build A's, and nothing stored has changed.
    expect(await page.locator('meta[name="cqrs-lab-deploy"]').count()).toBe(0);
    expect(await readProgress(page)).toBe(progress);

    // Reload: the waiting worker takes over and the page comes back as build B, progress intact.
    const reloaded = page.waitForEvent('load');
    await banner.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await page.waitForSelector('meta[name="cqrs-lab-deploy"][content="B"]', { state: 'attached' });
    expect(await page.locator('.update-banner').count()).toBe(0);
    expect(await readProgress(page)).toBe(progress);
    expect(await readToggle(page)).toBe('true');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('leaves the learner on the current version when they choose Later', async () => {
    // The worker of build B is active now; a build C waits behind it until it is accepted.
    const { page, errors } = await watchedPage(context);
    await page.goto(`${site.url}/lessons/${LESSON}/`, { waitUntil: 'load' });
    const sw = await readFile(join(siteDir, 'sw.js'), 'utf8');
    expect(sw).toContain('revision:"deploy-b"');
    await writeFile(join(siteDir, 'sw.js'), sw.replace('revision:"deploy-b"', 'revision:"deploy-c"'));
    await page.reload({ waitUntil: 'load' });
    const banner = page.locator('.update-banner');
    await banner.waitFor({ timeout: 60_000 });
    await banner.getByRole('button', { name: 'Later' }).click();
    expect(await banner.count()).toBe(0);
    expect(await page.locator('meta[name="cqrs-lab-deploy"][content="B"]').count()).toBe(1);
    expect(await readToggle(page)).toBe('true');
    expect(errors).toEqual([]);
    await page.close();
  });
});
