// Loose ends a learner met on a walk through the site (issue #16, part 6),
// each checked where the learner saw it: the sandbox's panels, the header at
// phone width, the glossary's links and site search.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { baseUrl, launchBrowser, lessonPaths, watchedPage, sendCommand as send } from './browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

async function openSandbox(width = 1440): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: width > 400 ? 1000 : 780 } });
  const watched = await watchedPage(context);
  await watched.page.goto(`${baseUrl()}/sandbox/?paused`, { waitUntil: 'load' });
  await watched.page.waitForSelector('.sandbox[data-phase="ready"]', { timeout: 30_000 });
  await watched.page.waitForFunction(() => !document.querySelector('.sandbox .busy'));
  return watched;
}

const show = (page: Page, panel: string) => page.locator(`[data-panel="${panel}"]`).scrollIntoViewIfNeeded();
const setRunning = async (page: Page, running: boolean) => {
  if ((await page.getAttribute('[data-testid="play"]', 'aria-pressed')) !== String(running)) await page.click('[data-testid="play"]');
  await expect.poll(() => page.getAttribute('[data-testid="play"]', 'aria-pressed')).toBe(String(running));
};

describe('the projections panel', () => {
  const row = (page: Page, name: string) => page.locator(`[data-panel="projections"] tr[data-projection="${name}"]`);

  it('says why a crashed projection crashed, and stops saying it once it resumes', async () => {
    const { page, errors } = await openSandbox();
    await send(page, 'AddProduct');
    await show(page, 'projections');
    await page.getByRole('button', { name: 'Crash catalogue', exact: true }).click();
    await expect.poll(() => row(page, 'catalogue').locator('[data-status]').innerText()).toBe('crashed');
    await expect
      .poll(() => row(page, 'catalogue').locator('[data-crash-reason]').innerText())
      .toMatch(/^crashed on request \(a simulated crash\)/);
    expect(await row(page, 'orderSummary').locator('[data-crash-reason]').count()).toBe(0);

    await page.getByRole('button', { name: 'Resume catalogue', exact: true }).click();
    await expect.poll(() => row(page, 'catalogue').locator('[data-crash-reason]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('clears a shadow comparison when the shadow is dropped, and after a reset', async () => {
    const { page, errors } = await openSandbox();
    await send(page, 'AddProduct');
    await show(page, 'projections');
    const comparison = page.getByTestId('shadow-comparison');
    const compare = async () => {
      await page.getByRole('button', { name: 'Shadow build of catalogue' }).click();
      await setRunning(page, true);
      await expect
        .poll(() => page.locator('tr[data-shadow="catalogue"]').getAttribute('data-shadow-status'), { timeout: 20_000 })
        .toBe('caughtUp');
      await page.getByRole('button', { name: /^Compare catalogue with its/ }).click();
      await expect
        .poll(async () => (await comparison.textContent())?.replace(/\s+/g, ' ').trim(), { timeout: 20_000 })
        .toMatch(
          /^catalogue: the live store \(version current, at position 1\) and the shadow \(version current, at position 1\) hold the same rows\.$/,
        );
    };
    await compare();
    await page.getByRole('button', { name: /^Drop the .* of catalogue$/ }).click();
    await expect.poll(() => comparison.count()).toBe(0);

    // Building the same shadow again does not bring the old comparison back.
    await page.getByRole('button', { name: 'Shadow build of catalogue' }).click();
    await expect.poll(() => page.locator('tr[data-shadow="catalogue"]').count()).toBe(1);
    expect(await comparison.count()).toBe(0);
    await page.getByRole('button', { name: /^Drop the .* of catalogue$/ }).click();
    // The drop lands before the next build, or the next build's wait would see this shadow caught up.
    await expect.poll(() => page.locator('tr[data-shadow="catalogue"]').count()).toBe(0);

    await compare();
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await expect.poll(() => page.locator('tr[data-shadow="catalogue"]').count(), { timeout: 20_000 }).toBe(0);
    expect(await comparison.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('the consistency window and the charts', () => {
  it('says no window is measured yet instead of a blank box, then draws bars on an axis from 0', async () => {
    const { page, errors } = await openSandbox();
    await show(page, 'window');
    const panel = page.locator('[data-panel="window"]');
    expect(await panel.getByTestId('window-histogram-empty').textContent()).toMatch(/^No window measured yet/);
    expect(await panel.locator('canvas').count()).toBe(0);

    await send(page, 'AddProduct');
    await send(page, 'PlaceOrder', { orderId: 'o-1' });
    await setRunning(page, true);
    await show(page, 'window');
    await panel.getByTestId('window-histogram').locator('canvas').waitFor({ timeout: 20_000 });
    expect(await panel.getByTestId('window-histogram-empty').count()).toBe(0);
    // Bars: pixels of the series colour (blue in both themes) on the canvas.
    await expect
      .poll(() =>
        panel.locator('canvas').evaluate((c: HTMLCanvasElement) => {
          const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
          let blue = 0;
          for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && data[i + 2]! > data[i]! + 60) blue++;
          return blue;
        }),
      )
      .toBeGreaterThan(100);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('says when the projections draw one line', async () => {
    const { page, errors } = await openSandbox();
    await show(page, 'charts');
    await expect.poll(() => page.getByTestId('position-overlap').textContent()).toMatch(/^All four at the same position throughout/);
    expect(await page.getByTestId('lag-overlap').textContent()).toMatch(/^All four at the same lag throughout/);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('tables', () => {
  it('says "1 row." and never breaks an event type inside the word at phone width', async () => {
    const { page, errors } = await openSandbox(360);
    await send(page, 'AddProduct');
    await show(page, 'tables');
    await expect.poll(() => page.getByTestId('store-count-left').innerText(), { timeout: 20_000 }).toBe('1 row.');
    const cell = page.getByTestId('store-left').locator('td.data', { hasText: /^ProductAdded$/ });
    // One line box: the word was not split across lines.
    expect(
      await cell.evaluate((td) => {
        const r = document.createRange();
        r.selectNodeContents(td);
        return r.getClientRects().length;
      }),
    ).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('header and navigation', () => {
  it('shows one menu button and the site name on a lesson page at 360 px; the drawer lists the sections', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await page.goto(baseUrl() + lessonPaths()[0]!);
    const header = page.locator('header.site-header');
    const buttons = await header
      .locator('button:visible')
      .evaluateAll((els) => els.map((e) => e.textContent?.trim() || e.getAttribute('aria-label')));
    expect(buttons).toEqual(['Lessons menu', 'Search', expect.stringMatching(/theme/)]);
    const name = header.locator('.brand span');
    expect(await name.isVisible()).toBe(true);
    expect(await name.evaluate((s) => s.getBoundingClientRect().width)).toBeGreaterThan(40);

    await page.getByRole('button', { name: 'Lessons menu' }).click();
    const drawer = page.locator('#lesson-sidebar');
    for (const link of ['Lessons', 'Scenarios', 'Sandbox', 'Write code', 'Incidents', 'Interview practice', 'Glossary']) {
      expect(await drawer.getByRole('link', { name: link, exact: true }).isVisible()).toBe(true);
    }
    // Focus goes to the lesson list, at the current lesson.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-current'))).toBe('page');
    await context.close();
  });

  it('links the glossary from the header and the home page', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/`);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Glossary' }).getAttribute('href')).toBe(
      '/glossary/',
    );
    expect(await page.locator('main').getByRole('link', { name: 'Glossary' }).getAttribute('href')).toBe('/glossary/');
    await context.close();
  });

  it('searches the glossary, scenarios, interview questions and drills, with titles as the pages name themselves', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/`);
    const search = async (q: string) =>
      // A string, so the test runner does not rewrite the browser's import().
      page.evaluate(
        `import('/pagefind/pagefind.js').then((p) => p.search(${JSON.stringify(q)})).then((found) => Promise.all(found.results.map((r) => r.data())))`,
      ) as Promise<{ url: string; meta: { title: string } }[]>;
    const urls = (await search('flash sale')).map((r) => r.url);
    expect(urls).toEqual(
      expect.arrayContaining([
        '/scenarios/flash-sale/',
        '/interview/drills/flash-sale/',
        '/interview/flash-sale-incident/',
        '/lessons/why-crud-breaks/',
      ]),
    );
    expect((await search('outbox')).map((r) => r.url)).toContain('/glossary/');
    const lesson = (await search('projection')).find((r) => r.url === '/lessons/projections/');
    expect(lesson?.meta.title).toBe('Projections');
    for (const r of await search('projection')) expect(r.meta.title).not.toMatch(/^\d|·/);
    await context.close();
  });
});
