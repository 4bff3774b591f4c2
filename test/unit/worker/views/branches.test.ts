// The compare panel's measures on real engines: two branches forked from one
// record, one placing an order (read stale while the bus carries it) and one
// restocking. Their numbers count only what came after the fork record, and
// their read models differ exactly where the two histories do.
import { describe, expect, it } from 'vitest';
import initSqlJs from 'sql.js';
import { commerce } from '../../../../src/domain/index.ts';
import { createEngine, replayScript, type Engine } from '../../../../src/engine/index.ts';
import { ForkMarks, truncateSession } from '../../../../src/sandbox/fork.ts';
import { BranchTally, branchNumbers } from '../../../../src/worker/views/branchNumbers.ts';
import { diffReadModels } from '../../../../src/worker/views/readModelDiff.ts';
import { readModelSnapshot } from '../../../../src/worker/views/readModelSnapshot.ts';

const sql = await initSqlJs();
const settings = { bus: { latencyMs: 40, jitterMs: 0 } };
const snapshot = (engine: Engine) => readModelSnapshot(sql, commerce, (p, text) => engine.readOnlySql(p, text));

describe('comparing two branches of a forked run', () => {
  it('counts what came after the fork record and finds where the read models differ', async () => {
    const original = createEngine({ sql, domain: commerce, seed: 5, settings });
    const marks = new ForkMarks(original);
    await original.execute({ type: 'AddProduct', data: { sku: 'KB-42', name: 'Keyboard', priceCents: 4900, stock: 10 } });
    await original.runUntilIdle();
    const forkSeq = original.trace.length;
    const headAtFork = original.headPosition;
    const cut = truncateSession(
      { domain: 'commerce', seed: 5, settings, script: original.recordedScript(), until: original.position() },
      marks.at(forkSeq),
    );

    // Branch 1 goes on: an order, and a read of the catalogue before the bus has carried it.
    const tally = new BranchTally(commerce, forkSeq);
    for (const r of original.trace) tally.add(r);
    original.onTrace((r) => tally.add(r));
    await original.execute({ type: 'PlaceOrder', data: { orderId: 'o1', customerId: 'ada', sku: 'KB-42', quantity: 2 } });
    await original.query({ type: 'GetProduct', params: { sku: 'KB-42' } });
    await original.runUntilIdle();

    // Branch 2 continues from the fork record instead: two restocks.
    const forked = await replayScript(sql, commerce, cut.seed, cut.settings, cut.script, cut.until);
    for (let i = 0; i < 2; i++) await forked.execute({ type: 'RestockProduct', data: { sku: 'KB-42', quantity: 5 } });
    await forked.runUntilIdle();

    const one = tally.numbers();
    expect(one).toEqual(branchNumbers(commerce, original.trace, forkSeq));
    expect(one).toMatchObject({ fromSeq: forkSeq, lastSeq: original.trace.length, commands: 1, queries: 1, staleReads: 1 });
    expect(one.events).toBe(original.headPosition - headAtFork);
    expect(one.at).toBe(original.trace[original.trace.length - 1]!.at);
    const two = branchNumbers(commerce, forked.trace, forkSeq);
    expect(two).toMatchObject({ commands: 2, queries: 0, staleReads: 0, events: 2 });
    // The bus's 40 ms latency is the window of every projection that handles the restocks.
    expect(two.windowP95).toBeGreaterThanOrEqual(40);
    expect(two.windows.find((w) => w.projection === 'catalogue')).toMatchObject({ count: 2 });
    // Nothing after the fork record: nothing counted, the clock at the record.
    expect(branchNumbers(commerce, original.trace.slice(0, forkSeq), forkSeq)).toMatchObject({
      commands: 0,
      events: 0,
      windowP95: null,
      at: original.trace[forkSeq - 1]!.at,
    });

    const diffs = diffReadModels(await snapshot(forked), await snapshot(original));
    const catalogue = diffs.find((d) => d.projection === 'catalogue')!;
    expect(catalogue.complete).toBe(true);
    expect(catalogue.differences).toBe(1);
    expect(catalogue.examples).toContainEqual({ subject: 'catalogue KB-42', field: 'stock', current: 20, other: 8 });
    // The order exists in branch 1 only: in the customer's tables too.
    expect(diffs.find((d) => d.projection === 'customerOrders')).toMatchObject({ differences: 2, rows: { current: 0 } });
    const orders = diffs.find((d) => d.projection === 'orderSummary')!;
    expect(orders.rows.current).toBe(0);
    expect(orders.rows.other).toBeGreaterThan(0);
    expect(orders.examples[0]).toMatchObject({ field: 'row', current: 'absent', other: 'present' });
    // A branch against itself: nothing differs.
    expect(diffReadModels(await snapshot(forked), await snapshot(forked)).every((d) => d.differences === 0)).toBe(true);
    for (const e of [original, forked]) e.close();
  });

  it('matches rows by key, a key holding several rows as one difference, whatever the order', () => {
    const t = (rows: (string | number | null)[][], truncated = false) => ({ columns: ['id', 'n'], rows, truncated });
    const here = {
      p: {
        a: t([
          ['x', 1],
          ['y', 1],
          ['y', 2],
          ['z', 5],
        ]),
        only: t([['k', 1]]),
      },
    };
    const there = {
      p: {
        a: t([
          ['y', 2],
          ['y', 1],
          ['x', 1],
          ['z', 6],
          ['w', 0],
        ]),
      },
      q: { b: t([['m', 1]]) },
    };
    const [p, q] = diffReadModels(here, there, 10);
    expect(p).toEqual({
      projection: 'p',
      rows: { current: 5, other: 5 },
      differences: 3,
      examples: [
        { subject: 'a z', field: 'n', current: 5, other: 6 },
        { subject: 'a w', field: 'row', current: 'absent', other: 'present' },
        { subject: 'only k', field: 'row', current: 'present', other: 'absent' },
      ],
      complete: true,
    });
    expect(q).toMatchObject({ projection: 'q', rows: { current: 0, other: 1 }, differences: 1 });
    const more = diffReadModels(
      {
        p: {
          a: t([
            ['y', 1],
            ['y', 2],
          ]),
        },
      },
      { p: { a: t([['y', 1]]) } },
    );
    expect(more[0]!.examples).toEqual([{ subject: 'a y', field: 'rows', current: 2, other: 1 }]);
    expect(diffReadModels({ p: { a: t([['x', 1]], true) } }, { p: { a: t([['x', 1]]) } })[0]!.complete).toBe(false);
  });
});
