// Every lesson embed's prediction: its experiment plays on the real engine
// after the learner's run (a replay, exactly as the worker measures it) and
// the value comes from that run, so what the learner did before changes it.
import initSqlJs from 'sql.js';
import { describe, expect, test } from 'vitest';
import { choiceOf, judgePrediction } from '../../src/scenarios/prediction.ts';
import { runPrediction } from '../../src/scenarios/predictionRun.ts';
import { LESSON_GOALS } from '../../src/sandbox/lessonGoals.ts';
import { LESSON_PRESETS, LESSON_PRESET_NAMES } from '../../src/sandbox/lessonPresets.ts';
import type { ScriptEntry } from '../../src/engine/index.ts';

const sql = initSqlJs();
const withPrediction = LESSON_PRESET_NAMES.filter((n) => LESSON_GOALS[n].prediction).map((n) => [n] as [typeof n]);

test('at least five embeds across the course ask for a prediction first', () => {
  expect(withPrediction.length).toBeGreaterThanOrEqual(5);
});

describe.each(withPrediction)('the prediction of the %s embed', (name) => {
  const prediction = LESSON_GOALS[name].prediction!;
  const preset = LESSON_PRESETS[name];

  test('is measured on the run: a value the answer can be judged against', async () => {
    const m = await runPrediction(await sql, preset, prediction);
    expect(Number.isFinite(m.value), m.shown).toBe(true);
    if (prediction.answer.kind === 'choice') expect(choiceOf(prediction.answer.choices, m.value)).toBeGreaterThanOrEqual(0);
    // The measured value itself is judged close; a prediction far from it is not.
    const right = prediction.answer.kind === 'choice' ? choiceOf(prediction.answer.choices, m.value) : m.value;
    expect(judgePrediction(prediction.answer, right, m.value).close).toBe(true);
    if (prediction.answer.kind === 'number') expect(judgePrediction(prediction.answer, m.value * 3 + 10, m.value).close).toBe(false);
  });

  test('the same run measures the same value (deterministic)', async () => {
    const a = await runPrediction(await sql, preset, prediction);
    const b = await runPrediction(await sql, preset, prediction);
    expect(b).toEqual(a);
  });
});

describe("the value is the engine's, on the learner's own run, never a constant", () => {
  const after = (at: number, settings: Record<string, unknown>): ScriptEntry[] => [{ at, intent: { kind: 'configure', settings } }];

  test('consistency window: slower projections in the learner run widen the measured window', async () => {
    const p = LESSON_GOALS['consistency-window'].prediction!;
    const plain = await runPrediction(await sql, LESSON_PRESETS['consistency-window'], p);
    const slow = await runPrediction(await sql, LESSON_PRESETS['consistency-window'], p, after(500, { costs: { projectMs: 200 } }));
    expect(plain.value).toBeGreaterThanOrEqual(1000);
    expect(slow.value).toBeGreaterThan(plain.value + 150);
  });

  test('rebuild: a learner who made events cheaper gets a shorter rebuild', async () => {
    const p = LESSON_GOALS.rebuild.prediction!;
    const plain = await runPrediction(await sql, LESSON_PRESETS.rebuild, p);
    const cheap = await runPrediction(await sql, LESSON_PRESETS.rebuild, p, after(2000, { costs: { projectMs: 10 } }));
    expect(cheap.value).toBeLessThan(plain.value / 5);
  });

  test('sync: command latency measured with synchronous projections is above the asynchronous one', async () => {
    const p = LESSON_GOALS['sync-vs-async'].prediction!;
    const sync = await runPrediction(await sql, LESSON_PRESETS['sync-vs-async'], p);
    const asyncOnly = await runPrediction(await sql, LESSON_PRESETS['sync-vs-async'], { ...p, intents: p.intents.slice(1) });
    expect(sync.value).toBeGreaterThan(asyncOnly.value + 20);
  });

  test('duplicates: with the guard left on (the learner turned it back on), the stock is exact', async () => {
    const p = LESSON_GOALS['projection-duplicates'].prediction!;
    const off = await runPrediction(await sql, LESSON_PRESETS['projection-duplicates'], p);
    const on = await runPrediction(await sql, LESSON_PRESETS['projection-duplicates'], { ...p, intents: p.intents.slice(1) });
    expect(off.value).toBeGreaterThan(150);
    expect(on.value).toBe(150);
  });
});
