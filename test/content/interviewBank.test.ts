// The interview bank holds to an interview's standard: every model answer gives the numbers an
// interviewer expects (rates, lag budgets, sizes, costs), every follow-up has its own model
// answer, the classic questions are there, and at least 20 design prompts link to the drill or
// scenario that lets the learner run the design, and every such link resolves.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BANK = join(ROOT, 'content/interview');

interface FollowUp {
  question: string;
  answer: string;
}
interface Entry {
  slug: string;
  kind: string;
  scenario?: string;
  drills: string[];
  followUps: FollowUp[];
  /** The model answer, code blocks and diagrams removed: the numbers must be in the prose. */
  prose: string;
}

const bank: Entry[] = readdirSync(BANK)
  .filter((name) => name.endsWith('.md'))
  .map((name) => {
    const source = readFileSync(join(BANK, name), 'utf8');
    const [, frontmatter = '', body = ''] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source) ?? [];
    const data = parse(frontmatter) as Omit<Entry, 'slug' | 'prose' | 'drills'> & { drills?: string[] };
    return { ...data, drills: data.drills ?? [], slug: name.replace(/\.md$/, ''), prose: body.replace(/```[\s\S]*?```/g, ' ') };
  });

/** Drill slug -> the questions that drill names as the ones it answers. */
const drillQuestions = new Map(
  readdirSync(join(ROOT, 'content/drills'))
    .filter((name) => name.endsWith('.json'))
    .map((name) => {
      const drill = JSON.parse(readFileSync(join(ROOT, 'content/drills', name), 'utf8')) as { questions?: string[] };
      return [name.replace(/\.json$/, ''), drill.questions ?? []] as const;
    }),
);

const UNIT = '%|ms|s|seconds?|minutes?|min|hours?|h|days?|weeks?|months?|years?|[KMGTP]i?B|bytes?|k|K|M|bn|thousand|million|billion|×|x|times|per';
/**
 * A number that measures something: with a unit, a rate ("per"), a count of things (a plural
 * noun: "40 partitions"), a ratio (100:1) or a currency. Not a list marker, a version or a level.
 */
const QUANTITY = new RegExp(
  `[$€£]\\s?\\d[\\d,.]*|(?<![\\d:])\\d[\\d,]*:1(?![\\d:])|\\b\\d[\\d,.]*(?:\\s|-|\\u00a0)?(?:(?:${UNIT})(?![A-Za-z])|[a-z]{2,}s\\b)`,
  'g',
);
const quantities = (text: string) => text.match(QUANTITY) ?? [];

describe('the interview bank', () => {
  it('reads every question', () => {
    expect(bank.length).toBeGreaterThanOrEqual(70);
  });

  it('the quantity finder tells a measured number from a mere digit', () => {
    expect(quantities('Lag stays under 200 ms at 1,700 reads per second, about 5% of $40k.')).toEqual(['200 ms', '1,700 reads', '5%', '$40']);
    expect(quantities('A 100:1 ratio; 40 partitions; 3 read models.')).toEqual(['100:1', '40 partitions']);
    expect(quantities('OrderPlacedV2 is step 1 of the list; see level 3 on 3 March at 14:02:07.')).toEqual([]);
  });

  it('every model answer states a number with its unit', () => {
    const without = bank.filter((entry) => quantities(entry.prose).length === 0).map((entry) => entry.slug);
    expect(without.join(' ')).toEqual('');
  });

  it('every design answer is sized: at least three numbers with units', () => {
    const thin = bank
      .filter((entry) => entry.kind === 'design')
      .map((entry) => ({ slug: entry.slug, found: quantities(entry.prose) }))
      .filter(({ found }) => found.length < 3);
    expect(thin).toEqual([]);
  });

  it('every follow-up has its own model answer, longer than the question and not a copy of it', () => {
    for (const entry of bank) {
      expect(entry.followUps.length, entry.slug).toBeGreaterThan(0);
      for (const followUp of entry.followUps) {
        expect(typeof followUp, `${entry.slug}: a follow-up is { question, answer }`).toBe('object');
        expect(followUp.answer.length, `${entry.slug}: "${followUp.question}"`).toBeGreaterThan(Math.max(80, followUp.question.length));
        expect(followUp.answer).not.toContain(followUp.question);
      }
    }
  });

  it('holds at least 20 design prompts, each linked to a drill or a scenario that exists', () => {
    const designs = bank.filter((entry) => entry.kind === 'design');
    expect(designs.length).toBeGreaterThanOrEqual(20);
    for (const entry of designs) {
      const drills = [...entry.drills, ...[...drillQuestions].filter(([, questions]) => questions.includes(entry.slug)).map(([slug]) => slug)];
      expect(drills.length + (entry.scenario ? 1 : 0), `${entry.slug} links no drill or scenario`).toBeGreaterThan(0);
    }
  });

  it('every drill or scenario link resolves, both ways', () => {
    const slugs = new Set(bank.map((entry) => entry.slug));
    for (const entry of bank) {
      if (entry.scenario) expect(existsSync(join(ROOT, 'simulations', `${entry.scenario}.json`)), `${entry.slug}: scenario ${entry.scenario}`).toBe(true);
      for (const drill of entry.drills) expect(drillQuestions.has(drill), `${entry.slug}: drill ${drill}`).toBe(true);
    }
    for (const [drill, questions] of drillQuestions) {
      for (const question of questions) expect(slugs.has(question), `content/drills/${drill}.json names question ${question}`).toBe(true);
    }
  });

  it('asks the classic questions', () => {
    const slugs = new Set(bank.map((entry) => entry.slug));
    for (const classic of [
      'unique-email',
      'seat-booking',
      'read-models-across-regions',
      'kafka-exactly-once',
      'testing-deciders',
      'projection-joining-streams',
      'event-retention-archiving',
    ]) {
      expect(slugs.has(classic), classic).toBe(true);
    }
    const banking = bank.find((entry) => entry.slug === 'banking-read-side')!;
    expect(banking.prose).toMatch(/double-entry/i);
    expect(banking.prose).toMatch(/pending/i);
    expect(banking.prose).toMatch(/available balance/i);
  });
});
