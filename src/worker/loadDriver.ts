// The sandbox's steady load, driven in virtual time: at a rate of N commands
// per second, command number i falls due at a fixed virtual instant (see
// loadGenerator.ts), and the real-time loop submits it when time gets there.
import type { CommandSource, Engine } from '../engine/index.ts';
import { dueAt, loadPlan, type LoadPlan, type LoadShape } from '../sandbox/loadGenerator.ts';

/** The highest load a learner can ask for, in commands per second (the run slows virtual time when it cannot keep up). */
export const MAX_LOAD_RATE = 10_000;

export class LoadDriver {
  readonly #engine: Engine;
  readonly #domain: string;
  /** Also the engine's command source: the script keeps each of its commands as a few numbers. */
  readonly #plan: LoadPlan | undefined;
  #rate = 0;
  #start = 0;
  #sent = 0;
  #setupSent = false;

  constructor(engine: Engine, domain: string, shape?: LoadShape) {
    this.#engine = engine;
    this.#domain = domain;
    this.#plan = loadPlan(domain, shape);
  }

  setRate(rate: number): void {
    if (!(rate >= 0 && rate <= MAX_LOAD_RATE))
      throw new RangeError(`Load must be from 0 to ${MAX_LOAD_RATE.toLocaleString('en-US')} commands/s, got ${rate}.`);
    if (!this.#plan) throw new Error(`No load generator for the ${this.#domain} domain.`);
    if (rate > 0) {
      let base = this.#engine.now;
      if (!this.#setupSent) {
        for (const command of this.#plan.setup) this.#engine.submit({ kind: 'command', command });
        this.#setupSent = true;
        base += 50; // let the setup commands land first
      }
      // Commands keep their numbers (ids never repeat): number `sent` is due at `base`.
      this.#start = base - Math.ceil((this.#sent * 1000) / rate);
    }
    this.#rate = rate;
  }

  /** Virtual time the next load command is due; +∞ when the load is off. */
  nextDue(): number {
    return this.#rate > 0 && this.#plan ? dueAt(this.#start, this.#rate, this.#sent) : Number.POSITIVE_INFINITY;
  }

  /** Submit the command that is due now (the caller has moved time to nextDue()). */
  submitDue(): void {
    this.#engine.submitFrom(this.#plan!, this.#sent);
    this.#sent++;
  }

  /** The plan's commands by number (for a replay to recognise them), undefined without a plan. */
  get source(): CommandSource | undefined {
    return this.#plan;
  }

  /** A replayed script already holds commands 0…n-1 (and so the setup): the load carries on from n, so no id repeats. */
  resumeAt(n: number): void {
    this.#sent = n;
    if (n > 0) this.#setupSent = true;
  }

  get rate(): number {
    return this.#rate;
  }

  summary(): { rate: number; sent: number; eventsPerCommand: number } {
    return { rate: this.#rate, sent: this.#sent, eventsPerCommand: this.#plan?.eventsPerCommand ?? 1 };
  }
}
