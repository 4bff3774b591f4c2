// Write it yourself, in the sandbox: a projection pasted into the Code panel is
// shadow-built beside the catalogue on this run's deliveries (duplicates on),
// compared row by row, flipped live and rolled back; the code survives a
// reload and is in the exported session. Code imported with a session runs in
// the worker's sandbox only: the page is untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeBuilder, baseUrl, download, launchBrowser, openAllSettings, watchedPage } from './browser.ts';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

/** The catalogue, as a learner writes it: every product event moves its row. */
const CATALOGUE = `// my catalogue
export const schema = [\`CREATE TABLE catalogue (
  sku TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, price_cents INTEGER NOT NULL, stock INTEGER NOT NULL,
  reserved_units INTEGER NOT NULL DEFAULT 0, units_sold INTEGER NOT NULL DEFAULT 0, open_orders INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL)\`];
export const handles = ['ProductAdded', 'ProductRestocked', 'PriceChanged', 'OrderPlaced', 'OrderCancelled', 'StockReserved', 'StockReleased'];
export function apply(db, event) {
  const d = event.data;
  const at = event.metadata.recordedAt;
  const move = (set, params) => db.run('UPDATE catalogue SET ' + set + ', updated_at = ? WHERE sku = ?', [...params, at, d.sku]);
  switch (event.type) {
    case 'ProductAdded':
      db.run('INSERT INTO catalogue (sku, name, category, price_cents, stock, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sku) DO UPDATE SET name = excluded.name, category = excluded.category, price_cents = excluded.price_cents, stock = excluded.stock', [d.sku, d.name, d.category, d.priceCents, d.stock, at]);
      return;
    case 'ProductRestocked': return move('stock = stock + ?', [d.quantity]);
    case 'PriceChanged': return move('price_cents = ?', [d.toCents]);
    case 'OrderPlaced': return move('stock = stock - ?, units_sold = units_sold + ?, open_orders = open_orders + 1', [d.quantity, d.quantity]);
    case 'OrderCancelled': return move('stock = stock + ?, units_sold = units_sold - ?, open_orders = open_orders - 1', [d.quantity, d.quantity]);
    case 'StockReserved': return move('stock = stock - ?, reserved_units = reserved_units + ?', [d.quantity, d.quantity]);
    case 'StockReleased': return move('stock = stock + ?, reserved_units = reserved_units - ?', [d.quantity, d.quantity]);
  }
}
`;

/** A Product decider: lists a product once, refuses the rest. */
const PRODUCT_DECIDER = `// my product decider
export const initialState = { listed: false };
export function decide(command, state) {
  if (command.type !== 'AddProduct') return reject('NotYet', command.type + ' is not decided yet');
  if (state.listed) return reject('AlreadyListed', 'listed already');
  const d = command.data;
  return [{ type: 'ProductAdded', data: { sku: d.sku, name: d.name, priceCents: d.priceCents, stock: d.stock, category: d.category || 'misc' } }];
}
export function evolve(state, event) {
  return event.type === 'ProductAdded' ? { ...state, listed: true } : state;
}
`;

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('.sandbox[data-phase="ready"]', { timeout: 30_000 });
  await page.waitForFunction(() => !document.querySelector('.sandbox .busy'));
  await page.locator('[data-panel="code"] .code-editor[data-ready="true"] .cm-content').waitFor({ timeout: 30_000 });
}

/** The panel may be off screen (content-visibility): bring it in, and read what CodeMirror drew (its first lines). */
async function editorText(page: Page): Promise<string> {
  await page.locator('[data-panel="code"]').scrollIntoViewIfNeeded();
  return (await page.locator('[data-panel="code"] .cm-content').textContent()) ?? '';
}

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await axeBuilder(page).include('[data-panel="code"]').analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

const codeStatus = (page: Page, text: RegExp) => page.getByTestId('code-status').filter({ hasText: text }).waitFor({ timeout: 60_000 });

