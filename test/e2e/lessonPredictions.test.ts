// "Predict, then run" in Chromium: the learner commits a prediction in the
// embed (a number, or a choice), runs it, and sees their prediction beside the
// value the worker measured on a replay of their own run, with why. The
// prediction is kept in localStorage and survives a reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { launchBrowser } from './browser.ts';
import { openLessonEmbed } from './lessonEmbed.ts';

let browser: Browser;
let context: BrowserContext;
beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
});
afterAll(() => browser?.close());

const openEmbed = (preset: string) => openLessonEmbed(context, preset);

/** Serious or critical accessibility problems inside the prediction panel of an embed. */
async function axeProblems(page: Page, preset: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include(`[data-lesson-sandbox="${preset}"] [data-testid="prediction"]`).analyze();
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
}

const stored = (page: Page, preset: string) =>
  page.evaluate(
    (k) => JSON.parse(localStorage.getItem(k) ?? 'null') as { predicted: number; measured?: number; close?: boolean } | null,
    `cqrs-lab:prediction:${preset}`,
  );

describe('predict, then run', () => {
  it('rebuild: a number committed first, then shown beside the duration the engine measured, with why', async () => {
    const { page, box, errors } = await openEmbed('rebuild');
    const panel = box.getByTestId('prediction');
    // The prediction comes before the goal, and there is nothing to run before a prediction is committed.
    expect(await box.locator('[data-testid="prediction"] ~ [data-testid="goal"]').count()).toBe(1);
    expect(await panel.getByTestId('prediction-run').count()).toBe(0);
    expect(await panel.getByTestId('prediction-commit').isDisabled()).toBe(true);
    expect(await axeProblems(page, 'rebuild')).toEqual([]);

    await panel.getByTestId('prediction-input').fill('1000');
    await panel.getByTestId('prediction-commit').click();
    expect(await stored(page, 'rebuild')).toMatchObject({ predicted: 1000 });
    expect(await panel.getByTestId('prediction-measured').innerText()).toBe('not run yet');

    await panel.getByTestId('prediction-run').click();
    const measured = panel.getByTestId('prediction-measured');
    await expect.poll(() => measured.getAttribute('data-value'), { timeout: 60_000 }).toMatch(/^\d+$/);
    const value = Number(await measured.getAttribute('data-value'));
    // 31 events at 100 ms each, measured from the trace of the replayed run: about three seconds.
    expect(value).toBeGreaterThan(2000);
    expect(await measured.innerText()).toBe(`${value.toLocaleString('en-GB')} ms`);
    expect(await panel.getByTestId('prediction-yours').innerText()).toBe('1,000 ms');
    expect(await panel.getByTestId('prediction-verdict').innerText()).toMatch(/^Off by [\d,]+ ms: less than the engine measured/);
    expect(await panel.getByTestId('prediction-why').innerText()).toContain('replays every event');
    expect(await stored(page, 'rebuild')).toMatchObject({ predicted: 1000, measured: value, close: false });
    expect(await axeProblems(page, 'rebuild')).toEqual([]);

    // The learner's own sandbox was left as it was: the catalogue was not rebuilt there, so the goal is still open.
    expect(await box.getByTestId('goal').getAttribute('data-goal-status')).toBe('open');

    // Reloaded, the prediction and its measurement are still there, and the prediction cannot be changed.
    await page.reload();
    await box.locator('.sandbox[data-phase="ready"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => panel.getByTestId('prediction-yours').innerText()).toBe('1,000 ms');
    expect(await panel.getByTestId('prediction-input').count()).toBe(0);
    expect(Number(await panel.getByTestId('prediction-measured').getAttribute('data-value'))).toBe(value);
    expect(errors).toEqual([]);
  });

  it('projection duplicates: a choice, judged by the range the measured stock falls in', async () => {
    const { page, box, errors } = await openEmbed('projection-duplicates');
    const panel = box.getByTestId('prediction');
    // Each choice is named by its own label.
    const exactly = panel.getByLabel('Exactly 150: the catalogue counts each restock once', { exact: true });
    expect(await panel.getByRole('radio').count()).toBe(3);
    await exactly.check();
    expect(await panel.getByLabel('More than 150', { exact: false }).isChecked()).toBe(false);
    await panel.getByTestId('prediction-commit').click();
    await panel.getByTestId('prediction-run').click();
    const measured = panel.getByTestId('prediction-measured');
    await expect.poll(() => measured.getAttribute('data-value'), { timeout: 60_000 }).toMatch(/^\d+$/);
    expect(Number(await measured.getAttribute('data-value'))).toBeGreaterThan(150);
    expect(await panel.getByTestId('prediction-verdict').getAttribute('data-close')).toBe('false');
    expect(await panel.getByTestId('prediction-verdict').innerText()).toContain('More than 150');
    expect(await stored(page, 'projection-duplicates')).toMatchObject({ predicted: 0, close: false });
    expect(await axeProblems(page, 'projection-duplicates')).toEqual([]);
    expect(errors).toEqual([]);
  });
});
