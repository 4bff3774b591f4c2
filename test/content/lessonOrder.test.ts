// The course reads in order. Each lesson has its own position, with no gaps (a position may be
// held for a lesson being written elsewhere, named here). A lesson that names another lesson
// points backwards, or says that the other lesson comes later; "the next lesson" and "the
// previous lesson" name the lesson that really is next or previous; no text hard-codes a
// lesson number, which would go stale with the next reordering.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LESSONS = resolve(import.meta.dirname, '../../content/lessons');

/** Positions held for lessons written on another branch; once a lesson exists it must sit at its position. */
const RESERVED: Record<number, string> = { 12: 'designing-events', 14: 'partitioned-logs' };

/** Other names a lesson goes by in prose, besides its slug with or without hyphens. */
const ALSO_CALLED: Record<string, string[]> = {
  'why-crud-breaks': ['first'],
  'sync-strategies': ['synchronization-strategies', 'synchronization strategies', 'synchronization'],
  sagas: ['saga'],
  'living-with-eventual-consistency': ['living with eventual consistency'],
};

/** Words that say a reference points ahead. */
const AHEAD = /\b(later|next|comes? back|coming|ahead|own lessons?)\b/i;

interface LessonFile {
  slug: string;
  order: number;
  title: string;
  body: string;
}

const lessons: LessonFile[] = readdirSync(LESSONS)
  .filter((name) => name.endsWith('.mdx'))
  .map((name) => {
    const text = readFileSync(join(LESSONS, name), 'utf8');
    const [, frontmatter = '', body = ''] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text) ?? [];
    return {
      slug: name.replace(/\.mdx$/, ''),
      order: Number(/^order: (\d+)$/m.exec(frontmatter)?.[1]),
      title: (/^title: "?(.+?)"?$/m.exec(frontmatter)?.[1] ?? '').toLowerCase(),
      body,
    };
  });
const bySlug = new Map(lessons.map((l) => [l.slug, l]));
const byOrder = new Map(lessons.map((l) => [l.order, l]));

/** The prose a reader sees, as sentences: code blocks and markup removed. */
function sentences(body: string): string[] {
  return body
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/<Term\b[^>]*>([\s\S]*?)<\/Term>/g, '$1')
    .replace(/<[^>]+>/g, ' ')
    .replace(/[*_`]/g, '')
    .split(/\n+|(?<=[.;!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const aliases = (slug: string) => [slug, slug.replace(/-/g, ' '), ...(ALSO_CALLED[slug] ?? [])];
const named = (text: string, slug: string) =>
  aliases(slug).some((alias) => new RegExp(`(?<![\\w-])${alias.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'i').test(text));

/** The lessons a sentence names as lessons: "the projections lesson", "the outbox and sagas lessons", "the lesson on …". */
function lessonsNamed(sentence: string): string[] {
  const windows: string[] = [];
  for (const m of sentence.matchAll(/\blessons?\b/gi)) {
    const before = sentence.slice(0, m.index).split(/[\s(]+/).slice(-5).join(' ');
    const after = /^lessons? on ((?:[\w-]+ ?){1,5})/i.exec(sentence.slice(m.index))?.[1] ?? '';
    windows.push(before, after);
  }
  const found = lessons.filter((l) => windows.some((w) => named(w, l.slug))).map((l) => l.slug);
  // "living-with-eventual-consistency" also contains "eventual-consistency": keep the longer name.
  return found.filter((slug) => !found.some((other) => other !== slug && other.includes(slug)));
}

interface Finding {
  lesson: string;
  sentence: string;
  problem: string;
}

function findings(): Finding[] {
  const out: Finding[] = [];
  for (const lesson of lessons) {
    for (const sentence of sentences(lesson.body)) {
      const problem = (text: string) => out.push({ lesson: lesson.slug, sentence, problem: text });
      if (/\blesson \d+\b/i.test(sentence)) problem('names a lesson by number');
      for (const [word, step] of [
        ['next', 1],
        ['previous', -1],
      ] as const) {
        if (!new RegExp(`\\b${word} lesson\\b`, 'i').test(sentence)) continue;
        const neighbour = [...byOrder.keys()].filter((o) => (step > 0 ? o > lesson.order : o < lesson.order)).sort((a, b) => step * (a - b))[0];
        const target = neighbour === undefined ? undefined : byOrder.get(neighbour)!;
        if (!target) problem(`says "${word} lesson", but there is none`);
        else if (!named(sentence, target.slug) && !sentence.toLowerCase().includes(target.title))
          problem(`says "${word} lesson" without naming it (${target.slug})`);
      }
      for (const slug of lessonsNamed(sentence)) {
        const target = bySlug.get(slug)!;
        if (target.order > lesson.order && !AHEAD.test(sentence)) problem(`names ${slug} (lesson ${target.order}) as if it came before`);
      }
    }
  }
  return out;
}

describe('the lesson order', () => {
  it('gives every lesson its own position, 1 to n with no gaps but the reserved ones', () => {
    const orders = lessons.map((l) => l.order).sort((a, b) => a - b);
    expect(orders.every(Number.isInteger)).toBe(true);
    expect(new Set(orders).size, 'two lessons share a position').toBe(orders.length);
    for (const [position, slug] of Object.entries(RESERVED)) {
      const lesson = bySlug.get(slug);
      if (lesson) expect(lesson.order, `${slug} holds its reserved position`).toBe(Number(position));
      else expect(byOrder.has(Number(position)), `position ${position} is held for ${slug}`).toBe(false);
    }
    const filled = [...new Set([...orders, ...Object.keys(RESERVED).map(Number)])].sort((a, b) => a - b);
    expect(filled).toEqual(Array.from({ length: filled.length }, (_, i) => i + 1));
  });

  it('finds the references it checks (the checker itself)', () => {
    expect(lessonsNamed('The failure-modes and sagas lessons come back to it.')).toEqual(expect.arrayContaining(['failure-modes', 'sagas']));
    expect(lessonsNamed('The lesson on living with eventual consistency builds on this.')).toEqual(['living-with-eventual-consistency']);
    expect(lessonsNamed('The version guard from the projections lesson absorbs that.')).toEqual(['projections']);
    expect(lessonsNamed('Every lesson so far described a mechanism.')).toEqual([]);
    expect(AHEAD.test('The shadow-replay lesson covers it.')).toBe(false);
  });

  it('has every lesson point backwards, or say that what it names comes later', () => {
    expect(lessons.length).toBeGreaterThan(15);
    expect(findings()).toEqual([]);
  });
});
