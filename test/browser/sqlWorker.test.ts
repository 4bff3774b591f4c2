import { afterAll, expect, it } from 'vitest';
import { mount, unmount } from 'svelte';
import { connectSqlLab } from '../../src/worker/sqlLabClient.ts';
import ReadPathRace from '../../src/components/embeds/ReadPathRace.svelte';

const connection = connectSqlLab();
afterAll(() => connection.close());

it('runs SQL in sql.js inside a Web Worker, reached through comlink', async () => {
  const [result] = await connection.lab.query('SELECT sqlite_version() AS version, 6 * 7 AS answer, typeof(1.5) AS kind');
  expect(result!.columns).toEqual(['version', 'answer', 'kind']);
  expect(result!.values[0]![0]).toMatch(/^3\.\d+\.\d+$/);
  expect(result!.values[0]!.slice(1)).toEqual([42, 'real']);
});

it("reports an SQL error from the worker with SQLite's message", async () => {
  await expect(connection.lab.query('SELECT * FROM no_such_table')).rejects.toThrow(/no such table: no_such_table/);
  await expect(connection.lab.query('SELECT * FROM no_such_table')).rejects.toMatchObject({ name: 'WorkerFaultError', worker: 'sql-lab' });
});

it('measures both flash-sale read paths in the worker and gets the same pages from each', async () => {
  const report = await connection.lab.measureReadPaths({ products: 500, lookups: 300, seed: 1 });
  expect(report.sameAnswers).toBe(true);
  expect(report.join.readsPerSecond).toBeGreaterThan(0);
  expect(report.projection.readsPerSecond).toBeGreaterThan(0);
});

it('measures both work-item board read paths in the worker and gets the same board from each', async () => {
  const report = await connection.lab.measureBoardReadPaths({ boards: 3, itemsPerBoard: 20, reads: 20, seed: 1 });
  expect(report.sameAnswers).toBe(true);
  expect(report.data.items).toBe(60);
  expect(report.joined.readsPerSecond).toBeGreaterThan(0);
  expect(report.projection.readsPerSecond).toBeGreaterThan(0);
});

it('reports a board size the lab refuses with its reason, across the worker boundary', async () => {
  await expect(connection.lab.measureBoardReadPaths({ boards: 0 })).rejects.toThrow(/boards must be a whole number/);
});

it('the board race measures on click and shows both paths with the verdict, labelled as measured here', async () => {
  const host = document.createElement('div');
  document.body.append(host);
  const component = mount(ReadPathRace, { target: host, props: { race: 'workItemBoardReadPaths' } });
  try {
    const button = host.querySelector('button')!;
    await waitFor(() => !button.disabled);
    const select = host.querySelector('select')!;
    expect(host.querySelector(`label[for="${select.id}"]`)!.textContent).toBe('Cards on each of the 20 boards');
    select.value = '25';
    select.dispatchEvent(new Event('change'));
    button.click();
    await waitFor(() => host.querySelector('table') !== null, 60_000);
    expect(host.querySelector('caption')!.textContent!.replace(/\s+/g, ' ')).toMatch(
      /Measured on your machine: 200 board reads, 500 cards built from [\d,]+ events/,
    );
    expect(host.querySelectorAll('tbody tr')).toHaveLength(2);
    expect(host.textContent!.replace(/\s+/g, ' ')).toContain('both paths returned the same board, card for card, on every read');
    expect(host.querySelector('[data-speedup]')!.textContent).toMatch(/^\d+(\.\d)?×$/);
    expect(button.textContent!.trim()).toBe('Measure again');
  } finally {
    unmount(component);
    host.remove();
  }
}, 90_000);

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
