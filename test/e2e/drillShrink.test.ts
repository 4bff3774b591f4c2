// A failed design drill's shortest failing run, clicked through in Chromium:
// the work-item board with an eventual board after a drag fails "a dropped
// card stays where it was dropped"; "Find the smallest failing run" shrinks
// the drill's whole load in a worker to a few intents, the summary names the
// stale read, and "Open on the timeline" opens that run in the sandbox, whose
// trace holds the mover's move and a read that missed it.
import { readFile } from 'node:fs/promises';
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

describe("a design drill's shortest failing run", () => {
  it('work-item-board: the failed drill shrinks to a move and a stale read, and opens on the timeline', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const { page, errors } = await watchedPage(context);
    await page.goto(`${baseUrl()}/interview/drills/work-item-board/`);
    await page.waitForFunction(() => document.querySelector('[data-drill-form]')?.closest('astro-island')?.hasAttribute('ssr') === false);
    await choose(page, 'What the board reads', /A board view/);
    await choose(page, 'When the board view is updated', 'Asynchronously, from events on the bus');
    await choose(page, 'Consistency of the board right after a drag', /Eventual: show the board/);
    await page.getByRole('button', { name: 'Commit to this design' }).click();
    await page.locator('[data-run-drill]').click();
    await page.waitForSelector('[data-drill-report][data-passed="false"]', { timeout: 60_000 });

    const shrink = page.locator('[data-drill-report]').getByTestId('shrink');
    await shrink.getByTestId('shrink-start').click();
    const summary = shrink.getByTestId('shrink-summary');
    await summary.waitFor({ timeout: 90_000 });
    const text = await summary.innerText();
    expect(text).toMatch(
      /^\d+ commands?, \d+ quer(y|ies): "A dropped card stays where it was dropped: 0 boards without the mover's own move" fails: \d+ stale reads? \(needs = 0\)$/,
    );
    // The wall-clock budget may stop it early on a busy machine; either way it says how far it got, out of the whole load.
    expect(await shrink.getByTestId('shrink-message').innerText()).toMatch(
      /^(Finished after \d+ replays: no smaller run fails \(|Stopped after \d+ replays \(the budget\): the smallest failing run so far has )\d+ of [1-9]\d{2,} intents/,
    );
    const commands = Number(text.match(/^(\d+) command/)![1]);

    const [opened] = await Promise.all([context.waitForEvent('page'), shrink.getByTestId('shrink-open').click()]);
    const pageErrors: string[] = [];
    opened.on('pageerror', (e) => pageErrors.push(e.message));
    await opened.waitForSelector('.sandbox[data-phase="ready"]', { timeout: 60_000 });
    await opened.waitForFunction(() => !document.querySelector('.sandbox .busy'));
    expect(await opened.getByTestId('session-notice').textContent()).toMatch(/Opened the run shared in this link/);
    await opened.locator('[data-panel="timeline"]').scrollIntoViewIfNeeded();
    const [file] = await Promise.all([opened.waitForEvent('download'), opened.getByTestId('download-trace').click()]);
    const trace = JSON.parse(await readFile((await file.path())!, 'utf8')) as {
      type: string;
      commandType?: string;
      attempt?: number;
      sawOwnWrite?: boolean | null;
    }[];
    // The sandbox replays the very run: its commands, the move among them, and a board read that missed the move.
    expect(trace.filter((r) => r.type === 'command.received' && r.attempt === 1).length).toBe(commands);
    expect(trace.some((r) => r.type === 'command.completed' && r.commandType === 'MoveWorkItem')).toBe(true);
    expect(trace.some((r) => r.type === 'query.executed' && r.sawOwnWrite === false)).toBe(true);
    expect([...errors, ...pageErrors]).toEqual([]);
    await context.close();
  });
});
