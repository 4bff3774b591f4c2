import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { axeBuilder, baseUrl, launchBrowser, watchedPage } from './browser.ts';

// Graded checkpoints on the built site: a wrong answer shows its own explanation and comes back
// in the review queue; all progress carried to a fresh browser by file and by code.
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

const LESSON = '/lessons/sagas/';
const WRONG = 'Compensate now: release the stock and cancel the order.';
const RIGHT = "Resend ChargePayment with the same commandId, or ask the payment service for the charge's status.";

async function axeProblems(page: Page): Promise<string[]> {
  const results = await axeBuilder(page).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')}`);
}

async function answerWrongly(page: Page): Promise<void> {
  await page.goto(baseUrl() + LESSON);
  const checkpoint = page.locator('#checkpoint-timeout');
  await checkpoint.getByLabel(WRONG).check();
  await checkpoint.getByRole('button', { name: 'Check my answer' }).click();
  await checkpoint.locator('[data-reveal]').waitFor();
}

describe('graded checkpoints', () => {
  it('a wrong answer is graded, explained, and comes back in the review queue', async () => {
    const context = await browser.newContext();
    const { page, errors } = await watchedPage(context);
    await answerWrongly(page);
    const checkpoint = page.locator('#checkpoint-timeout');
    expect(await checkpoint.getByRole('status').first().textContent()).toBe(`Not quite: the answer is “${RIGHT}”.`);
    const whys = await checkpoint.locator('[data-whys] li[data-status="chosen-wrong"]').textContent();
    expect(whys).toContain('A timeout means you do not know.');
    expect(await checkpoint.locator('.checkpoint-explanation').isVisible()).toBe(true);
    await checkpoint.locator('[data-review-note]', { hasText: /comes back for review in \d+ min/ }).waitFor();
    expect(await checkpoint.getByLabel(WRONG).isDisabled()).toBe(true);
    expect(await axeProblems(page)).toEqual([]);

    await page.goto(`${baseUrl()}/interview/review/`);
    await page.locator('[data-checkpoints-due]', { hasText: '1 lesson checkpoint is due for review.' }).waitFor();
    const review = page.locator('[data-checkpoint-review="sagas#timeout"]');
    await review.getByLabel(RIGHT).check();
    await review.getByRole('button', { name: 'Check my answer' }).click();
    await review.locator('[data-review-verdict]', { hasText: 'Right.' }).waitFor();
    expect(await review.innerText()).toMatch(/It comes back in \d+ days?\./);
    expect(await axeProblems(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('progress you can carry', () => {
  it('exports a file and a code; each imports into a fresh browser; a damaged code changes nothing', async () => {
    const source = await browser.newContext({ acceptDownloads: true });
    const { page, errors } = await watchedPage(source);
    await answerWrongly(page);
    await page.goto(`${baseUrl()}/progress/`);
    await page.locator('[data-progress-summary]', { hasText: '1 checkpoint answered' }).waitFor();
    expect(await axeProblems(page)).toEqual([]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export a file' }).click()]);
    const file = await readFile((await download.path())!, 'utf8');
    expect(JSON.parse(file).format).toBe('cqrs-lab/progress');
    await page.getByRole('button', { name: 'Make a code and a link' }).click();
    const code = await page.locator('[data-code]').inputValue();
    expect(code).toMatch(/^cqrs1\./);

    // By file.
    const byFile = await browser.newContext();
    const fresh = await byFile.newPage();
    await fresh.goto(`${baseUrl()}/progress/`);
    await fresh.locator('[data-progress-summary]', { hasText: '0 checkpoints answered' }).waitFor();
    await fresh
      .getByLabel('Import a progress file')
      .setInputFiles({ name: 'progress.json', mimeType: 'application/json', buffer: Buffer.from(file) });
    await fresh.locator('[data-progress-status]', { hasText: 'Imported' }).waitFor();
    await fresh.goto(baseUrl() + LESSON);
    await fresh.locator('#checkpoint-timeout [data-reveal]').waitFor();
    expect(await fresh.locator('#checkpoint-timeout').getByLabel(WRONG).isChecked()).toBe(true);
    await byFile.close();

    // By link: a damaged code first (refused, nothing changes), then the real one.
    const byLink = await browser.newContext();
    const other = await byLink.newPage();
    await other.goto(`${baseUrl()}/progress/#p=${code.slice(0, 20)}`);
    await other.getByRole('button', { name: 'Import the code' }).click();
    await other.locator('[data-progress-status]', { hasText: 'your progress is unchanged' }).waitFor();
    expect(await other.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('cqrs-lab:')))).toEqual([]);
    await other.goto(`${baseUrl()}/progress/#p=${code}`);
    expect(await other.locator('[data-paste]').inputValue()).toBe(code);
    await other.getByRole('button', { name: 'Import the code' }).click();
    await other.locator('[data-progress-summary]', { hasText: '1 checkpoint answered' }).waitFor();
    await other.goto(`${baseUrl()}/interview/review/`);
    await other.locator('[data-checkpoint-review="sagas#timeout"]').waitFor();
    await byLink.close();

    expect(errors).toEqual([]);
    await source.close();
  });
});
