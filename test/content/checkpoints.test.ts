// Every checkpoint in the course is a graded question: the lessons' <Checkpoint> blocks and the
// scenarios' step checkpoints. Right answers are spread across positions, so "pick the second
// one" is no strategy, and every wrong choice carries its own explanation.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { extractCheckpoints } from '../../src/checkpoints/extract';
import { rightChoices } from '../../src/checkpoints/question';

const ROOT = resolve(import.meta.dirname, '../..');
const LESSONS = join(ROOT, 'content/lessons');
const SIMULATIONS = join(ROOT, 'simulations');

const lessonFiles = readdirSync(LESSONS).filter((name) => name.endsWith('.mdx'));
const lessons = lessonFiles.map((name) => ({ slug: name.replace(/\.mdx$/, ''), body: readFileSync(join(LESSONS, name), 'utf8') }));
const lessonCheckpoints = lessons.flatMap(({ slug, body }) => extractCheckpoints(slug, body));

interface ScenarioCheckpoint {
  choices: { text: string; why?: string }[];
  answer: number;
}
const scenarioCheckpoints = readdirSync(SIMULATIONS)
  .filter((name) => name.endsWith('.json'))
  .flatMap((name) => {
    const file = JSON.parse(readFileSync(join(SIMULATIONS, name), 'utf8')) as { steps: { checkpoint?: ScenarioCheckpoint }[] };
    return file.steps.flatMap((step, index) => (step.checkpoint ? [{ where: `${name} steps[${index}]`, ...step.checkpoint }] : []));
  });

/** Share of right answers at each position, given how many choices each question has. */
function spread(questions: { rights: number[]; count: number }[]): Map<number, number> {
  const at = new Map<number, number>();
  let total = 0;
  for (const { rights } of questions) {
    for (const position of rights) at.set(position, (at.get(position) ?? 0) + 1);
    total += rights.length;
  }
  return new Map([...at].map(([position, n]) => [position, n / total]));
}

describe('lesson checkpoints', () => {
  it('every <Checkpoint> in every lesson is a graded question (none left as free text only)', () => {
    const written = lessons.reduce((sum, { body }) => sum + (body.match(/<Checkpoint\s/g) ?? []).length, 0);
    expect(written).toBeGreaterThanOrEqual(22);
    expect(lessonCheckpoints).toHaveLength(written);
    for (const { question } of lessonCheckpoints) expect(['choice', 'several', 'number']).toContain(question.kind);
  });

  it('every wrong choice explains itself, and every checkpoint keeps a model explanation', () => {
    for (const { lesson, question, explanation } of lessonCheckpoints) {
      expect(explanation.join(' ').length, `${lesson}#${question.id}`).toBeGreaterThan(80);
      if (question.kind === 'number') continue;
      const rights = new Set(rightChoices(question));
      question.choices.forEach((choice, index) => {
        if (!rights.has(index)) expect(choice.why?.length ?? 0, `${lesson}#${question.id} choice ${index}`).toBeGreaterThan(20);
      });
    }
  });

  it('reads the plain text of the explanation, markup removed', () => {
    const [first] = extractCheckpoints(
      'demo',
      '<Checkpoint id="a" kind="number" question="How many?" answer={3} tolerance={0}>\n\n**Three** <Term id="lag">lag</Term> units.\n\nSecond *one*.\n\n</Checkpoint>',
    );
    expect(first!.explanation).toEqual(['Three lag units.', 'Second one.']);
  });

  it('names the lesson and the checkpoint when one is malformed', () => {
    const bad = '<Checkpoint id="why" kind="choice" question="Q?" choices={[{ text: "a" }, { text: "b" }]} answer={0}>x</Checkpoint>';
    expect(() => extractCheckpoints('projections', bad)).toThrow(/content\/lessons\/projections\.mdx: checkpoint "why".*\n.*choices\[1\]\.why: a wrong choice needs its own explanation/);
    const twice = '<Checkpoint id="a" kind="number" question="Q" answer={1} tolerance={0}>x</Checkpoint><Checkpoint id="a" kind="number" question="Q" answer={1} tolerance={0}>y</Checkpoint>';
    expect(() => extractCheckpoints('sagas', twice)).toThrow('content/lessons/sagas.mdx: two checkpoints have id "a"');
  });
});

describe('scenario checkpoints', () => {
  it('every wrong choice carries its own explanation', () => {
    expect(scenarioCheckpoints.length).toBeGreaterThanOrEqual(24);
    for (const checkpoint of scenarioCheckpoints) {
      checkpoint.choices.forEach((choice, index) => {
        if (index !== checkpoint.answer) expect(choice.why?.length ?? 0, `${checkpoint.where} choice ${index}`).toBeGreaterThan(20);
      });
    }
  });
});

describe('the spread of right answers across the course', () => {
  const all = [
    ...lessonCheckpoints.flatMap(({ question }) => (question.kind === 'number' ? [] : [{ rights: rightChoices(question), count: question.choices.length }])),
    ...scenarioCheckpoints.map((checkpoint) => ({ rights: [checkpoint.answer], count: checkpoint.choices.length })),
  ];

  it('no position holds more than 40% of the right answers (lessons and scenarios together)', () => {
    for (const [position, share] of spread(all)) expect(share, `position ${position}`).toBeLessThanOrEqual(0.4);
  });

  it('nor within lessons or within scenarios alone', () => {
    const lessonOnly = all.slice(0, all.length - scenarioCheckpoints.length);
    const scenarioOnly = all.slice(all.length - scenarioCheckpoints.length);
    for (const group of [lessonOnly, scenarioOnly]) for (const [, share] of spread(group)) expect(share).toBeLessThanOrEqual(0.4);
  });

  it('the first, second and third positions each hold some right answers', () => {
    const shares = spread(all);
    for (const position of [0, 1, 2]) expect(shares.get(position) ?? 0).toBeGreaterThan(0.15);
  });
});
