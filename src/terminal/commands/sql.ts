// Read-only SQL against the write store (the event log) or any read store.
// The text after the store name goes to the engine exactly as typed: the
// engine runs it with SQLite's query_only on, so writes are refused by
// SQLite itself whatever the text looks like. The terminal never inspects
// the SQL to decide what is allowed.
import type { DomainCatalog } from '../backend.ts';
import { rowCount } from '../format.ts';
import { suggest } from '../suggest.ts';
import { splitRaw } from '../tokenize.ts';
import { UsageError, type CommandContext, type CommandDef } from './types.ts';

/** What to say after a refused write: commands are the way to change state. */
export function writeHint(catalog: DomainCatalog): string {
  const example = catalog.commands[0]?.type;
  return `State changes only through commands${example !== undefined ? ` such as ${example}` : ''} — try \`help commands\`.`;
}

/** Split `[store] <sql>`: the first word is a store when it names one. */
export function splitSql(rest: string, catalog: DomainCatalog): { store: string; sql: string; firstWord: string | undefined } {
  const stores = ['write', ...catalog.projections.map((p) => p.name)];
  const { head, rest: after } = splitRaw(rest, 1);
  const first = head[0]?.value;
  if (first !== undefined) {
    const hit = stores.find((s) => s === first) ?? stores.find((s) => s.toLowerCase() === first.toLowerCase());
    if (hit !== undefined) return { store: hit, sql: after, firstWord: first };
  }
  return { store: 'write', sql: rest, firstWord: first };
}

async function runSql(ctx: CommandContext, store: string, sql: string, firstWord: string | undefined): Promise<void> {
  const { backend, out, catalog } = ctx;
  try {
    const result = await backend.readOnlySql(store, sql);
    if (result.columns.length === 0) {
      out.dim(`OK: ${result.statements === 1 ? 'the statement ran' : `${result.statements} statements ran`}, no rows to show.`);
      return;
    }
    out.table(result.columns, result.rows, {
      caption:
        rowCount(result.rows.length, result.truncated) + (result.statements > 1 ? ` from the last of ${result.statements} statements` : ''),
    });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'QUERY_STOPPED') {
      // Stopped by the time limit or Ctrl+C: the query ran on a copy, nothing to undo.
      out.error((e as Error).message);
      return;
    }
    if (code === 'READ_ONLY') {
      out.error((e as Error).message);
      out.warn(writeHint(catalog));
      return;
    }
    if (code === 'SQL_ERROR') {
      out.error((e as Error).message);
      // `sql catalog SELECT …`: the first word was probably meant as a store.
      const stores = ['write', ...catalog.projections.map((p) => p.name)];
      const hint = firstWord !== undefined && store === 'write' ? suggest(firstWord, stores) : undefined;
      if (hint !== undefined && hint !== 'write')
        out.dim(`Did you mean the store '${hint}'? Usage: sql [store] <SQL>; stores: ${stores.join(', ')}.`);
      else if (store === 'write')
        out.dim('This ran on the write store (tables events, processed_commands). `tables` lists the tables of each store.');
      return;
    }
    throw e;
  }
}

export function sqlCommands(catalog: DomainCatalog): CommandDef[] {
  const first = catalog.projections[0]?.name;
  const stores = ['write', ...catalog.projections.map((p) => p.name)];
  return [
    {
      name: 'sql',
      family: 'sql',
      raw: true,
      usage: 'sql [store] <SQL…>',
      description: 'Run read-only SQL on the write store (default) or a read store; rows print as a table.',
      details: [
        `Stores: ${stores.join(', ')}. The write store holds the events and processed_commands tables.`,
        'SQLite itself refuses any write (query_only): state changes only through commands.',
        'Several statements may be given; the rows of the last one are shown (at most 1000).',
        'In the sandbox a query runs on a copy of the store and is stopped after 3 s of real time (or by Ctrl+C), so an endless query cannot freeze the engine.',
      ],
      examples: [
        'sql SELECT position, stream_id, event_type FROM events ORDER BY position DESC LIMIT 10',
        'sql write SELECT event_type, count(*) FROM events GROUP BY event_type',
        ...(first ? [`sql ${first} SELECT name FROM sqlite_master WHERE type = 'table'`] : []),
      ],
      complete(req) {
        // Only the first word after `sql` is ours to complete: the store.
        if (req.before.length > 0) return [];
        return stores;
      },
      async execute(args, ctx) {
        const { store, sql, firstWord } = splitSql(args.rest, ctx.catalog);
        if (sql.trim() === '') {
          throw new UsageError(
            store === 'write' && firstWord === undefined
              ? 'Give an SQL statement, e.g. sql SELECT * FROM events LIMIT 5.'
              : `Give an SQL statement after '${store}'.`,
          );
        }
        await runSql(ctx, store, sql, firstWord);
      },
    },
    {
      name: 'tables',
      aliases: ['schema'],
      family: 'sql',
      description: 'List the tables of a store (all stores when none is named) with their columns.',
      examples: ['tables', 'tables write', ...(first ? [`tables ${first}`] : [])],
      args: [
        {
          name: 'store',
          kind: 'store',
          required: false,
          description: `write or a projection (${catalog.projections.map((p) => p.name).join(', ')})`,
        },
      ],
      async execute(args, ctx) {
        const only = args.values['store'] as string | undefined;
        const rows: (string | number)[][] = [];
        for (const store of only !== undefined ? [only] : stores) {
          const tables = await ctx.backend.readOnlySql(
            store,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
          );
          for (const [name] of tables.rows) {
            const cols = await ctx.backend.readOnlySql(
              store,
              `SELECT name FROM pragma_table_info('${String(name).replaceAll("'", "''")}')`,
            );
            rows.push([store, String(name), cols.rows.map((r) => String(r[0])).join(', ')]);
          }
        }
        ctx.out.table(['store', 'table', 'columns'], rows);
        ctx.out.dim(`Query one with e.g. sql ${only ?? 'write'} SELECT * FROM ${rows[0]?.[1] ?? 'events'} LIMIT 5`);
      },
    },
  ];
}
