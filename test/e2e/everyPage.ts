import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeBuilder, baseUrl, inParallel, launchBrowser, lessonPaths, sitePaths, watchedPage } from './browser.ts';

// One visit per page collects everything the site-wide checks need, in both themes: the page
// opens in one system theme (the full axe audit runs there), then the system switches to the
// other theme while it is open (the page must follow, and axe's colour rules run again). Half
// the pages open light and half dark, so both first-visit paths run on every kind of page, and
// every page is audited in both themes. The crawl is split over two files (every-page-a and -b,
// the pages taken alternately) so its two halves run side by side on two workers.
type Theme = 'light' | 'dark';

interface Visit {
  path: string;
  first: Theme;
  status: number | undefined;
  /** data-theme after the first load, and after the system switched to the other theme. */
  appliedTheme: string | undefined;
  followedTheme: string | undefined;
  errors: string[];
  violations: string[];
  /** Lesson pages: what is wrong with their diagrams, in each theme. */
  diagramProblems: string[];
  diagrams: number;
}

const other = (theme: Theme): Theme => (theme === 'light' ? 'dark' : 'light');

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * An axe-core audit of a page without frames of its own, with axe put into the page once: each
 * AxeBuilder.analyze() sends axe's 650 KB source into the page twice, and the crawl audits every
 * page twice (once per theme), so four compiles of it a page become one. Pages with frames keep
 * the frame-aware default (axeBuilder).
 */
async function auditor(page: Page): Promise<AxeBuilder> {
  if (page.frames().length !== 1) return axeBuilder(page);
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return new AxeBuilder({ page, axeSource: 'void 0' }).setLegacyMode();
}

/** Serious and critical violations, one line each, with where they are. */
async function audit(page: Page, rules?: string[]): Promise<string[]> {
  // Only violations are collected: passes and incomplete checks are most of axe's work.
  const axe = (await auditor(page)).options({ resultTypes: ['violations'] });
  const results = await (rules ? axe.withRules(rules) : axe).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => {
      const targets = violation.nodes
        .slice(0, 3)
        .map((node) => node.target.join(' '))
        .join(' | ');
      return `${violation.id} (${violation.impact}) ${violation.help} → ${targets}`;
    });
}

/**
 * A lesson's diagrams as the reader sees them in `theme`: inline SVG drawn at build time, one
 * drawing shown (the current theme's), with a role, a title and a description. Returns the
 * number of diagrams and one line per problem.
 */
async function diagramProblems(page: Page, path: string, theme: Theme): Promise<{ count: number; problems: string[] }> {
  const figures = await page.locator('figure.mermaid-diagram').evaluateAll(
    (nodes, scheme) =>
      nodes.map((figure) => {
        const shown = [...figure.querySelectorAll('svg')].filter((svg) => getComputedStyle(svg).display !== 'none');
        const svg = shown[0];
        const label = (id: string | null | undefined) => (id ? (svg?.querySelector(`[id="${id}"]`)?.textContent ?? '') : '');
        return {
          drawnAtBuild: figure.getAttribute('data-drawn') === 'build',
          shown: shown.length,
          themeClass: svg?.classList.contains(`mermaid-theme-${scheme}`) ?? false,
          role: svg?.getAttribute('role'),
          title: label(svg?.getAttribute('aria-labelledby')),
          desc: label(svg?.getAttribute('aria-describedby')),
          titleElement: svg?.querySelector(':scope > title')?.textContent ?? '',
        };
      }),
    theme,
  );
  const problems = figures.flatMap((figure, index) => {
    const where = `${path} diagram ${index + 1} (${theme})`;
    const wrong: string[] = [];
    if (!figure.drawnAtBuild) wrong.push(`${where}: not drawn at build time`);
    if (figure.shown !== 1 || !figure.themeClass) wrong.push(`${where}: shows ${figure.shown} drawings, theme class ${figure.themeClass}`);
    if (figure.role !== 'img' || figure.title.trim() === '' || figure.desc.trim() === '' || figure.titleElement !== figure.title)
      wrong.push(`${where}: role ${figure.role}, title "${figure.title}", desc "${figure.desc.slice(0, 40)}"`);
    return wrong;
  });
  return { count: figures.length, problems };
}

/** Diagrams are part of what a reader sees, and their errors count: wait until drawn. */
const diagramsDrawn = (page: Page) => page.waitForFunction(() => !document.querySelector('.mermaid-diagram[data-state="pending"]'));

