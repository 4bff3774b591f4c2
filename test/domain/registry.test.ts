import { describe, expect, it } from 'vitest';
import { domains, getDomain } from '../../src/domain/index.ts';

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
      for (const p of d.projections) for (const v of Object.values(p.variants ?? {})) for (const t of v.handles) expect(eventTypes.has(t)).toBe(true);
    }
    expect(getDomain('commerce').projections.map((p) => p.name)).toEqual(['orderSummary', 'catalogue', 'customerOrders', 'checkouts']);
    expect(getDomain('banking').projections.map((p) => p.name)).toEqual(['balance', 'statement']);
    expect(getDomain('workItems').projections.map((p) => p.name)).toEqual(['board', 'boardNormalized']);
    expect(getDomain('social').projections.map((p) => [p.name, p.fanOut])).toEqual([['feedPush', 'push'], ['feedPull', 'pull'], ['feedHybrid', 'hybrid']]);
  });
});
