// "When to use CQRS" is a graded decision exercise: a set of concrete systems, each decided as
// CRUD, CQRS or CQRS with event sourcing, every choice explained, and the right answers spread
// over all three so that no answer (and no position) can be guessed from the others.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractCheckpoints } from '../../src/checkpoints/extract';

const LESSON = resolve(import.meta.dirname, '../../content/lessons/when-to-use.mdx');
const ANSWERS = ['CRUD', 'CQRS', 'CQRS with event sourcing'];

const checkpoints = extractCheckpoints('when-to-use', readFileSync(LESSON, 'utf8'));
const decisions = checkpoints.flatMap(({ question, explanation }) =>
  question.kind === 'choice' && question.choices.map((c) => c.text).join('|') === ANSWERS.join('|') ? [{ question, explanation }] : [],
);

describe('when-to-use, the decision exercise', () => {
  it('asks for a decision on at least eight systems', () => {
    expect(decisions.length).toBeGreaterThanOrEqual(8);
  });

  it('explains every choice, the right one too, and gives each system a model explanation', () => {
    for (const { question, explanation } of decisions) {
      if (question.kind !== 'choice') continue;
      question.choices.forEach((choice, index) => expect(choice.why?.length ?? 0, `${question.id} choice ${index}`).toBeGreaterThan(40));
      expect(explanation.join(' ').length, question.id).toBeGreaterThan(200);
    }
  });

  it('uses each of the three answers at least twice, never three times in a row', () => {
    const answers = decisions.map(({ question }) => (question.kind === 'choice' ? question.answer : -1));
    for (const index of [0, 1, 2]) expect(answers.filter((a) => a === index).length, ANSWERS[index]).toBeGreaterThanOrEqual(2);
    for (let i = 2; i < answers.length; i++) expect(answers[i] === answers[i - 1] && answers[i] === answers[i - 2], `systems ${i - 1}–${i + 1}`).toBe(false);
  });

  it('asks the learner to explain their reasoning somewhere, and checks it beyond single choices', () => {
    expect(decisions.filter(({ question }) => question.explain).length).toBeGreaterThanOrEqual(2);
    expect(checkpoints.some(({ question }) => question.kind === 'several')).toBe(true);
  });
});
