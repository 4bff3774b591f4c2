// The sandbox's terminal, driven like a learner types: it runs on the same
// engine as the sandbox's controls, so what it does shows in the panels. The
// screen is read through xterm's accessibility tree (screenReaderMode is on).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openAllSettings, baseUrl, launchBrowser, watchedPage } from './browser.ts';
import { SETTING_CONTROLS, sliderPosition } from '../../src/sandbox/controls.ts';

/** A setting slider's position for a display value (its value is an index into the control's stops). */
const position = (id: string, display: number): string =>
  String(sliderPosition(SETTING_CONTROLS.find((c) => c.id === id) as { stops: readonly number[] }, display));

let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  ({ page, errors } = await watchedPage(context));
  await page.goto(`${baseUrl()}/sandbox/?paused`, { waitUntil: 'load' });
  await page.waitForSelector('.sandbox[data-phase="ready"]', { timeout: 30_000 });
  await page.waitForSelector('[data-panel="terminal"][data-terminal="ready"]', { timeout: 30_000 });
  await openAllSettings(page);
  await page.locator('[data-panel="terminal"]').scrollIntoViewIfNeeded();
});
afterAll(() => browser?.close());

/** The terminal's visible rows, as text. */
const screenRows = (p: Page): Promise<string[]> =>
  p.evaluate(() =>
    [...document.querySelectorAll('[data-panel="terminal"] .xterm-accessibility-tree > div')].map((row) =>
      (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd(),
    ),
  );
const screen = async (p: Page): Promise<string> => (await screenRows(p)).join('\n');

/** Wait until the last non-empty row is a bare prompt (the previous line has finished). */
async function idlePrompt(p: Page): Promise<void> {
  await p.waitForFunction(
    () => {
      const rows = [...document.querySelectorAll('[data-panel="terminal"] .xterm-accessibility-tree > div')]
        .map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trim())
        .filter((r) => r !== '');
      return rows[rows.length - 1] === 'cqrs>';
    },
    undefined,
    { timeout: 20_000 },
  );
}

async function focusTerminal(p: Page): Promise<void> {
  await p.locator('[data-panel="terminal"] .xterm-helper-textarea').focus();
}

const runs = async (p: Page): Promise<number> => Number(await p.locator('[data-panel="terminal"]').getAttribute('data-runs'));

/** Type a line, press Enter, wait for its output and the next prompt; returns the screen. */
async function run(p: Page, line: string, shows?: RegExp): Promise<string> {
  const before = await runs(p);
  await focusTerminal(p);
  await p.keyboard.type(line);
  await p.keyboard.press('Enter');
  await p.waitForFunction((n) => Number(document.querySelector('[data-panel="terminal"]')?.getAttribute('data-runs')) > n, before, {
    timeout: 20_000,
  });
  // The accessibility tree follows the screen a frame or two later: wait for the echoed line, its output, and a new prompt.
  await p.waitForFunction(
    ([echo, pattern]) => {
      const rows = [...document.querySelectorAll('[data-panel="terminal"] .xterm-accessibility-tree > div')]
        .map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trim())
        .filter((r) => r !== '');
      if (rows[rows.length - 1] !== 'cqrs>') return false;
      // Output taller than the screen scrolls the echoed line away: then look for what it should show.
      if (pattern) return new RegExp(pattern).test(rows.join('\n'));
      const at = rows.lastIndexOf(echo!);
      return at >= 0 && at < rows.length - 1;
    },
    [`cqrs> ${line}`.trim(), shows?.source] as const,
    { timeout: 20_000 },
  );
  return screen(p);
}

const eventCount = async (p: Page): Promise<string> =>
  (await p.locator('[data-testid="clock"]').innerText()).match(/events\s+([\d,]+)/)?.[1] ?? '';

