// Every panel that shows a setting reads the engine's settings catalogue: the
// sandbox's sliders, the terminal's `settings` / `set`, scenario validation
// and the challenge panels. Checked against the catalogue itself, so a copy
// of a range or a label that drifts fails here.
import { describe, expect, it } from 'vitest';
import { commerce } from '../../src/domain/index.ts';
import { DEFAULT_SETTINGS, applySettingsPatch, concreteSettings, settingEntry, allowableSettingPaths } from '../../src/engine/index.ts';
import { SETTING_CONTROLS, displayValue, logStops, patchFor, sliderPosition, sliderValue } from '../../src/sandbox/controls.ts';
import { challengeControl } from '../../src/scenarios/playerControls.ts';
import { settingPaths as scenarioSettingPaths } from '../../src/scenarios/schema.ts';
import { catalogOf } from '../../src/terminal/backend.ts';
import { rangeOf, settingSchema } from '../../src/terminal/commands/settingsSchema.ts';

const projections = commerce.projections.map((p) => p.name);

describe('sandbox controls', () => {
  it('take label, help and the whole engine range from the catalogue', () => {
    for (const c of SETTING_CONTROLS) {
      const entry = settingEntry(c.path.join('.'))!;
      expect(c, c.id).toMatchObject({ label: entry.label, help: entry.description });
      if (c.kind !== 'range') continue;
      if (entry.rule.kind !== 'number') throw new Error(`${c.id} is a slider over a ${entry.rule.kind}`);
      const scale = c.scale ?? 1;
      expect([c.min * scale, c.max * scale], c.id).toEqual([entry.rule.min, entry.rule.max]);
      expect(c.stops[0], c.id).toBe(c.min);
      expect(c.stops.at(-1), c.id).toBe(c.max);
      for (let i = 1; i < c.stops.length; i++) expect(c.stops[i]!, c.id).toBeGreaterThan(c.stops[i - 1]!);
      // Both ends reach the engine: the patch at the last stop is accepted.
      const next = applySettingsPatch(DEFAULT_SETTINGS, patchFor(c, sliderValue(c, c.stops.length - 1)), projections);
      expect(displayValue(c, next), c.id).toBe(c.max);
    }
  });

  it('spread latency on a log scale: 0–200 ms is a good part of the slider, 60,000 ms its end', () => {
    const latency = SETTING_CONTROLS.find((c) => c.id === 'latency')!;
    if (latency.kind !== 'range') throw new Error('latency is a slider');
    expect(latency.max).toBe(60_000);
    const upTo200 = sliderPosition(latency, 200) / (latency.stops.length - 1);
    expect(upTo200).toBeGreaterThan(0.3);
    for (const ms of [0, 20, 40, 800, 1500, 60_000]) expect(sliderValue(latency, sliderPosition(latency, ms))).toBe(ms);
  });

  it('log stops follow a 1–2–5 ladder', () => {
    expect(logStops(0, 30)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22, 24, 26, 28, 30]);
    expect(logStops(90, 130)).toEqual([90, 95, 100, 110, 120, 130]);
  });
});

describe('the terminal', () => {
  it('lists every concrete catalogue path, with ranges in the catalogue unit', () => {
    const catalog = catalogOf(commerce);
    const schema = settingSchema(catalog);
    expect(schema.map((s) => s.path)).toEqual(
      concreteSettings({ projections, aggregates: commerce.aggregates.map((a) => a.name) }).map((e) => e.path),
    );
    expect(rangeOf(schema.find((s) => s.path === 'bus.latencyMs')!)).toBe('0–60000 ms');
    expect(rangeOf(schema.find((s) => s.path === 'bus.dropProbability')!)).toMatch(/^0%–90% \(/);
  });
});

describe('scenarios and challenges', () => {
  it('validate allowed settings against the catalogue', () => {
    expect(scenarioSettingPaths(commerce)).toEqual(allowableSettingPaths(projections));
  });

  it('describe a setting the sandbox has no control for in the catalogue’s words', () => {
    const entry = settingEntry('sagas.timeoutMs')!;
    expect(challengeControl('sagas.timeoutMs')).toMatchObject({ kind: 'number', label: entry.label, min: 1, max: 600_000 });
    expect(challengeControl('delivery')).toMatchObject({ kind: 'select', label: settingEntry('delivery')!.label });
    expect(challengeControl('bus.latencyMs')).toMatchObject({ kind: 'range', max: 60_000, label: 'Bus latency' });
  });
});
