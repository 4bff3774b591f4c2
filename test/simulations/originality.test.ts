// Scenario prose is written in our own words, like the lessons: no run of 8
// consecutive words of a simulations/ file may match a source article.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SEEDS = resolve(ROOT, '../shared/seeds');
const RUN = 8;

function runs(text: string): string[] {
  const w = text.toLowerCase().replace(/[\u2018\u2019']/g, '').split(/[^a-z0-9]+/).filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i + RUN <= w.length; i++) out.push(w.slice(i, i + RUN).join(' '));
  return out;
}

describe.skipIf(!existsSync(SEEDS))('scenario prose against the source articles', () => {
  test(`shares no run of ${RUN} words with any article`, () => {
    const seed = new Set(readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).flatMap((f) => runs(readFileSync(join(SEEDS, f), 'utf8'))));
    const files = readdirSync(join(ROOT, 'simulations')).filter((f) => /\.(json|md)$/.test(f));
    expect(files.length).toBeGreaterThan(12);
    const copied = files.flatMap((f) => runs(readFileSync(join(ROOT, 'simulations', f), 'utf8')).filter((r) => seed.has(r)).map((r) => `${f}: "${r}"`));
    expect(copied).toEqual([]);
  });
});
