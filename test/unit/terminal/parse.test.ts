import { describe, expect, it } from 'vitest';
import { banking, commerce } from '../../../src/domain/index.ts';
import { catalogOf } from '../../../src/terminal/backend.ts';
import { buildCommandTable } from '../../../src/terminal/commands/table.ts';
import { parseDuration, parseLine, parseProbability, type ParseResult } from '../../../src/terminal/parse.ts';

const table = buildCommandTable(catalogOf(commerce));
const parse = (line: string): ParseResult => parseLine(line, table);
function ok(line: string) {
  const r = parse(line);
  if (r.kind !== 'ok') throw new Error(`${line}: ${'message' in r ? r.message : r.kind}`);
  return r;
}
function usage(line: string): string {
  const r = parse(line);
  if (r.kind !== 'usage') throw new Error(`${line}: expected a usage error, got ${r.kind}`);
  return r.message;
}

describe('domain commands', () => {
  it('takes fields in order, coerced per field kind', () => {
    const r = ok('PlaceOrder o1 alice tea 2');
    expect(r.entry.name).toBe('PlaceOrder');
    expect(r.args.values).toEqual({ orderId: 'o1', customerId: 'alice', sku: 'tea', quantity: 2 });
  });

  it('takes name=value pairs in any order, and mixes them with positional values', () => {
    expect(ok('cmd PlaceOrder quantity=2 sku=tea orderId=o1 customerId=alice').args.values).toEqual({
      orderId: 'o1',
      customerId: 'alice',
      sku: 'tea',
      quantity: 2,
    });
    // Positional values fill the fields not named, in field order.
    expect(ok('PlaceOrder sku=tea o1 alice 2').args.values).toEqual({ orderId: 'o1', customerId: 'alice', sku: 'tea', quantity: 2 });
  });

  it('accepts the command type in any case, and `cmd`/`send` in front', () => {
    expect(ok('placeorder o1 a b 1').entry.name).toBe('PlaceOrder');
    expect(ok('cmd placeorder o1 a b 1').entry.path).toEqual(['cmd', 'PlaceOrder']);
    expect(ok('send PlaceOrder o1 a b 1').entry.path).toEqual(['cmd', 'PlaceOrder']);
  });

  it('keeps quoted values whole and as text', () => {
    expect(ok('AddProduct KB "Mechanical keyboard" 4999 10').args.values).toMatchObject({
      name: 'Mechanical keyboard',
      priceCents: 4999,
      stock: 10,
    });
    expect(ok('AddProduct KB name="x = y" 1 1').args.values).toMatchObject({ name: 'x = y' });
  });

  it('leaves a value that is not a number as typed, so the engine can say what it got', () => {
    expect(ok('PlaceOrder o1 a b two').args.values['quantity']).toBe('two');
    expect(ok('PlaceOrder o1 a b 1_000').args.values['quantity']).toBe(1000);
  });

  it('coerces booleans and leaves missing fields to the engine', () => {
    expect(ok('ListCatalogue yes').args.values).toEqual({ inStockOnly: true });
    expect(ok('ListCatalogue inStockOnly=false').args.values).toEqual({ inStockOnly: false });
    expect(ok('PlaceOrder o1').args.values).toEqual({ orderId: 'o1' });
  });

  it('reads --id and --correlation', () => {
    expect(ok('PlaceOrder o1 a b 1 --id=order-o1').args.options).toEqual({ id: 'order-o1' });
    expect(ok('PlaceOrder o1 a b 1 --id order-o1 --correlation=c1').args.options).toEqual({ id: 'order-o1', correlation: 'c1' });
  });

  it('reads --expect-version (alias --expect) as a whole number from 0, and says what is wrong with a bad value', () => {
    expect(ok('ChangePrice KB 4500 --expect-version=5').args.options).toEqual({ 'expect-version': 5 });
    expect(ok('ChangePrice KB 4500 --expect-version 0').args.options).toEqual({ 'expect-version': 0 });
    expect(ok('cmd ChangePrice sku=KB priceCents=4500 --expect=7').args.options).toEqual({ 'expect-version': 7 });
    expect(usage('ChangePrice KB 4500 --expect-version=five')).toBe("--expect-version should be a whole number, got 'five'.");
    expect(usage('ChangePrice KB 4500 --expect-version=-1')).toBe("--expect-version should be a whole number of at least 0, got '-1'.");
    expect(usage('ChangePrice KB 4500 --expect-version=1.5')).toBe("--expect-version should be a whole number, got '1.5'.");
    expect(usage('ChangePrice KB 4500 --expect-version')).toBe('--expect-version needs a value, e.g. --expect-version=n.');
    expect(usage('ChangePrice KB 4500 --expect-versoin=2')).toBe("Unknown option --expect-versoin. Did you mean '--expect-version'?");
  });

  it('refuses an unknown field with a suggestion, a repeated field, and too many values', () => {
    expect(usage('PlaceOrder qty=2')).toBe("PlaceOrder has no field 'qty'. It takes: orderId, customerId, sku, quantity.");
    expect(usage('PlaceOrder quantiy=2')).toContain("Did you mean 'quantity'?");
    expect(usage('PlaceOrder sku=a sku=b')).toBe("'sku' is given twice.");
    expect(usage('PlaceOrder o1 a b 1 extra')).toBe('Too many arguments: extra');
  });

  it('refuses an unknown option with a suggestion', () => {
    expect(usage('PlaceOrder o1 --idd=x')).toBe("Unknown option --idd. Did you mean '--id'?");
    expect(usage('streams --x')).toContain("'streams' takes no options");
  });

  it('reports an unterminated quote as a usage error of the command', () => {
    const r = parse('AddProduct KB "Mechanical keyboard 4999 10');
    expect(r.kind).toBe('usage');
    expect(r.kind === 'usage' && r.entry.name).toBe('AddProduct');
  });

  it('derives banking commands from banking specs', () => {
    const t = buildCommandTable(catalogOf(banking));
    const r = parseLine('Transfer t1 acc-1 acc-2 2500', t);
    expect(r.kind === 'ok' && r.args.values).toEqual({ transferId: 't1', fromAccountId: 'acc-1', toAccountId: 'acc-2', amountCents: 2500 });
    expect(parseLine('PlaceOrder o1 a b 1', t).kind).toBe('unknown');
  });
});

