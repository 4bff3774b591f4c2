import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { chromiumLaunchOptions } from './test/support/chromium.ts';

// Three projects, one command: `vitest run` (via `npm test`) runs them all.
// - unit: the pure engine, domains, parsers — in Node.
// - browser: workers, comlink, sql.js and Svelte components in real Chromium.
// - e2e: the built site (dist/) served statically and driven by playwright-core.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/{engine,domain,unit,simulations,content}/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        plugins: [svelte()],
        optimizeDeps: { include: ['sql.js', 'comlink', 'mermaid'] },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: chromiumLaunchOptions() }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/serve-dist.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
