// What a question links to must exist: its lesson, and the drills it names. Checked at build
// time (collection.ts); kept free of Astro imports so a unit test can call it.

export interface QuestionLinks {
  /** The question's slug (its file name without `.md`). */
  id: string;
  lesson: string;
  drills: readonly string[];
}

/** The first broken link as a message naming the file and the field, or null when all resolve. */
export function brokenLink(question: QuestionLinks, lessons: ReadonlySet<string>, drills: ReadonlySet<string>): string | null {
  const file = `content/interview/${question.id}.md`;
  if (!lessons.has(question.lesson)) {
    return `${file}: field lesson names "${question.lesson}", but no lesson has that slug. Known lessons: ${[...lessons].join(', ')}.`;
  }
  const unknown = question.drills.filter((slug) => !drills.has(slug));
  if (unknown.length > 0) {
    return `${file}: field drills names "${unknown.join('", "')}", but no drill has that slug. Known drills: ${[...drills].join(', ')}.`;
  }
  return null;
}
