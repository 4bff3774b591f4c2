// "Continue from here", driven like a learner: on /sandbox the timeline forks
// the run at a record (the new run's trace is the old one's up to there, byte
// for byte), a different command goes in, and the compare panel puts both
// branches' numbers and read models side by side; "Back to the other branch"
// swaps them. In a lesson embed the terminal's `fork <seq>` and the picture's
// own button (when scrubbed to a past record) do the same, and a bad record
// number is refused with what exists.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { baseUrl, launchBrowser, openAllSettings, watchedPage, sendCommand as send } from './browser.ts';
import { openLessonEmbed } from './lessonEmbed.ts';

interface Traced {
  seq: number;
  type: string;
  commandId?: string;
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

async function traceOf(page: Page): Promise<string> {
  await page.locator('[data-panel="timeline"]').scrollIntoViewIfNeeded();
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download-trace"]')]);
  return readFile((await file.path())!, 'utf8');
}

/** Type a line in the terminal of `box` and wait until the screen shows `shows`; returns the screen. */
async function terminal(box: Locator, line: string, shows: RegExp): Promise<string> {
  const panel = box.locator('[data-panel="terminal"][data-terminal="ready"]');
  await panel.waitFor({ timeout: 30_000 });
  await panel.scrollIntoViewIfNeeded();
  const screen = () =>
    panel
      .locator('.xterm-accessibility-tree > div')
      .evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trim()).join(' '))
      // Long lines wrap at the terminal's width: read the screen as one line of words.
      .then((t) => t.replace(/\s+/g, ' '));
  await panel.locator('.xterm-helper-textarea').focus();
  await box.page().keyboard.press('Control+l');
  await box.page().keyboard.type(line);
  await box.page().keyboard.press('Enter');
  await expect.poll(screen, { timeout: 30_000 }).toMatch(shows);
  return screen();
}

/** The sandbox's virtual time in ms, as its clock shows it (seconds, one decimal). */
const virtualMs = async (box: Locator): Promise<number> =>
  Math.round(Number((await box.getByTestId('clock').locator('strong').first().innerText()).replace(/[^\d.]/g, '')) * 1000);

