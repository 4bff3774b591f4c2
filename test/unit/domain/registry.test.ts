import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { domains, getDomain } from '../../../src/domain/index.ts';

/** The tables and indexes a projection's schema creates, read back from a scratch database. */
async function objectsOf(schema: readonly string[]): Promise<string[]> {
  const db = new (await initSqlJs()).Database();
  for (const ddl of schema) db.exec(ddl);
  const names = (
    db.exec("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'")[0]?.values ?? []
  ).map((r) => String(r[0]));
  db.close();
  return names;
}

describe('domain registry', () => {
  it('lists the domains and describes every part introspectably', () => {
    expect(Object.keys(domains)).toEqual(['commerce', 'banking', 'social', 'workItems']);
    expect(() => getDomain('crypto')).toThrow(/commerce, banking, social, workItems/);
    for (const d of Object.values(domains)) {
      const eventTypes = new Set(d.events.map((e) => e.type));
      const projections = new Set(d.projections.map((p) => p.name));
      for (const c of d.commands) {
        expect(c.description.length).toBeGreaterThan(10);
        for (const f of c.fields) expect(f.description && f.example !== undefined).toBeTruthy();
      }
      for (const p of d.projections) for (const t of p.handles) expect(eventTypes.has(t)).toBe(true);
      for (const q of d.queries) expect(projections.has(q.projection)).toBe(true);
      for (const s of d.sagas ?? []) for (const t of s.handles) expect(eventTypes.has(t)).toBe(true);
      for (const u of d.upcasters ?? []) expect(eventTypes.has(u.eventType)).toBe(true);
      for (const p of d.projections)
        for (const v of Object.values(p.variants ?? {})) for (const t of v.handles) expect(eventTypes.has(t)).toBe(true);
    }
    expect(getDomain('commerce').projections.map((p) => p.name)).toEqual(['orderSummary', 'catalogue', 'customerOrders', 'checkouts']);
    expect(getDomain('banking').projections.map((p) => p.name)).toEqual(['balance', 'statement']);
    expect(getDomain('workItems').projections.map((p) => p.name)).toEqual(['board', 'boardNormalized']);
    expect(getDomain('social').projections.map((p) => [p.name, p.fanOut])).toEqual([
      ['feedPush', 'push'],
      ['feedPull', 'pull'],
      ['feedHybrid', 'hybrid'],
    ]);
  });

  // At separation levels 1 and 2 the projections share one database: a name
  // two projections create would fail there ("table … already exists").
  it('no two projections of a domain create the same table or index, so every separation level works', async () => {
    for (const d of Object.values(domains)) {
      const owner = new Map<string, string>();
      for (const p of d.projections) {
        const codes = [p.schema, ...Object.values(p.variants ?? {}).map((v) => v.schema)];
        const names = new Set((await Promise.all(codes.map(objectsOf))).flat());
        expect(names.size, `${d.name}.${p.name} creates no table`).toBeGreaterThan(0);
        for (const name of names) {
          expect(owner.get(name), `${d.name}: ${name} is created by ${owner.get(name)} and ${p.name}`).toBeUndefined();
          owner.set(name, p.name);
        }
      }
    }
  });
});
