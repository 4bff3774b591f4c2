// A lesson checkpoint as a question the page can grade: one choice, several choices, or a
// number within a tolerance. Every wrong choice carries its own explanation (the mistake it
// stands for), so a wrong answer is met with why it is wrong, not just that it is.
// Pure: used by the lesson component at build time (validation) and in the page (grading).

export interface CheckpointChoice {
  text: string;
  /** Why this choice is right or wrong; required on wrong choices. */
  why?: string;
}

/** A wrong number people often reach, matched within the question's tolerance, with why it is wrong. */
export interface NumberTrap {
  value: number;
  why: string;
}

interface Common {
  id: string;
  question: string;
  /** A prompt for the optional free-text "explain it" box. */
  explain?: string;
}

export interface ChoiceQuestion extends Common {
  kind: 'choice';
  choices: CheckpointChoice[];
  /** Index into `choices`. */
  answer: number;
}

export interface SeveralQuestion extends Common {
  kind: 'several';
  choices: CheckpointChoice[];
  /** Indices into `choices`: every one that applies. */
  answer: number[];
}

export interface NumberQuestion extends Common {
  kind: 'number';
  answer: number;
  /** Accepted distance from `answer`, in the question's unit. */
  tolerance: number;
  unit?: string;
  traps?: NumberTrap[];
}

export type CheckpointQuestion = ChoiceQuestion | SeveralQuestion | NumberQuestion;
export type CheckpointKind = CheckpointQuestion['kind'];
export const CHECKPOINT_KINDS = ['choice', 'several', 'number'] as const satisfies readonly CheckpointKind[];

/** A learner's answer: a choice index, a set of choice indices, or a number. */
export type CheckpointResponse = number | number[];

export type Verdict = 'right' | 'partial' | 'wrong';

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const isIndex = (value: unknown, length: number): boolean =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < length;

/** Every problem with a checkpoint's props, each naming the field; empty when it is sound. */
export function checkpointProblems(props: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const got = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));
  if (typeof props.id !== 'string' || !ID.test(props.id)) problems.push(`id: expected a slug such as "why-rebuild", got ${got(props.id)}`);
  if (typeof props.question !== 'string' || props.question.trim() === '')
    problems.push(`question: expected the question's text, got ${got(props.question)}`);
  if (props.explain !== undefined && (typeof props.explain !== 'string' || props.explain.trim() === '')) {
    problems.push(`explain: expected a prompt for the free-text box, got ${got(props.explain)}`);
  }
  const kind = props.kind;
  if (kind === 'choice' || kind === 'several') {
    const choices = props.choices;
    if (!Array.isArray(choices) || choices.length < 2) {
      problems.push(`choices: expected at least two { text, why } choices, got ${got(choices)}`);
      return problems;
    }
    const rights = new Set<number>();
    if (kind === 'choice') {
      if (!isIndex(props.answer, choices.length))
        problems.push(`answer: expected an index into choices, 0 to ${choices.length - 1}, got ${got(props.answer)}`);
      else rights.add(props.answer as number);
    } else {
      const answer = props.answer;
      if (!Array.isArray(answer) || answer.length === 0 || !answer.every((index) => isIndex(index, choices.length))) {
        problems.push(`answer: expected a non-empty list of indices into choices, 0 to ${choices.length - 1}, got ${got(answer)}`);
      } else if (new Set(answer).size !== answer.length) {
        problems.push(`answer: lists an index twice: ${got(answer)}`);
      } else answer.forEach((index) => rights.add(index as number));
    }
    choices.forEach((choice: unknown, index) => {
      const entry = (choice ?? {}) as Record<string, unknown>;
      if (typeof entry.text !== 'string' || entry.text.trim() === '')
        problems.push(`choices[${index}].text: expected the choice's text, got ${got(entry.text)}`);
      const why = entry.why;
      if (why !== undefined && (typeof why !== 'string' || why.trim() === ''))
        problems.push(`choices[${index}].why: expected an explanation, got ${got(why)}`);
      if (why === undefined && !rights.has(index) && rights.size > 0)
        problems.push(`choices[${index}].why: a wrong choice needs its own explanation (why someone picks it and why it is wrong)`);
    });
    if (props.tolerance !== undefined || props.unit !== undefined) problems.push(`tolerance/unit: only for kind="number"`);
  } else if (kind === 'number') {
    if (typeof props.answer !== 'number' || !Number.isFinite(props.answer))
      problems.push(`answer: expected a number, got ${got(props.answer)}`);
    if (typeof props.tolerance !== 'number' || !(props.tolerance >= 0))
      problems.push(`tolerance: expected a number of 0 or more, got ${got(props.tolerance)}`);
    if (props.unit !== undefined && typeof props.unit !== 'string')
      problems.push(`unit: expected text such as "ms", got ${got(props.unit)}`);
    if (props.choices !== undefined) problems.push(`choices: not used with kind="number"`);
    const traps = props.traps;
    if (traps !== undefined) {
      if (!Array.isArray(traps)) problems.push(`traps: expected a list of { value, why }, got ${got(traps)}`);
      else
        traps.forEach((trap: unknown, index) => {
          const entry = (trap ?? {}) as Record<string, unknown>;
          if (typeof entry.value !== 'number' || typeof entry.why !== 'string' || entry.why.trim() === '') {
            problems.push(`traps[${index}]: expected { value: number, why: text }, got ${got(trap)}`);
          } else if (
            typeof props.answer === 'number' &&
            typeof props.tolerance === 'number' &&
            Math.abs(entry.value - props.answer) <= props.tolerance
          ) {
            problems.push(`traps[${index}]: ${entry.value} is within the tolerance of the answer, so it would be graded right`);
          }
        });
    }
  } else {
    problems.push(`kind: expected one of ${CHECKPOINT_KINDS.map((k) => `"${k}"`).join(', ')}, got ${got(kind)}`);
  }
  return problems;
}

