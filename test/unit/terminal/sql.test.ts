// Read-only SQL from the terminal: SQLite refuses every write, the terminal
// passes the text through untouched and prints SQLite's message, and the
// engine's data is unchanged and still usable afterwards.
import { describe, expect, it } from 'vitest';
import { renderPlain } from '../../../src/terminal/ansi.ts';
import { harness, type Harness } from './helpers.ts';

async function shop(): Promise<Harness> {
  const h = await harness();
  await h.run('AddProduct KB "Mechanical keyboard" 4999 10');
  await h.run('PlaceOrder o1 alice KB 2');
  await h.run('time run');
  return h;
}

async function counts(h: Harness): Promise<unknown> {
  const e = h.backend.engine;
  return {
    events: (await e.readOnlySql('write', 'SELECT count(*), max(position) FROM events')).rows,
    processed: (await e.readOnlySql('write', 'SELECT count(*) FROM processed_commands')).rows,
    tables: (await e.readOnlySql('write', 'SELECT count(*) FROM sqlite_master')).rows,
    catalogue: (await e.readOnlySql('catalogue', 'SELECT sku, stock FROM catalogue')).rows,
    // SQLite may open its (empty) temp schema while refusing CREATE TEMP: only attached databases count.
    databases: (await e.readOnlySql('write', 'PRAGMA database_list')).rows.map((r) => r[1]).filter((n) => n !== 'temp'),
    temp: (await e.readOnlySql('write', 'SELECT count(*) FROM temp.sqlite_master')).rows,
  };
}

describe('sql', () => {
  it('prints rows as an aligned table with a row count', async () => {
    const h = await shop();
    expect(await h.run('sql SELECT position, stream_id, event_type FROM events')).toBe(
      [
        'position  stream_id   event_type',
        '────────  ──────────  ────────────',
        '       1  product-KB  ProductAdded',
        '       2  product-KB  OrderPlaced',
        '(2 rows)',
      ].join('\n'),
    );
    expect(await h.run('sql catalogue SELECT sku, stock, NULL AS empty FROM catalogue')).toMatch(/KB\s+8\s+NULL\n\(1 row\)/);
    expect(await h.run('sql write SELECT 1 AS one; SELECT 2 AS two')).toContain('(1 row) from the last of 2 statements');
    expect(await h.run('sql SELECT * FROM events WHERE 0')).toContain('(0 rows)');
    expect(await h.run('sql PRAGMA table_info(events)')).toContain('stream_id');
  });

  it('sends the SQL exactly as typed', async () => {
    const h = await shop();
    expect(await h.run('sql write SELECT \'a;b\' AS v, "event_type" FROM events LIMIT 1')).toMatch(/a;b\s+ProductAdded/);
    expect(await h.run("sql SELECT 'it''s' AS v")).toContain("it's");
  });

  it('shows SQLite’s message for an SQL error', async () => {
    const h = await shop();
    const syntax = await h.out('sql SELEC 1');
    expect(syntax.ok).toBe(false);
    expect(renderPlain(syntax)).toContain(`SQLite could not run that on the 'write' store: near "SELEC": syntax error`);
    expect(await h.run('sql SELECT * FROM nope')).toContain('no such table: nope');
    expect(await h.run('sql catalog SELECT * FROM catalogue')).toContain("Did you mean the store 'catalogue'?");
    expect(await h.run('sql')).toContain('usage:   sql [store] <SQL…>');
    expect(await h.run('sql catalogue')).toContain("Give an SQL statement after 'catalogue'.");
  });

  it('points SQL typed without `sql` to it', async () => {
    const h = await shop();
    expect(await h.run('SELECT * FROM events')).toBe("Unknown command 'SELECT'.\nSQL goes through `sql`: sql SELECT * FROM events");
  });

  const tricks: [string, string][] = [
    [
      'an INSERT',
      "sql INSERT INTO events (stream_id, stream_version, event_type, schema_version, payload, command_id, correlation_id, causation_id, recorded_at) VALUES ('x', 1, 'X', 1, '{}', 'c', 'c', 'c', 0)",
    ],
    ['several statements in one line', 'sql SELECT 1; DELETE FROM events'],
    ['turning the guard off first', 'sql PRAGMA query_only=0; DELETE FROM events'],
    ['turning the guard off in a quoted-looking line', "sql write SELECT 'a;b'; PRAGMA query_only=0; DELETE FROM events"],
    ['ATTACH and write there', "sql ATTACH ':memory:' AS x; CREATE TABLE x.t(a)"],
    ['a transaction', 'sql BEGIN; DELETE FROM events; COMMIT'],
    ['DROP TABLE', 'sql DROP TABLE events'],
    ['a temp table', 'sql CREATE TEMP TABLE t(a)'],
    ['a PRAGMA that writes', 'sql PRAGMA user_version = 7'],
    ['a read store', 'sql catalogue UPDATE catalogue SET stock = 999'],
    ['a read store checkpoint', 'sql catalogue DELETE FROM checkpoint'],
    ['VACUUM', 'sql VACUUM'],
  ];
  for (const [what, line] of tricks) {
    it(`refuses a write: ${what}`, async () => {
      const h = await shop();
      const before = await counts(h);
      const out = await h.out(line);
      const text = renderPlain(out);
      expect(out.ok).toBe(false);
      expect(text).toMatch(/The '(write|catalogue)' store is read-only here\. State changes only through commands/);
      expect(text).toContain('SQLite said:');
      expect(text).toContain('State changes only through commands such as AddProduct — try `help commands`.');
      expect(await counts(h)).toEqual(before);
      // The engine still takes commands and projects them.
      expect(await h.run('RestockProduct KB 1')).toContain('✓ RestockProduct accepted');
      await h.run('time run');
      expect((await h.backend.engine.query({ type: 'GetProduct', params: { sku: 'KB' } })).data).toMatchObject({ stock: 9 });
    });
  }

  it('leaves no transaction open, nothing attached and the guard on across lines', async () => {
    const h = await shop();
    const before = await counts(h);
    expect((await h.out('sql BEGIN')).ok).toBe(true);
    expect((await h.out("sql ATTACH ':memory:' AS spy")).ok).toBe(true);
    expect((await h.out('sql PRAGMA query_only=OFF')).ok).toBe(true);
    expect(await h.run('sql DELETE FROM events')).toContain('read-only');
    expect(await counts(h)).toEqual(before);
    expect(await h.run('PlaceOrder o2 bob KB 1')).toContain('✓ PlaceOrder accepted');
    expect(await h.run('sql SELECT count(*) AS n FROM events')).toMatch(/n\n─\n3\n/);
  });
});
