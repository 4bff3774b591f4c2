// Reads the <Checkpoint> blocks out of a lesson's MDX source, so pages other than the lesson
// (the review queue) and the course-wide tests know every checkpoint without rendering MDX.
// Props are written as MDX attributes: name="text" or name={expression}; an expression is
// evaluated as a JavaScript literal, at build time, from the project's own lesson files.
import { toCheckpointQuestion, type CheckpointQuestion } from './question';

export interface ExtractedCheckpoint {
  lesson: string;
  question: CheckpointQuestion;
  /** The model explanation (the block's children) as plain paragraphs, markup removed. */
  explanation: string[];
}

/** Index just past the `}` matching the `{` at `start`, skipping strings and template literals. */
function closingBrace(source: string, start: number): number {
  let depth = 0;
  for (let i = start; i < source.length; i++) {
    const char = source[i]!;
    if (char === '"' || char === "'" || char === '`') {
      for (i++; i < source.length && source[i] !== char; i++) if (source[i] === '\\') i++;
      continue;
    }
    if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i + 1;
  }
  throw new Error(`unbalanced braces in an attribute starting "${source.slice(start, start + 40)}"`);
}

function parseAttributes(source: string, where: string): { props: Record<string, unknown>; end: number } {
  const props: Record<string, unknown> = {};
  let i = 0;
  const skipSpace = () => {
    while (i < source.length && /\s/.test(source[i]!)) i++;
  };
  for (;;) {
    skipSpace();
    if (source[i] === '>') return { props, end: i + 1 };
    const name = /^[A-Za-z][\w-]*/.exec(source.slice(i))?.[0];
    if (!name) throw new Error(`${where}: cannot read the <Checkpoint> attributes near "${source.slice(i, i + 40)}"`);
    i += name.length;
    skipSpace();
    if (source[i] !== '=') {
      props[name] = true;
      continue;
    }
    i++;
    skipSpace();
    const quote = source[i];
    if (quote === '"' || quote === "'") {
      const close = source.indexOf(quote, i + 1);
      props[name] = source.slice(i + 1, close);
      i = close + 1;
    } else if (quote === '{') {
      const end = closingBrace(source, i);
      const expression = source.slice(i + 1, end - 1);
      try {
        props[name] = new Function(`"use strict"; return (${expression});`)();
      } catch (error) {
        throw new Error(`${where}: attribute ${name}={…} is not a literal: ${(error as Error).message}`, { cause: error });
      }
      i = end;
    } else throw new Error(`${where}: attribute ${name} has no value`);
  }
}

/** Markdown and MDX markup down to the words a reader sees. */
export function plainText(markdown: string): string[] {
  return markdown
    .split(/\n\s*\n/)
    .map((paragraph) =>
      paragraph
        .replace(/<Term\b[^>]*>([\s\S]*?)<\/Term>/g, '$1')
        .replace(/<[^>]+>/g, '')
        .replace(/\*\*([^*]+)\*\*/g, '$1')
        .replace(/\*([^*]+)\*/g, '$1')
        .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter(Boolean);
}

/** Every checkpoint in one lesson's MDX body, in page order; a malformed one throws, naming the lesson. */
export function extractCheckpoints(lesson: string, body: string): ExtractedCheckpoint[] {
  const out: ExtractedCheckpoint[] = [];
  const where = `content/lessons/${lesson}.mdx`;
  for (let from = body.indexOf('<Checkpoint'); from !== -1; from = body.indexOf('<Checkpoint', from)) {
    const start = from + '<Checkpoint'.length;
    if (!/\s/.test(body[start] ?? '')) {
      from = start;
      continue;
    }
    const { props, end } = parseAttributes(body.slice(start), where);
    const close = body.indexOf('</Checkpoint>', start + end);
    if (close === -1) throw new Error(`${where}: <Checkpoint id="${String(props.id)}"> is never closed`);
    const question = toCheckpointQuestion(props, where);
    out.push({ lesson, question, explanation: plainText(body.slice(start + end, close)) });
    from = close;
  }
  const seen = new Set<string>();
  for (const { question } of out) {
    if (seen.has(question.id)) throw new Error(`${where}: two checkpoints have id "${question.id}"`);
    seen.add(question.id);
  }
  return out;
}

/** The key a checkpoint is stored under: lesson slug and checkpoint id. */
export const checkpointKey = (lesson: string, id: string) => `${lesson}#${id}`;
