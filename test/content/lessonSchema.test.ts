import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchSite, type ScratchSite } from '../support/scratchSite.ts';

// A copy of the site with one lesson we control: the real config, schema and pages.
let site: ScratchSite;

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
  site.replaceFolder('content/lessons', name, source);
}

const astro = (command: 'sync' | 'build') => site.astro(command);

beforeAll(() => {
  site = scratchSite('cqrs-lab-schema-');
  // The glossary collection needs its file; an empty glossary keeps these tests about lessons.
  site.write('content/glossary.json', '[]');
});
afterAll(() => site.close());

// astro sync takes several seconds on a busy machine.
describe('lesson frontmatter schema', { timeout: 60_000 }, () => {
  it('accepts a well-formed lesson', async () => {
    writeLesson('good.mdx', GOOD);
    expect((await astro('sync')).status).toBe(0);
  });

  it.each([
    ['a field of the wrong type', GOOD.replace('order: 1', 'order: first'), 'order'],
    ['a missing field', GOOD.replace(/takeaways:\n {2}- .*\n/, ''), 'takeaways'],
    ['an unknown field', GOOD.replace('order: 1', 'order: 1\nauthor: someone'), 'author'],
    ['a scenario that does not exist', GOOD.replace('related: []', 'related: []\nscenarios: [no-such-scenario]'), 'scenarios'],
  ])('fails on %s, naming the file and the field', async (_case, source, field) => {
    writeLesson('broken-lesson.mdx', source);
    const { status, output } = await astro('sync');
    expect(status).not.toBe(0);
    expect(output).toContain('broken-lesson.mdx');
    expect(output).toContain(field);
  });

  it('accepts scenarios from the fixed list', async () => {
    writeLesson('with-scenarios.mdx', GOOD.replace('related: []', 'related: []\nscenarios: [flash-sale, dual-write]'));
    expect((await astro('sync')).status).toBe(0);
  });

  it('fails the build when a related lesson does not exist, naming the lesson and the field', async () => {
    writeLesson('dangling.mdx', GOOD.replace('related: []', 'related: [no-such-lesson]'));
    const { status, output } = await astro('build');
    expect(status).not.toBe(0);
    expect(output).toMatch(/dangling/);
    expect(output).toMatch(/related\[0\]/);
  }, 60_000);
});

