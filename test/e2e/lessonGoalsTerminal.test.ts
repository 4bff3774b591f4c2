// Lesson goals whose answer only the terminal can send, solved by typing in
// the embed's own terminal in Chromium: time-travel (a temporal read of an
// aggregate) and upcasting (an import of an event in an old schema). The
// untouched run fails, the typed line solves it, Done comes from the worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchBrowser } from './browser.ts';
import { openLessonEmbed } from './lessonEmbed.ts';

let browser: Browser;
let context: BrowserContext;
beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
});
afterAll(() => browser?.close());

async function openEmbed(preset: string): Promise<{ page: Page; box: Locator; errors: string[] }> {
  const opened = await openLessonEmbed(context, preset);
  await opened.box.locator('[data-panel="terminal"][data-terminal="ready"]').waitFor({ timeout: 30_000 });
  return opened;
}

async function check(box: Locator): Promise<string> {
  const status = box.getByTestId('goal-status');
  await box.getByTestId('goal-verify').click();
  await expect.poll(() => status.innerText(), { timeout: 60_000 }).toMatch(/^(Done|Not yet|Solved with the answer)/);
  return status.innerText();
}

/** The embed terminal's rows, as text (xterm's accessibility tree). */
const screen = (terminal: Locator): Promise<string> =>
  terminal.evaluate((el) =>
    [...el.querySelectorAll('.xterm-accessibility-tree > div')]
      .map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd())
      .join('\n'),
  );

/** Type a line into the embed's terminal and wait until it has run and `shows` is on screen. */
async function type(box: Locator, line: string, shows: RegExp): Promise<string> {
  const terminal = box.locator('[data-panel="terminal"]');
  await terminal.scrollIntoViewIfNeeded();
  const before = Number(await terminal.getAttribute('data-runs'));
  await terminal.locator('.xterm-helper-textarea').focus();
  await box.page().keyboard.type(line);
  await box.page().keyboard.press('Enter');
  await expect.poll(async () => Number(await terminal.getAttribute('data-runs')), { timeout: 30_000 }).toBeGreaterThan(before);
  await expect.poll(() => screen(terminal), { timeout: 20_000 }).toMatch(shows);
  return screen(terminal);
}

/** Climb the hint ladder to its last hint (not the solution: the goal stays "Done"); its text. */
async function lastHint(box: Locator): Promise<string> {
  await box.locator('[data-testid="goal"] details > summary').click();
  const next = box.getByTestId('next-hint');
  while ((await next.count()) > 0) await next.click();
  return box.locator('[data-testid="hint-ladder"] li').last().innerText();
}

describe('lesson goals solved by typing in the embed terminal', () => {
  it('time-travel: `aggregate account-acc-1 --version=3` reads the account as it stood then', async () => {
    const { box, errors } = await openEmbed('time-travel');
    expect(await check(box)).toMatch(/^Not yet/);
    expect(await lastHint(box)).toContain('aggregate account-acc-1 --version=3');
    const out = await type(box, 'aggregate account-acc-1 --version=3', /as of version 3[\s\S]*read-only/);
    expect(out).toMatch(/balanceCents\s+7500/);
    expect(await check(box)).toMatch(/^Done/);
    expect(errors).toEqual([]);
  });

  it('upcasting: an imported version-1 ProductAdded is listed as uncategorised', async () => {
    const { box, errors } = await openEmbed('upcasting');
    expect(await check(box)).toMatch(/^Not yet/);
    const line = 'import product-OLD-3 ProductAdded --schema-version=1 {"sku":"OLD-3","name":"Stapler","priceCents":900,"stock":12}';
    expect(await lastHint(box)).toContain(line);
    await type(box, line, /Imported ProductAdded into product-OLD-3/);
    await type(box, 'GetProduct OLD-3 --consistency=read-your-writes', /category\s+uncategorised/);
    expect(await check(box)).toMatch(/^Done/);
    expect(errors).toEqual([]);
  });
});
