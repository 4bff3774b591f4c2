import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { axeBuilder, baseUrl, inParallel, launchBrowser, sitePaths, watchedPage } from './browser.ts';

// One visit per page collects everything the site-wide checks need, so each of the ~130 pages
// is loaded once per theme, not once per check. One theme per test file (every-page-light,
// every-page-dark): the two crawls are the longest e2e work, and as two files they run on two
// workers side by side instead of one after the other in the slowest file of the suite.
interface Visit {
  path: string;
  status: number | undefined;
  appliedTheme: string | undefined;
  errors: string[];
  violations: string[];
}

export function checkEveryPage(theme: 'light' | 'dark'): void {
  let browser: Browser;
  const visits: Visit[] = [];
  const paths = [...sitePaths(), '/no-such-page/'];

  beforeAll(async () => {
    browser = await launchBrowser();
    const context = await browser.newContext({ colorScheme: theme });
    // Four at a time: a visit mostly waits (page load, islands booting, diagrams), not computes.
    await inParallel(paths, 4, async (path) => {
      const { page, errors } = await watchedPage(context);
      const response = await page.goto(baseUrl() + path, { waitUntil: 'load' });
      // Diagrams are part of what a reader sees, and their errors count: wait until drawn.
      await page.waitForFunction(() => !document.querySelector('.mermaid-diagram[data-state="pending"]'));
      // Only violations are collected: passes and incomplete checks are most of axe's work.
      // A theme changes colours and nothing else, so the dark pass runs only the colour rules.
      const axe = axeBuilder(page).options({ resultTypes: ['violations'] });
      const results = await (theme === 'dark' ? axe.withRules(['color-contrast', 'link-in-text-block']) : axe).analyze();
      visits.push({
        path,
        status: response?.status(),
        appliedTheme: await page.evaluate(() => document.documentElement.dataset.theme),
        errors: [...errors],
        violations: results.violations
          .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
          .map((violation) => {
            const targets = violation.nodes
              .slice(0, 3)
              .map((node) => node.target.join(' '))
              .join(' | ');
            return `${violation.id} (${violation.impact}) ${violation.help} → ${targets}`;
          }),
      });
      await page.close();
    });
    await context.close();
  }, 900_000);
  afterAll(() => browser?.close());

  describe(`every page of the built site, in the ${theme} theme`, () => {
    it('visits every page reachable from the home page', () => {
      expect(paths).toContain('/');
      expect(paths).toContain('/lessons/');
      expect(visits).toHaveLength(paths.length);
    });

    it('answers 200 (and the unknown address 404)', () => {
      const wrong = visits
        .filter((visit) => visit.status !== (visit.path === '/no-such-page/' ? 404 : 200))
        .map((visit) => `${visit.path} (${theme}): ${visit.status}`);
      expect(wrong.sort()).toEqual([]);
    });

    it('logs no console error and throws no page error', () => {
      // The unknown address is meant to answer 404; the browser logs that one response.
      const expected = (visit: Visit, error: string) => visit.path === '/no-such-page/' && /status of 404/.test(error);
      const errors = visits.flatMap((visit) =>
        visit.errors.filter((error) => !expected(visit, error)).map((error) => `${visit.path} (${theme}): ${error}`),
      );
      expect(errors.sort()).toEqual([]);
    });

    it('follows the system theme on a first visit', () => {
      const wrong = visits.filter((visit) => visit.appliedTheme !== theme).map((visit) => `${visit.path}: ${visit.appliedTheme}`);
      expect(wrong.sort()).toEqual([]);
    });

    it('has no serious or critical axe-core violations', () => {
      const problems = visits.flatMap((visit) => visit.violations.map((v) => `${visit.path} (${theme}): ${v}`));
      expect(problems.sort()).toEqual([]);
    });
  });
}
