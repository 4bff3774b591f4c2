// Which sandbox controls a scenario page shows is derived from setting paths:
// the ones a challenge allows and the ones its steps configure.
import { describe, expect, it } from 'vitest';
import { SETTING_CONTROLS, controlsForSettingPaths, shownControls } from '../../../src/sandbox/controls.ts';

describe('controlsForSettingPaths', () => {
  it('maps a setting path to the control that edits it, in the order given, once each', () => {
    expect(controlsForSettingPaths(['bus.reorder', 'projection.ordering', 'bus.orderedPartitions', 'bus.reorder'])).toEqual([
      'reorder',
      'ordering',
      'ordered-partitions',
    ]);
    expect(controlsForSettingPaths(['delivery'])).toEqual(['delivery']);
    expect(controlsForSettingPaths(['sync.mode'])).toEqual(['sync-mode']);
  });

  it('maps a whole group to every control in it', () => {
    expect(controlsForSettingPaths(['bus'])).toEqual(['latency', 'jitter', 'duplicates', 'drops', 'reorder', 'ordered-partitions']);
  });

  it('gives nothing for a setting no control edits', () => {
    expect(controlsForSettingPaths(['projection.batchSize', 'projections.catalogue', 'retry.maxAttempts'])).toEqual([]);
  });

  it('gives ids the sandbox accepts as a preset’s controls', () => {
    const ids = controlsForSettingPaths(['bus', 'idempotency', 'projection', 'sync.mode', 'delivery', 'faults', 'snapshots', 'costs']);
    expect(shownControls(['time', ...ids]).settings.map((c) => c.id)).toEqual(ids);
  });
});

describe('projection time per event', () => {
  it('has stops below 1 ms, so projections can keep up with thousands of events/s', () => {
    const control = SETTING_CONTROLS.find((c) => c.id === 'project-ms');
    if (control?.kind !== 'range') throw new Error('project-ms is not a slider');
    expect(control.stops.slice(0, 7)).toEqual([0, 0.1, 0.2, 0.5, 1, 2, 3]);
    expect(control.stops.at(-1)).toBe(10_000);
  });
});

describe('commit interval', () => {
  it('is a slider in ms from 0 (off) to 1,000, with the small intervals worth trying as stops', () => {
    const control = SETTING_CONTROLS.find((c) => c.id === 'commit-interval');
    if (control?.kind !== 'range') throw new Error('commit-interval is not a slider');
    expect(control).toMatchObject({ path: ['projection', 'commitIntervalMs'], unit: 'ms', min: 0, max: 1000 });
    for (const ms of [0, 1, 5, 10, 50, 100, 1000]) expect(control.stops).toContain(ms);
    expect(controlsForSettingPaths(['projection.commitIntervalMs'])).toEqual(['commit-interval']);
  });
});
