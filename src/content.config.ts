import { defineCollection, reference } from 'astro:content';
import { file, glob } from 'astro/loaders';
import { z } from 'astro/zod';
import { FORMATS, KINDS, LEVELS, SOURCES, TOPICS } from './interview/taxonomy';
import { SCENARIO_SLUGS } from './scenarios/types';

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
      /** Scenarios (/scenarios/<slug>/) that show this lesson's mechanism, from SCENARIO_SLUGS. */
      scenarios: z.array(z.enum(SCENARIO_SLUGS)).default([]),
    })
    .strict(),
});

// Interview questions live in content/interview/, one Markdown file each; the body is
// the model answer. A malformed question fails the build with the file and the field.
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const interview = defineCollection({
  loader: glob({ base: './content/interview', pattern: '**/*.md' }),
  schema: z
    .object({
      /** Short name for lists and the page title, e.g. "CQRS versus read replicas". */
      title: z.string().min(3).max(80),
      /** The question exactly as an interviewer would ask it. */
      prompt: z.string().min(10),
      /** The seniority the question targets. */
      level: z.enum(LEVELS),
      /** What it asks for: a concept, a trade-off, a design, or debugging an incident. */
      kind: z.enum(KINDS),
      /** How it is answered; design drills live in content/drills/ and link back through their `questions`. */
      format: z.enum(FORMATS).default('written'),
      /** Topics from the fixed list in src/interview/taxonomy.ts; the first is the main one. */
      topics: z.array(z.enum(TOPICS)).min(1),
      /** The lesson that teaches the answer, by slug; it must exist. */
      lesson: reference('lessons'),
      /** A scenario (/scenarios/<slug>/) that shows the answer, from SCENARIO_SLUGS (optional). */
      scenario: z.enum(SCENARIO_SLUGS).optional(),
      /** Key points of a strong answer; the learner ticks the ones they made. */
      rubric: z.array(z.string().min(3)).min(2).max(8),
      /** What an interviewer would ask next, each with its model answer (revealed after the learner commits, like the main one). */
      followUps: z.array(z.object({ question: z.string().min(5), answer: z.string().min(40) }).strict()).min(1),
      /** Design drills (content/drills/<slug>.json) that answer the question by running a design; each must exist. */
      drills: z.array(z.string().regex(SLUG)).default([]),
      /** `seed` when the question comes from the source articles (rewritten), `original` otherwise. */
      source: z.enum(SOURCES),
      /** For a seed question: which article and part it comes from, e.g. "000, Interview Questions 3". */
      seed: z.string().min(3).optional(),
      /** Suggested minutes to answer aloud; a mock interview's clock is the sum. */
      minutes: z.number().int().min(1).max(30).default(5),
    })
    .strict()
    .superRefine((question, context) => {
      if (question.source === 'seed' && !question.seed) {
        context.addIssue({ code: 'custom', path: ['seed'], message: 'a seed question must say where it comes from (seed: "000, ...")' });
      }
      if (question.source === 'original' && question.seed) {
        context.addIssue({ code: 'custom', path: ['seed'], message: 'only a seed question has a seed reference' });
      }
    }),
});

// The glossary: one entry per term, in content/glossary.json. Lessons use
// <Term id="…"> for the first mention of a term; /glossary/ lists them all.
const glossary = defineCollection({
  loader: file('./content/glossary.json'),
  schema: z
    .object({
      /** Anchor on /glossary/ and the id <Term> uses, e.g. "projection". */
      id: z.string().regex(SLUG),
      /** The term as the glossary lists it. */
      term: z.string().min(2).max(60),
      /** One or two sentences in our words; shown in the tooltip. */
      definition: z.string().min(20).max(320),
      /** The lesson that teaches the term. */
      lesson: reference('lessons'),
    })
    .strict(),
});

export const collections = { lessons, interview, glossary };
