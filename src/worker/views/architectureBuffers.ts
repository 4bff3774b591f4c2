// Small bounded structures the architecture model folds records into: a rate
// over the last virtual second, a projection's inbox, a ring of recent items.
// Each costs O(1) amortised per record.

/** Events per virtual second: the current second plus the share of the previous one still inside the last 1000 ms. */
export class RateMeter {
  #start = 0;
  #count = 0;
  #previous = 0;
  add(at: number, n = 1): void {
    this.#roll(at);
    this.#count += n;
  }
  at(now: number): number {
    const gap = now - this.#start;
    if (gap >= 2000) return 0;
    if (gap >= 1000) return Math.round(this.#count * (1 - (gap - 1000) / 1000));
    return Math.round(this.#count + this.#previous * (1 - gap / 1000));
  }
  #roll(at: number): void {
    const gap = at - this.#start;
    if (gap < 1000) return;
    this.#previous = gap < 2000 ? this.#count : 0;
    this.#count = 0;
    this.#start = at - (gap % 1000);
  }
}

/**
 * Delivered but not yet applied (the batch being applied included). Applied
 * and skipped events leave by position; events the projection does not handle
 * leave no record of their own, so a checkpoint past them clears them (from
 * the front of the arrival order: O(1) amortised).
 */
export class Inbox {
  readonly #copies = new Map<number, number>();
  #order: number[] = [];
  #head = 0;
  size = 0;
  push(position: number): void {
    this.#copies.set(position, (this.#copies.get(position) ?? 0) + 1);
    this.#order.push(position);
    this.size++;
  }
  remove(position: number): boolean {
    const n = this.#copies.get(position);
    if (n === undefined) return false;
    if (n <= 1) this.#copies.delete(position);
    else this.#copies.set(position, n - 1);
    this.size--;
    return true;
  }
  /** Everything at or before the watermark has been reflected. */
  passed(watermark: number): void {
    const order = this.#order;
    while (this.#head < order.length && order[this.#head]! <= watermark) {
      const pos = order[this.#head++]!;
      const n = this.#copies.get(pos);
      if (n !== undefined) {
        this.#copies.delete(pos);
        this.size -= n;
      }
    }
    if (this.#head > 1024 && this.#head > order.length / 2) {
      this.#order = order.slice(this.#head);
      this.#head = 0;
    }
  }
  clear(): void {
    this.#copies.clear();
    this.#order = [];
    this.#head = 0;
    this.size = 0;
  }
}

/** A bounded ring, newest last. */
export class Ring<T> {
  readonly items: T[] = [];
  readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }
  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.limit * 2) this.items.splice(0, this.items.length - this.limit);
  }
  newest(n = this.limit): T[] {
    return this.items.slice(Math.max(0, this.items.length - n)).reverse();
  }
}
