// Discrete-event scheduler: a binary heap of tasks ordered by (at, seq).
// `seq` is the insertion order, so two tasks due at the same virtual instant
// always run in the order they were scheduled: runs are reproducible.
//
// A task may carry a merge part (`M`, opaque here): stepGroup() takes the
// next task together with the tasks right behind it that are due at the same
// instant and carry parts the caller accepts, and lets the caller run them
// as one (the engine sends their read-side work in one round trip). Each
// still counts as one step, in order.
import { type VirtualClock } from './clock.ts';

export type Task = () => void | Promise<void>;

interface Entry<M> {
  at: number;
  seq: number;
  label: string;
  run: Task;
  merge: M | undefined;
}

export class Scheduler<M = unknown> {
  readonly clock: VirtualClock;
  #heap: Entry<M>[] = [];
  #seq = 0;
  /** Number of tasks run so far: scripts use it to replay at the exact same point. */
  #steps = 0;
  /** Tasks cancelled but still in the heap (dropped when they reach the top). */
  #cancelled = new Set<number>();

  constructor(clock: VirtualClock) {
    this.clock = clock;
  }

  get now(): number {
    return this.clock.now;
  }
  get steps(): number {
    return this.#steps;
  }
  get pending(): number {
    return this.#heap.length - this.#cancelled.size;
  }
  /** Time of the next task, or undefined when idle. */
  nextAt(): number | undefined {
    this.#dropCancelled();
    return this.#heap[0]?.at;
  }
  /** Labels of what is queued, in run order (for status displays and tests). */
  peekLabels(limit = 20): string[] {
    return [...this.#heap]
      .filter((e) => !this.#cancelled.has(e.seq))
      .sort(compare)
      .slice(0, limit)
      .map((e) => `${e.at}:${e.label}`);
  }

  /** Schedule a task (with a merge part: see stepGroup); returns a handle for cancel(). */
  schedule(at: number, label: string, run: Task, merge?: M): number {
    const entry: Entry<M> = { at: Math.max(at, this.clock.now), seq: this.#seq++, label, run, merge };
    this.#insert(entry);
    return entry.seq;
  }

  #insert(entry: Entry<M>): void {
    const heap = this.#heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (compare(p, entry) <= 0) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  /** Forget a scheduled task: it will not run and does not count as a step. */
  cancel(handle: number): void {
    if (this.#heap.some((e) => e.seq === handle)) this.#cancelled.add(handle);
  }

  /** Run the next task. Returns false when there was nothing to run. */
  async step(): Promise<boolean> {
    this.#dropCancelled();
    const entry = this.#pop();
    if (!entry) return false;
    this.clock.set(entry.at);
    this.#steps++;
    await entry.run();
    return true;
  }

  /**
   * Run the next task; when it carries a merge part that `join` accepts, take
   * with it the tasks right behind it in (at, seq) order that are due at the
   * same instant and whose parts `join` accepts, at most `max` in all, and
   * hand their parts to `runGroup`, which calls `begin()` as it starts each
   * one (each is a step, in order). Tasks it never started (it threw) go back
   * to the queue as they were. Returns the number of steps run; 0 when idle.
   */
  async stepGroup(
    max: number,
    join: (part: M, taken: readonly M[]) => boolean,
    runGroup: (parts: readonly M[], begin: () => void) => Promise<void>,
  ): Promise<number> {
    this.#dropCancelled();
    const first = this.#heap[0];
    if (!first) return 0;
    if (max < 2 || first.merge === undefined || !join(first.merge, [])) return (await this.step()) ? 1 : 0;
    const group: Entry<M>[] = [this.#pop()!];
    const parts: M[] = [first.merge];
    while (group.length < max) {
      this.#dropCancelled();
      const next = this.#heap[0];
      if (!next || next.at !== first.at || next.merge === undefined || !join(next.merge, parts)) break;
      group.push(this.#pop()!);
      parts.push(next.merge);
    }
    this.clock.set(first.at);
    if (group.length === 1) {
      this.#steps++;
      await first.run();
      return 1;
    }
    let started = 0;
    try {
      await runGroup(parts, () => {
        if (started >= group.length) throw new Error('stepGroup: begin() called more often than there are tasks.');
        started++;
        this.#steps++;
      });
    } finally {
      for (const e of group.slice(started)) this.#insert(e);
    }
    return started;
  }

  /** Run every task due at or before `t`, then set the clock to `t`. */
  async advanceTo(t: number): Promise<void> {
    for (;;) {
      const next = this.nextAt();
      if (next === undefined || next > t) break;
      await this.step();
    }
    if (t > this.clock.now) this.clock.set(t);
  }

  #dropCancelled(): void {
    while (this.#cancelled.size > 0 && this.#heap.length > 0 && this.#cancelled.has(this.#heap[0]!.seq)) {
      this.#cancelled.delete(this.#pop()!.seq);
    }
  }

  #pop(): Entry<M> | undefined {
    const heap = this.#heap;
    const top = heap[0];
    if (!top) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      const n = heap.length;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        let best = last;
        if (l < n && compare(heap[l]!, best) < 0) {
          m = l;
          best = heap[l]!;
        }
        if (r < n && compare(heap[r]!, best) < 0) {
          m = r;
          best = heap[r]!;
        }
        if (m === i) break;
        heap[i] = best;
        i = m;
      }
      heap[i] = last;
    }
    return top;
  }
}

function compare<M>(a: Entry<M>, b: Entry<M>): number {
  return a.at - b.at || a.seq - b.seq;
}
