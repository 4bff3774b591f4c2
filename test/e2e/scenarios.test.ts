// The scenario pages, driven like a learner: the list shows every scenario;
// one story is played with Step and Play on the real engine in the sandbox's
// workers (a checkpoint answered, the narration and the event log moving as
// steps play); one challenge fails untouched with the failing criterion and
// its measured value shown, then passes once the learner picks a strategy in
// the page's own control, and the list shows it completed after a reload.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { baseUrl, launchBrowser, watchedPage } from './browser.ts';
import { playStoryToTheEnd } from './scenarioStory.ts';

const SIMULATIONS = resolve(import.meta.dirname, '../../simulations');
const scenarioSlugs = readdirSync(SIMULATIONS)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

/** Open a scenario and wait until its engine is up with the starting data in. */
async function openScenario(page: Page, slug: string): Promise<void> {
  await page.goto(`${baseUrl()}/scenarios/${slug}/`, { waitUntil: 'load' });
  await page.waitForSelector('[data-testid="scenario-player"][data-setup="done"]', { timeout: 30_000 });
  await page.waitForFunction(() => !document.querySelector('.sandbox .busy'));
}

/** Events appended so far, as the sandbox's clock line shows them. */
async function eventsShown(page: Page): Promise<number> {
  const text = await page.locator('[data-testid="clock"]').innerText();
  return Number(/events\s+([\d,]+)/.exec(text)![1]!.replace(/,/g, ''));
}