/** Panels off screen are not rendered (content-visibility): read textContent, spaces collapsed. */
const text = async (at: Locator): Promise<string> => ((await at.textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** One cell of the compare panel: the metric's value for this run or the kept one. */
const cell = (box: Locator, metric: string, branch: 'current' | 'other') =>
  text(box.locator(`[data-testid="fork-compare"] tr[data-metric="${metric}"] td[data-branch="${branch}"]`));

/** Move the timeline to record `seq` and wait until it shows that record. */
async function scrubTo(box: Locator, seq: number): Promise<void> {
  await box.locator('[data-panel="timeline"]').scrollIntoViewIfNeeded();
  await box.locator('[data-panel="timeline"] input[type="range"]').fill(String(seq));
  await expect.poll(() => text(box.getByTestId('timeline-world')), { timeout: 20_000 }).toContain(`Record ${seq} `);
}

describe('continue from here', () => {
  it('forks the sandbox at a timeline record, runs something else, and compares the two branches', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const { page, errors } = await watchedPage(context);
    await page.goto(`${baseUrl()}/sandbox/?paused`, { waitUntil: 'load' });
    await page.waitForSelector('.sandbox[data-phase="ready"]', { timeout: 30_000 });
    await openAllSettings(page);
    const box = page.locator('.sandbox');

    await send(page, 'AddProduct');
    await send(page, 'PlaceOrder', { orderId: 'o-1' });
    await send(page, 'PlaceOrder', { orderId: 'o-2' });
    await terminal(box, 'time run', /Every projection is live/);
    const before = JSON.parse(await traceOf(page)) as Traced[];
    const forkAt = before.find((r) => r.type === 'command.completed' && r.commandId === 'cmd-1')!.seq;

    await scrubTo(box, forkAt);
    await box.getByTestId('continue-from-here').click();
    const compare = box.getByTestId('fork-compare');
    await compare.waitFor({ timeout: 30_000 });
    expect(await text(box.getByTestId('branch-current'))).toBe('Run 2 (this run)');
    expect(await text(box.getByTestId('branch-other'))).toBe('Run 1 (kept)');
    expect(await text(box.getByTestId('fork-point'))).toContain(`record #${forkAt} `);
    // The new run replayed exactly to the record: its trace is the old one's, cut there.
    const after = JSON.parse(await traceOf(page)) as Traced[];
    expect(after.length).toBeGreaterThanOrEqual(forkAt);
    expect(after.length).toBeLessThan(before.length);
    expect(JSON.stringify(after)).toBe(JSON.stringify(before.slice(0, after.length)));

    // Something else from the fork point: one restock instead of two orders.
    await send(page, 'RestockProduct');
    await terminal(box, 'time run', /Every projection is live/);
    await compare.scrollIntoViewIfNeeded();
    await expect.poll(() => cell(box, 'commands', 'current'), { timeout: 20_000 }).toBe('1');
    expect(await cell(box, 'commands', 'other')).toBe('2');
    expect(Number(await cell(box, 'events', 'other'))).toBeGreaterThan(0);
    expect(await cell(box, 'windowP95', 'other')).toMatch(/^[\d,]+ ms$/);
    await expect.poll(() => cell(box, 'windowP95', 'current')).toMatch(/^[\d,]+ ms$/);
    expect(await cell(box, 'staleReads', 'current')).toMatch(/^\d+ of \d+$/);
    // The read models: the catalogue's stock differs, and the orders exist in the kept run only.
    const diffs = box.getByTestId('read-model-diffs');
    await expect.poll(() => text(diffs.locator('[data-projection="catalogue"]'))).toMatch(/1 row differs/);
    expect(await text(diffs.locator('[data-projection="catalogue"]'))).toMatch(/stock: \d+ here, \d+ in Run 1/);
    expect(await text(diffs.locator('[data-projection="orderSummary"]'))).toMatch(/absent here, present in Run 1/);

    // Back to the other branch: Run 1 is replayed, Run 2 is kept.
    await box.getByTestId('fork-swap').click();
    await expect.poll(() => text(box.getByTestId('branch-current')), { timeout: 30_000 }).toBe('Run 1 (this run)');
    expect(await text(box.getByTestId('branch-other'))).toBe('Run 2 (kept)');
    await expect.poll(() => cell(box, 'commands', 'current'), { timeout: 20_000 }).toBe('2');
    expect(await cell(box, 'commands', 'other')).toBe('1');
    expect(JSON.parse(await traceOf(page))).toEqual(before);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('forks a lesson embed from its terminal and from the scrubbed picture, and refuses a record that does not exist', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const { page, box, errors } = await openLessonEmbed(context, 'time-travel');
    // The embed's script ends with a withdrawal at 3 s of virtual time: let the run get past it.
    await expect.poll(() => virtualMs(box), { timeout: 30_000 }).toBeGreaterThan(3_500);

    const missing = await terminal(box, 'fork 99999999', /No record #99999999/);
    expect(missing).toMatch(/No record #99999999: the trace ends at #\d+\./);
    expect(await box.getByTestId('fork-compare').count()).toBe(0);

    const screen = await terminal(box, 'fork 3', /continues from record #3/);
    expect(screen).toMatch(
      /Run 2 continues from record #3 \(t=\d+ ms, step \d+\): \d+ recorded intents? kept, \d+ later intents? dropped\./,
    );
    await box.getByTestId('fork-compare').waitFor({ timeout: 30_000 });
    expect(await text(box.getByTestId('branch-other'))).toBe('Run 1 (kept)');

    // The picture, scrubbed back to a record, offers the same action.
    await scrubTo(box, 2);
    await box.getByTestId('past-moment').waitFor();
    await box.getByTestId('picture-continue').click();
    await expect.poll(() => text(box.getByTestId('branch-current')), { timeout: 30_000 }).toBe('Run 3 (this run)');
    expect(await text(box.getByTestId('branch-other'))).toBe('Run 2 (kept)');
    expect(await text(box.getByTestId('fork-point'))).toContain('record #2 ');
    expect(errors).toEqual([]);
    await page.close();
    await context.close();
  });
});
