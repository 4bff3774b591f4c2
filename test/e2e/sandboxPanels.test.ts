// The sandbox's panels as a learner walking the lessons meets them: the
// sequence diagram follows the newest command (until one is picked) and grows
// with its trace, Reset goes back to the sandbox's starting point with time
// running, the projections panel shows a rebuild's progress, the live code
// version and a shadow store with its actions, and a scenario page shows only
// the controls its story and challenge use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { baseUrl, launchBrowser, watchedPage, sendCommand as send } from './browser.ts';
import { LESSON_PRESETS } from '../../src/sandbox/lessonPresets.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

/** A page in a fresh context each time: /sandbox restores the last autosaved run of its context. */
async function freshPage(width = 1440): Promise<{ page: Page; errors: string[] }> {
  const context: BrowserContext = await browser.newContext({ viewport: { width, height: width > 400 ? 1000 : 780 } });
  const watched = await watchedPage(context);
  return watched;
}

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('.sandbox[data-phase="ready"]', { timeout: 30_000 });
  await page.waitForFunction(() => !document.querySelector('.sandbox .busy'));
}

async function openSandbox(query = '?paused', width = 1440): Promise<{ page: Page; errors: string[] }> {
  const watched = await freshPage(width);
  await watched.page.goto(`${baseUrl()}/sandbox/${query}`, { waitUntil: 'load' });
  await ready(watched.page);
  return watched;
}

/** Panels off screen keep their last frame: bring one into view before reading it. */
const show = (page: Page, panel: string) => page.locator(`[data-panel="${panel}"]`).scrollIntoViewIfNeeded();

const events = async (scope: Page | Locator): Promise<number> =>
  Number((await scope.locator('[data-testid="clock"]').innerText()).match(/events\s+([\d,]+)/)?.[1]?.replace(/,/g, '') ?? NaN);

