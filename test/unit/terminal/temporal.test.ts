// The terminal's temporal reads (aggregate … --version/--position/--at,
// projection-at) and its event import: each sends the engine's own intent,
// the reads change nothing, and bad input gets a message with the usage.
import { describe, expect, test } from 'vitest';
import { banking } from '../../../src/domain/index.ts';
import { harness } from './helpers.ts';

async function account() {
  const h = await harness(banking);
  await h.run('OpenAccount acc-1 Ada 0');
  await h.run('Deposit acc-1 10000');
  await h.run('Withdraw acc-1 2500');
  await h.run('time run');
  return h;
}

describe('aggregate', () => {
  test('--version reads the stream as it stood then, recorded as an aggregateAt intent, and appends nothing', async () => {
    const h = await account();
    const head = (await h.backend.status()).headPosition;
    const text = await h.run('aggregate account-acc-1 --version=2');
    expect(text).toContain('account-acc-1 (Account) as of version 2');
    expect(text).toMatch(/balanceCents\s+10000/);
    expect(text).toContain('read-only');
    expect((await h.backend.status()).headPosition).toBe(head);
    const trace = await h.backend.trace({ types: ['temporal.aggregate'] });
    expect(trace.at(-1)).toMatchObject({ streamId: 'account-acc-1', version: 2 });
    const script = (JSON.parse(await h.backend.exportSession()) as { script: { intent: { kind: string } }[] }).script;
    expect(script.at(-1)!.intent).toEqual({ kind: 'aggregateAt', streamId: 'account-acc-1', asOf: { version: 2 } });
  });

  test('--position and --at name other moments; a version past the end says so', async () => {
    const h = await account();
    expect(await h.run('aggregate account-acc-1 --position=1')).toMatch(/balanceCents\s+0/);
    expect(await h.run('aggregate account-acc-1 --at=10m')).toMatch(/balanceCents\s+7500/);
    expect(await h.run('aggregate account-acc-1 --version=9')).toContain('The stream has only 3 events');
  });

  test('bad input: no moment, two moments, a negative version, an unknown stream', async () => {
    const h = await account();
    expect(await h.run('aggregate account-acc-1')).toMatch(/Say which moment to read[\s\S]*usage: +aggregate <streamId>/);
    expect(await h.run('aggregate account-acc-1 --version=1 --position=2')).toContain('Give one moment, not --version and --position');
    expect(await h.run('aggregate account-acc-1 --version=-1')).toContain('--version should be a whole number of at least 0');
    expect(await h.run('aggregate account-nobody --version=1')).toContain('`streams` lists the streams that exist.');
  });
});

describe('projection-at', () => {
  test('a query answered on the projection as of a position, the live read model untouched', async () => {
    const h = await account();
    const text = await h.run('projection-at balance --position=2 GetBalance acc-1');
    expect(text).toContain('balance as of position 2');
    expect(text).toMatch(/balanceCents\s+10000/);
    expect(await h.run('GetBalance acc-1')).toMatch(/balanceCents\s+7500/);
    const trace = await h.backend.trace({ types: ['temporal.projection'] });
    expect(trace.at(-1)).toMatchObject({ projection: 'balance', position: 2, queryType: 'GetBalance' });
  });

  test('without a query, the tables as of then', async () => {
    const h = await account();
    expect(await h.run('projection-at balance --position=1')).toMatch(/balance_cents|balanceCents/);
  });

  test('bad input: unknown projection, no moment, a query of another projection, consistency options', async () => {
    const h = await account();
    expect(await h.run('projection-at nope --position=1')).toContain("There is no projection called 'nope'");
    expect(await h.run('projection-at balance GetBalance acc-1')).toContain('Say which moment to read');
    expect(await h.run('projection-at balance --position=1 GetStatement acc-1')).toContain("reads the projection 'statement'");
    expect(await h.run('projection-at balance --position=1 GetBalance acc-1 --consistency=ryw')).toContain('takes no consistency options');
  });
});

describe('import of an event', () => {
  test('a version-1 ProductAdded is appended and read upcast', async () => {
    const h = await harness();
    const text = await h.run(
      'import product-OLD-3 ProductAdded --schema-version=1 {"sku":"OLD-3","name":"Stapler","priceCents":900,"stock":12}',
    );
    expect(text).toContain('Imported ProductAdded into product-OLD-3 as version 1');
    expect(text).toContain('schema version 1');
    await h.run('time run');
    expect(await h.run('GetProduct OLD-3')).toMatch(/category\s+uncategorised/);
  });

  test('checked as the engine checks an import: type, stream, schema version, JSON', async () => {
    const h = await harness();
    const data = '{"sku":"OLD-3","name":"Stapler","priceCents":900,"stock":12}';
    expect(await h.run(`import product-OLD-3 ProductAded ${data}`)).toContain(
      "There is no event type 'ProductAded'. Did you mean 'ProductAdded'?",
    );
    expect(await h.run(`import order-OLD-3 ProductAdded ${data}`)).toContain('ProductAdded belongs to a stream named product-<id>');
    expect(await h.run(`import product-OLD-3 ProductAdded --schema-version=9 ${data}`)).toContain('exists in schema versions 1 to');
    expect(await h.run('import product-OLD-3 ProductAdded {"sku":')).toContain('The data is not valid JSON');
    expect(await h.run('import product-OLD-3 ProductAdded')).toContain('Give the event’s data as a JSON object');
    expect((await h.backend.status()).headPosition).toBe(0);
  });

  test('session text still restores a session', async () => {
    const h = await harness();
    await h.run('AddProduct KB-42 Keyboard 4999 10');
    const text = await h.backend.exportSession();
    const other = await harness();
    expect(await other.run(`import ${text}`)).toContain('Session imported');
  });
});
