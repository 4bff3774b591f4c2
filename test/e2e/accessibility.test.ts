import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { baseUrl, inParallel, launchBrowser, sitePaths } from './browser.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

it.each(['light', 'dark'] as const)('has no serious or critical axe violations on any page (%s theme)', async (colorScheme) => {
  const context = await browser.newContext({ colorScheme });
  const problems: string[] = [];
  await inParallel([...sitePaths(), '/no-such-page/'], 2, async (path) => {
    const page = await context.newPage();
    await page.goto(baseUrl() + path, { waitUntil: 'load' });
    // Diagrams are part of the page a reader sees: wait until they are drawn.
    await page.waitForFunction(() => !document.querySelector('.mermaid-diagram[data-state="pending"]'));
    const results = await new AxeBuilder({ page }).analyze();
    for (const violation of results.violations) {
      if (violation.impact === 'serious' || violation.impact === 'critical') {
        const targets = violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(' | ');
        problems.push(`${path}: ${violation.id} (${violation.impact}) ${violation.help} → ${targets}`);
      }
    }
    await page.close();
  });
  await context.close();
  expect(problems.sort()).toEqual([]);
});
