// The divergence check against a real engine: a read model that applied the
// bus's duplicates (dedupe off) disagrees with a replay of its events, with
// the numbers; with the guard on, or with nothing settled, nothing is reported.
import { describe, expect, it } from 'vitest';
import initSqlJs from 'sql.js';
import { commerce } from '../../../../src/domain/index.ts';
import { ReadModels, createEngine, type Engine, type SettingsPatch } from '../../../../src/engine/index.ts';
import { DivergenceCheck, diffTables } from '../../../../src/worker/views/divergence.ts';

const sql = await initSqlJs();

function check(engine: Engine): DivergenceCheck {
  const scratch = new ReadModels(sql, commerce);
  return new DivergenceCheck(
    {
      projections: () => engine.status().projections,
      head: () => engine.headPosition,
      reorder: () => engine.settings.bus.reorder,
      liveSql: (projection, text) => engine.readOnlySql(projection, text),
      events: (upTo) => engine.readAll(1, upTo),
      replay: (projection, events) => scratch.projectionAt({ projection, events }).tables ?? {},
    },
    { minGapMs: 0 },
  );
}

async function restocked(settings: SettingsPatch): Promise<Engine> {
  const engine = createEngine({ sql, domain: commerce, seed: 5, settings });
  await engine.execute({ type: 'AddProduct', data: { sku: 'KB-42', name: 'Keyboard', priceCents: 4900, stock: 10 } });
  await engine.runUntilIdle();
  // Duplicates from here on (the product row exists, so only the restocks are applied twice).
  await engine.configure({ bus: { duplicateProbability: 1 } });
  for (let i = 0; i < 3; i++) await engine.execute({ type: 'RestockProduct', data: { sku: 'KB-42', quantity: 5 } });
  await engine.runUntilIdle();
  return engine;
}

const now = () => 0;

describe('DivergenceCheck', () => {
  it('finds the read model that applied duplicates, with its number and the events’ number', async () => {
    const engine = await restocked({ projection: { dedupe: false } });
    const list = await check(engine).run(now);
    const stock = list.find((d) => d.projection === 'catalogue' && d.field === 'stock');
    expect(stock).toBeDefined();
    // The events say 10 + 3 × 5; the live row is what the read model really holds.
    expect(stock!.events).toBe(25);
    const live = await engine.readOnlySql('catalogue', "SELECT stock FROM catalogue WHERE sku = 'KB-42'");
    expect(stock!.readModel).toBe(live.rows[0]![0]);
    expect(stock!.readModel).not.toBe(25);
    expect(stock!.subject).toContain('KB-42');
    expect(stock!.checkedAt).toBe(engine.headPosition);
  });

  it('reports nothing when the dedupe guard skipped the duplicates', async () => {
    const engine = await restocked({});
    expect(await check(engine).run(now)).toEqual([]);
  });

  it('does not compare a projection that has not caught up (it cannot tell lag from a difference)', async () => {
    const engine = await restocked({ projection: { dedupe: false } });
    await engine.configure({ bus: { latencyMs: 5000, duplicateProbability: 0 } });
    await engine.execute({ type: 'RestockProduct', data: { sku: 'KB-42', quantity: 1 } });
    const c = check(engine);
    const list = await c.run(now);
    expect(engine.projectionInfo('catalogue').lagEvents).toBeGreaterThan(0);
    expect(list.filter((d) => d.projection === 'catalogue')).toEqual([]);
  });

  it('waits between checks for at least 1/dutyCycle times what the last one cost', async () => {
    const engine = await restocked({});
    let t = 0;
    const c = new DivergenceCheck(
      {
        projections: () => engine.status().projections,
        head: () => engine.headPosition,
        reorder: () => false,
        liveSql: (p, text) => engine.readOnlySql(p, text),
        events: (upTo) => {
          t += 10; // the read "costs" 10 ms of the fake clock
          return engine.readAll(1, upTo);
        },
        replay: (projection, events) => new ReadModels(sql, commerce).projectionAt({ projection, events }).tables ?? {},
      },
      { minGapMs: 100, dutyCycle: 0.05 },
    );
    await c.run(() => t);
    expect(c.lastCostMs).toBe(10);
    expect(c.due(100)).toBe(false);
    expect(c.due(199)).toBe(false);
    expect(c.due(200)).toBe(true);
  });
});

describe('diffTables', () => {
  const table = (rows: (string | number | null)[][]) => ({ columns: ['sku', 'stock'], rows, truncated: false });
  it('names missing rows, extra rows and differing fields, keyed by the first column', () => {
    const out = diffTables(
      'catalogue',
      {
        products: table([
          ['A', 1],
          ['C', 3],
        ]),
      },
      {
        products: table([
          ['A', 2],
          ['B', 5],
        ]),
      },
      9,
    );
    expect(out).toEqual([
      { projection: 'catalogue', subject: 'products A', field: 'stock', readModel: 1, events: 2, checkedAt: 9 },
      {
        projection: 'catalogue',
        subject: 'products B',
        field: 'row',
        readModel: 'missing',
        events: 'present',
        cause: 'an event was not applied',
        checkedAt: 9,
      },
      {
        projection: 'catalogue',
        subject: 'products C',
        field: 'row',
        readModel: 'present',
        events: 'missing',
        cause: 'no event made this row',
        checkedAt: 9,
      },
    ]);
  });
  it('skips tables too large to compare', () => {
    expect(diffTables('x', { t: { ...table([['A', 1]]), truncated: true } }, { t: table([['A', 2]]) }, 1)).toEqual([]);
  });
});
