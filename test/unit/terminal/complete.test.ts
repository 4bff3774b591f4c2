import { beforeAll, describe, expect, it } from 'vitest';
import { commerce } from '../../../src/domain/index.ts';
import { harness, type Harness } from './helpers.ts';

// Lists come from the domain's own specs: a domain that grows needs no change here.
const commandTypes = commerce.commands.map((c) => c.type);
const projections = commerce.projections.map((p) => p.name);
const placeOrderFields = commerce.commands.find((c) => c.type === 'PlaceOrder')!.fields.map((f) => f.name);

let h: Harness;
beforeAll(async () => {
  h = await harness();
  await h.run('AddProduct KB-42 Keyboard 4999 10');
  await h.run('AddProduct MUG Mug 900 5');
  await h.run('PlaceOrder o1 ada KB-42 1');
});

const complete = (line: string, cursor?: number) => h.session.complete(line, cursor);

describe('completion of command names', () => {
  it('offers every command and domain type on an empty line', async () => {
    const c = await complete('');
    expect(c.candidates).toEqual(expect.arrayContaining(['help', 'sql', 'bus', 'PlaceOrder', 'GetOrderSummary']));
    expect(c.line).toBe('');
  });

  it('completes a unique prefix and adds a space', async () => {
    expect(await complete('hel')).toMatchObject({ line: 'help ', cursor: 5, candidates: ['help'] });
    expect((await complete('Pla')).line).toBe('PlaceOrder ');
    expect((await complete('placeo')).line).toBe('PlaceOrder ');
  });

  it('extends to the common prefix when several fit', async () => {
    const c = await complete('proj');
    expect(c.candidates).toEqual(['projection', 'projection-at', 'projections']);
    expect(c.line).toBe('projection');
    const s = await complete('stre');
    expect(s.candidates).toEqual(['stream', 'streams']);
  });

  it('offers nothing after an unknown command', async () => {
    expect((await complete('xyzzy ')).candidates).toEqual([]);
  });
});

describe('completion of domain commands', () => {
  it('lists domain command types after cmd and query types after query', async () => {
    expect((await complete('cmd ')).candidates).toEqual(commandTypes);
    expect((await complete('cmd PlaceO')).line).toBe('cmd PlaceOrder ');
    expect((await complete('query Get')).candidates).toEqual(commerce.queries.map((q) => q.type).filter((t) => t.startsWith('Get')));
  });

  it('offers the field names not given yet, after the type', async () => {
    expect((await complete('PlaceOrder ')).candidates).toEqual(placeOrderFields.map((f) => `${f}=`));
    expect((await complete('PlaceOrder o2 ')).candidates).toEqual(placeOrderFields.slice(1).map((f) => `${f}=`));
    expect((await complete('cmd PlaceOrder sku=KB-42 ')).candidates).toEqual(
      placeOrderFields.filter((f) => f !== 'sku').map((f) => `${f}=`),
    );
    expect(await complete('PlaceOrder orderId=o2 q')).toMatchObject({ line: 'PlaceOrder orderId=o2 quantity=', candidates: ['quantity='] });
  });

  it('offers values of boolean and enum fields', async () => {
    expect((await complete('ListCatalogue ')).candidates).toEqual(['true', 'false', 'inStockOnly=']);
    expect((await complete('ListCatalogue inStockOnly=')).candidates).toEqual(['inStockOnly=true', 'inStockOnly=false']);
    expect((await complete('ListCatalogue inStockOnly=t')).line).toBe('ListCatalogue inStockOnly=true ');
  });

  it('completes options and their values', async () => {
    expect((await complete('GetOrderSummary o1 --')).candidates).toEqual(['--consistency=', '--token=', '--timeout=', '--poll=', '--via=']);
    expect((await complete('GetOrderSummary o1 --consistency=')).candidates).toHaveLength(7);
    expect((await complete('GetOrderSummary o1 --consistency=re')).line).toBe('GetOrderSummary o1 --consistency=read-your-writes ');
    expect((await complete('GetOrderSummary o1 --consistency p')).candidates).toEqual(['polling', 'push']);
    expect((await complete('reset --')).candidates).toEqual(['--seed=', '--domain=', '--defaults']);
    expect((await complete('reset --domain=b')).line).toBe('reset --domain=banking ');
  });

  it('completes --expect-version with 0 and the current version of a stream named on the line', async () => {
    expect((await complete('ChangePrice KB-42 4500 --')).candidates).toEqual(['--id=', '--correlation=', '--expect-version=']);
    expect((await complete('ChangePrice KB-42 4500 --expect-v')).line).toBe('ChangePrice KB-42 4500 --expect-version=');
    // product-KB-42 is at version 2 (added, one order), product-MUG at version 1.
    expect((await complete('ChangePrice KB-42 4500 --expect-version=')).candidates).toEqual(['--expect-version=0', '--expect-version=2']);
    expect((await complete('cmd ChangePrice sku=MUG --expect-version=')).candidates).toEqual(['--expect-version=0', '--expect-version=1']);
    expect((await complete('ChangePrice KB-42 4500 --expect-version=2')).line).toBe('ChangePrice KB-42 4500 --expect-version=2 ');
    expect((await complete('AddProduct NEW --expect-version=')).candidates).toEqual(['--expect-version=0']);
  });
});