describe('queries', () => {
  it('reads the consistency options', () => {
    const r = ok('query GetOrderSummary orderId=o1 --consistency=token --token=12 --timeout=2000 --poll=50ms --via=writeSide');
    expect(r.entry.path).toEqual(['query', 'GetOrderSummary']);
    expect(r.args.values).toEqual({ orderId: 'o1' });
    expect(r.args.options).toEqual({ consistency: 'token', token: 12, timeout: 2000, poll: 50, via: 'writeSide' });
  });

  it('parses every strategy, in the learner’s words or the engine’s, in any case', () => {
    const words: Record<string, string> = {
      eventual: 'eventual',
      'read-your-writes': 'readYourWrites',
      readYourWrites: 'readYourWrites',
      ryw: 'readYourWrites',
      token: 'token',
      polling: 'poll',
      poll: 'poll',
      push: 'push',
      optimistic: 'optimistic',
      swr: 'staleWhileRevalidate',
      'stale-while-revalidate': 'staleWhileRevalidate',
      staleWhileRevalidate: 'staleWhileRevalidate',
    };
    for (const [word, strategy] of Object.entries(words)) {
      expect(ok(`GetOrderSummary o1 --consistency=${word.toUpperCase()}`).args.options['consistency']).toBe(strategy);
      expect(ok(`GetOrderSummary o1 --consistency ${word}`).args.options['consistency']).toBe(strategy);
    }
    expect(ok('GetOrderSummary o1 --c=push').args.options['consistency']).toBe('push');
  });

  it('refuses an unknown strategy, listing the known ones', () => {
    expect(usage('GetOrderSummary o1 --consistency=strong')).toBe(
      "--consistency should be a consistency strategy: eventual, read-your-writes, token, polling, push, optimistic, swr, got 'strong'.",
    );
    expect(usage('GetOrderSummary o1 --via=sideways')).toContain('one of: wait, writeSide');
    expect(usage('GetOrderSummary o1 --consistency=polling --timeout=soon')).toContain('a duration');
    expect(usage('GetOrderSummary o1 --token')).toBe('--token needs a value, e.g. --token=n.');
  });
});

