// Virtual time in milliseconds. Only the scheduler moves it, so a run never
// depends on how fast the machine is.
export class VirtualClock {
  #now = 0;
  get now(): number {
    return this.#now;
  }
  /** Move forward; time never goes backwards. */
  set(at: number): void {
    if (at < this.#now) throw new Error(`virtual time cannot go back from ${this.#now} to ${at}`);
    this.#now = at;
  }
}