export function checkEveryPage(part: 0 | 1): void {
  let browser: Browser;
  const visits: Visit[] = [];
  const all = [...sitePaths(), '/no-such-page/'];
  const paths = all.filter((_, i) => i % 2 === part);
  const lessons = new Set(lessonPaths());

  beforeAll(async () => {
    browser = await launchBrowser();
    const context = await browser.newContext();
    // Four at a time: a visit mostly waits (page load, islands booting, diagrams), not computes.
    await inParallel(paths, 4, async (path) => {
      const first: Theme = all.indexOf(path) % 4 < 2 ? 'light' : 'dark';
      const { page, errors } = await watchedPage(context);
      await page.emulateMedia({ colorScheme: first });
      const response = await page.goto(baseUrl() + path, { waitUntil: 'load' });
      await diagramsDrawn(page);
      const appliedTheme = await page.evaluate(() => document.documentElement.dataset.theme);
      const drawings = lessons.has(path) ? [await diagramProblems(page, path, first)] : [];
      const violations = (await audit(page)).map((v) => `${first}: ${v}`);
      // The system changes theme while the page is open: it follows, and the colours must still pass.
      await page.emulateMedia({ colorScheme: other(first) });
      const followed = await page
        .waitForFunction((theme) => document.documentElement.dataset.theme === theme, other(first), { timeout: 5_000 })
        .then(() => true)
        .catch(() => false);
      await diagramsDrawn(page);
      // Nothing may be caught halfway through a colour change: let every animation finish first.
      await page.evaluate(() => Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => undefined))));
      const followedTheme = followed ? other(first) : await page.evaluate(() => document.documentElement.dataset.theme);
      if (followed) violations.push(...(await audit(page, ['color-contrast', 'link-in-text-block'])).map((v) => `${other(first)}: ${v}`));
      visits.push({
        path,
        first,
        status: response?.status(),
        appliedTheme,
        followedTheme,
        errors: [...errors],
        violations,
        diagramProblems: drawings.flatMap((d) => d.problems),
        diagrams: drawings.reduce((sum, d) => sum + d.count, 0),
      });
      await page.close();
    });
    await context.close();
  }, 900_000);
  afterAll(() => browser?.close());

  describe(`every page of the built site (part ${part + 1} of 2), in both themes`, () => {
    it('visits every page reachable from the home page', () => {
      expect(all).toContain('/');
      expect(all).toContain('/lessons/');
      expect(visits).toHaveLength(paths.length);
      expect(new Set(visits.map((visit) => visit.first))).toEqual(new Set(['light', 'dark']));
    });

    it('answers 200 (and the unknown address 404)', () => {
      const wrong = visits
        .filter((visit) => visit.status !== (visit.path === '/no-such-page/' ? 404 : 200))
        .map((visit) => `${visit.path}: ${visit.status}`);
      expect(wrong.sort()).toEqual([]);
    });

    it('logs no console error and throws no page error, in either theme', () => {
      // The unknown address is meant to answer 404; the browser logs that one response.
      const expected = (visit: Visit, error: string) => visit.path === '/no-such-page/' && /status of 404/.test(error);
      const errors = visits.flatMap((visit) =>
        visit.errors.filter((error) => !expected(visit, error)).map((error) => `${visit.path} (opened ${visit.first}): ${error}`),
      );
      expect(errors.sort()).toEqual([]);
    });

    it('follows the system theme on a first visit', () => {
      const wrong = visits
        .filter((visit) => visit.appliedTheme !== visit.first)
        .map((visit) => `${visit.path}: ${visit.appliedTheme}, system ${visit.first}`);
      expect(wrong.sort()).toEqual([]);
    });

    it('follows the system theme when it changes while the page is open', () => {
      const wrong = visits
        .filter((visit) => visit.followedTheme !== other(visit.first))
        .map((visit) => `${visit.path}: stayed ${visit.followedTheme}, system ${other(visit.first)}`);
      expect(wrong.sort()).toEqual([]);
    });

    it('shows every lesson diagram as inline SVG drawn at build time, titled and described, in the current theme only', () => {
      // The lessons draw their diagrams at build time (lessonWeight.test.ts checks no diagram library loads).
      expect(visits.filter((visit) => lessons.has(visit.path)).reduce((sum, visit) => sum + visit.diagrams, 0)).toBeGreaterThan(10);
      expect(visits.flatMap((visit) => visit.diagramProblems).sort()).toEqual([]);
    });

    it('has no serious or critical axe-core violations, in either theme', () => {
      const problems = visits.flatMap((visit) =>
        visit.violations.map((v) => `${visit.path} (${v.split(':')[0]}): ${v.slice(v.indexOf(':') + 2)}`),
      );
      expect(problems.sort()).toEqual([]);
    });
  });
}
