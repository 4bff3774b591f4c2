// The load generator's shapes: spread over many products (no two orders race)
// or concentrated on one hot product with limited stock (the flash sale).
import { describe, expect, it } from 'vitest';
import { commerce } from '../../../src/domain/commerce/index.ts';
import { banking } from '../../../src/domain/banking/index.ts';
import { validatePayload } from '../../../src/engine/validation.ts';
import { HOT_SKU, loadPlan, type LoadShape } from '../../../src/sandbox/loadGenerator.ts';
import { LESSON_PRESETS } from '../../../src/sandbox/lessonPresets.ts';
import { LoadDriver } from '../../../src/worker/loadDriver.ts';
import { SessionObserver } from '../../../src/worker/views/observer.ts';
import { commerceEngine } from '../engine/helpers.ts';
import type { SettingsPatch } from '../../../src/engine/index.ts';

/** Drive the load for `ms` of virtual time the way the real-time loop does, then let everything settle. */
async function runLoad(rate: number, ms: number, shape?: LoadShape, settings: SettingsPatch = {}) {
  const engine = await commerceEngine(settings, 7);
  const driver = new LoadDriver(engine, 'commerce', shape);
  driver.setRate(rate);
  while (driver.nextDue() <= ms) {
    await engine.advanceTo(driver.nextDue());
    driver.submitDue();
  }
  await engine.runUntilIdle();
  const count = (type: string) => engine.trace.filter((r) => r.type === type).length;
  const rejections = engine.trace.flatMap((r) => (r.type === 'command.rejected' ? [r.rejection.code] : []));
  return { engine, sent: driver.summary().sent, count, rejections };
}

describe('load generator', () => {
  it.each([
    [500, 2000],
    // The load slider's top: commands on one stream still land past each other's commandMs.
    [10_000, 300],
  ])('spreads orders so that no two race for a stream, and every command is accepted (%i/s)', async (rate, ms) => {
    const { sent, count } = await runLoad(rate, ms);
    // The load starts 50 ms in (setup first).
    expect(sent).toBeGreaterThan((rate * (ms - 50)) / 1000 - 10);
    expect(count('command.conflict')).toBe(0);
    expect(count('command.rejected')).toBe(0);
    expect(count('command.completed')).toBe(sent);
  });

  it('sends the hot share of commands as orders for the one hot product, evenly spaced', () => {
    const plan = loadPlan('commerce', { hotShare: 0.25, hotStock: 10 })!;
    expect(plan.setup).toEqual([{ type: 'AddProduct', data: expect.objectContaining({ sku: HOT_SKU, stock: 10 }) }]);
    const commands = Array.from({ length: 400 }, (_, i) => plan.command(i));
    const hot = commands.filter((c) => c.data['sku'] === HOT_SKU);
    expect(hot).toHaveLength(100);
    expect(hot.every((c) => c.type === 'PlaceOrder')).toBe(true);
    // Evenly spaced: every window of four commands holds exactly one hot order.
    for (let i = 0; i < 400; i += 4) expect(commands.slice(i, i + 4).filter((c) => c.data['sku'] === HOT_SKU)).toHaveLength(1);
    // The rest keep the spread pattern (each product added before its first order) and every order id is unique.
    const cold = commands.filter((c) => c.data['sku'] !== HOT_SKU);
    expect(cold).toEqual(Array.from({ length: 300 }, (_, j) => loadPlan('commerce')!.command(j)));
    const orderIds = commands.flatMap((c) => (c.type === 'PlaceOrder' ? [c.data['orderId']] : []));
    expect(new Set(orderIds).size).toBe(orderIds.length);
    for (const c of [...plan.setup, ...commands.slice(0, 20)]) {
      const spec = commerce.commands.find((s) => s.type === c.type)!;
      expect(() => validatePayload(spec.type, spec.fields, c.data)).not.toThrow();
    }
  });

  it('refuses a shape it cannot honour', () => {
    expect(() => loadPlan('commerce', { hotShare: 1.5, hotStock: 10 })).toThrow(/0 to 1/);
    expect(() => loadPlan('commerce', { hotShare: -0.1, hotStock: 10 })).toThrow(/0 to 1/);
    expect(() => loadPlan('commerce', { hotShare: 0.5, hotStock: 2.5 })).toThrow(/whole number/);
    expect(() => loadPlan(banking.name, { hotShare: 0.5, hotStock: 10 })).toThrow(/commerce/);
    expect(loadPlan(banking.name, { hotShare: 0, hotStock: 0 })).toBe(loadPlan(banking.name));
  });

  it('makes orders race on the hot product: conflicts, retries, and OutOfStock once the stock is gone', async () => {
    const preset = LESSON_PRESETS['flash-sale'];
    const shape = preset.loadShape!;
    const { engine, sent, count, rejections } = await runLoad(1000, 2000, shape, preset.settings);
    const hotOrders = Math.floor(sent * shape.hotShare);
    expect(hotOrders).toBeGreaterThan(shape.hotStock);
    expect(count('command.conflict')).toBeGreaterThan(0);
    expect(count('command.retried')).toBeGreaterThan(0);
    expect(rejections.filter((r) => r === 'OutOfStock').length).toBeGreaterThan(0);
    expect(new Set(rejections)).toEqual(new Set(['OutOfStock']));
    // The rule holds under the race: never more units sold than the stock.
    const sold = (await engine.readAll(1, 1_000_000)).filter((e) => e.type === 'OrderPlaced' && e.data['sku'] === HOT_SKU);
    expect(sold).toHaveLength(shape.hotStock);
    // Some orders lose the race three times running and fail (the hot stream serves one order per 5 ms).
    expect(count('command.failed')).toBeGreaterThan(0);
    // The sandbox's tallies (what the embed shows) agree with the trace.
    const observer = new SessionObserver(commerce);
    for (const r of engine.trace) observer.add(r);
    expect(observer.tallies()).toEqual({
      completed: count('command.completed'),
      rejected: rejections.length,
      failed: count('command.failed'),
      duplicate: 0,
      conflicts: count('command.conflict'),
      rejections: { OutOfStock: rejections.length },
    });
  });
});
