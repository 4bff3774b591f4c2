// "Predict, then run": a lesson embed's number to discover. The learner
// commits a prediction (a number, or one of a few ranges), then the worker
// replays their run, plays the experiment on it and measures the value from
// the engine's trace or read models (predictionRun.ts). This file holds the
// data shape and the pure judging, so the page imports it without the engine.
import type { Intent, QueryInput } from '../engine/index.ts';
import type { LoadSpec, MetricName } from './types.ts';

/** A trace record to find: its type and fields that must be equal. */
export interface TraceMatch {
  type: string;
  where?: Record<string, unknown>;
}

/** What the experiment measures, over the records it produced (never a constant). */
export type PredictionMeasure =
  /** A metric of src/scenarios/criteria.ts (window percentiles, stale reads, command latency…). */
  | { kind: 'metric'; metric: MetricName; projection?: string; sessionId?: string }
  /** A number read from a query's answer once the experiment has settled (dot path into its data). */
  | { kind: 'query'; query: QueryInput; path: string }
  /** Virtual ms from the first `from` record to the first `to` record after it. */
  | { kind: 'duration'; from: TraceMatch; to: TraceMatch };

/** One answer of a choice prediction: the measured value falls in [min, max] (either end open when absent). */
export interface PredictionChoice {
  label: string;
  min?: number;
  max?: number;
}

export type PredictionAnswer =
  /** A number; the prediction counts as close within `tolerance` (a fraction of the measured value) or `slack` (same unit). */
  { kind: 'number'; unit: string; tolerance: number; slack?: number } | { kind: 'choice'; choices: PredictionChoice[] };

export interface LessonPrediction {
  /** The question, with the conditions of the experiment ("With the bus at 1,000 ms, …"). */
  question: string;
  answer: PredictionAnswer;
  /** What "Run it" does, in one sentence. */
  run: string;
  /** Played on a replay of the learner's run, one intent at a time, then the load, then until idle. */
  intents: Intent[];
  load?: LoadSpec[];
  measure: PredictionMeasure;
  /** Shown beside the two numbers: why the engine measured what it did. */
  why: string;
}

/** What the worker measured on the learner's run. */
export interface PredictionMeasurement {
  /** NaN when there was nothing to measure. */
  value: number;
  /** The value with its unit, as shown. */
  shown: string;
  /** The first trace record of the experiment (on the replayed copy). */
  fromSeq: number;
  /** Virtual time at which the experiment settled. */
  at: number;
}

/** The choice whose range holds `value` (-1: none). */
export function choiceOf(choices: readonly PredictionChoice[], value: number): number {
  return choices.findIndex((c) => (c.min === undefined || value >= c.min) && (c.max === undefined || value <= c.max));
}

/** A number with its unit, rounded the way the panels show measurements. */
export function showValue(value: number, unit: string): string {
  if (Number.isNaN(value)) return 'nothing to measure';
  const rounded = Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
  const text = rounded.toLocaleString('en-GB');
  return unit ? `${text} ${unit}` : text;
}

/** What the learner predicted, as shown beside the measurement. */
export function showPrediction(answer: PredictionAnswer, predicted: number): string {
  return answer.kind === 'number' ? showValue(predicted, answer.unit) : (answer.choices[predicted]?.label ?? '?');
}

export interface PredictionJudgement {
  /** The prediction matched: the measured value is in the chosen range, or within the tolerance. */
  close: boolean;
  /** One sentence, e.g. "Close: within 25 % of what the engine measured." */
  text: string;
}

/** Compare a committed prediction (a number, or a choice index) with the engine's measurement. */
export function judgePrediction(answer: PredictionAnswer, predicted: number, measured: number): PredictionJudgement {
  if (Number.isNaN(measured)) return { close: false, text: 'The run gave nothing to measure: run it again after the embed has settled.' };
  if (answer.kind === 'choice') {
    const right = choiceOf(answer.choices, measured);
    if (right === predicted) return { close: true, text: 'Right: the measured value falls in the range you chose.' };
    const label = answer.choices[right]?.label;
    return { close: false, text: label ? `Not this time: the measured value falls in “${label}”.` : 'Not this time.' };
  }
  const allowed = Math.max(Math.abs(measured) * answer.tolerance, answer.slack ?? 0);
  const off = predicted - measured;
  const pct = Math.round(answer.tolerance * 100);
  if (Math.abs(off) <= allowed) return { close: true, text: `Close: within ${pct} % of what the engine measured.` };
  const by = showValue(Math.abs(off), answer.unit);
  return { close: false, text: `Off by ${by}: ${off > 0 ? 'more' : 'less'} than the engine measured (close means within ${pct} %).` };
}

/** A prediction the learner may commit: a finite number, or the index of one of the choices. */
export function validPrediction(answer: PredictionAnswer, predicted: number): boolean {
  if (!Number.isFinite(predicted)) return false;
  return answer.kind === 'number' || (Number.isInteger(predicted) && predicted >= 0 && predicted < answer.choices.length);
}
