import { defineCollection, reference } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';

// Lessons live in the top-level content/ folder, one MDX file each.
// The schema fails the build with the file and the field named.
const lessons = defineCollection({
  loader: glob({ base: './content/lessons', pattern: '**/*.{md,mdx}' }),
  schema: z
    .object({
      /** Shown as the page heading, in the sidebar and in search results. */
      title: z.string().min(3),
      /** One sentence: what the reader will learn (meta description, lesson cards). */
      description: z.string().min(20).max(200),
      /** Position in the course; unique across lessons. */
      order: z.number().int().positive(),
      /** Rendered as "Key takeaways" at the end of the lesson. */
      takeaways: z.array(z.string().min(3)).min(1),
      /** Other lessons worth reading next, by slug. */
      related: z.array(reference('lessons')).default([]),
    })
    .strict(),
});

export const collections = { lessons };
