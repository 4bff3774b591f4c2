import { describe, expect, it } from 'vitest';
import { ReadOnlyError, SqlError, UnknownProjectionError } from '../../../src/engine/errors.ts';
import { INSTANT, commerceEngine } from './helpers.ts';

async function shop() {
  const e = await commerceEngine(INSTANT);
  await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 5 } });
  await e.runUntilIdle();
  return e;
}

describe('read-only SQL', () => {
  it('runs SELECTs on the write store and on read stores', async () => {
    const e = await shop();
    expect(await e.readOnlySql('write', 'SELECT position, stream_id, event_type FROM events')).toEqual({
      columns: ['position', 'stream_id', 'event_type'],
      rows: [[1, 'product-KB', 'ProductAdded']],
      truncated: false,
      statements: 1,
    });
    expect((await e.readOnlySql('catalogue', 'SELECT sku, stock FROM catalogue')).rows).toEqual([['KB', 5]]);
    expect((await e.readOnlySql('write', 'SELECT 1; SELECT 2 AS two')).rows).toEqual([[2]]);
    expect((await e.readOnlySql('write', 'PRAGMA table_info(events)')).rows.length).toBeGreaterThan(5);
  });

  const attacks = [
    'DELETE FROM events',
    'UPDATE catalogue SET stock = 999',
    'SELECT 1; DELETE FROM events',
    'PRAGMA query_only=OFF; DELETE FROM events',
    'PRAGMA query_only = 0; INSERT INTO processed_commands VALUES (1,2,3,4)',
    "ATTACH ':memory:' AS x; CREATE TABLE x.t(a)",
    'CREATE TEMP TABLE t(a)',
    'DROP TABLE events',
    'PRAGMA user_version = 7',
    'BEGIN; DELETE FROM events; COMMIT',
    'VACUUM',
  ];
  for (const sql of attacks) {
    it(`refuses to write: ${sql}`, async () => {
      const e = await shop();
      const store = sql.includes('catalogue') ? 'catalogue' : 'write';
      const err = await e.readOnlySql(store, sql).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(ReadOnlyError);
      expect((err as ReadOnlyError).message).toContain('only through commands');
      // Nothing changed and the engine still works.
      expect((await e.readOnlySql('write', 'SELECT count(*) FROM events')).rows).toEqual([[1]]);
      const r = await e.execute({ type: 'RestockProduct', data: { sku: 'KB', quantity: 1 } });
      expect(r.ok).toBe(true);
      await e.runUntilIdle();
      expect((await e.query({ type: 'GetProduct', params: { sku: 'KB' } })).data).toMatchObject({ stock: 6 });
    });
  }

  it('cleans up a transaction left open and anything attached', async () => {
    const e = await shop();
    await e.readOnlySql('write', 'BEGIN; SELECT 1');
    await e.readOnlySql('write', "ATTACH ':memory:' AS spy");
    expect((await e.readOnlySql('write', 'PRAGMA database_list')).rows.map((r) => r[1])).toEqual(['main']);
    const r = await e.execute({ type: 'RestockProduct', data: { sku: 'KB', quantity: 1 } });
    expect(r.ok).toBe(true);
    expect((await e.readAll()).length).toBe(2);
  });

  it('restores connection flags a learner flipped', async () => {
    const e = await shop();
    await e.readOnlySql('write', 'PRAGMA ignore_check_constraints = 1; PRAGMA writable_schema = 1');
    expect((await e.readOnlySql('write', 'PRAGMA ignore_check_constraints')).rows).toEqual([[0]]);
    expect((await e.readOnlySql('write', 'PRAGMA writable_schema')).rows).toEqual([[0]]);
  });

  it('gives SQLite’s message for a broken query, and knows its stores', async () => {
    const e = await shop();
    const err = await e.readOnlySql('write', 'SELEKT * FROM events').catch((x: unknown) => x);
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).message).toContain('syntax error');
    await expect(e.readOnlySql('write', 'SELECT * FROM nope')).rejects.toThrow(/no such table/);
    await expect(e.readOnlySql('mystery', 'SELECT 1')).rejects.toBeInstanceOf(UnknownProjectionError);
  });

  it('caps very long results', async () => {
    const e = await shop();
    const r = await e.readOnlySql(
      'write',
      'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) SELECT i FROM n',
    );
    expect(r.rows.length).toBe(1000);
    expect(r.truncated).toBe(true);
  });
});
