// A design drill's hint ladder and "why isn't it solved?" in Chromium: a
// failing design shows each failed requirement with its target, the value
// measured and the records behind it; the model design is offered only after
// a run, and a pass after it was shown is kept as "solved with the answer".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { baseUrl, launchBrowser, watchedPage } from './browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

async function choose(page: Page, group: string, label: RegExp | string): Promise<void> {
  await page.getByRole('group', { name: group }).getByLabel(label).check();
}

async function commitAndRun(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Commit to this design' }).click();
  await page.locator('[data-run-drill]').click();
  await expect.poll(() => page.locator('[data-run-drill]').innerText(), { timeout: 60_000 }).toBe('Run again');
}

describe('design drill hints', () => {
  it('work-item-board: why it fails, the model design after a run, then solved with the answer', async () => {
    const context = await browser.newContext();
    const { page, errors } = await watchedPage(context);
    await page.goto(`${baseUrl()}/interview/drills/work-item-board/`);
    await page.waitForFunction(() => document.querySelector('[data-drill-form]')?.closest('astro-island')?.hasAttribute('ssr') === false);

    // Before any run: hints, but not the model design.
    await page.locator('[data-drill-hints] > summary').click();
    await page.getByTestId('next-hint').click();
    expect(await page.locator('[data-drill-hints] [data-hint="1"]').innerText()).toContain('Three questions');
    expect(await page.getByTestId('show-answer').count()).toBe(0);

    await choose(page, 'What the board reads', /A board view/);
    await choose(page, 'When the board view is updated', 'Asynchronously, from events on the bus');
    await choose(page, 'Consistency of the board right after a drag', /Eventual: show the board/);
    await commitAndRun(page);
    const missed = page.locator('[data-requirement="drag-ryw"]');
    expect(await missed.getByTestId('why-target').innerText()).toBe('= 0');
    expect(await missed.getByTestId('why-value').innerText()).toMatch(/^\d+ stale reads?$/);
    expect(await missed.locator('[data-testid="why-not"] li').first().innerText()).toMatch(/^#\d+ at \d+ ms: .* ms behind$/);

    // After a run the model design is offered; showing it marks the next pass.
    await page.getByTestId('show-answer').click();
    expect(await page.getByTestId('hint-answer').innerText()).toContain('When the board view is updated: The board view synchronously');
    await page.getByRole('button', { name: 'Change the design' }).click();
    await choose(page, 'When the board view is updated', /The board view synchronously/);
    await commitAndRun(page);
    expect(await page.locator('[data-drill-report]').getAttribute('data-passed')).toBe('true');
    expect(await page.locator('[data-drill-status]').innerText()).toBe('Your design meets every requirement (solved with the answer).');
    expect(await page.locator('[data-drill-solved]').getAttribute('data-drill-solved')).toBe('solvedWithAnswer');
    const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('cqrs-lab:interview:progress') ?? '{}'));
    expect(saved.drills['work-item-board'].at(-1)).toMatchObject({ passed: true, answerShown: true });
    expect(saved.drills['work-item-board'][0]).not.toHaveProperty('answerShown');
    expect(errors).toEqual([]);
    await context.close();
  });
});
