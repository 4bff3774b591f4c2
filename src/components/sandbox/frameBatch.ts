// The sandbox page's updates, batched into one animation frame: a frame pushed
// by the coordinator, the charts and any other canvas all land in the same
// callback, so the browser styles, lays out and paints the page once for them.
// Canvases draw first, on the page as the browser last laid it out: a canvas
// font resolves against the page's styles, and set after the DOM changed it
// made the browser lay the page out inside the script. Then the new state is
// assigned, and Svelte's flush (a microtask) patches the DOM before that one
// layout. Each owner keeps only its latest job per phase. A hidden tab gets
// no animation frames, so a timer runs the batch there instead.

export type FramePhase = 'draw' | 'commit';

export interface FrameScheduler {
  /** Run `run` in the next animation frame. */
  request(run: () => void): void;
  /** Run `run` after `ms` milliseconds. */
  wait(ms: number, run: () => void): void;
}

/** The browser's animation frame, or a timer when it does not come (a hidden tab runs none). */
export const animationFrames: FrameScheduler = {
  request(run) {
    let done = false;
    const once = () => {
      if (done) return;
      done = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      run();
    };
    const frame = requestAnimationFrame(once);
    const timer = setTimeout(once, HIDDEN_TAB_MS);
  },
  wait(ms, run) {
    setTimeout(run, ms);
  },
};
/** Longer than any frame of a visible page, short enough that a hidden tab's state stays current. */
const HIDDEN_TAB_MS = 500;

export class FrameBatch {
  readonly #scheduler: FrameScheduler;
  #draws = new Map<object, () => void>();
  #commits = new Map<object, () => void>();
  #requested = false;
  /** How many batches have run: a ride-along job's timer asks for a frame only if none ran meanwhile. */
  #batch = 0;

  constructor(scheduler: FrameScheduler = animationFrames) {
    this.#scheduler = scheduler;
  }

  /**
   * Run `job` in the next batch, in its phase; a later job of the same owner and phase replaces it.
   * With `within` (ms), the job rides along with the next batch something else asks for (the next
   * pushed frame) and asks for one itself only if none comes in that time.
   */
  schedule(owner: object, phase: FramePhase, job: () => void, within?: number): void {
    (phase === 'draw' ? this.#draws : this.#commits).set(owner, job);
    if (within === undefined) this.#request();
    else {
      const batch = this.#batch;
      this.#scheduler.wait(within, () => batch === this.#batch && this.#request());
    }
  }

  /** Drop the owner's pending jobs (a chart or a sandbox going away). */
  cancel(owner: object): void {
    this.#draws.delete(owner);
    this.#commits.delete(owner);
  }

  #request(): void {
    if (this.#requested) return;
    this.#requested = true;
    this.#scheduler.request(() => this.#run());
  }

  #run(): void {
    // Jobs scheduled while this batch runs (a chart's effect in the flush it starts) go to the next one.
    const draws = this.#draws;
    const commits = this.#commits;
    this.#draws = new Map();
    this.#commits = new Map();
    this.#requested = false;
    this.#batch++;
    for (const job of [...draws.values(), ...commits.values()]) {
      try {
        job();
      } catch (e) {
        // One failing job must not keep the others' updates off the page: report it as uncaught.
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }
}

/** The one batch of the page. */
export const frameBatch = new FrameBatch();
