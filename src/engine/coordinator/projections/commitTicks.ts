// Commit ticks (projection.commitIntervalMs): live batches are committed only
// on a shared tick, every interval of virtual time. A batch ready between two
// ticks waits for the next one; the batches of one tick go to the read side
// together.
//
// Why a tick task rather than each apply scheduled at the tick directly: a
// merged round trip takes only applies that are adjacent in (at, seq) order
// (Scheduler.stepGroup), and between two projections' drains the bus, commands
// and sagas schedule plenty of tasks at the same instant, which would sit
// between their applies and split the group. The tick is scheduled once, when
// its first batch joins; when it runs it schedules every batch that joined as
// a `projection.apply` task, one right after the other, so nothing can come
// between them: they merge into one round trip, and each is still its own
// step, exactly as an apply without an interval.
import type { Task } from '../../scheduler.ts';
import type { EngineContext, LiveApply } from '../context.ts';

interface Joined {
  apply: LiveApply;
  run: Task;
}

export class CommitTicks {
  readonly ctx: EngineContext;
  /** Batches waiting for their tick, by the tick's instant, in the order they joined. */
  readonly #due = new Map<number, Joined[]>();

  constructor(ctx: EngineContext) {
    this.ctx = ctx;
  }

  /** Commit `apply` (run by `run`) on the tick at `at`, scheduling that tick if it is the first to join it. */
  join(at: number, apply: LiveApply, run: Task): void {
    const waiting = this.#due.get(at);
    if (waiting) {
      waiting.push({ apply, run });
      return;
    }
    this.#due.set(at, [{ apply, run }]);
    this.ctx.scheduler.schedule(at, 'projection.commitTick', () => this.release(at));
  }

  /** The tick: every batch that joined it becomes an apply task now, adjacent, in the order they joined. */
  release(at: number): void {
    const joined = this.#due.get(at) ?? [];
    // Gone before anything is scheduled: a batch ready at this very instant starts a new tick, after these.
    this.#due.delete(at);
    for (const j of joined) this.ctx.scheduler.schedule(this.ctx.clock.now, 'projection.apply', j.run, j.apply);
  }
}
