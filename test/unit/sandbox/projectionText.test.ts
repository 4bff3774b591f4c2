// The wording the Projections panel and the terminal share for a crash and a
// shadow comparison, and when a comparison stops describing the stores.
import { describe, expect, it } from 'vitest';
import type { ProjectionInfo, ShadowComparison } from '../../../src/engine/index.ts';
import { comparisonIsCurrent, comparisonText, crashText } from '../../../src/sandbox/projectionText.ts';

const comparison = (over: Partial<ShadowComparison> = {}): ShadowComparison => ({
  projection: 'catalogue',
  liveVariant: 'current',
  otherVariant: 'v2',
  livePosition: 1,
  otherPosition: 1,
  differingRows: 0,
  tables: [],
  ...over,
});

const info = (over: Partial<ProjectionInfo> = {}): ProjectionInfo => ({
  name: 'catalogue',
  status: 'live',
  position: 1,
  headPosition: 1,
  lagEvents: 0,
  lagMs: 0,
  inbox: 0,
  heldByBus: 0,
  counters: { applied: 1, duplicatesSkipped: 0, ignored: 0, gapsDetected: 0, held: 0 },
  guards: { dedupe: true, ordering: true },
  mode: 'async',
  variant: 'current',
  shadow: { variant: 'v2', role: 'candidate', status: 'caughtUp', position: 1, lagEvents: 0, events: 1 },
  ...over,
});

describe('crashText', () => {
  it('says a requested crash was simulated, and what it lost', () => {
    expect(crashText({ reason: 'requested', rolledBack: 0, lostInbox: 0 })).toBe('crashed on request (a simulated crash).');
    expect(crashText({ reason: 'requested', rolledBack: 1, lostInbox: 3 })).toBe(
      'crashed on request (a simulated crash): 1 event of the batch in flight rolled back, 3 delivered events lost from its inbox.',
    );
  });

  it("quotes the handler's error", () => {
    expect(crashText({ reason: 'the handler failed: no such table: products', rolledBack: 2, lostInbox: 0 })).toBe(
      'crashed because the handler failed: no such table: products: 2 events of the batch in flight rolled back.',
    );
  });
});

describe('comparisonText', () => {
  it('names both stores, their versions and positions', () => {
    expect(comparisonText(comparison(), 'candidate')).toBe(
      'catalogue: the live store (version current, at position 1) and the shadow (version v2, at position 1) hold the same rows.',
    );
    expect(comparisonText(comparison({ differingRows: 1, livePosition: 7, otherPosition: 6 }), 'previous')).toBe(
      'catalogue: the live store (version current, at position 7) and the previous version (version v2, at position 6) differ in 1 row.',
    );
    expect(comparisonText(comparison({ differingRows: 3 }))).toContain('and the other store (version v2, at position 1) differ in 3 rows.');
  });
});

describe('comparisonIsCurrent', () => {
  it('holds while the same live version has the same other store beside it', () => {
    expect(comparisonIsCurrent(comparison(), [info()])).toBe(true);
  });

  it('ends with a drop, a flip, a reset or another projection list', () => {
    expect(comparisonIsCurrent(comparison(), [info({ shadow: null })])).toBe(false);
    expect(
      comparisonIsCurrent(comparison(), [
        info({ variant: 'v2', shadow: { variant: 'current', role: 'previous', status: 'caughtUp', position: 1, lagEvents: 0, events: 0 } }),
      ]),
    ).toBe(false);
    expect(comparisonIsCurrent(comparison(), [info({ name: 'orders' })])).toBe(false);
    expect(comparisonIsCurrent(comparison(), [])).toBe(false);
  });
});
