// Every scenario file in simulations/: it validates, plays headless on the
// real engine to the end with every step's `expect` holding, its known-good
// solution passes the challenge, the untouched start fails it on the
// criterion the story is about, and the same file gives the same trace twice.
import { readdirSync } from 'node:fs';
import initSqlJs from 'sql.js';
import { describe, expect, test } from 'vitest';
import { SCENARIO_SLUGS, runScenario, scenarioBySlug, scenarioCatalog, type Scenario } from '../../src/scenarios/index.ts';

const sql = initSqlJs();

/** For each challenge: the criterion an untouched start must fail (the point of the story). */
const FAILS_WITHOUT_A_FIX: Record<string, string> = {
  'flash-sale': 'At most 5% of the rush',
  'read-your-own-write': 'No shopper misses their own order',
  'duplicate-charge': 'Ana is charged €35.00, no more',
  'dual-write': 'No event is lost to the crash',
  'buggy-projection': 'The storefront shows the 28 kettles the events justify',
  upcasting: "All five old products are listed as 'uncategorised'",
  'saga-compensation': 'All seven good checkouts complete',
  banking: 'The statement equals a replay of the event store',
  'feed-fan-out': 'New posts reach the hybrid feed within 200 ms (p95)',
  'work-item-board': 'Commands complete within 8 ms (p95)',
  'reads-vs-writes': 'Every buyer sees their own order',
  ordering: 'The television shows its last price, €629',
};

const lessons = new Set(readdirSync('content/lessons').map((f) => f.replace(/\.mdx?$/, '')));

describe('the scenario catalogue', () => {
  test('has exactly one valid file per fixed slug, in a stable order', () => {
    const catalog = scenarioCatalog();
    expect(catalog.map((s) => s.slug).sort()).toEqual([...SCENARIO_SLUGS].sort());
    expect(new Set(catalog.map((s) => s.order)).size).toBe(catalog.length);
  });

  test.each(SCENARIO_SLUGS.map((slug) => [slug]))('%s tells a story: 4–8 narrated steps, a checkpoint, real lessons, a challenge', (slug) => {
    const s = scenarioBySlug(slug)!;
    expect(s.steps.length).toBeGreaterThanOrEqual(4);
    expect(s.steps.length).toBeLessThanOrEqual(8);
    expect(s.steps.some((st) => st.checkpoint)).toBe(true);
    expect(s.steps.some((st) => st.expect && st.expect.length > 0)).toBe(true);
    for (const lesson of s.lessons) expect(lessons, `lesson ${lesson}`).toContain(lesson);
    expect(s.challenge?.solution).toBeDefined();
  });
});

function traceJson(r: { engine: { trace: readonly unknown[] } }): string {
  return JSON.stringify(r.engine.trace);
}

describe.each(SCENARIO_SLUGS.map((slug) => [slug]))('scenario %s on the real engine', (slug) => {
  const scenario = (): Scenario => scenarioBySlug(slug)!;

  test('plays to the end, every step’s expectation holds, and the untouched start fails the challenge on its point', async () => {
    const run = await runScenario(await sql, scenario());
    expect(run.steps.map((s) => s.stepId)).toEqual(scenario().steps.map((s) => s.id));
    expect(run.expectations.filter((e) => !e.passed)).toEqual([]);
    expect(run.verdict?.passed).toBe(false);
    const point = run.verdict!.results.find((r) => r.description.startsWith(FAILS_WITHOUT_A_FIX[slug]!));
    expect(point, 'the criterion the scenario is about').toBeDefined();
    expect(point!.passed).toBe(false);
    // Same file, same seed: the same trace, record for record.
    const again = await runScenario(await sql, scenario());
    expect(traceJson(again)).toBe(traceJson(run));
  }, 120_000);

  test('the known-good solution passes the challenge', async () => {
    const run = await runScenario(await sql, scenario(), { solve: true });
    expect(run.solution.filter((o) => !o.ok)).toEqual([]);
    expect(run.verdict?.disallowed).toEqual([]);
    expect(run.verdict?.results.filter((r) => !r.passed)).toEqual([]);
    expect(run.verdict?.passed).toBe(true);
  }, 120_000);
});
