// Which sandbox controls a scenario page shows is derived from setting paths:
// the ones a challenge allows and the ones its steps configure.
import { describe, expect, it } from 'vitest';
import { controlsForSettingPaths, shownControls } from '../../../src/sandbox/controls.ts';

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
