// The script a run records, kept small enough for a long run. Almost every
// entry of a run under load is command n of a pure source (the load
// generator): such an entry keeps only four numbers (instant, step, n and the
// engine's command number), stored as varint deltas, a few bytes instead of an
// object of a few hundred bytes. `slice` rebuilds it with the same function that built the
// recorded intent, so a copy is the same whether or not it was packed.
import type { CommandInput, Intent, ScriptEntry } from '../vocabulary/intent.ts';

/** A pure source of commands: the same n always gives the same command. */
export interface CommandSource {
  command(n: number): CommandInput;
}

/** Builds the recorded intent of a command (its payload validated, the id the engine gave it). */
export type RebuildCommand = (input: CommandInput, commandId: string) => Intent;

/** Packed entries per run: a slice from an index decodes at most this many it does not return. */
const PACKED_RUN = 4096;

interface PlainRun {
  packed: false;
  first: number;
  entries: ScriptEntry[];
}

interface Numbers {
  at: number;
  step: number;
  n: number;
  seq: number;
}

interface PackedRun {
  packed: true;
  first: number;
  count: number;
  source: CommandSource;
  /** The numbers of the last entry, which the next one's deltas start from. */
  last: Numbers;
  /** Four unsigned varints per entry: the deltas of at, step, n and seq (the first entry's from 0). */
  bytes: Uint8Array;
  size: number;
}

type Run = PlainRun | PackedRun;

export class ScriptLog {
  readonly #rebuild: RebuildCommand;
  readonly #runs: Run[] = [];
  #length = 0;

  constructor(rebuild: RebuildCommand) {
    this.#rebuild = rebuild;
  }

  get length(): number {
    return this.#length;
  }

  /** The recorded intent of command `n` of `source`, numbered `cmd-<seq>` (what a packed entry stands for). */
  rebuilt(source: CommandSource, n: number, seq: number): Intent {
    return this.#rebuild(source.command(n), `cmd-${seq}`);
  }

  push(entry: ScriptEntry): void {
    const run = this.#runs.at(-1);
    if (run && !run.packed) run.entries.push(entry);
    else this.#runs.push({ packed: false, first: this.#length, entries: [entry] });
    this.#length++;
  }

  /**
   * Record command `n` of `source`, which the engine numbered `cmd-<seq>`; false when it cannot be
   * packed (a fractional instant, or numbers that went back), and the caller records it whole.
   */
  pushGenerated(source: CommandSource, at: number, step: number, n: number, seq: number): boolean {
    const next: Numbers = { at, step, n, seq };
    let run = this.#runs.at(-1);
    if (!run || !run.packed || run.source !== source || run.count >= PACKED_RUN) {
      if (!fits(ZERO, next)) return false;
      if (run?.packed) run.bytes = run.bytes.slice(0, run.size); // a full run keeps only what it uses
      run = { packed: true, first: this.#length, count: 0, source, last: ZERO, bytes: new Uint8Array(64), size: 0 };
      this.#runs.push(run);
    } else if (!fits(run.last, next)) return false;
    for (const key of KEYS) this.#write(run, next[key] - run.last[key]);
    run.last = next;
    run.count++;
    this.#length++;
    return true;
  }

  /** Copies of the entries from index `from` on (the log only grows, so a saver can ask for what is new). */
  slice(from = 0): ScriptEntry[] {
    const out: ScriptEntry[] = [];
    let r = this.#runAt(from);
    for (; r < this.#runs.length; r++) {
      const run = this.#runs[r]!;
      const skip = Math.max(0, from - run.first);
      if (!run.packed) {
        for (let i = skip; i < run.entries.length; i++) out.push(JSON.parse(JSON.stringify(run.entries[i])) as ScriptEntry);
        continue;
      }
      const v: Numbers = { ...ZERO };
      let offset = 0;
      for (let i = 0; i < run.count; i++) {
        for (const key of KEYS) {
          const [delta, end] = readVarint(run.bytes, offset);
          v[key] += delta;
          offset = end;
        }
        if (i >= skip) out.push({ at: v.at, step: v.step, intent: this.rebuilt(run.source, v.n, v.seq) });
      }
    }
    return out;
  }

  /** The run holding index `i` (binary search: runs are in index order). */
  #runAt(i: number): number {
    let lo = 0;
    let hi = this.#runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#runs[mid]!.first <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  #write(run: PackedRun, value: number): void {
    if (run.size + 10 > run.bytes.length) {
      const grown = new Uint8Array(run.bytes.length * 2);
      grown.set(run.bytes);
      run.bytes = grown;
    }
    let v = value;
    while (v >= 0x80) {
      run.bytes[run.size++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    run.bytes[run.size++] = v;
  }
}

const KEYS = ['at', 'step', 'n', 'seq'] as const;
const ZERO: Numbers = { at: 0, step: 0, n: 0, seq: 0 };

/** Every delta a whole number from 0 up: what a varint holds. */
function fits(from: Numbers, to: Numbers): boolean {
  return KEYS.every((k) => Number.isSafeInteger(to[k]) && to[k] >= from[k]);
}

function readVarint(bytes: Uint8Array, offset: number): [number, number] {
  let value = 0;
  let scale = 1;
  let i = offset;
  for (;;) {
    const b = bytes[i++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, i];
    scale *= 0x80;
  }
}
