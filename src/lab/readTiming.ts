// Timing read paths on the learner's machine, shared by the labs. The clock
// is passed in (performance.now in a worker), so labs stay free of globals
// and run the same in Node and in the browser.
import { percentile } from '../engine/index.ts';

export interface ReadPathTiming {
  /** Median time per read, over samples that each average a batch of reads. */
  medianMicros: number;
  /** 95th percentile of the same samples. */
  p95Micros: number;
  /** Reads divided by the total time spent reading. */
  readsPerSecond: number;
}

/**
 * Runs `read` once per input and times it. Browsers coarsen performance.now()
 * (to about 0.1 ms without cross-origin isolation), which can be coarser than
 * one read, so reads are timed in batches of `readsPerSample` and each batch's
 * mean per read is one sample. Returns the answers too, to compare paths.
 */
export function timeReads<T>(
  inputs: readonly T[],
  read: (input: T) => string,
  now: () => number,
  readsPerSample: number,
): { timing: ReadPathTiming; answers: string[] } {
  const samples: number[] = [];
  const answers: string[] = [];
  let elapsedMs = 0;
  for (let start = 0; start < inputs.length; start += readsPerSample) {
    const batch = inputs.slice(start, start + readsPerSample);
    const t0 = now();
    for (const input of batch) answers.push(read(input));
    const batchMs = now() - t0;
    elapsedMs += batchMs;
    samples.push((batchMs * 1000) / batch.length);
  }
  return {
    timing: {
      medianMicros: samples.length === 0 ? 0 : percentile(samples, 50),
      p95Micros: samples.length === 0 ? 0 : percentile(samples, 95),
      readsPerSecond: elapsedMs > 0 ? (inputs.length / elapsedMs) * 1000 : Number.POSITIVE_INFINITY,
    },
    answers,
  };
}

/** A tiny deterministic generator (mulberry32) in [0, 1): the same seed builds the same data and asks the same reads. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Throws a RangeError naming the option unless `value` is a whole number in [min, max]. */
export function checkWholeNumber(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
}
