// Grading a lesson checkpoint in the page: one choice, several, a number within a tolerance,
// and the explanation that belongs to the answer the learner gave.
import { describe, expect, it } from 'vitest';
import { checkpointProblems, feedback, grade, toCheckpointQuestion } from '../../../src/checkpoints/question';

const choice = toCheckpointQuestion(
  {
    id: 'ok-means',
    kind: 'choice',
    question: 'A command returned ok. Is the read model up to date?',
    choices: [
      { text: 'Yes, always', why: 'Ok is the write side committing.' },
      { text: 'Not necessarily' },
      { text: 'No, it is lost', why: 'Nothing is lost; the event waits.' },
    ],
    answer: 1,
  },
  'test',
);
const several = toCheckpointQuestion(
  {
    id: 'mixes',
    kind: 'several',
    question: 'Which mix a command and a query?',
    choices: [
      { text: 'GetStatement', why: 'A pure query.' },
      { text: 'Withdraw returning the balance', why: 'Returns state from the command path.' },
      { text: 'Transfer', why: 'Still one command.' },
      { text: 'GET that writes a timestamp', why: 'A query with a side effect.' },
    ],
    answer: [3, 1],
  },
  'test',
);
const number = toCheckpointQuestion(
  {
    id: 'wait',
    kind: 'number',
    question: 'How long?',
    answer: 30,
    tolerance: 3,
    unit: 's',
    traps: [{ value: 60, why: 'That is the catch-up time.' }],
  },
  'test',
);

describe('grading', () => {
  it('one choice: the answer index is right, any other is wrong', () => {
    expect(grade(choice, 1)).toBe('right');
    expect(grade(choice, 0)).toBe('wrong');
    expect(grade(choice, 2)).toBe('wrong');
  });

  it('several choices: exactly the set is right, some overlap is partial, none is wrong, order does not matter', () => {
    expect(several.kind === 'several' && several.answer).toEqual([1, 3]);
    expect(grade(several, [3, 1])).toBe('right');
    expect(grade(several, [1])).toBe('partial');
    expect(grade(several, [1, 2, 3])).toBe('partial');
    expect(grade(several, [0, 2])).toBe('wrong');
  });

  it('a number: right within the tolerance on either side, wrong outside it', () => {
    expect(grade(number, 30)).toBe('right');
    expect(grade(number, 27)).toBe('right');
    expect(grade(number, 33)).toBe('right');
    expect(grade(number, 33.5)).toBe('wrong');
    expect(grade(number, 26)).toBe('wrong');
  });

  it('refuses a response that does not fit the question', () => {
    expect(() => grade(choice, 3)).toThrow(/Not an answer/);
    expect(() => grade(choice, [1])).toThrow(/Not an answer/);
    expect(() => grade(several, [])).toThrow(/Not an answer/);
    expect(() => grade(number, Number.NaN)).toThrow(/Not an answer/);
  });
});

describe('feedback', () => {
  it('a wrong choice gets its own explanation and names the right answer', () => {
    const result = feedback(choice, 2);
    expect(result.verdict).toBe('wrong');
    expect(result.headline).toBe('Not quite: the answer is “Not necessarily”.');
    expect(result.choices).toEqual([
      { index: 1, text: 'Not necessarily', status: 'missed' },
      { index: 2, text: 'No, it is lost', status: 'chosen-wrong', why: 'Nothing is lost; the event waits.' },
    ]);
  });

  it('several: explains each wrong pick and each right choice left out', () => {
    const result = feedback(several, [1, 2]);
    expect(result.verdict).toBe('partial');
    expect(result.choices.map((c) => [c.index, c.status, c.why])).toEqual([
      [1, 'chosen-right', 'Returns state from the command path.'],
      [2, 'chosen-wrong', 'Still one command.'],
      [3, 'missed', 'A query with a side effect.'],
    ]);
  });

  it('a number: says the answer and explains a common wrong value', () => {
    const result = feedback(number, 61);
    expect(result.headline).toBe('Not quite: you said 61 s; the answer is 30 s.');
    expect(result.trap?.why).toBe('That is the catch-up time.');
    expect(feedback(number, 31).headline).toBe('Right: 31 s is close enough to 30 s (within 3 s).');
    expect(feedback(number, 45).trap).toBeUndefined();
  });
});

describe('validation (what fails the build)', () => {
  const base = { id: 'q', question: 'Q?', kind: 'choice', choices: [{ text: 'a' }, { text: 'b', why: 'because' }], answer: 0 };
  const problems = (patch: Record<string, unknown>) => checkpointProblems({ ...base, ...patch });

  it('accepts a sound question', () => {
    expect(problems({})).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an answer index out of range', { answer: 2 }, /^answer: expected an index into choices, 0 to 1, got 2$/],
    ['empty choices', { choices: [] }, /^choices: expected at least two/],
    ['a wrong choice without its why', { answer: 1 }, /^choices\[0\]\.why: a wrong choice needs its own explanation/],
    ['an unknown kind', { kind: 'essay' }, /^kind: expected one of "choice", "several", "number", got "essay"$/],
    ['several with an empty answer', { kind: 'several', answer: [] }, /^answer: expected a non-empty list/],
    ['several with a repeated index', { kind: 'several', answer: [0, 0] }, /^answer: lists an index twice/],
    ['a number without a tolerance', { kind: 'number', choices: undefined, answer: 5 }, /^tolerance: expected a number/],
    [
      'a trap that would be graded right',
      { kind: 'number', choices: undefined, answer: 5, tolerance: 1, traps: [{ value: 6, why: 'x' }] },
      /^traps\[0\]: 6 is within the tolerance/,
    ],
    ['a missing question', { question: '' }, /^question: expected the question's text/],
  ])('refuses %s', (_name, patch, message) => {
    expect(problems(patch).some((problem) => message.test(problem))).toBe(true);
  });

  it('throws with the lesson and the checkpoint named', () => {
    expect(() => toCheckpointQuestion({ ...base, answer: 5 }, 'content/lessons/projections.mdx')).toThrow(
      /^content\/lessons\/projections\.mdx: checkpoint "q" is not a gradable question:\n {2}- answer: expected an index/,
    );
  });
});