describe('scenarios', () => {
  it('the list shows every scenario with its summary, lessons and challenge', async () => {
    const context = await browser.newContext();
    const { page, errors } = await watchedPage(context);
    await page.goto(`${baseUrl()}/scenarios/`);
    const items = page.locator('[data-testid="scenario-list"] > li');
    expect(await items.count()).toBe(scenarioSlugs.length);
    expect((await items.evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.scenario))).sort()).toEqual(
      [...scenarioSlugs].sort(),
    );
    const card = page.locator('[data-scenario="read-your-own-write"]');
    expect(await card.locator('a.title').getAttribute('href')).toMatch(/\/scenarios\/read-your-own-write\/$/);
    expect(await card.innerText()).toContain('Challenge checked by the engine');
    expect(await card.locator('[data-completion]').innerText()).toBe('Not started');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('plays a story on the real engine: Step, a checkpoint, Play to the end, Restart', async () => {
    const context = await browser.newContext();
    const { page, errors } = await watchedPage(context);
    await openScenario(page, 'read-your-own-write');
    const startEvents = await eventsShown(page);
    expect(startEvents).toBeGreaterThan(0); // the setup ran silently
    expect(await page.locator('[data-testid="story-step"]').count()).toBe(0);

    // Step 1 asks before it plays: nothing happens in the engine until the answer is committed.
    await page.getByTestId('player-step').click();
    const first = page.locator('[data-testid="story-step"][data-step="1"]');
    await first.waitFor();
    expect(await first.getAttribute('aria-current')).toBe('step');
    expect(await first.innerText()).toContain('PlaceOrder');
    expect(await eventsShown(page)).toBe(startEvents);
    const checkpoint = first.getByTestId('checkpoint');
    expect(await checkpoint.getByRole('button', { name: 'Commit my answer' }).isDisabled()).toBe(true);
    await checkpoint.getByLabel('Nothing: the read model has not seen the event yet').check();
    await checkpoint.getByRole('button', { name: 'Commit my answer' }).click();
    await page.waitForSelector('[data-testid="checkpoint"][data-state="right"]');
    expect(await checkpoint.innerText()).toContain('Right.');
    // The step played: the order event reached the event log, and the step's fact is measured.
    await page.waitForFunction(() => document.querySelector('[data-testid="scenario-player"]')?.getAttribute('data-played') === '1');
    await page.waitForFunction(
      (n) => /events\s+(\d+)/.exec(document.querySelector('[data-testid="clock"]')!.textContent!)![1]! !== String(n),
      startEvents,
      { timeout: 10_000 },
    );
    expect(await page.locator('[data-testid="event-log"]').textContent()).toContain('OrderPlaced');
    expect(await first.getByTestId('step-facts').innerText()).toMatch(/readYourWriteMisses = 1/);

    // Play runs the rest, one step after another; the narration moves with it.
    await playStoryToTheEnd(page);
    const total = await page.locator('[data-testid="story-step"]').count();
    expect(total).toBeGreaterThan(1);
    expect(await page.getByTestId('progress').innerText()).toBe(`${total} of ${total} steps played`);
    expect(await page.locator(`[data-testid="story-step"][data-step="${total}"]`).getAttribute('aria-current')).toBe('step');
    expect(await eventsShown(page)).toBeGreaterThan(startEvents + 1);

    // Restart: a fresh engine with the same seed and starting data, the story from the top.
    await page.getByTestId('player-restart').click();
    await page.waitForSelector('[data-testid="scenario-player"][data-setup="done"][data-played="0"]', { timeout: 30_000 });
    await page.waitForFunction(
      (n) => /events\s+(\d+)/.exec(document.querySelector('[data-testid="clock"]')!.textContent!)?.[1] === String(n),
      startEvents,
      { timeout: 10_000 },
    );
    expect(await page.locator('[data-testid="story-step"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a challenge fails untouched, naming the criterion, and passes with the strategy picked in the page; the list shows it completed', async () => {
    const context = await browser.newContext();
    const { page, errors } = await watchedPage(context);
    await openScenario(page, 'read-your-own-write');
    await playStoryToTheEnd(page);
    const challenge = page.getByTestId('challenge');
    await challenge.waitFor();

    await page.getByTestId('verify').click();
    await page.waitForSelector('[data-testid="verdict"][data-passed="false"]', { timeout: 30_000 });
    const failed = challenge.locator('[data-criterion="fail"]');
    expect(await failed.count()).toBeGreaterThan(0);
    expect(await failed.first().innerText()).toMatch(
      /No shopper misses their own order[\s\S]*readYourWriteMisses = [1-9]\d* \(needs == 0\)/,
    );
    expect(await page.getByTestId('debrief').count()).toBe(0);

    await challenge.getByLabel("Consistency strategy for the workload's queries").selectOption('readYourWrites');
    await page.getByTestId('verify').click();
    await page.waitForSelector('[data-testid="verdict"][data-passed="true"]', { timeout: 30_000 });
    expect(await challenge.locator('[data-criterion="fail"]').count()).toBe(0);
    expect(await challenge.locator('[data-criterion="pass"]').first().innerText()).toContain('readYourWriteMisses = 0');
    await page.getByTestId('debrief').waitFor();
    expect(await page.getByTestId('challenge-status').innerText()).toContain('Solved');

    await page.goto(`${baseUrl()}/scenarios/`);
    await page.reload();
    await page.waitForSelector('[data-completion="read-your-own-write"][data-state="completed"]');
    expect(await page.locator('[data-completion="read-your-own-write"]').innerText()).toContain('Completed');
    expect(await page.locator('[data-completion="banking"]').innerText()).toBe('Not started');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a setting the challenge allows is changed in the page and Verify passes', async () => {
    const context = await browser.newContext();
    const { page, errors } = await watchedPage(context);
    await openScenario(page, 'duplicate-charge');
    await playStoryToTheEnd(page);
    const challenge = page.getByTestId('challenge');
    const toggle = challenge.getByLabel('Idempotent commands');
    expect(await challenge.locator('[data-allowed-setting="idempotency"]').count()).toBe(1);
    if (await toggle.isChecked()) throw new Error('The story should leave idempotency off.');
    // The box follows the engine: it turns checked when the change comes back, so click and wait for that.
    await toggle.click();
    await page.waitForFunction(() =>
      /Idempotent commands set to true/.test(document.querySelector('[data-testid="challenge-status"]')?.textContent ?? ''),
    );
    await page.getByTestId('verify').click();
    await page.waitForSelector('[data-testid="verdict"][data-passed="true"]', { timeout: 30_000 });
    expect(await challenge.locator('[data-criterion="fail"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
