// A learner's prediction for a lesson embed, kept in localStorage under
// `cqrs-lab:prediction:<presetId>` (the progress export reads that prefix,
// like the goals' `cqrs-lab:goal:`). The prediction is committed once and
// never changed: what makes it worth something is that it came first. Each
// run adds the engine's latest measurement beside it.
export interface PredictionRecord {
  /** The number predicted, or the index of the choice. */
  predicted: number;
  /** ISO time the prediction was committed. */
  at: string;
  /** The engine's value on the learner's latest run (absent until run). */
  measured?: number;
  /** Whether that value matched the prediction (judgePrediction). */
  close?: boolean;
  /** ISO time of that run. */
  measuredAt?: string;
}

export const PREDICTION_KEY_PREFIX = 'cqrs-lab:prediction:';

export function predictionKey(presetId: string): string {
  return `${PREDICTION_KEY_PREFIX}${presetId}`;
}

export function isPredictionRecord(v: unknown): v is PredictionRecord {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  const optional = (key: string, type: string) => r[key] === undefined || typeof r[key] === type;
  return (
    typeof r.predicted === 'number' &&
    Number.isFinite(r.predicted) &&
    typeof r.at === 'string' &&
    optional('measured', 'number') &&
    optional('close', 'boolean') &&
    optional('measuredAt', 'string')
  );
}

export function readPrediction(storage: Pick<Storage, 'getItem'>, presetId: string): PredictionRecord | null {
  try {
    const v: unknown = JSON.parse(storage.getItem(predictionKey(presetId)) ?? 'null');
    return isPredictionRecord(v) ? v : null;
  } catch {
    return null;
  }
}

/** Commit a prediction; one already committed stays (returned as it is). */
export function commitPrediction(
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  presetId: string,
  predicted: number,
  at: string,
): PredictionRecord {
  const before = readPrediction(storage, presetId);
  if (before) return before;
  const record: PredictionRecord = { predicted, at };
  storage.setItem(predictionKey(presetId), JSON.stringify(record));
  return record;
}

/** Put a run's measurement beside the committed prediction (an error when nothing was committed). */
export function recordMeasurement(
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  presetId: string,
  measurement: { measured: number; close: boolean },
  at: string,
): PredictionRecord {
  const before = readPrediction(storage, presetId);
  if (!before) throw new Error(`No prediction was committed for ${presetId}: predict before you run.`);
  // NaN (nothing to measure) is not JSON: such a run keeps no value.
  const { measured: _old, ...rest } = before;
  const measured = Number.isFinite(measurement.measured) ? { measured: measurement.measured } : {};
  const record: PredictionRecord = { ...rest, ...measured, close: measurement.close, measuredAt: at };
  storage.setItem(predictionKey(presetId), JSON.stringify(record));
  return record;
}
