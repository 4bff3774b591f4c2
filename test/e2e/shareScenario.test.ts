// Scenarios built and shared, driven like an author: a sandbox run becomes
// a draft ("Make this a scenario"), the builder gets a story, a goal from
// the criteria form and a reference solution; publishing stays closed with
// the reason shown until Check has played it in the worker (untouched it
// fails, solved it passes); the link then opens in the player, which shows a
// hostile title literally (no element injected, nothing run) and plays the
// story. A hostile link is refused with a message.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Page } from 'playwright-core';
import { axeBuilder, baseUrl, clickWhenStill, launchBrowser, watchedPage } from './browser.ts';

/** Serious and critical axe violations on the page as it stands (the every-page test sees these pages only empty). */
async function violations(page: Page): Promise<string[]> {
  const results = await axeBuilder(page)
    .options({ resultTypes: ['violations'] })
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

const HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1">Fay’s order';
const HOSTILE_NARRATION = 'Ana orders <b>now</b>; the page asks `orderSummary`.';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

describe('a scenario built in the sandbox and shared as a link', () => {
  it('goes from the sandbox to the builder, is checked, shared, and plays from its link with its texts as text', async () => {
    const context = await browser.newContext();
    const { page, errors } = await watchedPage(context);

    // The sandbox run: one product added, time paused.
    await page.goto(`${baseUrl()}/sandbox/?paused`, { waitUntil: 'load' });
    await page.waitForSelector('.sandbox[data-phase="ready"]', { timeout: 30_000 });
    await page.waitForFunction(() => !document.querySelector('.sandbox .busy'));
    await page.selectOption('[data-testid="command-type"]', 'AddProduct');
    await page.click('[data-testid="command-send"]');
    await page.waitForSelector('[data-testid="command-results"] li');
    // The button sits low on the page and moves as the panels around it first render (clickWhenStill).
    await Promise.all([page.waitForURL(/\/scenarios\/build\/$/), clickWhenStill(page, '[data-testid="make-scenario"]')]);

    // The builder, with the run as the draft's start.
    await page.waitForSelector('[data-testid="scenario-builder"][data-state="editing"]');
    await expect(page.getByText('AddProduct', { exact: true }).first().isVisible()).resolves.toBe(true);
    await page.fill('[data-testid="title"]', HOSTILE_TITLE);
    await page.fill('[data-testid="narration-0"]', HOSTILE_NARRATION);
    await page.selectOption('[data-testid="step-0-type"]', 'PlaceOrder');
    await page.click('[data-testid="step-0-add"]');
    await page.fill('[data-testid="goal"]', 'Fay orders next: she must see her own order.');
    await page.check('[data-testid="allow-consistency"]');
    await page.selectOption('[data-testid="workload-type"]', 'PlaceOrder');
    await page.fill('[data-testid="workload-json"]', '{"orderId":"o-2","customerId":"fay","sku":"KB-42","quantity":1}');
    await page.fill('[data-testid="workload-session-id"]', 'fay');
    await page.click('[data-testid="workload-add"]');
    await page.selectOption('[data-testid="workload-kind"]', 'query');
    await page.selectOption('[data-testid="workload-type"]', 'GetOrderSummary');
    await page.fill('[data-testid="workload-json"]', '{"orderId":"o-2"}');
    await page.fill('[data-testid="workload-session-id"]', 'fay');
    await page.click('[data-testid="workload-add"]');
    await page.selectOption('[data-testid="criterion-kind"]', 'metric');
    await page.selectOption('[data-testid="criterion-metric"]', 'readYourWriteMisses');
    await page.selectOption('[data-testid="criterion-op"]', '==');
    await page.fill('[data-testid="criterion-value"]', '0');
    await page.fill('[data-testid="criterion-description"]', 'Fay sees her own order');
    await page.click('[data-testid="criterion-add"]');
    await page.fill('[data-testid="debrief"]', 'A session that knows its last write waits for it.');

    // The reference solution is missing: Check says so, and publishing stays closed.
    const reason = page.getByTestId('publish-reason');
    await expect(reason.textContent()).resolves.toContain('Press Check');
    await expect(page.getByTestId('make-link').isDisabled()).resolves.toBe(true);
    await page.click('[data-testid="check"]');
    await page.waitForSelector('[data-testid="check-result"]', { timeout: 60_000 });
    await expect(reason.textContent()).resolves.toContain('Your reference solution does not meet the goal: Fay sees her own order');
    await expect(page.getByTestId('make-link').isDisabled()).resolves.toBe(true);

    // With the solution (the workload's queries read their own writes), Check passes and the link opens.
    await page.selectOption('[data-testid="solution-consistency"]', 'readYourWrites');
    await expect(reason.textContent()).resolves.toContain('Press Check');
    await page.click('[data-testid="check"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="publish-reason"]')?.textContent?.startsWith('Checked:'),
      undefined,
      {
        timeout: 60_000,
      },
    );
    await expect(violations(page)).resolves.toEqual([]);
    await page.click('[data-testid="make-link"]');
    const link = await page.getByTestId('share-link').inputValue();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download"]')]);
    const fileName = download.suggestedFilename();
    const fileText = await readFile((await download.path())!, 'utf8');
    expect(fileName).toBe('img-src-x-onerror-window-pwned-1-fay-s-order.json');
    expect(link).toMatch(/\/scenarios\/play\/#s=[A-Za-z0-9_-]+$/);

    // The link, opened: the title is text, no element was injected, the story plays.
    await page.goto(link, { waitUntil: 'load' });
    await page.waitForSelector('[data-testid="shared-scenario"][data-state="ready"]', { timeout: 30_000 });
    await expect(page.getByTestId('shared-title').textContent()).resolves.toBe(HOSTILE_TITLE);
    await expect(page.locator('img[src="x"]').count()).resolves.toBe(0);
    await page.waitForSelector('[data-testid="scenario-player"][data-setup="done"]', { timeout: 30_000 });
    await page.click('[data-testid="player-step"]');
    await page.waitForSelector('[data-testid="scenario-player"][data-played="1"]', { timeout: 30_000 });
    const narration = page.locator('[data-testid="story-step"] .narration').first();
    await expect(narration.textContent()).resolves.toBe(HOSTILE_NARRATION.replace(/`/g, ''));
    await expect(narration.locator('b').count()).resolves.toBe(0);
    await expect(page.evaluate(() => (window as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    await expect(violations(page)).resolves.toEqual([]);
    // An in-page anchor (the skip link) leaves the scenario playing.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          // Resolved a task after the event: the page's own listener and its render have run.
          addEventListener('hashchange', () => setTimeout(resolve), { once: true });
          location.hash = '#main';
        }),
    );
    await expect(page.getByTestId('shared-scenario').getAttribute('data-state')).resolves.toBe('ready');
    await expect(page.locator('[data-testid="scenario-player"][data-played="1"]').count()).resolves.toBe(1);

    // The downloaded file opens the same scenario; a malformed one names its file and field.
    const file = (name: string, text: string) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
    const broken = JSON.parse(fileText) as { steps: { narration: string }[] };
    broken.steps[0]!.narration = '';
    await page.setInputFiles('[data-testid="shared-file"]', file(fileName, JSON.stringify(broken)));
    await page.waitForSelector('[data-testid="shared-scenario"][data-state="refused"]');
    await expect(page.getByTestId('shared-refusal').textContent()).resolves.toContain(
      `${fileName}: steps[0].narration: expected a non-empty text`,
    );
    await page.setInputFiles('[data-testid="shared-file"]', file(fileName, fileText));
    await page.waitForSelector('[data-testid="shared-scenario"][data-state="ready"]');
    await expect(page.getByTestId('shared-title').textContent()).resolves.toBe(HOSTILE_TITLE);
    await page.waitForSelector('[data-testid="scenario-player"][data-setup="done"]', { timeout: 30_000 });
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);

  it('refuses a hostile link with a message; an empty draft names the field to write first', async () => {
    const context = await browser.newContext();
    const { page, errors } = await watchedPage(context);
    await page.goto(`${baseUrl()}/scenarios/play/#s=<script>alert(1)</script>`, { waitUntil: 'load' });
    await page.waitForSelector('[data-testid="shared-scenario"][data-state="refused"]');
    await expect(page.getByTestId('shared-refusal').textContent()).resolves.toContain('This link is damaged');
    await expect(page.locator('[data-testid="scenario-player"]').count()).resolves.toBe(0);
    await expect(violations(page)).resolves.toEqual([]);
    // The builder with no draft offers to start one (the every-page test sees this state too).
    await page.goto(`${baseUrl()}/scenarios/build/`, { waitUntil: 'load' });
    await page.waitForSelector('[data-testid="scenario-builder"][data-state="empty"]');
    await page.click('[data-testid="start-empty"]');
    await page.waitForSelector('[data-testid="scenario-builder"][data-state="editing"]');
    await expect(page.getByTestId('publish-reason').textContent()).resolves.toBe(
      'Fix this first: my-scenario.json: steps[0].narration: expected a non-empty text (got "")',
    );
    await expect(violations(page)).resolves.toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
