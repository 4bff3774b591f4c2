// Lesson pages are light: diagrams arrive as inline SVG drawn at build time, and nothing heavy
// (mermaid, a layout engine, sql.js's wasm, a worker) loads before the reader scrolls to an embed.
// The weight is what the issue measured: every script fetched on first load, gzipped. That every
// diagram is inline SVG, titled and described, in each theme, is checked by the site crawl
// (everyPage.ts), which opens every lesson in both themes anyway.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { baseUrl, inParallel, launchBrowser, lessonPaths } from './browser.ts';

const BUDGET_BYTES = 100 * 1024;
/** Mermaid's own modules and the layout engines it pulls in. */
const DIAGRAM_LIBRARY = /mermaid|elk|dagre|cytoscape|katex/i;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

interface FirstLoad {
  scriptBytesGz: number;
  scripts: string[];
  wasm: string[];
  workers: string[];
}

/** Opens `path` in a fresh context (nothing cached) and records what it fetched until the network is quiet. */
async function firstLoad(context: BrowserContext, path: string): Promise<{ page: Page; load: FirstLoad }> {
  const page = await context.newPage();
  const load: FirstLoad = { scriptBytesGz: 0, scripts: [], wasm: [], workers: [] };
  const bodies: Promise<void>[] = [];
  page.on('worker', (worker) => load.workers.push(worker.url()));
  page.on('response', (response) => {
    const url = response.url();
    if (url.endsWith('.wasm')) load.wasm.push(url);
    if (response.request().resourceType() !== 'script') return;
    load.scripts.push(url);
    // A body still arriving when the page closes came after the measured first load.
    bodies.push(
      response.body().then(
        (body) => void (load.scriptBytesGz += gzipSync(body).length),
        () => undefined,
      ),
    );
  });
  await page.goto(baseUrl() + path, { waitUntil: 'networkidle' });
  for (let settled = 0; settled < bodies.length;) {
    const pending = bodies.slice(settled);
    settled = bodies.length;
    await Promise.all(pending);
  }
  return { page, load };
}

describe('lesson pages on first load', () => {
  it('each ships under 100 KB of gzipped JS, with no mermaid, no wasm and no worker before an embed is in view', async () => {
    const paths = lessonPaths();
    expect(paths.length).toBeGreaterThan(10);
    const report: string[] = [];
    const problems: string[] = [];
    await inParallel(paths, 3, async (path) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const { load } = await firstLoad(context, path);
      report.push(`${path}: ${(load.scriptBytesGz / 1024).toFixed(1)} KB gz in ${load.scripts.length} scripts`);
      if (load.scriptBytesGz >= BUDGET_BYTES) problems.push(`${path}: ${(load.scriptBytesGz / 1024).toFixed(1)} KB gz of JS`);
      const diagramModules = load.scripts.filter((url) => DIAGRAM_LIBRARY.test(new URL(url).pathname));
      if (diagramModules.length > 0) problems.push(`${path}: loads ${diagramModules.join(', ')}`);
      if (load.wasm.length > 0) problems.push(`${path}: fetches wasm ${load.wasm.join(', ')}`);
      if (load.workers.length > 0) problems.push(`${path}: starts workers ${load.workers.join(', ')}`);
      await context.close();
    });
    console.log(['JS on first load, gzipped:', ...report.sort()].join('\n  '));
    expect(problems).toEqual([]);
  });
});
