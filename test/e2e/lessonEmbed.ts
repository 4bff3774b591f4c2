// Opening one lesson embed by its preset name, for the e2e files that drive
// embeds: the lesson page that holds it is found from the lessons' sources.
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { baseUrl, watchedPage } from './browser.ts';

const LESSONS = resolve(import.meta.dirname, '../../content/lessons');
const lessonOf = new Map<string, string>();
for (const file of readdirSync(LESSONS)) {
  const text = readFileSync(resolve(LESSONS, file), 'utf8');
  for (const match of text.matchAll(/<LessonSandbox\s+preset="([^"]+)"/g))
    lessonOf.set(match[1]!, `/lessons/${file.replace(/\.mdx$/, '')}/`);
}

/** The lesson page's embed for `preset`, scrolled into view, its sandbox ready and no intent in flight. */
export async function openLessonEmbed(context: BrowserContext, preset: string): Promise<{ page: Page; box: Locator; errors: string[] }> {
  const { page, errors } = await watchedPage(context);
  await page.goto(baseUrl() + lessonOf.get(preset)!);
  const box = page.locator(`[data-lesson-sandbox="${preset}"]`);
  await box.scrollIntoViewIfNeeded();
  await box.locator('.sandbox[data-phase="ready"]').waitFor({ timeout: 60_000 });
  await page.waitForFunction((name) => !document.querySelector(`[data-lesson-sandbox="${name}"] [role="status"].busy`), preset);
  return { page, box, errors };
}
