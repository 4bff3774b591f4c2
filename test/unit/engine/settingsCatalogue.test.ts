// The settings catalogue describes exactly what the engine validates: every
// path it lists is accepted at its min and max and refused just outside, and
// every setting of EngineSettings has an entry.
import { describe, expect, it } from 'vitest';
import { commerce } from '../../../src/domain/index.ts';
import {
  DEFAULT_SETTINGS,
  InvalidSettingError,
  SETTINGS_CATALOGUE,
  allowableSettingPaths,
  applySettingsPatch,
  concreteSettings,
  settingEntry,
  settingPatch,
  settingValue,
  type SettingEntry,
} from '../../../src/engine/index.ts';

const projections = commerce.projections.map((p) => p.name);
const aggregates = commerce.aggregates.map((a) => a.name);
const apply = (path: string, value: unknown) => applySettingsPatch(DEFAULT_SETTINGS, settingPatch(path, value), projections, aggregates);
const refused = (path: string, value: unknown): void => {
  expect(() => apply(path, value), `${path} = ${JSON.stringify(value)}`).toThrow(InvalidSettingError);
};

/** Values the engine must accept for an entry, and values just outside it must refuse. */
function edges(e: SettingEntry): { accepted: unknown[]; refused: unknown[] } {
  const r = e.rule;
  switch (r.kind) {
    case 'number': {
      const eps = r.integer ? 1 : 0.001;
      return { accepted: [r.min, r.max], refused: [r.min - eps, r.max + eps, ...(r.integer ? [r.min + 0.5] : []), 'x'] };
    }
    case 'boolean':
      return { accepted: [true, false], refused: ['on', 1] };
    case 'enum':
      return { accepted: [...r.values], refused: ['nope', 99] };
    case 'projectionNames':
      return { accepted: [[], projections], refused: [['nope'], 'catalogue'] };
    case 'perAggregate':
      return {
        accepted: [{ [aggregates[0]!]: r.min }, { [aggregates[0]!]: r.max }],
        refused: [{ [aggregates[0]!]: r.min - 1 }, { [aggregates[0]!]: r.max + 1 }, { nope: r.min }],
      };
  }
}

describe('the settings catalogue', () => {
  for (const e of concreteSettings({ projections, aggregates })) {
    it(`${e.path}: accepted at its edges, refused just outside`, () => {
      const { accepted, refused: outside } = edges(e);
      for (const v of accepted) expect(settingValue(apply(e.path, v), e.path), e.path).toEqual(v);
      for (const v of outside) refused(e.path, v);
    });
  }

  it('describes every setting of EngineSettings (projections: per projection guards)', () => {
    const paths = SETTINGS_CATALOGUE.map((e) => e.path);
    const expected = Object.entries(DEFAULT_SETTINGS).flatMap(([group, value]) =>
      group === 'projections'
        ? []
        : value !== null && typeof value === 'object' && !Array.isArray(value)
          ? Object.keys(value).map((k) => `${group}.${k}`)
          : [group],
    );
    expect([...paths].sort()).toEqual([...expected].sort());
    for (const e of SETTINGS_CATALOGUE) {
      expect(e.label.length, e.path).toBeGreaterThan(2);
      expect(e.description, e.path).toMatch(/\.$/);
      if (e.rule.kind === 'number') expect(e.scale, e.path).toBeDefined();
      if (e.rule.kind === 'enum') expect(Object.keys(e.choices ?? {}).sort(), e.path).toEqual(e.rule.values.map(String).sort());
    }
  });

  it('covers the engine range the sandbox used to cut short (latency up to 60,000 ms)', () => {
    expect(settingEntry('bus.latencyMs')).toMatchObject({ unit: 'ms', scale: 'log', rule: { kind: 'number', min: 0, max: 60_000 } });
    expect(() => apply('bus.latencyMs', 60_000)).not.toThrow();
  });

  it('finds guard and per-aggregate entries, and nothing else', () => {
    expect(settingEntry('projections.catalogue.dedupe')).toMatchObject({ rule: { kind: 'boolean' }, label: 'Dedupe guard of catalogue' });
    expect(settingEntry('snapshots.stateVersions.Product')).toMatchObject({ rule: { kind: 'number', min: 1, max: 1000, integer: true } });
    expect(settingEntry('bus.nope')).toBeUndefined();
    expect(settingEntry('latencyMs')).toBeUndefined();
  });

  it('lists the paths a challenge may allow, each one the engine knows', () => {
    const paths = allowableSettingPaths(projections);
    expect(paths).toContain('bus');
    expect(paths).toContain('projections.catalogue');
    for (const p of paths.filter((x) => x.split('.').length >= 2 && !/^projections\.[^.]+$/.test(x)))
      expect(settingEntry(p), p).toBeDefined();
  });

  it('reads a guard a projection does not override as the global guard', () => {
    const off = applySettingsPatch(DEFAULT_SETTINGS, { projection: { dedupe: false } }, projections);
    expect(settingValue(off, 'projections.catalogue.dedupe')).toBe(false);
    expect(settingPatch('projections.catalogue.dedupe', true)).toEqual({ projections: { catalogue: { dedupe: true } } });
  });
});
