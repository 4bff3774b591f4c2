import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { scratchSite, type ScratchSite } from '../support/scratchSite.ts';

// A copy of the site with one lesson and one interview question we control: the real
// config, schema and pages.
let site: ScratchSite;

const LESSON = `---
title: A lesson for the schema test
description: Exists only so that interview questions have a lesson to point at.
order: 1
takeaways:
  - The schema is checked at build time.
---

## Body

Text.
`;

const GOOD = `---
title: A question for the schema test
prompt: "Exists only so that the schema can be exercised by a test?"
level: senior
kind: trade-off
topics: [projections, outbox]
lesson: the-lesson
rubric:
  - "First key point."
  - "Second key point."
followUps:
  - question: "What would you ask next?"
    answer: "The model answer to the follow-up, revealed once the learner commits to theirs."
source: original
minutes: 4
---

The model answer.
`;

function writeQuestion(name: string, source: string): void {
  site.replaceFolder('content/interview', name, source);
}

const astro = (command: 'sync' | 'build') => site.astro(command, command === 'build' ? { outDir: join(site.root, 'out') } : {});

beforeAll(() => {
  site = scratchSite('cqrs-lab-interview-schema-');
  site.write('content/lessons/the-lesson.mdx', LESSON);
});
afterAll(() => site.close());

describe('interview question schema', () => {
  it('accepts a well-formed question', async () => {
    writeQuestion('good-question.md', GOOD);
    const { status, output } = await astro('sync');
    expect(output).not.toMatch(/InvalidContentEntryDataError/);
    expect(status).toBe(0);
  }, 60_000);

  it.each([
    ['a value outside an enum', GOOD.replace('level: senior', 'level: guru'), 'level'],
    ['a topic not in the list', GOOD.replace('topics: [projections, outbox]', 'topics: [projections, blockchain]'), 'topics.1'],
    ['a field of the wrong type', GOOD.replace('minutes: 4', 'minutes: soon'), 'minutes'],
    ['a missing field', GOOD.replace(/rubric:\n {2}- .*\n {2}- .*\n/, ''), 'rubric'],
    ['an unknown field', GOOD.replace('minutes: 4', 'minutes: 4\nanswer: spoilers'), 'answer'],
    ['a seed question that does not say where it comes from', GOOD.replace('source: original', 'source: seed'), 'seed'],
    ['a follow-up without a model answer', GOOD.replace(/\n {4}answer: .*\n/, '\n'), 'followUps.0.answer'],
    ['a follow-up written as a bare question', GOOD.replace(/ {2}- question: (.*)\n {4}answer: .*\n/, '  - $1\n'), 'followUps.0'],
    ['a drill slug that is not a slug', GOOD.replace('minutes: 4', 'minutes: 4\ndrills: [Flash Sale]'), 'drills.0'],
    ['a scenario slug not in SCENARIO_SLUGS', GOOD.replace('lesson: the-lesson', 'lesson: the-lesson\nscenario: black-friday'), 'scenario'],
  ])('fails on %s, naming the file and the field', async (_case, source, field) => {
    writeQuestion('broken-question.md', source);
    const { status, output } = await astro('sync');
    expect(status).not.toBe(0);
    expect(output).toContain('broken-question.md');
    expect(output).toContain(field);
  }, 60_000);

  it('accepts a scenario from the fixed list', async () => {
    writeQuestion('scenario-question.md', GOOD.replace('lesson: the-lesson', 'lesson: the-lesson\nscenario: flash-sale'));
    const { status, output } = await astro('sync');
    expect(output).not.toMatch(/InvalidContentEntryDataError/);
    expect(status).toBe(0);
  }, 60_000);

  it('fails the build when the lesson does not exist, naming the question and the field', async () => {
    writeQuestion('dangling-question.md', GOOD.replace('lesson: the-lesson', 'lesson: no-such-lesson'));
    const { status, output } = await astro('build');
    expect(status).not.toBe(0);
    expect(output).toMatch(/dangling-question/);
    expect(output).toMatch(/field:? lesson/);
    expect(output).toMatch(/no-such-lesson/);
  }, 120_000);
});
