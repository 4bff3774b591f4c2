import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { baseUrl, launchBrowser, lessonPaths as lessonPathList } from './browser.ts';

let browser: Browser;
const lessonPaths = lessonPathList();

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

describe('lessons', () => {
  it('draws every mermaid diagram as an SVG, with none left as an error', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    let drawn = 0;
    const broken: string[] = [];
    for (const path of lessonPaths) {
      await page.goto(baseUrl() + path);
      const fences = await page.locator('.mermaid-diagram').count();
      if (fences === 0) continue;
      await page.waitForFunction(() => !document.querySelector('.mermaid-diagram[data-state="pending"]'));
      drawn += await page.locator('.mermaid-diagram[data-state="rendered"] > svg').count();
      for (const error of await page.locator('.mermaid-diagram[data-state="error"]').allTextContents()) {
        broken.push(`${path}: ${error.slice(0, 300)}`);
      }
    }
    expect(broken).toEqual([]);
    expect(drawn).toBeGreaterThan(0);
    await context.close();
  });

  it('does not load mermaid on pages without a diagram', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(request.url());
    });
    await page.goto(`${baseUrl()}/`, { waitUntil: 'networkidle' });
    expect(scripts.filter((url) => /mermaid/i.test(url))).toEqual([]);
    await context.close();
  });

  it('keeps a checkpoint explanation hidden until an answer is committed, grades it, and remembers it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    let found = false;
    for (const path of lessonPaths) {
      await page.goto(baseUrl() + path);
      const checkpoint = page.locator('cqrs-checkpoint:has(input[type="radio"])').first();
      if ((await checkpoint.count()) === 0) continue;
      found = true;
      const explanation = checkpoint.locator('[data-reveal]');
      const commit = checkpoint.getByRole('button', { name: 'Check my answer' });
      expect(await explanation.isVisible()).toBe(false);
      expect(await commit.isDisabled()).toBe(true);

      await checkpoint.locator('input[type="radio"]').first().check();
      expect(await commit.isDisabled()).toBe(false);
      await commit.click();
      await explanation.waitFor({ state: 'visible' });
      expect(await checkpoint.getByRole('status').textContent()).toMatch(/^(Right\.|Not quite: the answer is “.+”\.)$/);

      await page.reload();
      const again = page.locator('cqrs-checkpoint:has(input[type="radio"])').first();
      await again.locator('[data-reveal]').waitFor();
      expect(await again.locator('input[type="radio"]').first().isChecked()).toBe(true);
      break;
    }
    expect(found).toBe(true);
    await context.close();
  });

  it('links each lesson to the next one and back', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/lessons/`);
    const first = await page.locator('main ol a').first().getAttribute('href');
    await page.goto(baseUrl() + first);
    if (lessonPaths.length > 1) {
      const next = page.locator('a[rel="next"]');
      await next.click();
      await page.waitForURL((url) => url.pathname !== first);
      await page.locator('a[rel="prev"]').click();
      await page.waitForURL((url) => url.pathname === first);
    }
    expect(await page.locator('a[rel="prev"]').count()).toBe(0);
    await context.close();
  });

  it('sends the address of a merged lesson on to the lesson that holds its text', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/lessons/variants/`);
    await page.waitForURL((url) => url.pathname.endsWith('/lessons/separation-levels/') && url.hash === '#choosing-a-level');
    expect(await page.locator('h1').textContent()).toBe('Separation levels');
    expect(await page.locator('#checkpoint-cdc-intent').count()).toBe(1);
    expect(lessonPaths.some((path) => path.endsWith('/lessons/variants/'))).toBe(false);
    await context.close();
  });

  it('measures the flash-sale read paths with sql.js in a worker, from the built site', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const wasm: number[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('.wasm')) wasm.push(response.status());
    });
    await page.goto(`${baseUrl()}/lessons/why-crud-breaks/`);
    const embed = page.locator('[data-embed="read-path-race"]');
    await embed.scrollIntoViewIfNeeded();
    const run = embed.getByRole('button', { name: 'Run the measurement' });
    await page.waitForFunction((button) => !(button as HTMLButtonElement).disabled, await run.elementHandle());
    await embed.getByLabel('Products in the catalogue').selectOption('1000');
    await run.click();
    await embed.locator('table').waitFor({ timeout: 30_000 });
    const rows = await embed.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(await embed.locator('caption').textContent()).toContain('Measured on your machine: 2,000 reads over 1,000 products');
    expect(await embed.textContent()).toContain('both paths returned identical pages for every read');
    expect(await embed.locator('[data-speedup]').textContent()).toMatch(/^\d+(\.\d)?×$/);
    // The wasm came from this site, not a CDN.
    expect(wasm).toEqual([200]);
    await context.close();
  });

  it('finds lesson text with site search', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/lessons/`);
    await page.getByRole('button', { name: 'Search' }).click();
    const input = page.getByRole('dialog').locator('input');
    await input.waitFor();
    await input.fill('why CRUD breaks');
    // Search covers the glossary, scenarios and interview pages too: the lesson is among the results.
    const results = page.locator('.pagefind-ui__result-link');
    await results.first().waitFor();
    expect(await results.evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toContain('/lessons/why-crud-breaks/');
    await context.close();
  });
});
