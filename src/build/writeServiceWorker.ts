// Writes the service worker that makes the site work offline after one visit, with Workbox's
// generateSW. It runs after `astro build` and Pagefind (see the build script), so the precache
// lists every file the site needs: pages, scripts, the module workers, sql.js's wasm and the
// search index. A new deploy changes the precache manifest; the new worker then waits until
// the learner accepts the reload (src/scripts/serviceWorker.ts), and storage is never touched.
import { resolve } from 'node:path';
import { generateSW } from 'workbox-build';

const siteDir = resolve(process.env.SITE_DIST ?? 'dist');
const base = (process.env.BASE_PATH ?? '/').replace(/\/?$/, '/');

const { count, size, warnings } = await generateSW({
  globDirectory: siteDir,
  globPatterns: ['**/*.{html,js,css,wasm,svg,json,woff2,ico,txt,webmanifest}', 'pagefind/**/*'],
  // The README's screenshots are for the repository page, not the site.
  globIgnores: ['sw.js', 'screenshots/**'],
  swDest: resolve(siteDir, 'sw.js'),
  modifyURLPrefix: { '': base },
  // sql.js's wasm and the larger chunks are well over Workbox's 2 MB default.
  maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
  // /sandbox/ is served by /sandbox/index.html; a session in the query string is the same page.
  directoryIndex: 'index.html',
  ignoreURLParametersMatching: [/.*/],
  navigateFallback: `${base}404.html`,
  navigateFallbackDenylist: [/\/pagefind\//],
  cleanupOutdatedCaches: true,
  clientsClaim: true,
  skipWaiting: false,
  inlineWorkboxRuntime: true,
  sourcemap: false,
  mode: 'production',
});
for (const warning of warnings) console.warn(`[cqrs-lab] service worker: ${warning}`);
console.log(`[cqrs-lab] service worker: ${count} files precached (${(size / 1024 / 1024).toFixed(1)} MB), scope ${base}`);
