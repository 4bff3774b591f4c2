import { describe, expect, it } from 'vitest';
import { InvalidSettingError } from '../../../src/engine/errors.ts';
import { DEFAULT_SETTINGS, applySettingsPatch, guardsFor, projectionCostMs } from '../../../src/engine/settings.ts';
import { commerceEngine } from './helpers.ts';

const names = ['catalogue', 'orderSummary'];

function settingError(patch: unknown): InvalidSettingError {
  try {
    applySettingsPatch(DEFAULT_SETTINGS, patch, names);
  } catch (e) {
    if (e instanceof InvalidSettingError) return e;
    throw e;
  }
  throw new Error('expected InvalidSettingError');
}

describe('settings', () => {
  it('merges a valid patch without touching the original', () => {
    const next = applySettingsPatch(DEFAULT_SETTINGS, { bus: { latencyMs: 50, reorder: true }, idempotency: false }, names);
    expect(next.bus.latencyMs).toBe(50);
    expect(next.bus.reorder).toBe(true);
    expect(next.idempotency).toBe(false);
    expect(DEFAULT_SETTINGS.bus.latencyMs).toBe(20);
  });
  it('rejects bad values naming the setting, the value and the range', () => {
    const neg = settingError({ bus: { latencyMs: -5 } });
    expect(neg.setting).toBe('bus.latencyMs');
    expect(neg.message).toContain('got -5');
    expect(neg.message).toContain('from 0 to 60000');
    expect(settingError({ bus: { duplicateProbability: 1.5 } }).message).toContain('from 0 to 1');
    expect(settingError({ bus: { dropProbability: 1 } }).message).toContain('nothing would ever be delivered');
    expect(settingError({ bus: { latencyMs: '10' } }).setting).toBe('bus.latencyMs');
    expect(settingError({ bus: { latencyMs: 1.5 } }).setting).toBe('bus.latencyMs');
    expect(settingError({ bus: { reorder: 'yes' } }).message).toContain('true or false');
    expect(settingError({ bus: { latency: 5 } }).message).toContain('bus.latencyMs');
    expect(settingError({ network: {} }).setting).toBe('network');
    expect(settingError({ retry: { maxAttempts: 0 } }).setting).toBe('retry.maxAttempts');
    expect(settingError({ projections: { nope: { dedupe: false } } }).message).toContain('catalogue');
    expect(settingError({ projections: { catalogue: { fast: true } } }).setting).toBe('projections.catalogue.fast');
    expect(settingError(null).setting).toBe('(settings)');
  });
  it('per-projection guard overrides', () => {
    const s = applySettingsPatch(DEFAULT_SETTINGS, { projections: { catalogue: { dedupe: false } } }, names);
    expect(guardsFor(s, 'catalogue')).toEqual({ dedupe: false, ordering: true });
    expect(guardsFor(s, 'orderSummary')).toEqual({ dedupe: true, ordering: true });
  });
  it('an invalid configure leaves the engine unchanged and traces nothing', async () => {
    const e = await commerceEngine();
    const before = e.settings;
    expect(() => e.configure({ bus: { latencyMs: 10, jitterMs: -1 } })).toThrow(InvalidSettingError);
    expect(e.settings).toEqual(before);
    expect(e.trace.length).toBe(0);
    expect(e.recordedScript()).toEqual([]);
    e.configure({ bus: { latencyMs: 10 } });
    expect(e.settings.bus.latencyMs).toBe(10);
    expect(e.trace.at(-1)).toMatchObject({ type: 'settings.changed', changes: { bus: { latencyMs: 10 } } });
  });
});

describe('projection time per event below 1 ms', () => {
  it('costs whole virtual ms: rounded up per batch, exact for whole-ms settings', () => {
    const at = (projectMs: number, events: number) => projectionCostMs({ costs: { ...DEFAULT_SETTINGS.costs, projectMs } }, events);
    expect(at(0.1, 5)).toBe(1);
    expect(at(0.1, 30)).toBe(3); // not 4: 0.1 × 30 is 3.0000000000000004 in floating point
    expect(at(0.1, 31)).toBe(4);
    expect(at(0.25, 1)).toBe(1);
    expect(at(1, 50)).toBe(50);
    expect(at(0, 50)).toBe(0);
  });

  it('lets a projection keep up with 5,000 events/s, where 1 ms per event falls behind', async () => {
    const lagAfterLoad = async (projectMs: number, projectBatchMs = 0) => {
      const engine = await commerceEngine({ costs: { projectMs, projectBatchMs } }, 3);
      // 5 new products every ms for 200 ms: 1,000 events on 1,000 streams (no command waits for another).
      for (let ms = 1; ms <= 200; ms++) {
        await engine.advanceTo(ms);
        for (let k = 0; k < 5; k++) {
          const sku = `P-${ms}-${k}`;
          engine.submit({ kind: 'command', command: { type: 'AddProduct', data: { sku, name: sku, priceCents: 100, stock: 1 } } });
        }
      }
      await engine.advanceTo(260);
      const lag = Math.max(...engine.status().projections.map((p) => p.lagEvents));
      const batches = engine.trace.filter((r) => r.type === 'projection.checkpointed').length;
      return { lag, batches };
    };
    const fine = await lagAfterLoad(0.1);
    expect(fine.lag).toBe(0);
    expect((await lagAfterLoad(1)).lag).toBeGreaterThan(500);
    // A cost per batch: each projection takes bigger batches, fewer of them, and still keeps up.
    const batched = await lagAfterLoad(0.1, 5);
    expect(batched.lag).toBe(0);
    expect(batched.batches).toBeLessThan(fine.batches / 3);
  });
});