describe('the Code panel in the sandbox', () => {
  it(
    'shadow-builds a pasted projection on the run’s faulty deliveries, flips it live, rolls back, and keeps it',
    { timeout: 240_000 },
    async () => {
      const context = await browser.newContext();
      const { page, errors } = await watchedPage(context);
      await page.goto(`${baseUrl()}/sandbox/?paused`, { waitUntil: 'load' });
      await ready(page);

      // Duplicates on, then the load generator for a while.
      await openAllSettings(page);
      await page.locator('[data-setting="duplicates"]').fill('40');
      await page.locator('[data-panel="run"] input[type="range"][id$="-load"]').fill('50');
      await page.locator('[data-panel="run"] input[type="range"][id$="-load"]').dispatchEvent('change');
      await page.click('[data-testid="play"]');
      await page.waitForFunction(
        () => Number(document.querySelector('.sandbox')?.getAttribute('data-position')?.split(':')[0]) > 400,
        null,
        {
          timeout: 60_000,
        },
      );
      await page.click('[data-testid="play"]');

      // Beside the catalogue (the panel starts on the domain's first projection), then paste the projection (insertText: no auto-closed brackets).
      await page.selectOption('[data-panel="code"] select[id$="-code-reference"]', 'catalogue');
      expect(await editorText(page)).toContain('Your version of the "catalogue" projection');
      const editor = page.locator('[data-panel="code"] .cm-content');
      await editor.click();
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.insertText(CATALOGUE);

      await page.getByRole('button', { name: 'Shadow-build beside catalogue' }).click();
      await codeStatus(page, /^Built beside catalogue from \d+ deliveries: no row differs\.$/);
      const deliveries = await page.getByTestId('code-deliveries').innerText();
      expect(Number(/\((\d+) duplicates/.exec(deliveries)![1])).toBeGreaterThan(0);
      expect(await page.getByTestId('code-comparison').innerText()).toBe('no row differs');
      expect(await page.getByTestId('code-exact').innerText()).toBe("the very deliveries the sandbox's catalogue got, one for one");
      expect(await page.getByTestId('code-answering').innerText()).toBe('the reference');
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Flip live' }).click();
      await codeStatus(page, /your catalogue answers/);
      expect(await page.getByTestId('code-answering').innerText()).toBe('your version');
      await page.getByRole('button', { name: 'Ask the live version' }).click();
      await codeStatus(page, /answered by your version/);
      await page.getByRole('button', { name: 'Roll back' }).click();
      await codeStatus(page, /reference catalogue answers again/);
      expect(await page.getByTestId('code-answering').innerText()).toBe('the reference');

      // Saved with the session: back after a reload, and in the exported file.
      await page.getByTestId('code-saved').filter({ hasText: 'Saved with this session.' }).waitFor({ timeout: 15_000 });
      await page.reload({ waitUntil: 'load' });
      await ready(page);
      expect(await editorText(page)).toContain('// my catalogue');
      const exported = JSON.parse(await download(page, 'export')) as { version: number; session: { code?: unknown } };
      expect(exported.version).toBe(2);
      expect(exported.session.code).toEqual({ projection: { reference: 'catalogue', source: CATALOGUE } });
      expect(errors).toEqual([]);
      await context.close();
    },
  );

  it(
    'runs code imported with a session in the sandbox only: document, fetch and postMessage are refused there',
    { timeout: 120_000 },
    async () => {
      const context = await browser.newContext();
      const { page, errors } = await watchedPage(context);
      await page.goto(`${baseUrl()}/sandbox/?paused`, { waitUntil: 'load' });
      await ready(page);
      const exported = JSON.parse(await download(page, 'export')) as { version: number; session: Record<string, unknown> };
      const hostile = `document.title = 'owned'; fetch('/steal'); postMessage('x');\n${CATALOGUE}`;
      const file = {
        ...exported,
        version: 2,
        session: { ...exported.session, code: { projection: { reference: 'catalogue', source: hostile } } },
      };
      const title = await page.title();
      await page.setInputFiles('[data-testid="import"]', {
        name: 'hostile.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(file)),
      });
      await page.getByTestId('session-notice').filter({ hasText: 'Imported hostile.json' }).waitFor({ timeout: 30_000 });
      await ready(page);
      expect(await editorText(page)).toContain("document.title = 'owned'");
      expect(await page.title()).toBe(title);
      await page.getByRole('button', { name: 'Shadow-build beside catalogue' }).click();
      await codeStatus(page, /^Your code did not load: .*document is not available in the sandbox/);
      expect(await page.title()).toBe(title);
      expect(errors).toEqual([]);
      await context.close();
    },
  );

  it(
    'sends commands from the sandbox to a decider written in the panel, and shows its events and refusals',
    { timeout: 120_000 },
    async () => {
      const context = await browser.newContext();
      const { page, errors } = await watchedPage(context);
      await page.goto(`${baseUrl()}/sandbox/?paused`, { waitUntil: 'load' });
      await ready(page);
      await page.locator('[data-panel="code"]').scrollIntoViewIfNeeded();
      await page.getByRole('radio', { name: 'A decider' }).check();
      await page.selectOption('[data-panel="code"] select[id$="-code-aggregate"]', 'Product');
      await page.locator('[data-panel="code"] .code-editor[data-ready="true"] .cm-content').click();
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.insertText(PRODUCT_DECIDER);
      await page.getByRole('button', { name: "Open as Product on this sandbox's events" }).click();
      await codeStatus(page, /^Your decider is Product now, on 0 events from this sandbox's store\.$/);
      await page.selectOption('[data-panel="code"] select[id$="-code-command"]', 'AddProduct');
      await page.getByTestId('code-send').click();
      await codeStatus(page, /^AddProduct accepted: product-\S+ at version 1\.$/);
      await page.getByTestId('code-send').click();
      await codeStatus(page, /^AddProduct refused: AlreadyListed: listed already$/);
      expect(await page.getByTestId('code-stream').locator('tbody tr').count()).toBe(1);
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    },
  );
});
