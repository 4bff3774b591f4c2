import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The question bank is written in our own words: no run of 8 or more words may match the
// source articles. The articles sit beside the repository (../shared/seeds); without them
// the check is skipped.
const ROOT = resolve(import.meta.dirname, '../../..');
const SEEDS = resolve(ROOT, '../shared/seeds');
const BANK = join(ROOT, 'content/interview');
const RUN = 8;

const words = (text: string) => text.toLowerCase().replace(/[’']/g, '').match(/[a-z0-9]+/g) ?? [];

function shingles(text: string): Set<string> {
  const list = words(text);
  const result = new Set<string>();
  for (let i = 0; i + RUN <= list.length; i++) result.add(list.slice(i, i + RUN).join(' '));
  return result;
}

describe.skipIf(!existsSync(SEEDS))('question bank originality', () => {
  it(`shares no run of ${RUN} words with the source articles`, () => {
    const seeds = new Set<string>();
    for (const file of readdirSync(SEEDS).filter((name) => name.endsWith('.txt'))) {
      for (const shingle of shingles(readFileSync(join(SEEDS, file), 'utf8'))) seeds.add(shingle);
    }
    const copied: string[] = [];
    for (const file of readdirSync(BANK).filter((name) => name.endsWith('.md'))) {
      for (const shingle of shingles(readFileSync(join(BANK, file), 'utf8'))) {
        if (seeds.has(shingle)) copied.push(`${file}: "${shingle}"`);
      }
    }
    expect(copied).toEqual([]);
  });
});
