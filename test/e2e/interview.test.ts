import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeBuilder, baseUrl, launchBrowser, watchedPage } from './browser.ts';

// Interview practice on the built site: commit before reveal, grading and scheduling,
// progress that survives reloads, the review queue, the mock interview, export and import.
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

const QUESTION = '/interview/cqrs-vs-read-replicas/';
/** A phrase only the model answer of QUESTION contains. */
const ANSWER_PHRASE = 'just on more hardware';

async function openQuestion(page: Page, path: string): Promise<void> {
  await page.goto(baseUrl() + path);
  // Controls are disabled in the server-rendered HTML and enabled once the island hydrates.
  await page.waitForFunction(() => !(document.querySelector('#answer-field') as HTMLTextAreaElement | null)?.disabled);
}

async function answerAndGrade(page: Page, grade: 'again' | 'hard' | 'good' | 'easy', ticks = 1): Promise<void> {
  await page.getByLabel('Your answer').fill('Replicas copy the same schema; a read model changes its shape.');
  await page.getByRole('button', { name: 'Commit and reveal the model answer' }).click();
  const boxes = page.locator('[data-reveal] input[type="checkbox"]');
  for (let i = 0; i < ticks; i++) await boxes.nth(i).check();
  await page.locator(`[data-grade="${grade}"]`).click();
  await page.locator('[data-status]', { hasText: 'Saved as' }).waitFor();
}

async function axeProblems(page: Page): Promise<string[]> {
  const results = await axeBuilder(page).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(' '))
          .join(' | ')}`,
    );
}

describe('a question page', () => {
  it('keeps the model answer out of the page until an answer is committed', async () => {
    const context = await browser.newContext();
    const { page, errors } = await watchedPage(context);
    await openQuestion(page, QUESTION);

    const commit = page.getByRole('button', { name: 'Commit and reveal the model answer' });
    const visibleText = () => page.evaluate(() => document.body.innerText);
    expect(await commit.isDisabled()).toBe(true);
    expect(await visibleText()).not.toContain(ANSWER_PHRASE);
    expect(await page.locator('[data-reveal]').count()).toBe(0);
    // The answer, rubric and follow-ups live in an inert <template> only.
    expect(await page.locator('body :not(template) [data-model-answer], body > [data-model-answer]').count()).toBe(0);

    await page.getByLabel('Your answer').fill('   \n  ');
    expect(await commit.isDisabled()).toBe(true);
    await commit.click({ force: true }).catch(() => undefined);
    expect(await page.locator('[data-reveal]').count()).toBe(0);

    // Keyboard only: type, tab to the button, press Enter.
    await page.getByLabel('Your answer').fill('');
    await page.getByLabel('Your answer').focus();
    await page.keyboard.type('They copy the normalised schema, so the joins stay.');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Commit and reveal the model answer');
    await page.keyboard.press('Enter');

    await page.locator('[data-reveal]').waitFor();
    expect(await visibleText()).toContain(ANSWER_PHRASE);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('model-answer-title');
    expect(await page.getByLabel('Your answer').getAttribute('readonly')).not.toBeNull();
    expect(await page.locator('[data-reveal] input[type="checkbox"]').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByRole('status').filter({ hasText: 'Answer committed' }).count()).toBe(1);
    expect(await axeProblems(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('schedules the question on a grade, and the progress survives a reload', async () => {
    const context = await browser.newContext();
    const { page, errors } = await watchedPage(context);
    await openQuestion(page, QUESTION);
    await answerAndGrade(page, 'good', 2);
    expect(await page.locator('[data-status]').textContent()).toMatch(/Saved as Good\. This question comes back in \d+ days?/);

    await page.reload();
    await page.locator('[data-last-attempt]').waitFor();
    expect(await page.locator('[data-last-attempt]').textContent()).toMatch(/graded Good, 2 of \d+ key points/);

    await page.goto(`${baseUrl()}/interview/progress/`);
    await page.waitForFunction(() => document.querySelector('[data-stat="started"]')?.textContent === '1');
    expect(await page.locator('[data-topic="crud-limits"] [data-practised]').textContent()).toMatch(/^1 \/ \d+$/);

    await page.goto(`${baseUrl()}/interview/`);
    await page.locator(`[data-question="cqrs-vs-read-replicas"] .badge.later`).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('puts a question graded "again" in the due-today queue and walks the review session', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openQuestion(page, '/interview/what-is-cqrs/');
    await answerAndGrade(page, 'again');
    expect(await page.locator('[data-status]').textContent()).toMatch(/comes back in 10 min/);
    await openQuestion(page, '/interview/cqs-vs-cqrs/');
    await answerAndGrade(page, 'again');

    await page.goto(`${baseUrl()}/interview/review/`);
    await page.locator('[data-review-summary]', { hasText: '2 questions are due today' }).waitFor();
    await page.locator('[data-start-review]').click();
    await page.waitForURL(/\?mode=review$/);
    await page.waitForFunction(() => !(document.querySelector('#answer-field') as HTMLTextAreaElement).disabled);
    await answerAndGrade(page, 'good');
    const next = page.locator('[data-next]');
    expect(await next.textContent()).toMatch(/^Next due question: /);
    await next.click();
    await page.waitForURL(/\?mode=review$/);
    await page.waitForFunction(() => !(document.querySelector('#answer-field') as HTMLTextAreaElement).disabled);
    await answerAndGrade(page, 'easy');
    expect(await page.locator('[data-next]').textContent()).toMatch(/Nothing else is due/);

    await page.goto(`${baseUrl()}/interview/`);
    await page.waitForFunction(() => document.querySelector('[data-due-count]')?.textContent === '0');
    await context.close();
  });
});

describe('browsing', () => {
  it('filters by level, kind and topic, keeps the filter in the address, and announces the count', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/interview/`);
    const level = page.getByLabel('Level', { exact: true });
    await page.waitForFunction(() => !(document.querySelector('#filter-level') as HTMLSelectElement).disabled);
    const total = await page.locator('[data-question]').count();
    expect(total).toBeGreaterThanOrEqual(60);

    await level.selectOption('staff');
    await page.getByLabel('Kind', { exact: true }).selectOption('debugging');
    expect(page.url()).toMatch(/\?level=staff&kind=debugging$/);
    const shown = await page.locator('[data-question]').count();
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(total);
    expect(await page.locator('[data-question] .iv-chip.level').allTextContents()).toEqual(Array(shown).fill('Staff'));
    expect(
      await page
        .getByRole('status')
        .filter({ hasText: `Showing ${shown} of ${total} questions` })
        .count(),
    ).toBe(1);

    await page.reload();
    await page.waitForFunction((n) => document.querySelectorAll('[data-question]').length === n, shown);
    expect(await page.getByLabel('Level', { exact: true }).inputValue()).toBe('staff');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  });
});

