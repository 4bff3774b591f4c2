// Design drills share the goals' hint ladder and "why isn't it solved?": each
// drill has hints that escalate to the model design (from knownGood), a pass
// after the model design was shown is kept as "solved with the answer", and a
// failed requirement carries its target, the value measured and the records
// behind it.
import { readFileSync } from 'node:fs';
import initSqlJs from 'sql.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SqlJsStatic } from '../../../src/engine/sqlite.ts';
import { drillAnswer } from '../../../src/drills/answer.ts';
import { attemptStatus, drillStatus } from '../../../src/drills/attemptStatus.ts';
import { drillCatalog } from '../../../src/drills/catalog.ts';
import { runDrill } from '../../../src/drills/runner.ts';
import { parseDrill } from '../../../src/drills/schema.ts';
import { emptyProgress, memoryStorage, ProgressStore, type DrillAttempt } from '../../../src/interview/progress.ts';
import { exportProgress, importProgress } from '../../../src/interview/transfer.ts';

const drills = drillCatalog();
const bySlug = (slug: string) => drills.find((d) => d.slug === slug)!;

let sql: SqlJsStatic;
beforeAll(async () => {
  sql = (await initSqlJs()) as unknown as SqlJsStatic;
});

describe('the hint ladder of a drill', () => {
  it.each(drills.map((d) => [d.slug]))('%s: at least two hints, then the model design naming every choice', (slug) => {
    const drill = bySlug(slug);
    expect(drill.hints.length).toBeGreaterThanOrEqual(2);
    const answer = drillAnswer(drill);
    for (const choice of drill.choices) {
      const option = choice.options.find((o) => o.id === drill.knownGood[choice.id])!;
      expect(answer).toContain(`${choice.label}: ${option.label}`);
    }
  });

  it('a drill file without hints is refused, naming the field', () => {
    const raw = JSON.parse(readFileSync(new URL('../../../content/drills/flash-sale.json', import.meta.url), 'utf8')) as Record<
      string,
      unknown
    >;
    const { hints: _hints, ...noHints } = raw;
    expect(() => parseDrill('content/drills/flash-sale.json', noHints)).toThrow(/field hints/);
    expect(() => parseDrill('content/drills/flash-sale.json', { ...raw, hints: ['Think about it.'] })).toThrow(/field hints/);
  });
});

describe('"solved with the answer" is kept apart from solved', () => {
  const run = (passed: boolean, answerShown?: boolean): DrillAttempt => ({
    at: '2026-03-02T12:00:00.000Z',
    design: { fanOut: 'hybrid' },
    passed,
    failed: passed ? [] : ['feed-cheap'],
    requirementsTotal: 2,
    ...(answerShown ? { answerShown } : {}),
  });

  it("a pass after the model design was shown is solvedWithAnswer; a later pass on one's own is solved", () => {
    expect(attemptStatus(run(false))).toBe('tried');
    expect(attemptStatus(run(true, true))).toBe('solvedWithAnswer');
    expect(attemptStatus(run(true))).toBe('solved');
    expect(drillStatus([])).toBeNull();
    expect(drillStatus([run(false), run(true, true)])).toBe('solvedWithAnswer');
    expect(drillStatus([run(false), run(true, true), run(true)])).toBe('solved');
    expect(drillStatus([run(true), run(false, true)])).toBe('solved');
  });

  it('kept in the progress and carried by export and import', () => {
    const storage = memoryStorage();
    const store = new ProgressStore(storage);
    store.recordDrill('celebrity-feed', run(false));
    const kept = store.recordDrill('celebrity-feed', run(true, true));
    expect(drillStatus(kept.drills!['celebrity-feed']!)).toBe('solvedWithAnswer');
    const text = exportProgress(kept, new Date('2026-03-02T13:00:00Z'));
    const imported = importProgress(emptyProgress(), text);
    expect(imported.ok).toBe(true);
    if (imported.ok) expect(drillStatus(imported.progress.drills!['celebrity-feed']!)).toBe('solvedWithAnswer');
  });
});

describe('why a drill is not solved: evidence from the run', () => {
  it('a measured requirement: the target, the value, and the stale reads behind it', async () => {
    const drill = bySlug('work-item-board');
    const report = await runDrill(sql, drill, { readModel: 'denormalised', boardUpdate: 'async', dragConsistency: 'eventual' });
    const missed = report.requirements.find((r) => r.id === 'drag-ryw')!;
    expect(missed.passed).toBe(false);
    expect(missed.evidence!.target).toBe('= 0');
    expect(missed.evidence!.value).toBe(missed.measured.split(' (')[0]);
    expect(missed.evidence!.details.length).toBeGreaterThan(0);
    expect(missed.evidence!.details[0]).toMatch(/^#\d+ at \d+ ms: \S+ read \w+ \d+(\.\d)? ms behind$/);
    expect(report.requirements.filter((r) => r.passed).every((r) => r.evidence === undefined)).toBe(true);
  });

  it('a state requirement: the rows that differ from a replay', async () => {
    const drill = bySlug('bank-statement');
    const report = await runDrill(sql, drill, drill.knownBad.design);
    const wrong = report.requirements.find((r) => r.id === 'statement-correct')!;
    expect(wrong.passed).toBe(false);
    expect(wrong.evidence!.target).toBe('equal to a replay');
    expect(wrong.evidence!.value).toBe('different');
    expect(wrong.evidence!.details[0]).toMatch(/the replay says/);
  });
});
