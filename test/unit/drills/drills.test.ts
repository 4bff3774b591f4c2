// Every drill in content/drills/ validates, and its known designs behave as
// the file claims on a real engine run: the good one meets every requirement,
// the bad one fails the requirement it names.
import { readdirSync, readFileSync } from 'node:fs';
import initSqlJs from 'sql.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SqlJsStatic } from '../../../src/engine/sqlite.ts';
import { DrillError, parseDrill } from '../../../src/drills/schema.ts';
import { runDrill } from '../../../src/drills/runner.ts';
import type { Drill } from '../../../src/drills/types.ts';

const DIR = new URL('../../../content/drills/', import.meta.url);
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const raw = (file: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as Record<string, unknown>;
const drills: Drill[] = files.map((f) => parseDrill(`content/drills/${f}`, raw(f)));

let sql: SqlJsStatic;
beforeAll(async () => {
  sql = (await initSqlJs()) as unknown as SqlJsStatic;
});

describe('drill files', () => {
  it('has at least the five drills of the issue, each valid', () => {
    expect(drills.map((d) => d.slug)).toEqual(
      expect.arrayContaining(['reads-vs-writes', 'flash-sale', 'bank-statement', 'celebrity-feed', 'work-item-board']),
    );
  });

  it('refuses a malformed drill, naming the file and the field', () => {
    const broken = structuredClone(raw('flash-sale.json')) as { load: { traffic: Array<{ perSecond: unknown }> } };
    broken.load.traffic[0]!.perSecond = 'fast';
    expect(() => parseDrill('content/drills/flash-sale.json', broken)).toThrow(
      /content\/drills\/flash-sale\.json: field load\.traffic\.0\.perSecond/,
    );
  });

  it('refuses a drill whose option sets an impossible setting or names an unknown query', () => {
    const badSetting = structuredClone(raw('flash-sale.json')) as {
      choices: Array<{ options: Array<{ settings?: unknown; queries?: unknown }> }>;
    };
    badSetting.choices[0]!.options[0]!.settings = { separationLevel: 4 };
    const error = (() => {
      try {
        parseDrill('content/drills/flash-sale.json', badSetting);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DrillError);
    expect((error as DrillError).field).toBe('choices.0.options.0.settings');

    const badQuery = structuredClone(raw('celebrity-feed.json')) as {
      choices: Array<{ options: Array<{ queries?: Record<string, string> }> }>;
    };
    badQuery.choices[0]!.options[0]!.queries = { feed: 'GetFeedTelepathy' };
    expect(() => parseDrill('content/drills/celebrity-feed.json', badQuery)).toThrow(
      /field choices\.0\.options\.0\.queries\.feed: social has no query "GetFeedTelepathy"/,
    );
  });

  it('refuses a known-bad design that names no requirement', () => {
    const broken = structuredClone(raw('bank-statement.json')) as { knownBad: { fails: string } };
    broken.knownBad.fails = 'never-wrong';
    expect(() => parseDrill('content/drills/bank-statement.json', broken)).toThrow(/field knownBad\.fails/);
  });
});

describe.each(drills.map((d) => [d.slug, d] as const))('drill %s on the engine', (_slug, drill) => {
  it('passes every requirement with the known-good design', async () => {
    const report = await runDrill(sql, drill, drill.knownGood);
    const failed = report.requirements.filter((r) => !r.passed).map((r) => `${r.id}: ${r.measured}`);
    expect(failed).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.totals.commands + report.totals.queries).toBeGreaterThan(50);
  }, 120_000);

  it('fails the stated requirement with the known-bad design, saying why', async () => {
    const report = await runDrill(sql, drill, drill.knownBad.design);
    const stated = report.requirements.find((r) => r.id === drill.knownBad.fails)!;
    expect(report.passed).toBe(false);
    expect(stated.passed).toBe(false);
    expect(stated.why).toMatch(/\d/);
  }, 120_000);
});

describe('determinism', () => {
  it('gives the same report twice for the same design and seed', async () => {
    const drill = drills.find((d) => d.slug === 'work-item-board')!;
    const a = await runDrill(sql, drill, drill.knownBad.design);
    const b = await runDrill(sql, drill, drill.knownBad.design);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  }, 120_000);

  it('refuses a design that leaves a choice out', async () => {
    const drill = drills.find((d) => d.slug === 'flash-sale')!;
    await expect(runDrill(sql, drill, { separation: 'level3' })).rejects.toThrow(/Choose an option for/);
  });
});
