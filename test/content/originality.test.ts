import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

// Lessons and answers are written in our own words: no run of RUN_LENGTH consecutive words
// may match one of the source articles in ../shared/seeds (CI clones the project beside shared/).
const ROOT = resolve(import.meta.dirname, '../..');
const SEEDS = resolve(ROOT, '../shared/seeds');
const RUN_LENGTH = 8;
// Everything a learner reads: lessons, questions, drills, glossary, and the scenario files.
const CONTENT_DIRS = ['content', 'simulations'];

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019']/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function runs(text: string): Set<string> {
  const list = words(text);
  const out = new Set<string>();
  for (let i = 0; i + RUN_LENGTH <= list.length; i++) out.add(list.slice(i, i + RUN_LENGTH).join(' '));
  return out;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : /\.(md|mdx|json|ya?ml)$/.test(entry.name) ? [path] : [];
  });
}

// Outside the project's workspace (no shared/ beside the clone) there is nothing to compare with.
describe.skipIf(!existsSync(SEEDS))('originality against the source articles', () => {
  const seedRuns = new Map<string, string>();
  beforeAll(() => {
    for (const file of readdirSync(SEEDS).filter((name) => name.endsWith('.txt'))) {
      for (const run of runs(readFileSync(join(SEEDS, file), 'utf8'))) seedRuns.set(run, file);
    }
  });

  it('reads the articles', () => {
    expect(seedRuns.size).toBeGreaterThan(10_000);
  });

  it(`shares no run of ${RUN_LENGTH} words with any article`, () => {
    const copied: string[] = [];
    const files = CONTENT_DIRS.flatMap((dir) => filesUnder(join(ROOT, dir)));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      for (const run of runs(readFileSync(file, 'utf8'))) {
        const seed = seedRuns.get(run);
        if (seed) copied.push(`${relative(ROOT, file)}: "${run}" (also in ${seed})`);
      }
    }
    expect(copied).toEqual([]);
  });
});
