// The sandboxes embedded in lessons, driven the way each lesson's text tells
// the learner to: click what it says to click, move what it says to move, and
// check that what it says happens shows on the page. Every embed also has to
// open with only the controls its preset lists, and without a console error.
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { baseUrl, launchBrowser, watchedPage } from './browser.ts';
import { LESSON_PRESETS, LESSON_PRESET_NAMES, type LessonPresetName } from '../../src/sandbox/lessonPresets.ts';
import { RUN_SECTIONS, SETTING_CONTROLS, sliderPosition } from '../../src/sandbox/controls.ts';
import { PANELS, type SandboxPreset } from '../../src/sandbox/presets.ts';

const LESSONS = resolve(import.meta.dirname, '../../content/lessons');

/** The lesson page that embeds each preset. */
const lessonOf = new Map<string, string>();
for (const file of readdirSync(LESSONS)) {
  const text = readFileSync(resolve(LESSONS, file), 'utf8');
  for (const match of text.matchAll(/<LessonSandbox\s+preset="([^"]+)"/g))
    lessonOf.set(match[1]!, `/lessons/${file.replace(/\.mdx$/, '')}/`);
}

let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
});
afterAll(() => browser?.close());

interface Embed {
  page: Page;
  box: Locator;
  errors: string[];
}

/** Open the lesson that embeds `preset` and wait for its sandbox to be live. */
async function openEmbed(preset: LessonPresetName): Promise<Embed> {
  const { page, errors } = await watchedPage(context);
  await page.goto(baseUrl() + lessonOf.get(preset)!);
  const box = page.locator(`[data-lesson-sandbox="${preset}"]`);
  await box.scrollIntoViewIfNeeded();
  await box.locator('.sandbox[data-phase="ready"]').waitFor({ timeout: 60_000 });
  // Controls are enabled once the island is live and nothing is replaying.
  await page.waitForFunction((name) => !document.querySelector(`[data-lesson-sandbox="${name}"] [role="status"].busy`), preset);
  return { page, box, errors };
}

// ── reading what the learner sees ───────────────────────────────────────

const projectionRow = (box: Locator, name: string) => box.locator(`[data-panel="projections"] tr[data-projection="${name}"]`);

/** One projection's row in the Projections table, as numbers. */
async function projection(box: Locator, name: string) {
  const cells = await projectionRow(box, name).locator('td').allInnerTexts();
  const [position, head] = cells[1]!.split('/').map((n) => Number(n.trim().replace(/,/g, '')));
  // The status cell is the badge, then (while crashed) why: the first word is the status.
  return {
    status: cells[0]!.trim().split(/[\s·]/)[0]!,
    position: position!,
    head: head!,
    behind: Number(cells[2]),
    applied: Number(cells[5]),
    dupesSkipped: Number(cells[6]),
  };
}

async function waitForProjection(
  box: Locator,
  name: string,
  holds: (p: Awaited<ReturnType<typeof projection>>) => boolean,
  timeout = 30_000,
): Promise<void> {
  await expect.poll(() => projection(box, name), { timeout, message: `${name} never reached the expected state` }).toSatisfy(holds);
}

/** The sandbox's virtual time in ms, as its clock shows it (seconds, one decimal). */
const virtualMs = async (box: Locator): Promise<number> =>
  Math.round(Number((await box.getByTestId('clock').locator('strong').first().innerText()).replace(/[^\d.]/g, '')) * 1000);

/** Wait, by the sandbox's own clock, until `ms` of virtual time have passed. */
async function virtualTimePasses(box: Locator, ms: number): Promise<void> {
  const from = await virtualMs(box);
  await expect.poll(() => virtualMs(box), { timeout: 30_000 }).toBeGreaterThanOrEqual(from + ms);
}

async function allCaughtUp(box: Locator, names: string[]): Promise<void> {
  for (const name of names) await waitForProjection(box, name, (p) => p.status === 'live' && p.behind === 0);
}

const windowStat = async (box: Locator, stat: string): Promise<number> =>
  Number((await box.locator(`[data-panel="window"] [data-stat="${stat}"]`).innerText()).replace(/[^\d]/g, '') || NaN);

