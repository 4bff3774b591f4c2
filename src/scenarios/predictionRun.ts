// A prediction's experiment, measured by the engine: the learner's recorded
// run is replayed on a fresh engine in the worker (as Verify does, so their
// own sandbox is left as it is and their goal never counts the experiment),
// the experiment plays on it, and the value is read from the records it
// produced or from a read model. Headless tests call the same functions.
import type { SqlJsStatic } from 'sql.js';
import type { Engine, TraceRecord } from '../engine/index.ts';
import { replaySession } from '../sandbox/sessionReplay.ts';
import type { SandboxPreset } from '../sandbox/presets.ts';
import type { SessionState } from '../sandbox/sessionState.ts';
// Not index.ts: that would bundle every scenario file into the worker.
import { measureMetric, valueAtPath } from './criteria.ts';
import { playStep } from './play.ts';
import { showValue, type LessonPrediction, type PredictionMeasure, type PredictionMeasurement, type TraceMatch } from './prediction.ts';

const matches = (r: TraceRecord, m: TraceMatch): boolean =>
  r.type === m.type &&
  Object.entries(m.where ?? {}).every(([k, v]) => JSON.stringify((r as unknown as Record<string, unknown>)[k]) === JSON.stringify(v));

/** The measure over the experiment's records (and the engine's read models, for a query). NaN: nothing to measure. */
export async function measureOn(engine: Engine, measure: PredictionMeasure, records: readonly TraceRecord[]): Promise<number> {
  switch (measure.kind) {
    case 'metric':
      return measureMetric(records, measure.metric, measure.projection, measure.sessionId);
    case 'query': {
      const answer = await engine.query(measure.query);
      const v = valueAtPath(answer.data, measure.path);
      return typeof v === 'number' ? v : Number.NaN;
    }
    case 'duration': {
      const start = records.find((r) => matches(r, measure.from));
      const end = start && records.find((r) => r.seq > start.seq && matches(r, measure.to));
      return start && end ? end.at - start.at : Number.NaN;
    }
  }
}

/** Play the experiment on this engine (intents one at a time, the load, then until idle) and measure it. */
export async function playPrediction(engine: Engine, prediction: LessonPrediction): Promise<PredictionMeasurement> {
  const outcome = await playStep(engine, {
    id: 'prediction',
    narration: prediction.question,
    intents: prediction.intents,
    ...(prediction.load ? { load: prediction.load } : {}),
    then: { runUntilIdle: true },
  });
  const records = engine.trace.filter((r) => r.seq >= outcome.fromSeq);
  const value = await measureOn(engine, prediction.measure, records);
  const unit = prediction.answer.kind === 'number' ? prediction.answer.unit : '';
  return { value, shown: showValue(value, unit), fromSeq: outcome.fromSeq, at: engine.now };
}

/** In the worker: the learner's session replayed, then the experiment measured on it. */
export async function predictOnReplay(
  sql: SqlJsStatic,
  session: SessionState,
  prediction: LessonPrediction,
): Promise<PredictionMeasurement> {
  const engine = await replaySession(sql, session);
  try {
    return await playPrediction(engine, prediction);
  } finally {
    engine.close();
  }
}

/** Headless (tests): a preset's script, optionally followed by a learner's intents, then the experiment measured. */
export async function runPrediction(
  sql: SqlJsStatic,
  preset: SandboxPreset,
  prediction: LessonPrediction,
  learner: SessionState['script'] = [],
): Promise<PredictionMeasurement> {
  return predictOnReplay(
    sql,
    { domain: preset.domain, seed: preset.seed ?? 42, settings: preset.settings ?? {}, script: [...(preset.script ?? []), ...learner] },
    prediction,
  );
}