describe('mock interview', () => {
  it('runs a timed set of random questions and ends with a summary', async () => {
    const context = await browser.newContext({ colorScheme: 'dark' });
    const { page, errors } = await watchedPage(context);
    await page.goto(`${baseUrl()}/interview/mock/`);
    await page.getByLabel('Questions', { exact: true }).selectOption('3');
    await page.getByRole('button', { name: 'Start the mock interview' }).click();

    const seen = new Set<string>();
    for (let i = 1; i <= 3; i++) {
      await page.waitForURL(/\?mode=mock$/);
      await page.locator('[data-mock-bar]', { hasText: `question ${i} of 3` }).waitFor();
      expect(await page.locator('[data-clock]').textContent()).toMatch(/^\d+:\d\d$/);
      seen.add(new URL(page.url()).pathname);
      await answerAndGrade(page, i === 2 ? 'again' : 'good');
      await page.locator('[data-next]').click();
    }
    expect(seen.size).toBe(3);
    // The last part is one design drill, run on the engine like on its own page.
    await page.waitForURL(/\/interview\/drills\/[a-z-]+\/\?mode=mock$/);
    await chooseFirstOptions(page);
    await page.getByRole('button', { name: 'Commit to this design' }).click();
    await page.getByRole('button', { name: 'Run it on the engine' }).click();
    await page.locator('[data-drill-report]').waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'See your mock interview summary' }).click();
    const summary = page.locator('[data-mock-summary]');
    await summary.waitFor();
    expect(await summary.locator('tbody tr').count()).toBe(4);
    expect(await summary.locator('tr[data-summary-row="drill"]').textContent()).toMatch(
      /Design drill: .*(Passed|Failed) on the engine\s*\d+ of \d+ requirements met/,
    );
    expect(await summary.locator('.iv-stats').textContent()).toContain('3 / 3');
    expect(await summary.getByRole('heading', { name: 'Revisit these topics' }).count()).toBe(1);
    expect(await axeProblems(page)).toEqual([]);

    await summary.getByRole('button', { name: 'Start a new mock interview' }).click();
    await page.getByRole('button', { name: 'Start the mock interview' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});

async function chooseFirstOptions(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('[data-drill-form]')?.closest('astro-island')?.hasAttribute('ssr') === false);
  const groups = page.locator('[data-drill-form] fieldset');
  for (let i = 0; i < (await groups.count()); i++) await groups.nth(i).locator('input[type="radio"]').first().check();
}

describe('design drills', () => {
  it('runs the chosen design on the engine and shows the verdict, the numbers and why a requirement failed', async () => {
    const context = await browser.newContext({ colorScheme: 'dark' });
    const { page, errors } = await watchedPage(context);
    await page.goto(`${baseUrl()}/interview/`);
    await page.getByRole('link', { name: 'design drill', exact: true }).click();
    await page.getByRole('link', { name: 'A team board where cards stay where you drop them' }).click();
    await page.waitForFunction(() => document.querySelector('[data-drill-form]')?.closest('astro-island')?.hasAttribute('ssr') === false);

    // Committing needs every choice; the form says which are missing.
    await page.getByRole('button', { name: 'Commit to this design' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Pick an option for');

    await page
      .getByRole('group', { name: 'What the board reads' })
      .getByLabel(/A board view/)
      .check();
    await page.getByRole('group', { name: 'When the board view is updated' }).getByLabel('Asynchronously, from events on the bus').check();
    await page
      .getByRole('group', { name: 'Consistency of the board right after a drag' })
      .getByLabel(/Eventual: show the board/)
      .check();
    await page.getByLabel(/Why this design/).fill('Async keeps moves fast.');
    await page.getByRole('button', { name: 'Commit to this design' }).click();
    // Committed: the design can no longer change until the learner asks to.
    expect(
      await page
        .getByRole('group', { name: 'What the board reads' })
        .getByLabel(/A board view/)
        .isDisabled(),
    ).toBe(true);
    await page.getByRole('button', { name: 'Run it on the engine' }).click();

    const report = page.locator('[data-drill-report]');
    await report.waitFor({ timeout: 60_000 });
    expect(await report.getAttribute('data-passed')).toBe('false');
    const missed = report.locator('[data-requirement="drag-ryw"]');
    expect(await missed.textContent()).toMatch(
      /Failed:.*Measured: \d+ stale reads.*Why: GetBoard answered \d+ of \d+ reads before the session's own write was projected \(eventual consistency/s,
    );
    expect(Number(await missed.getAttribute('data-value'))).toBeGreaterThan(0);
    expect(await report.locator('[data-requirement="move-fast"]').textContent()).toMatch(/Met:.*Measured: \d+(\.\d)? ms/s);
    expect(await report.getByRole('heading', { name: 'The model design' }).count()).toBe(1);
    expect(await axeProblems(page)).toEqual([]);

    const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('cqrs-lab:interview:progress') ?? '{}'));
    expect(saved.drills['work-item-board'][0]).toMatchObject({
      passed: false,
      failed: expect.arrayContaining(['drag-ryw']),
      justification: 'Async keeps moves fast.',
    });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('export and import', () => {
  async function gradedContext(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await openQuestion(page, QUESTION);
    await answerAndGrade(page, 'hard', 1);
    await page.goto(`${baseUrl()}/interview/progress/`);
    await page.waitForFunction(() => document.querySelector('[data-stat="started"]')?.textContent === '1');
    return { context, page };
  }

  it('refuses a corrupt file with a clear message and keeps the progress, then imports a good export elsewhere', async () => {
    const { context, page } = await gradedContext();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-export]').click()]);
    expect(download.suggestedFilename()).toMatch(/^cqrs-lab-interview-progress-\d{4}-\d\d-\d\d\.json$/);
    const exported = await readFile((await download.path())!, 'utf8');
    const stored = () => page.evaluate(() => localStorage.getItem('cqrs-lab:interview:progress'));
    const before = await stored();

    const status = page.locator('[data-transfer-status]');
    const attempts: Array<[string, string, RegExp]> = [
      ['broken.json', exported.slice(0, exported.length / 2), /not valid JSON/],
      ['package.json', '{"name":"something-else","version":"1.0.0"}', /not a CQRS Lab interview progress file/],
      ['future.json', exported.replace('"version": 1,', '"version": 9,'), /newer version of CQRS Lab/],
    ];
    for (const [name, text, message] of attempts) {
      await page.setInputFiles('#import-file', { name, mimeType: 'application/json', buffer: Buffer.from(text) });
      await page.waitForFunction(
        (expected) => document.querySelector('[data-transfer-status]')?.textContent?.startsWith(expected),
        `${name}:`,
      );
      expect(await status.textContent()).toMatch(message);
      expect(await status.textContent()).toContain('your progress is unchanged');
      expect(await status.getAttribute('role')).toBe('status');
      expect(await stored()).toBe(before);
      expect(await page.locator('[data-stat="started"]').textContent()).toBe('1');
    }
    expect(await axeProblems(page)).toEqual([]);

    // A fresh browser (another machine) takes the export and shows the same progress.
    const other = await browser.newContext();
    const fresh = await other.newPage();
    await fresh.goto(`${baseUrl()}/interview/progress/`);
    await fresh.waitForFunction(() => document.querySelector('[data-stat="started"]')?.textContent === '0');
    await fresh.setInputFiles('#import-file', { name: 'progress.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
    await fresh.locator('[data-transfer-status]', { hasText: 'Imported progress for 1 question: 1 new' }).waitFor();
    expect(await fresh.locator('[data-stat="started"]').textContent()).toBe('1');
    await fresh.reload();
    await fresh.waitForFunction(() => document.querySelector('[data-stat="started"]')?.textContent === '1');
    await other.close();
    await context.close();
  });
});
