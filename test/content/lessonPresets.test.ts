import { describe, expect, it } from 'vitest';
import initSqlJs from 'sql.js';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createEngine, recordsOf } from '../../src/engine/index.ts';
import { getDomain } from '../../src/domain/index.ts';
import { LESSON_PRESETS, LESSON_PRESET_NAMES } from '../../src/sandbox/lessonPresets.ts';
import { PANELS, type SandboxPreset } from '../../src/sandbox/presets.ts';
import { CONTROL_IDS, shownControls } from '../../src/sandbox/controls.ts';

// Every preset a lesson embeds must start cleanly on the real engine: its
// settings accepted, its script replayed with no command refused or failed.
const LESSONS = resolve(import.meta.dirname, '../../content/lessons');
const SQL = await initSqlJs();

describe('lesson sandbox presets', () => {
  it.each(LESSON_PRESET_NAMES)('%s replays its script with every command accepted', async (name) => {
    const preset: SandboxPreset = LESSON_PRESETS[name];
    const engine = createEngine({ sql: SQL, domain: getDomain(preset.domain), seed: preset.seed ?? 42, settings: preset.settings ?? {} });
    await engine.replay(preset.script ?? []);
    await engine.runUntilIdle();
    const refused = [...recordsOf(engine.trace, 'command.rejected'), ...recordsOf(engine.trace, 'command.failed')];
    expect(refused.map((r) => JSON.stringify(r))).toEqual([]);
    for (const panel of preset.panels ?? []) expect(PANELS).toContain(panel);
    engine.close();
  });

  it('embeds only presets that exist, and every preset is embedded somewhere', () => {
    const used = new Set<string>();
    for (const file of readdirSync(LESSONS)) {
      const text = readFileSync(resolve(LESSONS, file), 'utf8');
      for (const match of text.matchAll(/<LessonSandbox\s+preset="([^"]+)"/g)) used.add(match[1]!);
      expect(text, `${file} still has an embed placeholder`).not.toMatch(/\{\/\*\s*embed:/);
    }
    expect([...used].filter((name) => !(name in LESSON_PRESETS))).toEqual([]);
    expect(LESSON_PRESET_NAMES.filter((name) => !used.has(name))).toEqual([]);
  });

  // A lesson shows the one or two controls it talks about, never the whole control panel.
  it.each(LESSON_PRESET_NAMES)('%s lists the controls it shows, each one a real control', (name) => {
    const preset: SandboxPreset = LESSON_PRESETS[name];
    const hasPanel = (preset.panels ?? PANELS).includes('controls');
    if (!hasPanel) {
      expect(preset.controls, 'controls listed without the controls panel').toBeUndefined();
      return;
    }
    expect(preset.controls, 'a controls panel with no list shows every control').toBeDefined();
    expect(preset.controls!.length).toBeGreaterThan(0);
    expect(preset.controls!.filter((id) => !CONTROL_IDS.includes(id))).toEqual([]);
    expect(new Set(preset.controls).size).toBe(preset.controls!.length);
  });
});

describe('shownControls', () => {
  it('keeps the listed settings in their order and splits off the run sections', () => {
    const shown = shownControls(['project-ms', 'load', 'latency']);
    expect(shown.settings.map((c) => c.id)).toEqual(['project-ms', 'latency']);
    expect(shown.run).toEqual(['load']);
    expect(shown.settingsFirst).toBe(true);
  });

  it('shows every control when the preset lists none', () => {
    const shown = shownControls(undefined);
    expect(shown.run.length + shown.settings.length).toBe(CONTROL_IDS.length);
  });

  it('refuses an unknown id, naming it and the known ones', () => {
    expect(() => shownControls(['latency', 'latnecy'])).toThrow(/Unknown sandbox control "latnecy"\. Known controls: time, load, new-run, workers, latency/);
  });
});
