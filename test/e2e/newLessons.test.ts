// The embeds of the two lessons issue #18 added, solved by clicking in
// Chromium as a learner would: a price change in the Commands panel
// (designing events: fat-event), a temporal query typed in the embed's
// terminal (recorded-time), a control ticked (partition-order), and a
// toggle plus a Resume that get a catalogue past a poison event
// (poison-event). Each untouched run fails first; Done comes only from the
// worker's verdict on a copy of the run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { baseUrl, launchBrowser, watchedPage } from './browser.ts';

let browser: Browser;
let context: BrowserContext;
beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
});
afterAll(() => browser?.close());

async function openEmbed(lesson: string, preset: string): Promise<{ page: Page; box: Locator; errors: string[] }> {
  const { page, errors } = await watchedPage(context);
  await page.goto(`${baseUrl()}/lessons/${lesson}/`);
  const box = page.locator(`[data-lesson-sandbox="${preset}"]`);
  await box.scrollIntoViewIfNeeded();
  await box.locator('.sandbox[data-phase="ready"]').waitFor({ timeout: 60_000 });
  await page.waitForFunction((name) => !document.querySelector(`[data-lesson-sandbox="${name}"] [role="status"].busy`), preset);
  return { page, box, errors };
}

async function check(box: Locator): Promise<string> {
  const status = box.getByTestId('goal-status');
  await box.getByTestId('goal-verify').click();
  await expect.poll(() => status.innerText(), { timeout: 60_000 }).toMatch(/^(Done|Not yet|Solved with the answer)/);
  return status.innerText();
}

/** Type a line in the embed's terminal and wait until its output matches `shows`. */
async function type(page: Page, box: Locator, line: string, shows: RegExp): Promise<void> {
  await box.locator('[data-panel="terminal"] .xterm-helper-textarea').focus();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  await expect
    .poll(
      () =>
        box
          .locator('[data-panel="terminal"] .xterm-accessibility-tree > div')
          .evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n')),
      { timeout: 20_000 },
    )
    .toMatch(shows);
}

describe('the new lessons’ embeds, solved by clicking', () => {
  it('fat-event: a price change leaves the order at the price paid', async () => {
    const { box, errors } = await openEmbed('designing-events', 'fat-event');
    expect(await check(box)).toMatch(/^Not yet/);
    await box.getByTestId('command-type').selectOption('ChangePrice');
    await box.locator('[data-panel="commands"] [data-field="sku"]').fill('KB-42');
    await box.locator('[data-panel="commands"] [data-field="priceCents"]').fill('5999');
    const results = box.getByTestId('command-results').locator(':scope > li');
    const before = await results.count();
    await box.getByTestId('command-send').click();
    await expect.poll(() => results.count(), { timeout: 30_000 }).toBeGreaterThan(before);
    expect(await check(box)).toMatch(/^Done/);
    expect(errors).toEqual([]);
  });

  it('recorded-time: aggregate --at in the terminal reads the account by recorded time', async () => {
    const { page, box, errors } = await openEmbed('designing-events', 'recorded-time');
    expect(await check(box)).toMatch(/^Not yet/);
    await type(page, box, 'aggregate account-acc-1 --at=1s', /recorded at/);
    const screen = await box.locator('[data-panel="terminal"] .xterm-accessibility-tree').innerText();
    expect(screen).toMatch(/balanceCents\s+10000/);
    expect(await check(box)).toMatch(/^Done/);
    expect(errors).toEqual([]);
  });

  it('partition-order: keeping order within a stream, with reorder still on', async () => {
    const { box, errors } = await openEmbed('partitioned-logs', 'partition-order');
    expect(await check(box)).toMatch(/^Not yet/);
    await box.locator('[data-setting="ordered-partitions"]').check();
    expect(await check(box)).toMatch(/^Done/);
    expect(errors).toEqual([]);
  });

  it('poison-event: the crash says why; dead-lettering and a resume get the catalogue past it', async () => {
    const { page, box, errors } = await openEmbed('partitioned-logs', 'poison-event');
    await expect
      .poll(() => box.locator('[data-panel="projections"]').innerText(), { timeout: 20_000 })
      .toContain('NOT NULL constraint failed');
    expect(await check(box)).toMatch(/^Not yet/);
    await box.locator('[data-setting="dead-letter"]').check();
    await box.getByRole('button', { name: 'Resume catalogue', exact: true }).click();
    await type(page, box, 'projection dead-letters catalogue', /LAMP-7/);
    expect(await check(box)).toMatch(/^Done/);
    expect(errors).toEqual([]);
  });
});
