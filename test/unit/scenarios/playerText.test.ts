import { describe, expect, it } from 'vitest';
import { intentLabel, narrationParts, outcomeLine } from '../../../src/scenarios/playerText.ts';
import { challengeControl, controlPatch, expandAllowedSettings, settingAt, shownValue } from '../../../src/scenarios/playerControls.ts';
import { DEFAULT_SETTINGS, applySettingsPatch } from '../../../src/engine/settings.ts';

describe('narration text', () => {
  it('renders backticked spans as code', () => {
    expect(narrationParts('Send `PlaceOrder` twice, then read `orderSummary`.')).toEqual([
      { code: false, text: 'Send ' },
      { code: true, text: 'PlaceOrder' },
      { code: false, text: ' twice, then read ' },
      { code: true, text: 'orderSummary' },
      { code: false, text: '.' },
    ]);
  });

  it('keeps an unpaired backtick as text', () => {
    expect(narrationParts('a `b` c ` d')).toEqual([
      { code: false, text: 'a ' },
      { code: true, text: 'b' },
      { code: false, text: ' c ` d' },
    ]);
  });

  it('says what each intent was and what the engine answered', () => {
    expect(intentLabel({ kind: 'configure', settings: { bus: { latencyMs: 500 }, idempotency: true } })).toBe(
      'set bus.latencyMs, idempotency',
    );
    expect(intentLabel({ kind: 'query', query: { type: 'orderSummary' }, consistency: { strategy: 'token' } })).toBe(
      'query orderSummary (token)',
    );
    expect(
      outcomeLine({
        intent: { kind: 'command', command: { type: 'PlaceOrder', data: {} } },
        ok: false,
        error: { code: 'OUT_OF_STOCK', message: 'Only 2 left.' },
      }),
    ).toBe('PlaceOrder: OUT_OF_STOCK, Only 2 left.');
  });
});

describe('challenge controls', () => {
  it('reuses the sandbox control for a setting it has, with its display scale', () => {
    const c = challengeControl('bus.duplicateProbability');
    expect(c).toMatchObject({ kind: 'range', label: 'Duplicates', scale: 0.01 });
    expect(shownValue(c, 0.25)).toBe(25);
    expect(controlPatch(c, 40)).toEqual({ bus: { duplicateProbability: 0.4 } });
  });

  it('builds a control from the engine rules for any other setting, and its patch is one the engine accepts', () => {
    const level = challengeControl('separationLevel');
    expect(level.kind).toBe('select');
    expect(controlPatch(level, '2')).toEqual({ separationLevel: 2 });
    const batch = challengeControl('projection.batchSize');
    expect(batch).toMatchObject({ kind: 'number', min: 1, max: 10_000 });
    const settings = applySettingsPatch(DEFAULT_SETTINGS, controlPatch(batch, '5'), []);
    expect(settingAt(settings, 'projection.batchSize')).toBe(5);
  });

  it('names the terminal for settings that are not one value', () => {
    expect(challengeControl('sync.projections').kind).toBe('other');
  });

  it("offers a projection's own guards as toggles that follow the global guard until set", () => {
    const paths = expandAllowedSettings(['projections.catalogue', 'bus.reorder']);
    expect(paths).toEqual(['projections.catalogue.dedupe', 'projections.catalogue.ordering', 'bus.reorder']);
    const ordering = challengeControl('projections.catalogue.ordering');
    expect(ordering).toMatchObject({ kind: 'toggle', label: 'Ordering guard of catalogue' });
    const off = applySettingsPatch(DEFAULT_SETTINGS, { projection: { ordering: false } }, ['catalogue']);
    expect(shownValue(ordering, settingAt(off, ordering.path))).toBe(false);
    const on = applySettingsPatch(off, controlPatch(ordering, true), ['catalogue']);
    expect(on.projections.catalogue).toEqual({ ordering: true });
    expect(shownValue(ordering, settingAt(on, ordering.path))).toBe(true);
  });
});
