// The two lessons issue #18 added (designing events, partitioned logs): each
// runs at least one live sandbox with an engine-checked goal, introduces each
// embed with a one-line goal (not a walkthrough), asks at least two graded
// checkpoints, draws its diagrams, and links the glossary terms it teaches.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractCheckpoints } from '../../src/checkpoints/extract';
import { LESSON_GOALS } from '../../src/sandbox/lessonGoals.ts';
import { LESSON_PRESETS } from '../../src/sandbox/lessonPresets.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const NEW_LESSONS = [
  { slug: 'designing-events', order: 12, presets: ['fat-event', 'recorded-time'] },
  { slug: 'partitioned-logs', order: 14, presets: ['partition-order', 'poison-event'] },
];
const glossary = JSON.parse(readFileSync(join(ROOT, 'content/glossary.json'), 'utf8')) as { id: string; lesson: string }[];

describe.each(NEW_LESSONS)('the $slug lesson', ({ slug, order, presets }) => {
  const body = readFileSync(join(ROOT, 'content/lessons', `${slug}.mdx`), 'utf8');

  it(`sits at order ${order}`, () => {
    expect(body).toMatch(new RegExp(`^order: ${order}$`, 'm'));
  });

  it('embeds its sandboxes, each with an engine-checked goal and a one-line goal intro after it', () => {
    const embeds = [...body.matchAll(/<LessonSandbox\s+preset="([^"]+)"[^>]*\/>\n\n([^\n]+)\n\n/g)];
    expect(embeds.map((m) => m[1])).toEqual(presets);
    for (const [, preset, intro] of embeds) {
      expect(preset! in LESSON_PRESETS, preset).toBe(true);
      expect(LESSON_GOALS[preset as keyof typeof LESSON_GOALS].criteria.length).toBeGreaterThan(0);
      expect(intro, `the line after the ${preset} embed`).toMatch(/^Goal: /);
      expect(intro!.length, `the ${preset} goal intro is one short line`).toBeLessThanOrEqual(140);
    }
  });

  it('asks at least two graded checkpoints, of more than one kind', () => {
    const checkpoints = extractCheckpoints(slug, body);
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    expect(new Set(checkpoints.map((c) => c.question.kind)).size).toBeGreaterThanOrEqual(2);
    const rights = checkpoints.flatMap(({ question }) =>
      question.kind === 'choice' ? [question.answer] : question.kind === 'several' ? question.answer : [],
    );
    // The right answer is not always in the same place.
    expect(new Set(rights).size).toBeGreaterThanOrEqual(2);
  });

  it('draws diagrams and links the glossary terms it teaches', () => {
    expect(body.match(/```mermaid/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
    const taught = glossary.filter((t) => t.lesson === slug).map((t) => t.id);
    expect(taught.length).toBeGreaterThanOrEqual(5);
    for (const id of taught) expect(body, `<Term id="${id}"> in ${slug}`).toContain(`<Term id="${id}">`);
  });

  it('names its sources instead of citing "the article"', () => {
    expect(body).not.toMatch(/\bthe (deep-dive |source )?article\b/i);
  });
});
