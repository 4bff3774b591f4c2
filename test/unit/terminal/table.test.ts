// The command table: every command of both domains has a usage line and at
// least one example, each example parses to that command, and `help` shows
// both for every command and subcommand.
import { describe, expect, it } from 'vitest';
import { banking, commerce } from '../../../src/domain/index.ts';
import { catalogOf } from '../../../src/terminal/backend.ts';
import { allEntries, buildCommandTable } from '../../../src/terminal/commands/table.ts';
import { parseLine } from '../../../src/terminal/parse.ts';
import { quoteIfNeeded } from '../../../src/terminal/tokenize.ts';
import { harness } from './helpers.ts';

for (const domain of [commerce, banking]) {
  describe(`command table (${domain.name})`, () => {
    const table = buildCommandTable(catalogOf(domain));
    const entries = allEntries(table);

    it('covers every family of the issue', () => {
      const names = new Set(table.entries.map((e) => e.name));
      for (const n of [
        'cmd',
        'query',
        'sql',
        'streams',
        'events',
        'stream',
        'trace',
        'bus',
        'idempotency',
        'projections',
        'projection',
        'time',
        'seed',
        'reset',
        'scenarios',
        'scenario',
        'export',
        'import',
        'help',
        'clear',
        'history',
      ]) {
        expect(names, n).toContain(n);
      }
      for (const c of domain.commands) expect(names).toContain(c.type);
      for (const q of domain.queries) expect(names).toContain(q.type);
      const bus = table.lookup('bus')!.subcommands!.map((s) => s.name);
      expect(bus).toEqual(expect.arrayContaining(['latency', 'jitter', 'duplicates', 'drops', 'reorder', 'ordered-partitions']));
      const projection = table.lookup('projection')!.subcommands!.map((s) => s.name);
      expect(projection).toEqual(
        expect.arrayContaining(['pause', 'resume', 'crash', 'rebuild', 'shadow-rebuild', 'compare', 'flip', 'rollback', 'drop-shadow']),
      );
      const time = table.lookup('time')!.subcommands!.map((s) => s.name);
      expect(time).toEqual(expect.arrayContaining(['pause', 'resume', 'step', 'speed', 'advance', 'run']));
    });

    it('gives every entry a usage line, a description and at least one example', () => {
      for (const e of entries) {
        expect(e.usage.trim(), e.path.join(' ')).not.toBe('');
        expect(e.usage.startsWith(e.path.join(' ')) || e.usage.startsWith(e.name), e.usage).toBe(true);
        expect(e.description.trim(), e.path.join(' ')).not.toBe('');
        expect(e.examples.length, e.path.join(' ')).toBeGreaterThanOrEqual(1);
      }
    });

    it('parses every example to the command it illustrates', () => {
      for (const e of entries) {
        for (const example of e.examples) {
          const parsed = parseLine(example, table);
          expect(parsed.kind, `${example} → ${'message' in parsed ? parsed.message : ''}`).toBe('ok');
          if (parsed.kind !== 'ok') continue;
          // A parent's examples may reach one of its subcommands; domain types are reachable through cmd/query too.
          const reached = parsed.entry;
          const ok = reached.name === e.name || reached.path.slice(0, e.path.length).join(' ') === e.path.join(' ');
          expect(ok, `${example} reached ${reached.path.join(' ')} instead of ${e.path.join(' ')}`).toBe(true);
        }
      }
    });

    it('has no two top-level commands answering to the same word', () => {
      const words = table.allNames().map((w) => w.toLowerCase());
      expect(new Set(words).size).toBe(words.length);
    });

    it('prints the usage line and an example in `help <command>` for every command and subcommand', async () => {
      const h = await harness(domain);
      const overview = await h.run('help');
      for (const e of table.entries) expect(overview).toContain(e.name);
      for (const e of entries) {
        const text = await h.run(`help ${e.path.join(' ')}`);
        expect(text, e.path.join(' ')).toContain(e.usage);
        expect(text, e.path.join(' ')).toContain(e.examples[0]!);
      }
    });
  });
}

describe('domain commands derived from the specs', () => {
  const table = buildCommandTable(catalogOf(commerce));

  it('writes a usage line from the fields, optional ones in brackets', () => {
    expect(table.lookup('PlaceOrder')!.usage).toBe(
      'PlaceOrder <orderId> <customerId> <sku> <quantity> [--id=<commandId>] [--expect-version=n]',
    );
    expect(table.lookup('ListOrders')!.usage).toMatch(/^ListOrders \[limit\] \[--consistency=<strategy>\]/);
    expect(table.lookup('cmd')!.subcommands!.find((s) => s.name === 'PlaceOrder')!.usage).toMatch(/^cmd PlaceOrder </);
  });

  it('builds examples from the field examples, quoting values with spaces', () => {
    for (const spec of commerce.commands) {
      const values = spec.fields.map((f) => quoteIfNeeded(String(f.example)));
      expect(table.lookup(spec.type)!.examples).toEqual([
        [spec.type, ...values].join(' '),
        ['cmd', spec.type, ...spec.fields.map((f, i) => `${f.name}=${values[i]}`)].join(' '),
      ]);
    }
    expect(table.lookup('AddProduct')!.examples[0]).toMatch(/^AddProduct KB-42 "Mechanical keyboard" 4999 10/);
  });

  it('needs no terminal change for a new domain', () => {
    const custom = {
      ...catalogOf(commerce),
      name: 'library',
      commands: [
        {
          type: 'LendBook',
          description: 'Lend a book.',
          fields: [
            { name: 'isbn', kind: 'string' as const, description: 'Book', example: '978-0' },
            { name: 'days', kind: 'integer' as const, description: 'Days', example: 14, required: false },
          ],
        },
      ],
    };
    const t = buildCommandTable(custom);
    expect(t.lookup('LendBook')!.usage).toBe('LendBook <isbn> [days] [--id=<commandId>] [--expect-version=n]');
    const parsed = parseLine('LendBook 978-0 21', t);
    expect(parsed.kind === 'ok' && parsed.args.values).toEqual({ isbn: '978-0', days: 21 });
  });
});
