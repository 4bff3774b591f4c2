// `npm run screenshots`: pictures of the built site for the README and for reviewing a change.
// Serves dist/ (or SITE_DIST) on a free port, then shoots the given paths at desktop and phone widths, both themes.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from './chromium.ts';
import { serveStatic } from './staticServer.ts';

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
    for (const [label, viewport] of [['desktop', { width: 1440, height: 900 }], ['phone', { width: 360, height: 780 }]] as const) {
      const page = await browser.newPage({ viewport, colorScheme, deviceScaleFactor: 1 });
      await page.goto(base + path, { waitUntil: 'networkidle' });
      await page.waitForFunction(() => !document.querySelector('.mermaid-diagram[data-state="pending"]'));
      const name = `${path.replace(/\//g, '_').replace(/^_|_$/g, '') || 'home'}-${label}-${colorScheme}.png`;
      await page.screenshot({ path: join(out, name), fullPage: process.env.FULL_PAGE === '1' });
      console.log(join(out, name));
      await page.close();
    }
  }
}
await browser.close();
await site.close();
