// The shortest failing run of a design drill: a known bad design's run (the
// drill's setup and its whole load, recorded) shrunk on the real engine to a
// run of a few intents that still fails the same requirement when replayed.
import initSqlJs from 'sql.js';
import { describe, expect, test } from 'vitest';
import type { SqlJsStatic } from '../../../src/engine/index.ts';
import { drillCatalog } from '../../../src/drills/catalog.ts';
import { runDrill } from '../../../src/drills/runner.ts';
import type { Drill } from '../../../src/drills/types.ts';
import { validateSessionState } from '../../../src/sandbox/sessionFormat.ts';
import { failingRunOfDrill } from '../../../src/shrink/drillRun.ts';
import { checkRun, sessionOf } from '../../../src/shrink/failingRun.ts';
import { shrinkReport } from '../../../src/shrink/report.ts';
import { shrinkFailingRun } from '../../../src/shrink/shrink.ts';

const sqlReady = initSqlJs() as unknown as Promise<SqlJsStatic>;
const drill = (slug: string): Drill => drillCatalog().find((d) => d.slug === slug)!;
const labelOf = (d: Drill, id: string) => d.requirements.find((r) => r.id === id)!.label;

describe('the shortest failing run of a drill', () => {
  test('an eventual board after a drag: 3 intents of the whole load still show the mover a stale board', async () => {
    const sql = await sqlReady;
    const board = drill('work-item-board');
    expect(board.knownBad.fails).toBe('drag-ryw');
    const run = await failingRunOfDrill(sql, board, board.knownBad.design);
    expect(run).not.toBeNull();
    expect(run!.criterion.description).toBe(labelOf(board, 'drag-ryw'));
    const original = run!.script.length;
    expect(original).toBeGreaterThan(500);

    const outcome = await shrinkFailingRun(run!, (r) => checkRun(sql, r), { maxReplays: 400 });
    expect(outcome.status).toBe('finished');
    // Bound: the card, the mover's move, and the mover's read of the board right after it.
    expect(outcome.size).toBeLessThanOrEqual(3);
    expect(outcome.size * 100).toBeLessThan(original);
    expect(
      outcome.run.script.filter((e) => e.intent.kind === 'command').map((e) => e.intent.kind === 'command' && e.intent.command.type),
    ).toContain('MoveWorkItem');
    expect(outcome.run.script.some((e) => e.screen === 'afterDrag')).toBe(true);

    // Replayed on its own, once more: the same requirement fails, with a number (not "no data").
    const again = await checkRun(sql, outcome.run);
    expect(again.fails).toBe(true);
    expect(again.result!.description).toBe(labelOf(board, 'drag-ryw'));
    expect(again.result!.measured).toBe('1 stale read (needs = 0)');

    // What the page shows, and a session the sandbox accepts (the screens are the shrinker's, not the engine's).
    const report = shrinkReport(outcome);
    expect(report.summary).toBe(`2 commands, 1 query: "${labelOf(board, 'drag-ryw')}" fails: 1 stale read (needs = 0)`);
    const session = validateSessionState(sessionOf(outcome.run, outcome.check.until));
    expect(session.script).toHaveLength(outcome.size);
    expect(session.script.some((e) => 'screen' in e)).toBe(false);
  });

  test('a synchronous read model: one price change of the load is still too slow', async () => {
    const sql = await sqlReady;
    const prices = drill('reads-vs-writes');
    expect(prices.knownBad.fails).toBe('write-latency');
    const run = (await failingRunOfDrill(sql, prices, prices.knownBad.design))!;
    expect(run.criterion.description).toBe(labelOf(prices, 'write-latency'));

    const outcome = await shrinkFailingRun(run, (r) => checkRun(sql, r), { maxReplays: 400 });
    expect(outcome.status).toBe('finished');
    // Bound: the design's configure, the product, and one ChangePrice.
    expect(outcome.size).toBeLessThanOrEqual(3);
    expect(outcome.size * 100).toBeLessThan(run.script.length);
    const commands = outcome.run.script.flatMap((e) => (e.intent.kind === 'command' ? [e.intent.command.type] : []));
    expect(commands.filter((t) => t === 'ChangePrice')).toHaveLength(1);
    const again = await checkRun(sql, outcome.run);
    expect(again.fails).toBe(true);
    expect(again.result!.evidence!.target).toBe('≤ 100');
  });

  test('a run with nothing to measure does not fail a measured requirement', async () => {
    const sql = await sqlReady;
    const prices = drill('reads-vs-writes');
    const run = (await failingRunOfDrill(sql, prices, prices.knownBad.design))!;
    // The setup alone: no ChangePrice, so no p95 to miss.
    const check = await checkRun(sql, { ...run, script: run.script.slice(0, run.windowFrom) });
    expect(check.result!.passed).toBe(false);
    expect(check.result!.measured).toMatch(/^no data/);
    expect(check.fails).toBe(false);
  });

  test('the budget stops the search and says how far it got', async () => {
    const sql = await sqlReady;
    const board = drill('work-item-board');
    const run = (await failingRunOfDrill(sql, board, board.knownBad.design))!;
    const outcome = await shrinkFailingRun(run, (r) => checkRun(sql, r), { maxReplays: 4 });
    expect(outcome.status).toBe('stopped');
    expect(outcome.tried).toBe(4);
    expect(outcome.message).toBe(
      `Stopped after 4 replays (the budget): the smallest failing run so far has ${outcome.size} of ${run.script.length} intents.`,
    );
    expect(outcome.size).toBeLessThan(run.script.length);
    expect(outcome.check.fails).toBe(true);
  });

  test('a design that meets every requirement has no failing run, and the drill verdict is unchanged', async () => {
    const sql = await sqlReady;
    const board = drill('work-item-board');
    expect(await failingRunOfDrill(sql, board, board.knownGood)).toBeNull();
    const report = await runDrill(sql, board, board.knownBad.design);
    expect(report.requirements.find((r) => r.id === 'drag-ryw')!.passed).toBe(false);
  });
});
