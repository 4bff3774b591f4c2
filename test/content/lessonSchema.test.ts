import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// A copy of the site with one lesson we control: the real config, schema and pages.
const ROOT = resolve(import.meta.dirname, '../..');
let site: string;

const GOOD = `---
title: A lesson for the schema test
description: Exists only so that the schema can be exercised by a test.
order: 1
takeaways:
  - The schema is checked at build time.
related: []
---

## Body

Text.
`;

function writeLesson(name: string, source: string): void {
  rmSync(join(site, 'content/lessons'), { recursive: true, force: true });
  mkdirSync(join(site, 'content/lessons'), { recursive: true });
  writeFileSync(join(site, 'content/lessons', name), source);
}

function astro(command: 'sync' | 'build'): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/astro/bin/astro.mjs'), command], {
    cwd: site,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

beforeAll(() => {
  site = mkdtempSync(join(tmpdir(), 'cqrs-lab-schema-'));
  for (const file of ['astro.config.mjs', 'package.json', 'tsconfig.json', 'svelte.config.js']) {
    cpSync(join(ROOT, file), join(site, file));
  }
  symlinkSync(join(ROOT, 'src'), join(site, 'src'));
  symlinkSync(join(ROOT, 'node_modules'), join(site, 'node_modules'));
  // The glossary collection needs its file; an empty glossary keeps these tests about lessons.
  mkdirSync(join(site, 'content'), { recursive: true });
  writeFileSync(join(site, 'content/glossary.json'), '[]');
});
afterAll(() => rmSync(site, { recursive: true, force: true }));

// astro sync takes several seconds on a busy machine.
describe('lesson frontmatter schema', { timeout: 60_000 }, () => {
  it('accepts a well-formed lesson', () => {
    writeLesson('good.mdx', GOOD);
    expect(astro('sync').status).toBe(0);
  });

  it.each([
    ['a field of the wrong type', GOOD.replace('order: 1', 'order: first'), 'order'],
    ['a missing field', GOOD.replace(/takeaways:\n {2}- .*\n/, ''), 'takeaways'],
    ['an unknown field', GOOD.replace('order: 1', 'order: 1\nauthor: someone'), 'author'],
    ['a scenario that does not exist', GOOD.replace('related: []', 'related: []\nscenarios: [no-such-scenario]'), 'scenarios'],
  ])('fails on %s, naming the file and the field', (_case, source, field) => {
    writeLesson('broken-lesson.mdx', source);
    const { status, output } = astro('sync');
    expect(status).not.toBe(0);
    expect(output).toContain('broken-lesson.mdx');
    expect(output).toContain(field);
  });

  it('accepts scenarios from the fixed list', () => {
    writeLesson('with-scenarios.mdx', GOOD.replace('related: []', 'related: []\nscenarios: [flash-sale, dual-write]'));
    expect(astro('sync').status).toBe(0);
  });

  it('fails the build when a related lesson does not exist, naming the lesson and the field', () => {
    writeLesson('dangling.mdx', GOOD.replace('related: []', 'related: [no-such-lesson]'));
    const { status, output } = astro('build');
    expect(status).not.toBe(0);
    expect(output).toMatch(/dangling/);
    expect(output).toMatch(/related\[0\]/);
  }, 60_000);
});

