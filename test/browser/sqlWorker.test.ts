import { afterAll, expect, it } from 'vitest';
import { connectSqlLab } from '../../src/worker/sqlLabClient.ts';

const connection = connectSqlLab();
afterAll(() => connection.close());

it('runs SQL in sql.js inside a Web Worker, reached through comlink', async () => {
  const [result] = await connection.lab.query("SELECT sqlite_version() AS version, 6 * 7 AS answer, typeof(1.5) AS kind");
  expect(result!.columns).toEqual(['version', 'answer', 'kind']);
  expect(result!.values[0]![0]).toMatch(/^3\.\d+\.\d+$/);
  expect(result!.values[0]!.slice(1)).toEqual([42, 'real']);
});

it('reports an SQL error from the worker with SQLite\'s message', async () => {
  await expect(connection.lab.query('SELECT * FROM no_such_table')).rejects.toThrow(/no such table: no_such_table/);
});

it('measures both flash-sale read paths in the worker and gets the same pages from each', async () => {
  const report = await connection.lab.measureReadPaths({ products: 500, lookups: 300, seed: 1 });
  expect(report.sameAnswers).toBe(true);
  expect(report.join.readsPerSecond).toBeGreaterThan(0);
  expect(report.projection.readsPerSecond).toBeGreaterThan(0);
});