/** The props as a checked question; throws with every problem, the checkpoint named by `where`. */
export function toCheckpointQuestion(props: Record<string, unknown>, where: string): CheckpointQuestion {
  const problems = checkpointProblems(props);
  if (problems.length > 0)
    throw new Error(`${where}: checkpoint "${String(props.id)}" is not a gradable question:\n  - ${problems.join('\n  - ')}`);
  const { id, question, explain, kind } = props as unknown as CheckpointQuestion;
  const base = { id, question, ...(explain ? { explain } : {}) };
  if (kind === 'number') {
    const { answer, tolerance, unit, traps } = props as unknown as NumberQuestion;
    return { ...base, kind, answer, tolerance, ...(unit ? { unit } : {}), ...(traps ? { traps } : {}) };
  }
  const choices = (props.choices as CheckpointChoice[]).map(({ text, why }) => ({ text, ...(why ? { why } : {}) }));
  return kind === 'choice'
    ? { ...base, kind, choices, answer: props.answer as number }
    : { ...base, kind, choices, answer: [...(props.answer as number[])].sort((a, b) => a - b) };
}

/** Indices of the right choices (empty for a number question). */
export function rightChoices(question: CheckpointQuestion): number[] {
  if (question.kind === 'choice') return [question.answer];
  if (question.kind === 'several') return question.answer;
  return [];
}

/** Is `response` a well-formed answer to `question` (what a page or a stored attempt may hold)? */
export function isResponseFor(question: CheckpointQuestion, response: unknown): response is CheckpointResponse {
  if (question.kind === 'number') return typeof response === 'number' && Number.isFinite(response);
  if (question.kind === 'choice') return isIndex(response, question.choices.length);
  return Array.isArray(response) && response.length > 0 && response.every((index) => isIndex(index, question.choices.length));
}

/**
 * Right, partly right or wrong. Several choices: exactly the right set is right; at least one
 * right choice picked (but not exactly the set) is partial; none is wrong.
 */
export function grade(question: CheckpointQuestion, response: CheckpointResponse): Verdict {
  if (!isResponseFor(question, response)) throw new RangeError(`Not an answer to checkpoint "${question.id}": ${JSON.stringify(response)}`);
  if (question.kind === 'number') return Math.abs((response as number) - question.answer) <= question.tolerance + 1e-9 ? 'right' : 'wrong';
  if (question.kind === 'choice') return response === question.answer ? 'right' : 'wrong';
  const picked = new Set(response as number[]);
  const rights = new Set(question.answer);
  const hits = [...picked].filter((index) => rights.has(index)).length;
  if (hits === rights.size && picked.size === rights.size) return 'right';
  return hits > 0 ? 'partial' : 'wrong';
}

/** One line of feedback for a choice: what the learner did with it, and its own explanation. */
export interface ChoiceFeedback {
  index: number;
  text: string;
  /** picked and right, picked and wrong, or a right one the learner left out. */
  status: 'chosen-right' | 'chosen-wrong' | 'missed';
  why?: string;
}

export interface Feedback {
  verdict: Verdict;
  /** A one-sentence verdict, for the role=status line. */
  headline: string;
  /** The choices worth explaining: those picked, and right ones left out. */
  choices: ChoiceFeedback[];
  /** For a number question: the explanation of a common wrong value the learner hit. */
  trap?: NumberTrap;
}

const formatNumber = (value: number, unit?: string) => `${value.toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`;

/** The verdict with the explanations that belong to this particular answer. */
export function feedback(question: CheckpointQuestion, response: CheckpointResponse): Feedback {
  const verdict = grade(question, response);
  if (question.kind === 'number') {
    const value = response as number;
    const within = question.tolerance > 0 ? ` (within ${formatNumber(question.tolerance, question.unit)})` : '';
    const trap = question.traps?.find((t) => Math.abs(value - t.value) <= question.tolerance + 1e-9);
    const headline =
      verdict === 'right'
        ? `Right: ${formatNumber(value, question.unit)} is close enough to ${formatNumber(question.answer, question.unit)}${within}.`
        : `Not quite: you said ${formatNumber(value, question.unit)}; the answer is ${formatNumber(question.answer, question.unit)}.`;
    return { verdict, headline, choices: [], ...(trap ? { trap } : {}) };
  }
  const picked = new Set(typeof response === 'number' ? [response] : response);
  const rights = new Set(rightChoices(question));
  const choices: ChoiceFeedback[] = question.choices.flatMap((choice, index): ChoiceFeedback[] => {
    const status = picked.has(index) ? (rights.has(index) ? 'chosen-right' : 'chosen-wrong') : rights.has(index) ? 'missed' : null;
    return status ? [{ index, text: choice.text, status, ...(choice.why ? { why: choice.why } : {}) }] : [];
  });
  const rightTexts = [...rights].map((index) => `“${question.choices[index]!.text}”`).join(' and ');
  const headline =
    verdict === 'right'
      ? 'Right.'
      : verdict === 'partial'
        ? `Partly right: the answers that apply are ${rightTexts}.`
        : question.kind === 'choice'
          ? `Not quite: the answer is ${rightTexts}.`
          : `Not quite: the answers that apply are ${rightTexts}.`;
  return { verdict, headline, choices };
}