describe('the sequence diagram panel', () => {
  const menu = '[data-testid="diagram-command"]';
  const figure = '[data-testid="sequence-diagram"]';
  /** The newest command in the menu (the first entry after "Latest"). */
  const newest = (page: Page) => page.locator(`${menu} option`).nth(1).getAttribute('value');
  const drawnFor = (page: Page, id: string) =>
    page.waitForFunction(([sel, want]) => document.querySelector(sel!)?.getAttribute('data-command') === want, [figure, id] as const, {
      timeout: 20_000,
    });

  it('follows the newest command until the learner picks one, and follows again on "Latest"', async () => {
    const { page, errors } = await openSandbox();
    await send(page, 'AddProduct');
    await show(page, 'diagram');
    const first = (await newest(page))!;
    await drawnFor(page, first);

    await send(page, 'PlaceOrder', { orderId: 'o-1' });
    await show(page, 'diagram');
    await page.waitForFunction(([sel, old]) => document.querySelectorAll(`${sel} option`)[1]?.getAttribute('value') !== old, [
      menu,
      first,
    ] as const);
    const second = (await newest(page))!;
    await drawnFor(page, second);
    expect(await page.locator(`${figure} svg`).textContent()).toContain('PlaceOrder');

    // Picked: it stays on that command when a newer one arrives.
    await page.selectOption(menu, first);
    await drawnFor(page, first);
    await send(page, 'PlaceOrder', { orderId: 'o-2' });
    await show(page, 'diagram');
    await page.waitForFunction(([sel, old]) => document.querySelectorAll(`${sel} option`)[1]?.getAttribute('value') !== old, [
      menu,
      second,
    ] as const);
    const third = (await newest(page))!;
    expect(await page.locator(`${menu} option`).first().textContent()).toContain(third);
    expect(await page.locator(menu).inputValue()).toBe(first);
    expect(await page.getAttribute(figure, 'aria-label')).toBe(`Sequence diagram of ${first}`);
    expect(await page.getAttribute(figure, 'data-command')).toBe(first);

    // "Latest" follows again.
    await page.selectOption(menu, '');
    await drawnFor(page, third);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('grows as the command’s trace grows: deliveries, projection updates, then the same client’s query', async () => {
    const { page, errors } = await openSandbox();
    await send(page, 'AddProduct');
    await show(page, 'diagram');
    await drawnFor(page, (await newest(page))!);
    const svgText = () => page.locator(`${figure} svg`).textContent();
    // Time is paused: the command has answered, the bus has not delivered yet.
    expect(await svgText()).toMatch(/append ProductAdded pos 1/);
    expect(await svgText()).not.toMatch(/deliver pos 1/);

    await page.click('[data-testid="play"]');
    await show(page, 'diagram');
    await expect.poll(svgText, { timeout: 20_000 }).toMatch(/deliver pos 1/);
    await expect.poll(svgText, { timeout: 20_000 }).toMatch(/applied pos 1/);

    await page.selectOption('[data-testid="query-type"]', 'GetProduct');
    await page.click('[data-testid="query-send"]');
    await page.waitForSelector('[data-testid="query-results"] li');
    await show(page, 'diagram');
    await expect.poll(svgText, { timeout: 20_000 }).toMatch(/Query handler/);
    await expect.poll(svgText, { timeout: 20_000 }).toMatch(/GetProduct/);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('Reset', () => {
  it('on /sandbox starts an empty run with time running, and says so', async () => {
    const { page, errors } = await openSandbox('');
    await send(page, 'AddProduct');
    await page.click('[data-testid="play"]'); // pause, as a learner might before resetting
    await page.waitForFunction(() => document.querySelector('[data-testid="play"]')?.getAttribute('aria-pressed') === 'false');
    // The button shows the click at once; the clock, from the worker's frames, once time has stopped (with the command's event).
    await expect.poll(() => page.locator('[data-testid="clock"]').innerText(), { timeout: 10_000 }).toMatch(/time paused/);
    expect(await events(page)).toBe(1);
    expect(await page.getByTestId('reset-hint').innerText()).toMatch(
      /Reset starts an empty event store on the current seed and settings, with time running/,
    );

    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    await expect.poll(() => events(page), { timeout: 20_000 }).toBe(0);
    await ready(page);
    await expect.poll(() => page.getAttribute('[data-testid="play"]', 'aria-pressed')).toBe('true');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('in a lesson embed replays the lesson’s prepared data and keeps time running (terminal `reset`)', async () => {
    const { page, errors } = await freshPage();
    await page.goto(`${baseUrl()}/lessons/shadow-replay/`);
    const box = page.locator('[data-lesson-sandbox="shadow-replay"]');
    await box.scrollIntoViewIfNeeded();
    await box.locator('.sandbox[data-phase="ready"]').waitFor({ timeout: 60_000 });
    // Each intent of this preset's script (a product, orders, a cancellation) appends one event.
    const prepared = LESSON_PRESETS['shadow-replay'].script.length;
    await expect.poll(() => events(box), { timeout: 20_000 }).toBe(prepared);

    const terminal = box.locator('[data-panel="terminal"][data-terminal="ready"]');
    await terminal.waitFor({ timeout: 30_000 });
    await terminal.scrollIntoViewIfNeeded();
    await terminal.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('reset');
    await page.keyboard.press('Enter');
    const screen = () =>
      terminal
        .locator('.xterm-accessibility-tree > div')
        .evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n'));
    await expect.poll(screen, { timeout: 30_000 }).toMatch(/Fresh session: .* events in the log/);
    await expect.poll(() => events(box), { timeout: 20_000 }).toBe(prepared);
    await expect.poll(() => box.locator('[data-testid="clock"]').innerText(), { timeout: 10_000 }).toMatch(/running at/);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('the projections panel', () => {
  const row = (page: Page, name: string) => page.locator(`[data-panel="projections"] tr[data-projection="${name}"]`);
  const shadow = (page: Page, name: string) => page.locator(`[data-panel="projections"] tr[data-shadow="${name}"]`);

  it('shows a rebuild’s progress, the live code version, and a shadow build with compare, flip, roll back and drop', async () => {
    const { page, errors } = await openSandbox();
    await send(page, 'AddProduct');
    await send(page, 'PlaceOrder', { orderId: 'o-1' });
    await send(page, 'PlaceOrder', { orderId: 'o-2' });
    const head = 3;
    await expect.poll(() => events(page)).toBe(head);
    await show(page, 'projections');
    const catalogue = row(page, 'catalogue');
    expect(await catalogue.locator('[data-version]').innerText()).toBe('current');

    // A rebuild, time paused: it is under way and shows how far it got.
    await page.getByRole('button', { name: 'Rebuild catalogue', exact: true }).click();
    await expect.poll(() => catalogue.locator('[data-status]').innerText()).toBe('rebuilding');
    const progress = catalogue.getByRole('progressbar');
    expect(await progress.getAttribute('aria-label')).toMatch(new RegExp(`^Rebuild of catalogue: \\d+ of ${head} events replayed$`));
    expect(await progress.getAttribute('max')).toBe(String(head));

    // A shadow build of another code version, beside the live store.
    await page.click('[data-testid="play"]');
    await expect.poll(() => catalogue.locator('[data-status]').innerText(), { timeout: 20_000 }).toBe('live');
    expect(await catalogue.getByRole('progressbar').count()).toBe(0);
    await page.click('[data-testid="play"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="play"]')?.getAttribute('aria-pressed') === 'false');
    await catalogue.getByLabel('Code version for a shadow build of catalogue').selectOption('withRevenue');
    await page.getByRole('button', { name: 'Shadow build of catalogue' }).click();
    const built = shadow(page, 'catalogue');
    await built.waitFor();
    expect(await built.getAttribute('data-role')).toBe('candidate');
    expect(await built.getAttribute('data-shadow-status')).toBe('building');
    expect(await built.locator('[data-version]').innerText()).toBe('withRevenue');
    expect(await built.getByRole('progressbar').getAttribute('aria-label')).toMatch(
      new RegExp(`^Shadow build of catalogue: \\d+ of ${head} events replayed$`),
    );
    expect(await page.getByRole('button', { name: 'Flip catalogue to withRevenue' }).isDisabled()).toBe(true);

    await page.click('[data-testid="play"]');
    await expect.poll(() => built.getAttribute('data-shadow-status'), { timeout: 20_000 }).toBe('caughtUp');
    expect(await built.textContent()).toContain(`${head} / ${head}`);
    await page.getByRole('button', { name: 'Compare catalogue with its shadow build' }).click();
    await expect
      .poll(() => page.getByTestId('shadow-comparison').innerText(), { timeout: 20_000 })
      .toMatch(
        new RegExp(
          `catalogue: the live store \\(version current, at position ${head}\\) and the shadow \\(version withRevenue, at position ${head}\\)`,
        ),
      );

    await page.getByRole('button', { name: 'Flip catalogue to withRevenue' }).click();
    await expect.poll(() => catalogue.locator('[data-version]').innerText(), { timeout: 20_000 }).toBe('withRevenue');
    await expect.poll(() => built.getAttribute('data-role')).toBe('previous');
    expect(await built.locator('[data-version]').innerText()).toBe('current');

    await expect.poll(() => built.getAttribute('data-shadow-status'), { timeout: 20_000 }).toBe('caughtUp');
    await page.getByRole('button', { name: 'Roll catalogue back to current' }).click();
    await expect.poll(() => catalogue.locator('[data-version]').innerText(), { timeout: 20_000 }).toBe('current');

    await page.getByRole('button', { name: /^Drop the .* of catalogue$/ }).click();
    await built.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByRole('button', { name: 'Shadow build of catalogue' }).count()).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('keeps the page within 360 px while a shadow is shown: the table scrolls inside its panel', async () => {
    const { page, errors } = await openSandbox('?paused', 360);
    await send(page, 'AddProduct');
    await show(page, 'projections');
    await page.getByRole('button', { name: 'Shadow build of catalogue' }).click();
    await shadow(page, 'catalogue').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const region = page.getByRole('region', { name: 'Projections table' });
    expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('a scenario page', () => {
  async function openScenario(slug: string): Promise<{ page: Page; errors: string[] }> {
    const watched = await freshPage();
    await watched.page.goto(`${baseUrl()}/scenarios/${slug}/`, { waitUntil: 'load' });
    await ready(watched.page);
    return watched;
  }
  const shown = (page: Page, attribute: string) =>
    page.locator(`.sandbox [${attribute}]`).evaluateAll((els, a) => els.map((e) => e.getAttribute(a)), attribute);

  it('shows the time controls and only the settings its challenge allows', async () => {
    const { page, errors } = await openScenario('ordering');
    // Allowed: projections.catalogue (no sandbox control), projection.ordering, bus.orderedPartitions, bus.reorder.
    expect(await shown(page, 'data-setting')).toEqual(['ordering', 'ordered-partitions', 'reorder']);
    expect(await shown(page, 'data-run-section')).toEqual(['time']);
    expect(await page.getByRole('button', { name: 'Reset', exact: true }).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the sync mode its steps switch and its challenge allows, and nothing else', async () => {
    const { page, errors } = await openScenario('reads-vs-writes');
    expect(await shown(page, 'data-setting')).toEqual(['sync-mode']);
    expect(await shown(page, 'data-run-section')).toEqual(['time']);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
