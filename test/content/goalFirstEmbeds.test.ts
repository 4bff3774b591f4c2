// Goal-first embeds: the lesson text beside each sandbox says what to achieve
// and why in one line, and explains what the learner will see; the step-by-step
// walkthrough ("pick…, then press…") lives in the goal's hint ladder, hint 1
// first. Lessons another part of the course reworks are left out.
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LESSON_GOALS } from '../../src/sandbox/lessonGoals.ts';
import type { LessonPresetName } from '../../src/sandbox/lessonPresets.ts';

const LESSONS = resolve(import.meta.dirname, '../../content/lessons');
const NOT_HERE = new Set(['separation-levels.mdx', 'variants.mdx', 'when-to-use.mdx']);
/** An instruction to the learner at the start of a sentence or list item. */
const WALKTHROUGH = /(?:^|[.:!]\s+|\n\d+\.\s+)(?:Pick|Drag|Press|Type|Click|Move|Send|Run|Tick|Untick|Switch|Put|Set)\s/;

interface Embed {
  file: string;
  preset: LessonPresetName;
  /** The prose paragraphs from the embed to the next heading, embed or component; or the one before when none follows. */
  text: string[];
}

function embeds(): Embed[] {
  const out: Embed[] = [];
  for (const file of readdirSync(LESSONS).filter((f) => f.endsWith('.mdx') && !NOT_HERE.has(f))) {
    const blocks = readFileSync(resolve(LESSONS, file), 'utf8').split(/\n\s*\n/);
    blocks.forEach((block, i) => {
      const m = /^<LessonSandbox\s+preset="([^"]+)"/.exec(block.trim());
      if (!m) return;
      const after: string[] = [];
      for (const next of blocks.slice(i + 1)) {
        const t = next.trim();
        if (t.startsWith('#') || t.startsWith('<') || t.startsWith('```')) break;
        after.push(t);
      }
      const before = blocks[i - 1]?.trim() ?? '';
      out.push({ file, preset: m[1] as LessonPresetName, text: after.length > 0 ? after : [before] });
    });
  }
  return out;
}

const all = embeds().filter((e) => !(e.text.length === 1 && /^(#|<|```)/.test(e.text[0]!)));

it('finds the embeds with prose beside them', () => {
  expect(all.length).toBeGreaterThanOrEqual(18);
});

describe.each(all.map((e) => [e.preset, e] as const))('the %s embed', (preset, embed) => {
  it('is introduced by its goal, with no walkthrough in the lesson text', () => {
    expect(embed.text.join('\n\n')).toMatch(/\b(goal)\b/i);
    for (const paragraph of embed.text) expect(paragraph, `${embed.file}: ${paragraph.slice(0, 120)}…`).not.toMatch(WALKTHROUGH);
  });

  it('keeps the walkthrough as a hint ladder: at least three hints before the answer', () => {
    const goal = LESSON_GOALS[preset];
    expect(goal.hints.length).toBeGreaterThanOrEqual(3);
    expect(goal.answer.length).toBeGreaterThan(0);
  });
});
