// Where a token is drawn: the share of its leg already travelled on the
// virtual clock (elapsed / scheduled delay), and the virtual time to draw at,
// interpolated between frames while time runs and held while it is paused.
export interface ClockSample {
  /** Virtual ms when the sample was taken. */
  at: number;
  running: boolean;
  /** Virtual ms per real ms. */
  speed: number;
}

/** Virtual time `realElapsed` real ms after the sample (never past `limit`, the next frame's likely time). */
export function virtualNow(sample: ClockSample, realElapsed: number, limit = Number.POSITIVE_INFINITY): number {
  if (!sample.running) return sample.at;
  return Math.min(limit, sample.at + Math.max(0, realElapsed) * sample.speed);
}

/** 0 at departure, 1 at arrival (clamped: a token due but not yet delivered waits at the door). */
export function progress(sentAt: number, arriveAt: number, now: number): number {
  if (arriveAt <= sentAt) return 1;
  return Math.min(1, Math.max(0, (now - sentAt) / (arriveAt - sentAt)));
}