describe('completion of stream ids, projections and settings', () => {
  it('completes stream ids from the event store', async () => {
    expect((await complete('stream ')).candidates).toEqual(['product-KB-42', 'product-MUG']);
    expect((await complete('stream product-M')).line).toBe('stream product-MUG ');
    expect((await complete('stream prod')).line).toBe('stream product-');
    expect((await complete('events --stream=product-K')).line).toBe('events --stream=product-KB-42 ');
  });

  it('completes projection names and `all`', async () => {
    expect((await complete('projection pause ')).candidates).toEqual([...projections, 'all']);
    expect((await complete('projection pause cat')).line).toBe('projection pause catalogue ');
    expect((await complete('projection ')).candidates).toEqual(
      expect.arrayContaining(['pause', 'shadow-rebuild', 'compare', 'flip', 'rollback', 'drop-shadow', 'orderSummary']),
    );
    const variants = commerce.projections.flatMap((p) => Object.keys(p.variants ?? {}));
    expect((await complete('projection shadow-rebuild catalogue --variant=')).candidates).toEqual(
      ['current', ...new Set(variants)].map((v) => `--variant=${v}`),
    );
    expect((await complete('projection dedupe catalogue ')).candidates).toEqual(['on', 'off']);
  });

  it('completes subcommands and their on/off values', async () => {
    expect((await complete('bus ')).candidates).toEqual([
      'latency',
      'jitter',
      'duplicates',
      'drops',
      'redelivery',
      'reorder',
      'ordered-partitions',
      'defaults',
    ]);
    expect((await complete('bus reo')).line).toBe('bus reorder ');
    expect((await complete('bus reorder ')).candidates).toEqual(['on', 'off']);
    expect((await complete('time ')).candidates).toEqual(['pause', 'resume', 'step', 'speed', 'advance', 'run']);
  });

  it('completes the store of sql and nothing inside the SQL', async () => {
    expect((await complete('sql ')).candidates).toEqual(['write', ...projections]);
    expect((await complete('sql cat')).line).toBe('sql catalogue ');
    expect((await complete('sql SELECT * FROM ')).candidates).toEqual([]);
  });

  it('completes help topics and settings paths', async () => {
    expect((await complete('help bu')).line).toBe('help bus ');
    expect((await complete('help bus la')).line).toBe('help bus latency ');
    expect((await complete('set bus.lat')).line).toBe('set bus.latencyMs ');
    expect((await complete('set projections.cat')).candidates).toEqual(['projections.catalogue.dedupe', 'projections.catalogue.ordering']);
  });

  it('completes at the cursor, keeping the rest of the line', async () => {
    const line = 'projection pause cat --x';
    const c = await complete(line, 20);
    expect(c.line).toBe('projection pause catalogue  --x');
    expect(c.cursor).toBe(27);
  });

  it('never fails, whatever the line', async () => {
    for (const line of ['"', "sql '", 'PlaceOrder "o', '--', '=', 'cmd =x', 'bus latency "5', '\u0000', 'help help help ']) {
      const c = await complete(line);
      expect(c.line.startsWith(line.slice(0, c.from))).toBe(true);
    }
  });
});
