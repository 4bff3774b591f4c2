// Shared setup for engine tests: one sql.js module per test file.
import initSqlJs from 'sql.js';
import type { SqlJsStatic } from '../../../src/engine/sqlite.ts';
import { createEngine, type Engine } from '../../../src/engine/engine.ts';
import type { SettingsPatch } from '../../../src/engine/settings.ts';
import type { DomainDefinition } from '../../../src/engine/domain.ts';
import { commerce } from '../../../src/domain/commerce/index.ts';
import { banking } from '../../../src/domain/banking/index.ts';

let sqlPromise: Promise<SqlJsStatic> | undefined;
export function sqlJs(): Promise<SqlJsStatic> {
  sqlPromise ??= initSqlJs();
  return sqlPromise;
}

export async function engineFor(domain: DomainDefinition, settings: SettingsPatch = {}, seed = 1): Promise<Engine> {
  return createEngine({ sql: await sqlJs(), domain, seed, settings });
}

export const commerceEngine = (settings: SettingsPatch = {}, seed = 1): Promise<Engine> => engineFor(commerce, settings, seed);
export const bankingEngine = (settings: SettingsPatch = {}, seed = 1): Promise<Engine> => engineFor(banking, settings, seed);

/** Settings with no delays and no faults: the simplest world to reason about. */
export const INSTANT: SettingsPatch = {
  bus: { latencyMs: 0, jitterMs: 0 },
  costs: { commandMs: 0, projectMs: 0, queryMs: 0 },
};

import { ReadSide } from '../../../src/engine/readSide.ts';
import type { Engine as EngineT } from '../../../src/engine/engine.ts';
import { tablesOf } from '../../../src/engine/read/readStoreTables.ts';

const CHECKPOINT_TABLES = new Set(['checkpoint', 'stream_checkpoints', 'projection_checkpoints', 'projection_stream_checkpoints']);

/**
 * Every read-model table of a store as text, rows sorted: equal dumps mean
 * equal read models. `only`: the tables to dump (a store shared by several
 * projections, or by the event store, holds more).
 */
export async function dumpReadModel(
  run: (sql: string) => Promise<{ columns: string[]; rows: unknown[][] }> | { columns: string[]; rows: unknown[][] },
  only?: readonly string[],
): Promise<string> {
  const tables = (await run("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).rows
    .map((r) => String(r[0]))
    .filter((t) => !CHECKPOINT_TABLES.has(t) && (only === undefined || only.includes(t)));
  const out: string[] = [];
  for (const t of tables) {
    const res = await run(`SELECT * FROM "${t}"`);
    out.push(`${t}: ${JSON.stringify(res.rows.map((r) => JSON.stringify(r)).sort())}`);
  }
  return out.join('\n');
}

/** What each projection of `engine` should hold: every stored event applied once, in order, to a fresh store. */
export async function replayedFromScratch(engine: EngineT): Promise<Record<string, string>> {
  const fresh = new ReadSide(await sqlJs(), engine.domain);
  const events = await engine.readAll(1, 1_000_000);
  const out: Record<string, string> = {};
  for (const p of engine.domain.projections) {
    fresh.applyBatch({
      projection: p.name,
      events,
      mode: 'catchUp',
      guards: { dedupe: true, ordering: true },
      headPosition: events.length,
    });
    out[p.name] = await dumpReadModel((sql) => fresh.readOnlySql(p.name, sql));
  }
  fresh.close();
  return out;
}

export async function liveDumps(engine: EngineT): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const sql = await sqlJs();
  for (const p of engine.domain.projections) out[p.name] = await dumpReadModel((s) => engine.readOnlySql(p.name, s), tablesOf(sql, p));
  return out;
}
