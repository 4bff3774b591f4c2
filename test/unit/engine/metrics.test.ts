import { describe, expect, it } from 'vitest';
import { commandMetrics, consistencyWindows, lagSeries, percentile, percentiles, projectionMetrics } from '../../../src/engine/metrics.ts';
import { bankingEngine } from './helpers.ts';

describe('metrics', () => {
  it('percentile uses nearest rank', () => {
    const v = [5, 1, 4, 2, 3];
    expect(percentile(v, 50)).toBe(3);
    expect(percentile(v, 100)).toBe(5);
    expect(percentile(v, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
    expect(percentiles(Array.from({ length: 100 }, (_, i) => i + 1))).toEqual({ p50: 50, p90: 90, p99: 99 });
  });

  it('consistency windows, lag series and counts from a real trace', async () => {
    const e = await bankingEngine({ bus: { latencyMs: 10, jitterMs: 0 }, costs: { commandMs: 2, projectMs: 3, queryMs: 0 } });
    await e.execute({ type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } }, { sessionId: 's' });
    await e.execute({ type: 'Withdraw', data: { accountId: 'a', amountCents: 5 } });
    await e.runUntilIdle();
    const windows = consistencyWindows(e.trace);
    expect(windows).toEqual([
      { commandId: 'cmd-1', commandType: 'OpenAccount', projection: 'balance', appendedAt: 2, appliedAt: 15, windowMs: 13 },
      { commandId: 'cmd-1', commandType: 'OpenAccount', projection: 'statement', appendedAt: 2, appliedAt: 15, windowMs: 13 },
    ]);
    const lag = lagSeries(e.trace, 'balance');
    expect(lag).toEqual([{ at: 15, watermark: 1, headPosition: 1, lagEvents: 0 }]);
    expect(projectionMetrics(e.trace).map((m) => [m.projection, m.applied, m.windowMs['p50']])).toEqual([
      ['balance', 1, 13],
      ['statement', 1, 13],
    ]);
    expect(commandMetrics(e.trace)).toMatchObject({ completed: 1, rejected: 1, conflicts: 0, durationMs: { p50: 2 } });
  });
});
