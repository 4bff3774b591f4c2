// In the sandbox the terminal's SQL runs on a copy of the store
// (Engine.exportStore) in a worker that can be ended. The copy must answer
// exactly as the live store does, keep refusing writes by SQLite's own
// read-only guard, and leave the engine untouched.
import { describe, expect, it } from 'vitest';
import { runReadOnlySql } from '../../../src/engine/readOnlySql.ts';
import type { SeparationLevel } from '../../../src/engine/index.ts';
import { harness, sqlJs, type Harness } from './helpers.ts';

/** What sqlQuery.worker.ts does with the bytes, in process. */
async function onCopy(h: Harness, store: string, sql: string) {
  const SQL = await sqlJs();
  const db = new SQL.Database(await h.backend.engine.exportStore(store));
  try {
    return runReadOnlySql(db, store, sql);
  } finally {
    db.close();
  }
}

async function shop(level: SeparationLevel): Promise<Harness> {
  const h = await harness(undefined, { settings: { separationLevel: level } });
  await h.run('AddProduct KB "Mechanical keyboard" 4999 10');
  await h.run('AddProduct MS "Mouse" 1999 5');
  await h.run('PlaceOrder o1 alice KB 2');
  await h.run('time run');
  return h;
}

const queries: [string, string][] = [
  ['write', 'SELECT position, stream_id, event_type, payload FROM events ORDER BY position'],
  ['write', 'SELECT event_type, count(*) AS n FROM events GROUP BY event_type; SELECT 1 AS last'],
  ['write', 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1500) SELECT x FROM c'],
  ['catalogue', 'SELECT * FROM catalogue ORDER BY sku'],
  ['orderSummary', "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"],
];

describe('exportStore', () => {
  for (const level of [1, 2, 3] as const) {
    it(`gives a copy that answers like the live store (separation level ${level})`, async () => {
      const h = await shop(level);
      for (const [store, sql] of queries) {
        const live = await h.backend.engine.readOnlySql(store, sql);
        expect(await onCopy(h, store, sql), `${store}: ${sql}`).toEqual(live);
      }
      // Rows are cut at the same place.
      expect((await onCopy(h, 'write', queries[2]![1])).truncated).toBe(true);
    });
  }

  it('keeps SQLite’s read-only guard on the copy', async () => {
    const h = await shop(3);
    for (const [store, sql] of [
      ['write', 'PRAGMA query_only=0; DELETE FROM events'],
      ['write', "ATTACH ':memory:' AS x; CREATE TABLE x.t(a)"],
      ['catalogue', 'UPDATE catalogue SET stock = 999'],
    ] as const) {
      await expect(onCopy(h, store, sql)).rejects.toMatchObject({ code: 'READ_ONLY' });
    }
    await expect(onCopy(h, 'write', 'SELEC 1')).rejects.toMatchObject({ code: 'SQL_ERROR' });
  });

  it('leaves the engine running: statements, later commands and projections keep working', async () => {
    const h = await shop(3);
    await h.backend.engine.exportStore('write');
    await h.backend.engine.exportStore('catalogue');
    expect(await h.run('RestockProduct KB 1')).toContain('✓ RestockProduct accepted');
    await h.run('time run');
    expect((await h.backend.engine.query({ type: 'GetProduct', params: { sku: 'KB' } })).data).toMatchObject({ stock: 9 });
    expect((await onCopy(h, 'write', 'SELECT count(*) FROM events')).rows).toEqual([[4]]);
  });

  it('names the stores there are when asked for another', async () => {
    const h = await shop(3);
    await expect(h.backend.engine.exportStore('nope')).rejects.toThrow(/nope/);
  });
});
