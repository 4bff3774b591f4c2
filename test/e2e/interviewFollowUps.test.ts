import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { baseUrl, launchBrowser, watchedPage } from './browser.ts';

// A follow-up's model answer is revealed like the main one: only after the learner commits
// to an answer of their own, one follow-up at a time.
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

const QUESTION = '/interview/unique-email/';
/** Phrases only the model answers of QUESTION's first and second follow-ups contain. */
const FIRST_ANSWER = 'Claim the new address first';
const SECOND_ANSWER = 'Because the read model trails the writes';

describe('follow-up questions', () => {
  it('keep each model answer hidden until an answer to that follow-up is committed', async () => {
    const context = await browser.newContext();
    const { page, errors } = await watchedPage(context);
    await page.goto(baseUrl() + QUESTION);
    await page.waitForFunction(() => !(document.querySelector('#answer-field') as HTMLTextAreaElement | null)?.disabled);
    const visibleText = () => page.evaluate(() => document.body.innerText);
    expect(await visibleText()).not.toContain(FIRST_ANSWER);

    await page.getByLabel('Your answer').fill('A claims table with a unique key, in the same transaction as the append.');
    await page.getByRole('button', { name: 'Commit and reveal the model answer' }).click();
    await page.locator('[data-reveal]').waitFor();
    // The questions are shown; their answers are not.
    expect(await page.locator('[data-follow-up]').count()).toBe(2);
    expect(await visibleText()).toContain('What happens when a user changes their email address?');
    expect(await visibleText()).not.toContain(FIRST_ANSWER);
    expect(await visibleText()).not.toContain(SECOND_ANSWER);

    const reveal = page.getByRole('button', { name: 'Commit and reveal follow-up 1' });
    expect(await reveal.isDisabled()).toBe(true);
    await page.getByLabel('Answer to follow-up 1').fill('Claim the new one, then switch, then release the old one.');
    await reveal.click();
    const shown = page.locator('[data-follow-up-reveal="0"]');
    await shown.getByText(FIRST_ANSWER).waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-follow-up-reveal'))).toBe('0');
    expect(await page.getByLabel('Answer to follow-up 1').getAttribute('readonly')).not.toBeNull();
    expect(await visibleText()).not.toContain(SECOND_ANSWER);
    // Inline code in a follow-up answer is rendered as code.
    expect(await shown.locator('code').allTextContents()).toContain('EmailChanged');

    expect(
      await new AxeBuilder({ page })
        .include('[data-reveal]')
        .analyze()
        .then((r) => r.violations.map((v) => v.id)),
    ).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