describe('built-in commands', () => {
  it('keeps the SQL of `sql` exactly as typed', () => {
    const r = ok("sql write SELECT 'a;b'; PRAGMA query_only=0");
    expect(r.entry.name).toBe('sql');
    expect(r.args.rest).toBe("write SELECT 'a;b'; PRAGMA query_only=0");
    // Even text the tokenizer would refuse.
    expect(ok('sql SELECT "unterminated').args.rest).toBe('SELECT "unterminated');
    expect(ok('sql   SELECT  1  ').args.rest).toBe('SELECT  1  ');
  });

  it('walks into subcommands and coerces their values', () => {
    expect(ok('bus latency 500').args.values).toEqual({ ms: 500 });
    expect(ok('bus latency 2s').args.values).toEqual({ ms: 2000 });
    expect(ok('bus duplicates 10%').args.values).toEqual({ probability: 0.1 });
    expect(ok('bus drops 0.05').args.values).toEqual({ probability: 0.05 });
    expect(ok('bus reorder on').args.values).toEqual({ state: true });
    expect(ok('bus ordered-partitions OFF').args.values).toEqual({ state: false });
    expect(ok('time advance 500ms').args.values).toEqual({ duration: 500 });
    expect(ok('time speed 2x').args.values).toEqual({ factor: 2 });
    expect(ok('time step').args.values).toEqual({});
    expect(ok('time step 5').args.values).toEqual({ n: 5 });
    expect(ok('projection pause catalogue').entry.path).toEqual(['projection', 'pause']);
    expect(ok('projection rebuild ALL').args.values).toEqual({ projection: 'all' });
    expect(ok('projection Catalogue').args.values).toEqual({ projection: 'catalogue' });
  });

  it('explains wrong values', () => {
    expect(usage('bus latency soon')).toBe("ms should be a duration such as 500, 500ms, 2s or 1m, got 'soon'.");
    expect(usage('bus latency 120s')).toContain('at most 60000');
    expect(usage('bus duplicates 150%')).toContain('a probability such as 10% or 0.1');
    expect(usage('bus duplicates 10')).toContain('a probability');
    expect(usage('bus reorder maybe')).toBe("state should be on or off, got 'maybe'.");
    expect(usage('bus latency')).toBe('Missing <ms>: milliseconds: 500, 500ms or 2s.');
    expect(usage('time step 0')).toContain('at least 1');
    expect(usage('projection pause catalog')).toBe(
      `There is no projection called 'catalog'. Did you mean 'catalogue'? This domain has: ${commerce.projections.map((p) => p.name).join(', ')} (or all).`,
    );
  });

  it('names the subcommand that was probably meant, with its usage', () => {
    const r = parse('bus latncy 5');
    expect(r.kind).toBe('usage');
    if (r.kind !== 'usage') return;
    expect(r.message).toBe("Unknown bus setting 'latncy'. Did you mean 'latency'?");
    expect(r.entry.path).toEqual(['bus', 'latency']);
    expect(usage('projection paus catalogue')).toBe("Unknown projection action 'paus'. Did you mean 'pause'?");
    expect(usage('time wait')).toBe("Unknown time control 'wait'. Choose from: pause, resume, step, speed, advance, run.");
    expect(usage('cmd Foo')).toBe(`Unknown commerce command 'Foo'. Choose from: ${commerce.commands.map((c) => c.type).join(', ')}.`);
    expect(usage('query GetOrderSumary o1')).toBe("Unknown commerce query 'GetOrderSumary'. Did you mean 'GetOrderSummary'?");
  });

  it('reports an unknown command with the nearest name', () => {
    expect(parse('hepl')).toMatchObject({ kind: 'unknown', suggestion: 'help', message: "Unknown command 'hepl'. Did you mean 'help'?" });
    expect(parse('PlaceOrdr o1')).toMatchObject({ kind: 'unknown', suggestion: 'PlaceOrder' });
    expect(parse('strems')).toMatchObject({ suggestion: 'streams' });
    expect(parse('xyzzy')).toMatchObject({ kind: 'unknown', message: "Unknown command 'xyzzy'." });
  });

  it('treats blank and comment lines as nothing to do', () => {
    expect(parse('')).toEqual({ kind: 'empty' });
    expect(parse('   ')).toEqual({ kind: 'empty' });
    expect(parse('# a note')).toEqual({ kind: 'empty' });
  });
});

describe('values', () => {
  it('reads durations', () => {
    expect(parseDuration('500')).toBe(500);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2 s')).toBe(2000);
    expect(parseDuration('1m')).toBe(60_000);
    expect(parseDuration('1min')).toBe(60_000);
    expect(parseDuration('-5')).toBeUndefined();
    expect(parseDuration('5h')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });

  it('reads probabilities as percentages or fractions', () => {
    expect(parseProbability('10%')).toBe(0.1);
    expect(parseProbability('0.1')).toBe(0.1);
    expect(parseProbability('100%')).toBe(1);
    expect(parseProbability('0')).toBe(0);
    expect(parseProbability('7.5%')).toBe(0.075);
    expect(parseProbability('10')).toBeUndefined();
    expect(parseProbability('101%')).toBeUndefined();
    expect(parseProbability('-1%')).toBeUndefined();
  });
});
