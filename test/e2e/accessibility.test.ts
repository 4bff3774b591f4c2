import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { baseUrl, crawlSite, launchBrowser } from './browser.ts';

let browser: Browser;
let paths: string[];

beforeAll(async () => {
  browser = await launchBrowser();
  const context = await browser.newContext();
  paths = await crawlSite(await context.newPage());
  await context.close();
});
afterAll(() => browser?.close());

it.each(['light', 'dark'] as const)('has no serious or critical axe violations on any page (%s theme)', async (colorScheme) => {
  const context = await browser.newContext({ colorScheme });
  const page = await context.newPage();
  const problems: string[] = [];
  for (const path of [...paths, '/no-such-page/']) {
    await page.goto(baseUrl() + path, { waitUntil: 'networkidle' });
    // Diagrams are part of the page a reader sees: wait until they are drawn.
    await page.waitForFunction(() => !document.querySelector('.mermaid-diagram[data-state="pending"]'));
    const results = await new AxeBuilder({ page }).analyze();
    for (const violation of results.violations) {
      if (violation.impact === 'serious' || violation.impact === 'critical') {
        const targets = violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(' | ');
        problems.push(`${path}: ${violation.id} (${violation.impact}) ${violation.help} → ${targets}`);
      }
    }
  }
  await context.close();
  expect(problems).toEqual([]);
});
