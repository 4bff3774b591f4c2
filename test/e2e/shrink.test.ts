// The shortest failing run, clicked through in Chromium: a lesson goal fails
// (dedupe guard off while the bus duplicates deliveries), "Find the smallest
// failing run" shrinks it in a worker, the one-line summary names the bug, and
// "Open on the timeline" opens that minimal run in the sandbox, whose trace
// holds exactly its commands. A code exercise's shrunk case (the learner's
// code is not a sandbox session) opens on a read-only timeline of its trace.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { baseUrl, launchBrowser, watchedPage } from './browser.ts';
import { openLessonEmbed } from './lessonEmbed.ts';
import { playStoryToTheEnd } from './scenarioStory.ts';

let browser: Browser;
let context: BrowserContext;
beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
});
afterAll(() => browser?.close());

async function restock(box: Locator): Promise<void> {
  await box.getByTestId('command-type').selectOption('RestockProduct');
  await box.locator('[data-panel="commands"] [data-field="sku"]').fill('KB-42');
  await box.locator('[data-panel="commands"] [data-field="quantity"]').fill('5');
  const results = box.getByTestId('command-results').locator(':scope > li');
  const before = await results.count();
  await box.getByTestId('command-send').click();
  await expect.poll(() => results.count(), { timeout: 30_000 }).toBeGreaterThan(before);
}

/** A scenario's story played to its end (each checkpoint answered with its first choice), so its challenge is open. */
async function playScenario(page: Page, slug: string): Promise<void> {
  await page.goto(`${baseUrl()}/scenarios/${slug}/`, { waitUntil: 'load' });
  await page.waitForSelector('[data-testid="scenario-player"][data-setup="done"]', { timeout: 30_000 });
  await playStoryToTheEnd(page);
}

describe('the shortest failing run', () => {
  it('a failed goal shrinks to a short run whose summary names the bug, and opens on the timeline', async () => {
    const { box, errors } = await openLessonEmbed(context, 'projection-duplicates');
    await box.locator('[data-setting="dedupe"]').uncheck();
    for (let i = 0; i < 6; i++) await restock(box);
    await box.getByTestId('goal-verify').click();
    await expect.poll(() => box.getByTestId('goal-status').innerText(), { timeout: 60_000 }).toMatch(/^Not yet/);

    await box.getByTestId('shrink-start').click();
    const summary = box.getByTestId('shrink-summary');
    await summary.waitFor({ timeout: 90_000 });
    const text = await summary.innerText();
    expect(text).toMatch(/^[12] commands?, \d+ duplicate deliver(y|ies) to catalogue, .*projection dedupe guard off/);
    expect(text).toContain('"The catalogue equals a replay of the event store" fails');
    expect(await box.getByTestId('shrink-message').innerText()).toMatch(/^Finished after \d+ replays: no smaller run fails/);
    const commands = Number(text.match(/^(\d) command/)![1]);

    const [opened] = await Promise.all([context.waitForEvent('page'), box.getByTestId('shrink-open').click()]);
    const pageErrors: string[] = [];
    opened.on('pageerror', (e) => pageErrors.push(e.message));
    await opened.waitForSelector('.sandbox[data-phase="ready"]', { timeout: 60_000 });
    await opened.waitForFunction(() => !document.querySelector('.sandbox .busy'));
    expect(await opened.getByTestId('session-notice').textContent()).toMatch(/Opened the run shared in this link/);
    // The timeline holds the minimal run: its commands and the duplicate that broke the catalogue.
    await opened.locator('[data-panel="timeline"]').scrollIntoViewIfNeeded();
    const [file] = await Promise.all([opened.waitForEvent('download'), opened.getByTestId('download-trace').click()]);
    const trace = JSON.parse(await readFile((await file.path())!, 'utf8')) as { type: string; commandType?: string }[];
    expect(trace.filter((r) => r.type === 'command.completed')).toHaveLength(commands);
    expect(trace.filter((r) => r.type === 'bus.duplicated').length).toBeGreaterThanOrEqual(1);
    expect(trace.some((r) => r.type === 'settings.changed')).toBe(true);
    expect([...errors, ...pageErrors]).toEqual([]);
    await opened.close();
  });

  it('a failed scenario challenge shrinks its story and workload to one order and one read', async () => {
    const { page, errors } = await watchedPage(context);
    await playScenario(page, 'read-your-own-write');
    await page.getByTestId('verify').click();
    await page.waitForSelector('[data-testid="verdict"][data-passed="false"]', { timeout: 30_000 });
    const shrink = page.getByTestId('challenge').getByTestId('shrink');
    await shrink.getByTestId('shrink-start').click();
    await shrink.getByTestId('shrink-summary').waitFor({ timeout: 90_000 });
    expect(await shrink.getByTestId('shrink-summary').innerText()).toMatch(
      /^[12] commands?, 1 query.*: "No shopper misses their own order" fails: 1 instead of 0$/,
    );
    expect(await shrink.getByTestId('shrink-open').getAttribute('href')).toMatch(/\/sandbox\/#s=[A-Za-z0-9_-]+$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a code exercise's shrunk case opens on a read-only timeline of its own trace", { timeout: 300_000 }, async () => {
    const { page, errors } = await watchedPage(context);
    await page.goto(`${baseUrl()}/practice/code/idempotent-balance/`);
    await page.locator('.code-editor[data-ready="true"] .cm-content').waitFor();
    await page.getByTestId('check').click();
    const report = page.getByTestId('check-report');
    await report.waitFor({ timeout: 120_000 });
    const property = page
      .locator('.check-report .checks > li[data-passed="false"]', { has: page.getByTestId('open-case-timeline') })
      .last();
    await property.getByTestId('open-case-timeline').click();
    const timeline = property.getByTestId('case-timeline');
    // It opens on the first fault: the bus delivering an event twice to the learner's view.
    expect(await timeline.locator('li[aria-current="true"]').innerText()).toMatch(/bus\.duplicated .*twice to balance/);
    expect(await timeline.getByTestId('case-timeline-world').innerText()).toMatch(
      /^#\d+ at t=\d+ ms: event store head \d+; balance at \d+\.$/,
    );
    // Scrubbed to the end, the world shows every event appended.
    await timeline.locator('input[type="range"]').focus();
    await page.keyboard.press('End');
    expect(await timeline.getByTestId('case-timeline-world').innerText()).toMatch(/event store head [1-9]\d*; balance at [1-9]/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
