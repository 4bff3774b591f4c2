// Virtual time against real time: while running, the loop advances the
// engine's clock by elapsed real time × speed, in slices short enough to keep
// the worker answering messages, and submits the load's commands as they
// fall due. The engine stays free of real time: this is the only place that
// reads performance.now().
import type { Engine } from '../engine/index.ts';
import type { LoadDriver } from './loadDriver.ts';

/** Real ms of simulation work per slice before yielding to messages. */
const SLICE_MS = 12;

/** Yield to the worker's other messages: one channel for every yield (a new channel each time cost about 5% of the worker's CPU). */
let yieldChannel: MessageChannel | undefined;
const yielded: (() => void)[] = [];
const yieldNow = (): Promise<void> =>
  new Promise((resolve) => {
    if (!yieldChannel) {
      yieldChannel = new MessageChannel();
      yieldChannel.port1.onmessage = () => yielded.shift()?.();
    }
    yielded.push(resolve);
    yieldChannel.port2.postMessage(null);
  });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface LoopHooks {
  /** True when the run must not move (a worker fault, or the host closed). */
  halted(): boolean;
  /** The loop itself failed: the host records a fault. */
  onError(error: Error): void;
}

export class RealTimeLoop {
  readonly #engine: Engine;
  readonly #load: LoadDriver;
  readonly #hooks: LoopHooks;
  #running = false;
  #looping = false;
  #speed: number;
  /** Virtual time the loop is heading for (fractional; the engine moves in whole ms). */
  #target = 0;
  #lastReal = 0;
  #rateSamples: { real: number; virtual: number }[] = [];

  constructor(engine: Engine, load: LoadDriver, speed: number, hooks: LoopHooks) {
    this.#engine = engine;
    this.#load = load;
    this.#speed = speed;
    this.#hooks = hooks;
  }

  get running(): boolean {
    return this.#running;
  }

  get speed(): number {
    return this.#speed;
  }

  setRunning(running: boolean): void {
    if (running && this.#hooks.halted()) return;
    this.#running = running;
    this.#lastReal = performance.now();
    this.#target = this.#engine.now;
    this.#rateSamples = [];
    if (running) void this.#loop();
  }

  /** Stop without restarting (a fault, the host closing). */
  stop(): void {
    this.#running = false;
  }

  setSpeed(speed: number): void {
    if (!(speed >= 0.1 && speed <= 10)) throw new RangeError(`Speed must be from 0.1 to 10, got ${speed}.`);
    this.#speed = speed;
    this.#lastReal = performance.now();
    this.#rateSamples = [];
  }

  /** Something other than the loop moved virtual time (a request): carry on from there, never back. */
  caughtUpTo(at: number): void {
    this.#target = Math.max(this.#target, at);
  }

  /** A step or a drain ran the engine to `at`: the loop resumes exactly there. */
  resumeFrom(at: number): void {
    this.#target = at;
  }

  /** Virtual ms advanced per real ms over the last second (below `speed` when the engine cannot keep up). */
  effectiveSpeed(): number {
    const s = this.#rateSamples;
    if (!this.#running || s.length < 2) return this.#running ? this.#speed : 0;
    const a = s[0]!;
    const b = s[s.length - 1]!;
    return b.real > a.real ? (b.virtual - a.virtual) / (b.real - a.real) : this.#speed;
  }

  async #loop(): Promise<void> {
    if (this.#looping) return;
    this.#looping = true;
    const engine = this.#engine;
    try {
      while (this.#running && !this.#hooks.halted()) {
        const now = performance.now();
        this.#target += (now - this.#lastReal) * this.#speed;
        this.#lastReal = now;
        if (this.#target < engine.now) this.#target = engine.now;
        const t = Math.floor(this.#target);
        const caughtUp = await this.#advance(t, now + SLICE_MS);
        // More than a second behind: the engine cannot keep up at this speed;
        // let virtual time run slower rather than pile up debt.
        if (!caughtUp && this.#target - engine.now > 1000 * this.#speed) this.#target = engine.now + 1000 * this.#speed;
        this.#sampleRate();
        if (caughtUp) await sleep(8);
        else await yieldNow();
      }
    } catch (e) {
      this.#hooks.onError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.#looping = false;
    }
  }

  /** Run tasks (and due load commands) up to virtual time t; false if the slice ran out first. */
  async #advance(t: number, deadline: number): Promise<boolean> {
    const engine = this.#engine;
    for (;;) {
      if (performance.now() > deadline) return false;
      if (!this.#running || this.#hooks.halted()) return true;
      const next = engine.scheduler.nextAt();
      const genAt = this.#load.nextDue();
      if (genAt <= t && (next === undefined || genAt < next)) {
        if (genAt > engine.now) await engine.advanceTo(genAt);
        this.#load.submitDue();
        continue;
      }
      if (next === undefined || next > t) {
        if (t > engine.now) await engine.advanceTo(t);
        return true;
      }
      // Live applies of several projections due now share one round trip to the read worker.
      await engine.stepMerged();
    }
  }

  #sampleRate(): void {
    const s = this.#rateSamples;
    s.push({ real: performance.now(), virtual: this.#engine.now });
    while (s.length > 2 && s[s.length - 1]!.real - s[0]!.real > 1000) s.shift();
  }
}
