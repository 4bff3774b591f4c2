// When each position of the event store was appended, for lag in ms (a
// projection's lag is the age of the oldest event it has not applied). A
// long run appends hundreds of thousands of events, so the times are kept
// in blocks of 1,024: a whole-ms time within 65 s of its block's first is
// two bytes; a block with any other time holds plain numbers.
const BLOCK = 1024;
const UNSET = 0xffff;

interface Block {
  base: number;
  /** Time minus base; UNSET where nothing was appended. */
  small?: Uint16Array;
  /** Used instead of `small` once a time does not fit it; NaN where nothing was appended. */
  wide?: Float64Array;
}

export class AppendTimes {
  readonly #blocks: Block[] = [];

  set(position: number, at: number): void {
    const k = Math.floor(position / BLOCK);
    const i = position % BLOCK;
    let b = this.#blocks[k];
    if (!b) {
      b = { base: at, small: new Uint16Array(BLOCK).fill(UNSET) };
      this.#blocks[k] = b;
    }
    const delta = at - b.base;
    if (b.small && Number.isInteger(delta) && delta >= 0 && delta < UNSET) {
      b.small[i] = delta;
      return;
    }
    if (b.small) {
      const wide = new Float64Array(BLOCK).fill(Number.NaN);
      b.small.forEach((d, j) => {
        if (d !== UNSET) wide[j] = b.base + d;
      });
      b.wide = wide;
      delete b.small;
    }
    b.wide![i] = at;
  }

  /** The time `position` was appended, undefined if it was not. */
  get(position: number): number | undefined {
    const b = this.#blocks[Math.floor(position / BLOCK)];
    if (!b) return undefined;
    const i = position % BLOCK;
    if (b.small) return b.small[i] === UNSET ? undefined : b.base + b.small[i]!;
    const at = b.wide![i]!;
    return Number.isNaN(at) ? undefined : at;
  }
}