describe('the sandbox terminal', () => {
  it('is labelled, greets, and lists its commands on help', async () => {
    expect(await page.getByRole('heading', { name: 'Terminal', exact: true }).count()).toBe(1);
    expect(await page.locator('[data-panel="terminal"] [aria-label]').first().getAttribute('aria-label')).toMatch(/terminal/i);
    await idlePrompt(page);
    expect(await screen(page)).toContain('help');
    // The list is taller than the screen: its end stays in view.
    const text = await run(page, 'help', /help\s+List the commands/);
    for (const name of ['scenario', 'reset', 'export', 'clear', 'history']) expect(text).toMatch(new RegExp(`^${name}\\s`, 'm'));
  });

  it('sends domain commands that show in the sandbox event log', async () => {
    let text = await run(page, 'AddProduct sku=KB-42 name=Keyboard priceCents=4999 stock=10');
    expect(text).not.toMatch(/usage:/);
    text = await run(page, 'PlaceOrder o-1 alice KB-42 2');
    expect(text).not.toMatch(/usage:/);
    await page.locator('[data-panel="log"]').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => /OrderPlaced/.test(document.querySelector('[data-testid="event-log"] tbody')?.textContent ?? ''));
    expect(await page.locator('[data-testid="event-log"] tbody').textContent()).toContain('ProductAdded');
  });

  it('moves the latency slider with bus latency, and reads back a slider change', async () => {
    await page.locator('[data-panel="terminal"]').scrollIntoViewIfNeeded();
    await run(page, 'bus latency 800');
    await page.waitForFunction(() => document.querySelector('[data-setting="latency"]')?.getAttribute('aria-valuetext') === '800 ms');
    expect(await page.locator('[data-setting="latency"]').inputValue()).toBe(position('latency', 800));
    await page.locator('[data-setting="jitter"]').fill(position('jitter', 40));
    await page.waitForFunction(() => document.querySelector('[data-setting="jitter"]')?.getAttribute('aria-valuetext') === '40 ms');
    expect(await run(page, 'bus')).toMatch(/jitter[^\n]*40/i);
  });

  it('refuses a write through sql and leaves the event count alone', async () => {
    const before = await eventCount(page);
    expect(before).not.toBe('');
    const text = await run(page, 'sql write DELETE FROM events');
    expect(text).toMatch(/read-only|readonly/i);
    expect(await eventCount(page)).toBe(before);
    expect(await run(page, 'sql SELECT COUNT(*) AS n FROM events')).toMatch(new RegExp(`\\b${before}\\b`));
  });

  const ENDLESS = 'sql WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c';

  it('stops an endless recursive query after 3 s, and the sandbox keeps working', async () => {
    const before = await eventCount(page);
    const text = await run(page, ENDLESS, /Stopped after 3 s/);
    expect(text.replace(/\s+/g, ' ')).toContain(
      'Stopped after 3 s: the query was still running — an endless recursive CTE? Nothing changed.',
    );
    // The engine was never blocked: SQL, commands and the event log still answer.
    expect(await run(page, 'sql SELECT COUNT(*) AS n FROM events')).toMatch(new RegExp(`\\b${before}\\b`));
    const added = await run(page, 'AddProduct sku=MS-1 name=Mouse priceCents=1999 stock=3');
    expect(added.slice(added.lastIndexOf('cqrs> AddProduct'))).toContain('✓ AddProduct accepted');
    await page.waitForFunction(
      (n) => (document.querySelector('[data-testid="clock"]') as HTMLElement | null)?.innerText.match(/events\s+([\d,]+)/)?.[1] !== n,
      before,
    );
  });

  it('stops a running query on Ctrl+C', async () => {
    const before = await runs(page);
    await focusTerminal(page);
    await page.keyboard.type(ENDLESS.replace('count(*)', 'max(x)'));
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+C');
    await page.waitForFunction((n) => Number(document.querySelector('[data-panel="terminal"]')?.getAttribute('data-runs')) > n, before, {
      timeout: 20_000,
    });
    // xterm's accessibility rows render a moment after the output: wait for the verdict line itself.
    await page.waitForFunction(
      () => /Cancelled:/.test(document.querySelector('[data-panel="terminal"] .xterm-accessibility-tree')?.textContent ?? ''),
      null,
      { timeout: 20_000 },
    );
    await idlePrompt(page);
    const text = (await screen(page)).replace(/\s+/g, ' ');
    expect(text).toContain('Cancelled: the query was stopped before it finished. Nothing changed.');
    expect(await run(page, "sql SELECT 'still here' AS answer")).toContain('still here');
  });

  it('suggests the nearest command for a typo', async () => {
    expect(await run(page, 'statsu')).toContain('Did you mean');
  });

  it('completes a command name with Tab, and Ctrl+C cancels the line', async () => {
    await focusTerminal(page);
    await page.keyboard.type('plac');
    await page.keyboard.press('Tab');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-panel="terminal"] .xterm-accessibility-tree > div')].some((r) =>
        (r.textContent ?? '')
          .replace(/\u00a0/g, ' ')
          .trimEnd()
          .startsWith('cqrs> PlaceOrder'),
      ),
    );
    await page.keyboard.press('Control+C');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-panel="terminal"] .xterm-accessibility-tree > div')].some((r) =>
        /cqrs> PlaceOrder\s*\^C/.test((r.textContent ?? '').replace(/\u00a0/g, ' ')),
      ),
    );
    await idlePrompt(page);
    // History: the last line comes back with the up arrow.
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-panel="terminal"] .xterm-accessibility-tree > div')]
        .map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trim())
        .filter((r) => r !== '');
      return rows[rows.length - 1] === 'cqrs> statsu';
    });
    await page.keyboard.press('Control+C');
    await idlePrompt(page);
    expect(errors).toEqual([]);
  });

  // Last: it leaves the sandbox.
  it('lists scenarios and opens one’s page', async () => {
    expect(await run(page, 'scenario list', /scenario open <slug>/)).toMatch(/^flash-sale\s+Flash sale/m);
    await focusTerminal(page);
    await page.keyboard.type('scenario open flash-sale');
    await Promise.all([page.waitForURL(/\/scenarios\/flash-sale\/$/, { timeout: 20_000 }), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).pathname).toBe('/scenarios/flash-sale/');
  });
});
