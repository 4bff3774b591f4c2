// Deployable under a sub-path: the site built with BASE_PATH=/cqrs-lab/ and served only under
// that prefix still links, loads its workers and wasm, searches and registers its service worker.
// The build runs here, with no Chromium reachable (CHROME_PATH=/nonexistent), so it also proves
// that a machine without a browser still builds, with a warning, and draws diagrams in the page.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser, watchedPage } from './browser.ts';
import { serveStatic, type StaticSite } from '../support/staticServer.ts';

const BASE = '/cqrs-lab/';
let outDir: string;
let buildLog: string;
let site: StaticSite;
let root: string;
let browser: Browser;
let context: BrowserContext;

/** This process's environment without what Vitest adds (NODE_ENV=test, BASE_URL, MODE, …), which would leak into the build. */
function buildEnvironment(): NodeJS.ProcessEnv {
  const vitestKeys = /^(VITEST.*|NODE_ENV|BASE_URL|MODE|DEV|PROD|SSR|TEST)$/;
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !vitestKeys.test(key)));
}

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'cqrs-lab-base-'));
  const { stdout, stderr } = await promisify(execFile)('npm', ['run', 'build'], {
    cwd: join(import.meta.dirname, '../..'),
    // An empty diagram cache too, or drawings cached by an earlier build would hide the fallback.
    env: {
      ...buildEnvironment(),
      BASE_PATH: BASE,
      SITE_DIST: outDir,
      CHROME_PATH: '/nonexistent',
      MERMAID_SVG_CACHE: `${outDir}-no-diagram-cache`,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  buildLog = stdout + stderr;
  site = await serveStatic(outDir, BASE);
  root = site.url + BASE;
  browser = await launchBrowser();
  context = await browser.newContext({ serviceWorkers: 'allow' });
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe(`the site built for ${BASE}`, () => {
  it('warns that diagrams are left to the browser when no Chromium is reachable', () => {
    expect(buildLog).toContain('Diagrams are NOT drawn at build time');
    expect(buildLog).toContain(`scope ${BASE}`);
  });

  it('links only to pages and assets under the base, and every page reachable from home resolves', async () => {
    const seen = new Set<string>([BASE]);
    const queue = [BASE];
    const outside: string[] = [];
    const broken: string[] = [];
    while (queue.length > 0) {
      const path = queue.shift()!;
      const response = await fetch(site.url + path);
      if (!response.ok) broken.push(`${path}: ${response.status}`);
      if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) continue;
      const html = await response.text();
      for (const match of html.matchAll(/\b(?:href|src)="(\/[^"#?]*)/g)) {
        const target = match[1]!;
        if (!target.startsWith(BASE)) outside.push(`${path} -> ${target}`);
        else if (!seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
      }
    }
    expect(outside).toEqual([]);
    expect(broken).toEqual([]);
    expect(seen.size).toBeGreaterThan(50);
  });

  it('runs the sandbox (workers and wasm), draws diagrams, searches and registers the service worker under the base', async () => {
    const { page, errors } = await watchedPage(context);
    const wasm: string[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('.wasm')) wasm.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    page.on('worker', (worker) => wasm.push(`worker ${new URL(worker.url()).pathname}`));
    await page.goto(`${root}sandbox/`, { waitUntil: 'load' });
    await page.waitForSelector('.sandbox[data-phase="ready"]', { timeout: 30_000 });
    await page.waitForFunction(() => !document.querySelector('.sandbox .busy'));
    await page.click('[data-testid="command-send"]');
    await page.waitForSelector('[data-testid="command-results"] li');
    expect(wasm.filter((line) => line.startsWith('200 ') || line.startsWith('worker ')).every((line) => line.includes(BASE))).toBe(true);
    expect(wasm.some((line) => line.startsWith('200 ') && line.endsWith('.wasm'))).toBe(true);
    expect(wasm.some((line) => line.startsWith('worker '))).toBe(true);

    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(new URL(scope).pathname).toBe(BASE);

    const found = await page.evaluate<number>(
      `import('${root}pagefind/pagefind.js').then((pagefind) => pagefind.search('outbox')).then((found) => found.results.length)`,
    );
    expect(found).toBeGreaterThan(0);

    // Built without a browser, the lesson draws its diagram in the page.
    await page.goto(`${root}lessons/outbox/`);
    await page.waitForSelector('.mermaid-diagram[data-state="rendered"] svg', { timeout: 30_000 });
    expect(errors).toEqual([]);
  });
});
