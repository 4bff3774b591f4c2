// `npm run screenshots`: pictures of the built site for the README and for reviewing a change.
// Serves dist/ on a free port, then shoots the given paths at desktop and phone widths, both themes.
import { createServer } from 'node:http';
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from './chromium.ts';

const root = resolve(import.meta.dirname, '../..');
const dist = join(root, 'dist');
const out = resolve(process.env.SCREENSHOT_DIR ?? join(root, 'test-results/screenshots'));
const paths = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['/', '/lessons/why-crud-breaks/'];
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png' };

const server = createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
  let file = join(dist, path);
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!existsSync(file)) {
    response.writeHead(404);
    response.end();
    return;
  }
  response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(response);
});
await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
const address = server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

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
server.close();
