// The separation levels mean one thing everywhere. The engine's setting
// (settings.ts, settingsCatalogue.ts) and the glossary define them by where the
// read models live: 1 in the write database, 2 in one separate read database,
// 3 in a store per read model. Every lesson, drill, scenario, interview answer
// and terminal text that names a level by number must describe that level,
// not another one (nor the code-only split that comes before level 1).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS_CATALOGUE } from '../../src/engine/settingsCatalogue.ts';
import { TOP_LEVEL_SETTING_RULES } from '../../src/engine/settings.ts';

const ROOT = resolve(import.meta.dirname, '../..');
type Level = 1 | 2 | 3;

/** Words that describe each level; a sentence naming level n and only another level's words disagrees. */
const MEANS: Record<Level, RegExp> = {
  1: /write (store's |side's )?database|same database|one database|beside the write tables|(command's|same|write) transaction/i,
  2: /read database/i,
  3: /(store|database) per (read model|projection)|(its|their) own (store|database)|a store of its own|fed by events|through the bus|separate stores/i,
};
/** Each level's short name, as the setting labels it and the lesson's diagram and table name it. */
const NAMES: Record<Level, string> = { 1: 'one database', 2: 'one read database', 3: 'a store per read model' };
/** The code-only split is no level at all: a numbered level described this way is wrong. */
const CODE_ONLY = /split(ting)? the code|separat(e|es|ing) (the )?code|code paths|code is split|separate handlers/i;
/** A sentence may place the code split relative to the levels. */
const BEFORE_LEVEL_1 = /(before|short of) level 1/i;
const MENTION = /\blevels?[ -]([123])((?:(?:,|,? and|,? or) [123])*)\b/gi;


function filesUnder(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...filesUnder(path, ext));
    else if (ext.test(name)) out.push(path);
  }
  return out;
}

/** Every string value of a JSON document (drills, scenarios, glossary). */
function jsonStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(jsonStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(jsonStrings);
  return [];
}