/** The newest row of the "Latest windows" table: its window in ms. */
const latestWindowMs = async (box: Locator): Promise<number> =>
  Number((await box.locator('[data-panel="window"] tbody tr').first().locator('td').last().innerText()).replace(/[^\d]/g, ''));

// ── doing what the lesson says ──────────────────────────────────────────

async function pick(box: Locator, kind: 'command' | 'query', type: string): Promise<void> {
  await box.getByTestId(`${kind}-type`).selectOption(type);
}

async function fill(box: Locator, kind: 'command' | 'query', field: string, value: string): Promise<void> {
  await box.locator(`[data-panel="${kind === 'command' ? 'commands' : 'queries'}"] [data-field="${field}"]`).fill(value);
}

/** Press Send/Run and return the result it adds at the top of the list. */
async function submit(box: Locator, kind: 'command' | 'query', strategy?: string): Promise<string> {
  if (strategy) await box.getByTestId('query-strategy').selectOption(strategy);
  const results = box.getByTestId(`${kind}-results`).locator(':scope > li');
  const before = await results.count();
  await box.getByTestId(`${kind}-send`).click();
  await expect.poll(() => results.count(), { timeout: 20_000 }).toBeGreaterThan(before);
  return results.first().innerText();
}

/** Move a range input the way a drag ends: input events, then change. */
async function slide(input: Locator, value: number): Promise<void> {
  await input.evaluate((el, v) => {
    (el as HTMLInputElement).value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}
const setting = (box: Locator, id: string) => box.locator(`[data-setting="${id}"]`);
/** A setting slider's position for a display value (its value is an index into the control's stops). */
const position = (id: string, display: number): number =>
  sliderPosition(SETTING_CONTROLS.find((c) => c.id === id) as { stops: readonly number[] }, display);
const loadSlider = (box: Locator) => box.getByLabel('Commands per second');

// ── the terminal, read through xterm's accessibility tree ───────────────

async function terminal(box: Locator, line: string, shows: RegExp): Promise<string> {
  const panel = box.locator('[data-panel="terminal"][data-terminal="ready"]');
  await panel.waitFor({ timeout: 30_000 });
  await box.locator('[data-panel="terminal"]').scrollIntoViewIfNeeded();
  const screen = () =>
    box
      .locator('[data-panel="terminal"] .xterm-accessibility-tree > div')
      .evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n'));
  await panel.locator('.xterm-helper-textarea').focus();
  await box.page().keyboard.press('Control+l');
  await box.page().keyboard.type(line);
  await box.page().keyboard.press('Enter');
  await expect.poll(screen, { timeout: 20_000 }).toMatch(shows);
  return screen();
}

// ── every embed ─────────────────────────────────────────────────────────

// Side by side, a few at a time: an embed mostly waits while it boots (its workers start, sql.js
// compiles, the preset replays), and each has a page of its own.
describe.concurrent('every lesson embed', () => {
  it.for(LESSON_PRESET_NAMES)('%s opens with only its panels and listed controls, and no console error', async (name, { expect }) => {
    const preset: SandboxPreset = LESSON_PRESETS[name];
    const { page, box, errors } = await openEmbed(name);
    // The controls panel renders as two sections, run and settings; every other panel as itself.
    const panels = await box.locator('[data-panel]').evaluateAll((els) => els.map((e) => e.getAttribute('data-panel')));
    expect(panels.filter((p) => p !== 'run' && p !== 'settings')).toEqual((preset.panels ?? PANELS).filter((p) => p !== 'controls'));
    const listed = preset.controls ?? [];
    const settings = await box.locator('[data-setting]').evaluateAll((els) => els.map((e) => e.getAttribute('data-setting')));
    expect(settings).toEqual(listed.filter((id) => SETTING_CONTROLS.some((c) => c.id === id)));
    const sections = await box.locator('[data-run-section]').evaluateAll((els) => els.map((e) => e.getAttribute('data-run-section')));
    expect(sections).toEqual(RUN_SECTIONS.filter((s) => listed.includes(s)));
    // Time runs by itself where the preset says so: the learner needs no "Run time" button.
    if (preset.running) await expect.poll(() => box.getByTestId('clock').innerText(), { timeout: 10_000 }).toMatch(/running at/);
    expect(errors).toEqual([]);
    await page.close();
  });
});

// ── the walkthroughs ────────────────────────────────────────────────────

describe('lesson walkthroughs', () => {
  it('consistency window: load gives a window near the bus latency, and it follows the latency slider', async () => {
    const { page, box, errors } = await openEmbed('consistency-window');
    await slide(loadSlider(box), 200);
    await expect.poll(() => windowStat(box, 'count'), { timeout: 30_000 }).toBeGreaterThan(100);
    // The window panel shows its numbers in order, none shorter than the bus latency: an event cannot be
    // read before it is delivered. (How far above the latency depends on the load, so no ceiling here.)
    const stats = await Promise.all(['min', 'p50', 'p95', 'p99', 'max'].map((s) => windowStat(box, s)));
    for (const v of stats) expect(v).toBeGreaterThanOrEqual(200);
    expect(stats).toEqual([...stats].sort((a, b) => a - b));
    await expect.poll(() => box.locator('[data-panel="window"] [data-stat="p50"]').innerText()).toMatch(/^\d[\d,]* ms$/);

    await slide(setting(box, 'latency'), position('latency', 1000));
    await expect.poll(() => latestWindowMs(box), { timeout: 30_000 }).toBeGreaterThanOrEqual(1000);

    // More work per event than the projections can do: the window keeps growing.
    await slide(setting(box, 'latency'), position('latency', 200));
    await slide(setting(box, 'project-ms'), position('project-ms', 10));
    await expect.poll(() => latestWindowMs(box), { timeout: 30_000 }).toBeGreaterThan(2000);
    await slide(loadSlider(box), 0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fresh 404: an eventual read right after PlaceOrder is empty and stale; a token read waits and finds the order', async () => {
    const { page, box, errors } = await openEmbed('fresh-404');
    await pick(box, 'command', 'PlaceOrder');
    expect(await submit(box, 'command')).toMatch(/^Accepted PlaceOrder/);
    const eventual = await submit(box, 'query', 'eventual');
    expect(eventual).toMatch(/\d+ positions? behind/);
    expect(eventual).toMatch(/marked stale/);
    expect(eventual).toMatch(/^null$/m);
    const token = await submit(box, 'query', 'token');
    expect(token).toMatch(/up to date/);
    expect(token).toMatch(/token, answered from the read model after waiting [1-9]\d* ms/);
    expect(token).toContain('"orderId": "o-1001"');

    // With no latency the window is shorter than a click: even an eventual read finds a new order.
    await slide(setting(box, 'latency'), position('latency', 0));
    await expect.poll(() => box.locator('[data-setting="latency"]').inputValue()).toBe(String(position('latency', 0)));
    await fill(box, 'command', 'orderId', 'o-1002');
    await fill(box, 'query', 'orderId', 'o-1002');
    await submit(box, 'command');
    // A click later: the clock has moved on by a fraction of a second (no latency to wait out).
    await virtualTimePasses(box, 200);
    expect(await submit(box, 'query', 'eventual')).toContain('"orderId": "o-1002"');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('crash and resume: a crashed projection stops, then catches up from its checkpoint with copies skipped', async () => {
    const { page, box, errors } = await openEmbed('crash-resume');
    await slide(loadSlider(box), 300);
    await waitForProjection(box, 'orderSummary', (p) => p.head > 100);
    await box.getByRole('button', { name: 'Crash orderSummary' }).click();
    await waitForProjection(box, 'orderSummary', (p) => p.status === 'crashed');
    const crashedAt = (await projection(box, 'orderSummary')).position;
    await waitForProjection(box, 'orderSummary', (p) => p.head > crashedAt + 200);
    expect((await projection(box, 'orderSummary')).position).toBe(crashedAt);

    await box.getByRole('button', { name: 'Resume orderSummary' }).click();
    await waitForProjection(box, 'orderSummary', (p) => p.status === 'live' && p.position > crashedAt + 200);
    await slide(loadSlider(box), 0);
    await allCaughtUp(box, ['orderSummary', 'catalogue']);
    const after = await projection(box, 'orderSummary');
    expect(after.dupesSkipped).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('duplicates: the dedupe guard keeps the stock right, without it restocks count twice, a rebuild repairs it', async () => {
    const { page, box, errors } = await openEmbed('projection-duplicates');
    const stock = async (): Promise<number> => {
      await allCaughtUp(box, ['catalogue']);
      await pick(box, 'query', 'GetProduct');
      return Number((await submit(box, 'query')).match(/"stock": (\d+)/)![1]);
    };
    await pick(box, 'command', 'RestockProduct');
    for (let i = 0; i < 4; i++) expect(await submit(box, 'command')).toMatch(/^Accepted RestockProduct/);
    expect(await stock()).toBe(100 + 4 * 5);

    await setting(box, 'dedupe').uncheck();
    await expect.poll(() => box.getByTestId('announcer').innerText()).toMatch(/dedupe guard set to off/i);
    for (let i = 0; i < 8; i++) await submit(box, 'command');
    const drifted = await stock();
    expect(drifted).toBeGreaterThan(100 + 12 * 5);
    const row = await projection(box, 'catalogue');
    expect(row.applied).toBeGreaterThan(row.position);

    await setting(box, 'dedupe').check();
    await box.getByRole('button', { name: 'Rebuild catalogue' }).click();
    await expect.poll(stock, { timeout: 30_000 }).toBe(100 + 12 * 5);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('outbox: dual write leaves a hole the projections never pass; the outbox relay reaches the head', async () => {
    const dual = await openEmbed('outbox');
    await pick(dual.box, 'command', 'PlaceOrder');
    for (let i = 1; i <= 10; i++) {
      await fill(dual.box, 'command', 'orderId', `o-${i}`);
      expect(await submit(dual.box, 'command')).toMatch(/^Accepted PlaceOrder/);
    }
    // Whatever was published has been applied; what was lost stays missing.
    await waitForProjection(dual.box, 'orderSummary', (p) => p.head === 11 && p.behind > 0);
    const stuck = await projection(dual.box, 'orderSummary');
    // Time does not heal it: seconds of virtual time later (every delivery and redelivery long done), it has not moved.
    await virtualTimePasses(dual.box, 3000);
    expect(await projection(dual.box, 'orderSummary')).toMatchObject({ position: stuck.position, behind: stuck.behind });
    expect(stuck.behind).toBeGreaterThan(0);
    expect(dual.errors).toEqual([]);
    await dual.page.close();

    const relay = await openEmbed('outbox-relay');
    await pick(relay.box, 'command', 'PlaceOrder');
    for (let i = 1; i <= 10; i++) {
      await fill(relay.box, 'command', 'orderId', `o-${i}`);
      await submit(relay.box, 'command');
    }
    await slide(loadSlider(relay.box), 100);
    await waitForProjection(relay.box, 'orderSummary', (p) => p.head > 150);
    await slide(loadSlider(relay.box), 0);
    await allCaughtUp(relay.box, ['orderSummary', 'catalogue', 'customerOrders', 'checkouts']);
    const rows = await Promise.all(['orderSummary', 'catalogue', 'customerOrders'].map((n) => projection(relay.box, n)));
    expect(rows.reduce((sum, r) => sum + r.dupesSkipped, 0)).toBeGreaterThan(0);
    expect(relay.errors).toEqual([]);
    await relay.page.close();
  });

  it('shadow replay: build the faulty version beside the live one, compare, flip and roll back', async () => {
    const { page, box, errors } = await openEmbed('shadow-replay');
    await allCaughtUp(box, ['catalogue']);
    expect(await terminal(box, 'GetProduct KB-42', /answered by catalogue/)).toMatch(/stock\s+95\b/);
    await terminal(box, 'projection shadow-rebuild catalogue --variant=ignoresCancellations', /candidate\s+ignoresCancellations/);
    await expect
      .poll(async () => terminal(box, 'projection compare catalogue', /differ in|same rows|not caught up|still/), { timeout: 30_000 })
      .toMatch(/differ in 1 row\./);
    await terminal(box, 'projection flip catalogue', /swap is scheduled/);
    await expect.poll(() => terminal(box, 'GetProduct KB-42', /answered by catalogue/), { timeout: 20_000 }).toMatch(/stock\s+94\b/);
    await terminal(box, 'projection rollback catalogue', /swap back is scheduled/);
    await expect.poll(() => terminal(box, 'GetProduct KB-42', /answered by catalogue/), { timeout: 20_000 }).toMatch(/stock\s+95\b/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
