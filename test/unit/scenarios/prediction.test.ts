// "Predict, then run": judging a committed prediction against the engine's
// measurement, and the prediction kept in localStorage beside the goals.
import { describe, expect, test } from 'vitest';
import { choiceOf, judgePrediction, showPrediction, validPrediction, type PredictionAnswer } from '../../../src/scenarios/prediction.ts';
import { commitPrediction, predictionKey, readPrediction, recordMeasurement } from '../../../src/sandbox/predictionProgress.ts';

function memoryStorage(): Storage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
  } as unknown as Storage & { data: Map<string, string> };
}

const ms: PredictionAnswer = { kind: 'number', unit: 'ms', tolerance: 0.2 };
const stock: PredictionAnswer = {
  kind: 'choice',
  choices: [
    { label: 'Exactly 150', min: 150, max: 150 },
    { label: 'More than 150', min: 151 },
    { label: 'Less than 150', max: 149 },
  ],
};

describe('judging a prediction against the measured value', () => {
  test('a number is close within its tolerance of the measurement, and says by how much it is off', () => {
    expect(judgePrediction(ms, 900, 1011).close).toBe(true);
    const off = judgePrediction(ms, 500, 1011);
    expect(off.close).toBe(false);
    expect(off.text).toBe('Off by 511 ms: less than the engine measured (close means within 20 %).');
    expect(judgePrediction(ms, 2000, 1011).text).toMatch(/^Off by 989 ms: more than/);
  });

  test('an exact count (no tolerance) needs the exact value; slack widens it', () => {
    const exact: PredictionAnswer = { kind: 'number', unit: 'reads', tolerance: 0, slack: 0 };
    expect(judgePrediction(exact, 4, 4).close).toBe(true);
    expect(judgePrediction(exact, 5, 4).close).toBe(false);
    expect(judgePrediction({ kind: 'number', unit: 'ms', tolerance: 0.25, slack: 2 }, 3, 2).close).toBe(true);
  });

  test('a choice is right when the measured value falls in its range', () => {
    expect(choiceOf(stock.kind === 'choice' ? stock.choices : [], 165)).toBe(1);
    expect(judgePrediction(stock, 1, 165)).toEqual({ close: true, text: 'Right: the measured value falls in the range you chose.' });
    expect(judgePrediction(stock, 0, 165)).toEqual({ close: false, text: 'Not this time: the measured value falls in “More than 150”.' });
    expect(judgePrediction(stock, 0, 150).close).toBe(true);
    expect(showPrediction(stock, 2)).toBe('Less than 150');
    expect(showPrediction(ms, 1234)).toBe('1,234 ms');
  });

  test('nothing measured is never close', () => {
    expect(judgePrediction(ms, 0, Number.NaN).close).toBe(false);
  });

  test('only a finite number, or the index of a choice, can be committed', () => {
    expect(validPrediction(ms, 12.5)).toBe(true);
    expect(validPrediction(ms, Number.NaN)).toBe(false);
    expect(validPrediction(stock, 2)).toBe(true);
    expect(validPrediction(stock, 3)).toBe(false);
    expect(validPrediction(stock, 0.5)).toBe(false);
  });
});

describe('a prediction in localStorage', () => {
  test('committed once under cqrs-lab:prediction:<preset>; a second commit does not change it', () => {
    const s = memoryStorage();
    expect(commitPrediction(s, 'rebuild', 2000, '2026-01-01T00:00:00.000Z')).toEqual({ predicted: 2000, at: '2026-01-01T00:00:00.000Z' });
    expect(predictionKey('rebuild')).toBe('cqrs-lab:prediction:rebuild');
    expect(commitPrediction(s, 'rebuild', 3100, '2026-01-02T00:00:00.000Z').predicted).toBe(2000);
    expect(JSON.parse(s.data.get('cqrs-lab:prediction:rebuild')!)).toEqual({ predicted: 2000, at: '2026-01-01T00:00:00.000Z' });
  });

  test('a run puts the measurement beside the prediction; each run replaces the last measurement', () => {
    const s = memoryStorage();
    commitPrediction(s, 'rebuild', 2000, 'a');
    recordMeasurement(s, 'rebuild', { measured: 3100, close: false }, 'b');
    expect(readPrediction(s, 'rebuild')).toEqual({ predicted: 2000, at: 'a', measured: 3100, close: false, measuredAt: 'b' });
    recordMeasurement(s, 'rebuild', { measured: Number.NaN, close: false }, 'c');
    expect(readPrediction(s, 'rebuild')).toEqual({ predicted: 2000, at: 'a', close: false, measuredAt: 'c' });
  });

  test('running before predicting is refused; a corrupt record reads as none', () => {
    const s = memoryStorage();
    expect(() => recordMeasurement(s, 'x', { measured: 1, close: true }, 'a')).toThrow(/predict before you run/);
    s.setItem('cqrs-lab:prediction:x', '{"predicted":"many"}');
    expect(readPrediction(s, 'x')).toBeNull();
    s.setItem('cqrs-lab:prediction:x', 'not json');
    expect(readPrediction(s, 'x')).toBeNull();
  });
});
