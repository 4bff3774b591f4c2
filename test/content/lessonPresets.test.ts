import { describe, expect, it } from 'vitest';
import initSqlJs from 'sql.js';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createEngine, recordsOf } from '../../src/engine/index.ts';
import { getDomain } from '../../src/domain/index.ts';
import { LESSON_PRESETS, LESSON_PRESET_NAMES } from '../../src/sandbox/lessonPresets.ts';
import { PANELS, type SandboxPreset } from '../../src/sandbox/presets.ts';

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
});
