// A stepped scale for delays: a linear slider over 0–5,000 ms gives 0–200 ms
// a few pixels, and that is where the interesting latencies are. Each step of
// the slider is one of these values, denser at the low end.
const STEPS = [
  0, 1, 2, 5, 10, 15, 20, 30, 40, 50, 75, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10_000, 20_000, 30_000,
  60_000,
];

/** The steps up to `max` (the control's teachable range). */
export function delaySteps(max: number): number[] {
  const steps = STEPS.filter((s) => s <= max);
  if (steps[steps.length - 1] !== max) steps.push(max);
  return steps;
}

/** The slider index nearest to `ms` (a value set elsewhere, e.g. the terminal, lands on the closest step). */
export function stepIndex(steps: readonly number[], ms: number): number {
  let best = 0;
  for (let i = 1; i < steps.length; i++) if (Math.abs(steps[i]! - ms) < Math.abs(steps[best]! - ms)) best = i;
  return best;
}