function sentences(text: string): string[] {
  return text
    .replace(/<br\s*\/?>/g, ' ')
    .split(/\n|(?<=[.;!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function levelsNamed(sentence: string): Set<Level> {
  const out = new Set<Level>();
  for (const m of sentence.matchAll(MENTION)) {
    out.add(Number(m[1]) as Level);
    for (const d of (m[2] ?? '').match(/[123]/g) ?? []) out.add(Number(d) as Level);
  }
  return out;
}

interface Finding {
  file: string;
  sentence: string;
  problem: string;
}

/** What is wrong with the levels a sentence names, if anything. */
function disagreements(file: string, sentence: string): Finding[] {
  const named = levelsNamed(sentence);
  if (named.size === 0) return [];
  if (CODE_ONLY.test(sentence) && !BEFORE_LEVEL_1.test(sentence)) return [{ file, sentence, problem: `level ${[...named].join('/')} described as the code-only split, which comes before level 1` }];
  const out: Finding[] = [];
  for (const n of named) {
    if (MEANS[n].test(sentence)) continue;
    for (const other of [1, 2, 3] as const) {
      if (other !== n && !named.has(other) && MEANS[other].test(sentence)) {
        out.push({ file, sentence, problem: `level ${n} described with level ${other}'s meaning (${MEANS[other].exec(sentence)![0]})` });
      }
    }
  }
  return out;
}

/** Every file that may name a level, as sentences. */
function corpus(): { file: string; sentences: string[] }[] {
  const text = (f: string) => readFileSync(join(ROOT, f), 'utf8');
  const json = (f: string) => jsonStrings(JSON.parse(text(f))).flatMap(sentences);
  return [
    ...filesUnder('content/lessons', /\.mdx$/).map((file) => ({ file, sentences: sentences(text(file)) })),
    ...filesUnder('content/interview', /\.md$/).map((file) => ({ file, sentences: sentences(text(file)) })),
    ...filesUnder('content/drills', /\.json$/).map((file) => ({ file, sentences: json(file) })),
    ...filesUnder('simulations', /\.json$/).map((file) => ({ file, sentences: json(file) })),
    { file: 'content/glossary.json', sentences: json('content/glossary.json') },
    ...filesUnder('src/terminal', /\.ts$/).map((file) => ({ file, sentences: sentences(text(file)) })),
    ...['src/engine/settings.ts', 'src/engine/settingsCatalogue.ts', 'src/sandbox/lessonGoals.ts', 'src/sandbox/lessonPresets.ts'].map((file) => ({
      file,
      sentences: sentences(text(file)),
    })),
  ];
}

describe('separation levels', () => {
  it('are defined once: the engine setting and the glossary give each level the same meaning', () => {
    expect(TOP_LEVEL_SETTING_RULES.separationLevel.values).toEqual([1, 2, 3]);
    const setting = SETTINGS_CATALOGUE.find((s) => s.path === 'separationLevel')!;
    const glossary = (JSON.parse(readFileSync(join(ROOT, 'content/glossary.json'), 'utf8')) as { id: string; definition: string }[]).find(
      (t) => t.id === 'separation-level',
    )!;
    for (const n of [1, 2, 3] as const) {
      expect(setting.choices![String(n)], `the setting's label for level ${n}`).toMatch(MEANS[n]);
      const defined = new RegExp(`Level ${n}: ([^.]*)`).exec(glossary.definition)?.[1];
      expect(defined, `the glossary defines level ${n}`).toBeDefined();
      expect(defined, `the glossary's level ${n}`).toMatch(MEANS[n]);
    }
  });

  it('are named the same: the setting, the picture, the lesson diagram and table', () => {
    const setting = SETTINGS_CATALOGUE.find((s) => s.path === 'separationLevel')!;
    const lesson = readFileSync(join(ROOT, 'content/lessons/separation-levels.mdx'), 'utf8');
    for (const n of [1, 2, 3] as const) {
      const name = NAMES[n];
      expect(setting.choices![String(n)], `the setting's label for level ${n}`).toBe(`Level ${n}: ${name}`);
      expect(lesson, `the lesson's diagram names level ${n}`).toContain(`["Level ${n}: ${name}"]`);
      expect(lesson.toLowerCase(), `the lesson's table names level ${n}`).toContain(`| ${n}. ${name} |`);
    }
    // The picture's level selector shows the setting's labels rather than its own.
    const picture = readFileSync(join(ROOT, 'src/components/picture/ArchitectureView.svelte'), 'utf8');
    expect(picture).toContain("settingEntry('separationLevel')");
    expect(picture).not.toMatch(/<option value="[123]">/);
  });

  it('catches a disagreement (the checker itself)', () => {
    expect(disagreements('x', 'Level 1 separates the code paths and keeps one database.')).toHaveLength(1);
    expect(disagreements('x', 'Level 2 adds read tables in the same database.')).toHaveLength(1);
    expect(disagreements('x', 'Separate stores fed synchronously (level 2).')).toHaveLength(1);
    expect(disagreements('x', 'Level 2: one separate read database, updated after the write commits.')).toEqual([]);
    expect(disagreements('x', 'Splitting the code comes before level 1 (read tables in the write database).')).toEqual([]);
    expect(disagreements('x', 'The write side keeps levels 1 and 3 apart: the write database and a store per read model.')).toEqual([]);
  });

  it('mean the same in every lesson, drill, scenario, interview answer, glossary entry and terminal text', () => {
    const all = corpus();
    expect(all.filter((f) => f.file.startsWith('content/lessons/')).length).toBeGreaterThan(10);
    const findings = all.flatMap(({ file, sentences: ss }) => ss.flatMap((s) => disagreements(relative(ROOT, join(ROOT, file)), s)));
    expect(findings).toEqual([]);
  });
});
