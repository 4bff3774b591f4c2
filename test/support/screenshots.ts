// `npm run screenshots`: pictures of the built site for the README and for reviewing a change.
// Serves dist/ (or SITE_DIST) on a free port, then shoots the given paths at desktop and phone widths, both themes.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from './chromium.ts';
import { serveStatic } from './staticServer.ts';
import { SETTING_CONTROLS, sliderPosition } from '../../src/sandbox/controls.ts';

const position = (id: string, display: number): string =>
  String(sliderPosition(SETTING_CONTROLS.find((c) => c.id === id) as { stops: readonly number[] }, display));

const root = resolve(import.meta.dirname, '../..');
const dist = process.env.SITE_DIST ? resolve(process.env.SITE_DIST) : join(root, 'dist');
const out = resolve(process.env.SCREENSHOT_DIR ?? join(root, 'test-results/screenshots'));
const paths = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['/', '/lessons/why-crud-breaks/'];
const site = await serveStatic(dist);
const base = site.url;

mkdirSync(out, { recursive: true });
const browser = await chromium.launch(chromiumLaunchOptions());
for (const path of paths) {
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const [label, viewport] of [
      ['desktop', { width: 1440, height: 900 }],
      ['phone', { width: 360, height: 780 }],
    ] as const) {
      const page = await browser.newPage({ viewport, colorScheme, deviceScaleFactor: 1 });
      await page.goto(base + path, { waitUntil: 'networkidle' });
      await page.waitForFunction(() => !document.querySelector('.mermaid-diagram[data-state="pending"]'));
      // A sandbox in view: wait until its picture shows the system with something on the bus (not the empty start).
      if (await page.locator('.sandbox').count()) {
        await page.locator('.sandbox').first().scrollIntoViewIfNeeded();
        // The full sandbox starts empty: give it a steady load on a slow, duplicating bus so the picture has something to show.
        if (await page.locator('[data-drawer="settings"]').count()) {
          await page.waitForSelector('.sandbox[data-phase="ready"]', { timeout: 30_000 });
          await page.locator('[data-drawer="settings"] > summary').click();
          for (const [id, value] of [
            ['latency', 120],
            ['jitter', 80],
            ['duplicates', 20],
          ] as const) {
            await page.locator(`[data-setting="${id}"]`).fill(position(id, value));
          }
          await page.locator('[data-drawer="settings"] > summary').click();
          await page.locator('[data-run-section="load"] ~ input[type="range"]').fill('50');
          await page.locator('[data-run-section="load"] ~ input[type="range"]').dispatchEvent('change');
        }
        await page
          .waitForFunction(
            () => Number(document.querySelector('[data-testid="architecture"] [data-in-flight]')?.textContent?.replace(/\D/g, '') || 0) > 2,
            null,
            { timeout: 20_000 },
          )
          .catch(() => console.warn(`${path}: the sandbox's bus stayed empty; shooting it as it is`));
        await page.evaluate(() => window.scrollTo(0, 0));
      }
      const name = `${path.replace(/\//g, '_').replace(/^_|_$/g, '') || 'home'}-${label}-${colorScheme}.png`;
      await page.screenshot({ path: join(out, name), fullPage: process.env.FULL_PAGE === '1' });
      console.log(join(out, name));
      await page.close();
    }
  }
}
await browser.close();
await site.close();
