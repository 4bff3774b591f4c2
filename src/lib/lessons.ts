import { getCollection, type CollectionEntry } from 'astro:content';

export type Lesson = CollectionEntry<'lessons'>;

/** Lessons in course order; two lessons claiming the same position fail the build. */
export async function orderedLessons(): Promise<Lesson[]> {
  const lessons = (await getCollection('lessons')).sort((a, b) => a.data.order - b.data.order);
  for (let i = 1; i < lessons.length; i++) {
    const previous = lessons[i - 1]!;
    const current = lessons[i]!;
    if (previous.data.order === current.data.order) {
      throw new Error(
        `Lessons "${previous.id}" and "${current.id}" both have order: ${current.data.order}. Give each lesson its own position.`,
      );
    }
  }
  const ids = new Set(lessons.map((lesson) => lesson.id));
  for (const lesson of lessons) {
    lesson.data.related.forEach((ref, index) => {
      if (!ids.has(ref.id)) {
        throw new Error(
          `content/lessons/${lesson.id}: field related[${index}] names "${ref.id}", but no lesson has that slug. Known lessons: ${[...ids].join(', ')}.`,
        );
      }
    });
  }
  return lessons;
}

export function lessonHref(id: string): string {
  return `${import.meta.env.BASE_URL.replace(/\/?$/, '/')}lessons/${id}/`;
}

/** Reading time at about 230 words a minute, counting prose and code alike. */
export function readingMinutes(body: string | undefined): number {
  const words = (body ?? '').split(/\s+/).filter(Boolean).length;
  return Math.max(1, Math.round(words / 230));
}

export function hasMermaid(body: string | undefined): boolean {
  return /^\s*(```|~~~)\s*mermaid\b/m.test(body ?? '');
}
