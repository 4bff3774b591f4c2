// The only source of randomness: a seeded generator whose state can be saved
// and restored, so the same seed always draws the same faults.
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

type Generator = ReturnType<typeof xoroshiro128plus>;

export class SeededRng {
  #gen: Generator;
  readonly seed: number;
  constructor(seed: number) {
    this.seed = seed;
    this.#gen = xoroshiro128plus(seed);
  }
  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.#gen);
  }
  /** Uniform integer in [from, to], both included. */
  int(from: number, to: number): number {
    return uniformInt(this.#gen, from, to);
  }
  /** True with probability p; draws nothing when p is 0 or 1. */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.float() < p;
  }
  save(): number[] {
    return [...this.#gen.getState()];
  }
  restore(state: readonly number[]): void {
    this.#gen = xoroshiro128plusFromState(state);
  }
}
