// Delivers appended events to every subscriber (projection), partitioned by
// stream id. All faults are drawn from the seeded generator on the virtual
// clock, so the same seed gives the same deliveries:
//   latency + jitter        each delivery at now + latencyMs + U[0, jitterMs]
//   ordering                reorder off: a subscriber sees global order;
//                           reorder on: streams may overtake each other, and
//                           with orderedPartitions off so may events of one stream
//   duplicates              a second copy, later, with probability p
//   drops                   lost with probability q, redelivered after
//                           redeliveryMs (at-least-once; may be dropped again)
//   pause                   an outage: deliveries are held until resume
//   down                    a crashed subscriber: deliveries are discarded, it
//                           catches up from the event store when it comes back
import type { SeededRng } from '../rng.ts';
import type { Scheduler } from '../scheduler.ts';
import type { BusSettings } from '../settings.ts';
import type { Trace } from '../vocabulary/trace.ts';
import type { EventEnvelope } from '../vocabulary/envelope.ts';

export interface Delivery {
  projection: string;
  event: EventEnvelope;
  /** 1 for the first try, +1 per redelivery after a drop. */
  attempt: number;
  duplicate: boolean;
  publishedAt: number;
}

interface Subscriber {
  name: string;
  state: 'open' | 'paused' | 'down';
  held: Delivery[];
  /** Latest delivery time scheduled, overall and per stream (FIFO guarantees). */
  lastAt: number;
  lastAtByStream: Map<string, number>;
  /** Sweep lastAtByStream when it grows past this. */
  sweepAt: number;
}

/** Per-stream times kept before the first sweep. */
const FIRST_SWEEP = 256;

export interface EventBusOptions {
  scheduler: Scheduler;
  rng: SeededRng;
  trace: Trace;
  settings: () => BusSettings;
  subscribers: readonly string[];
  onDeliver: (delivery: Delivery) => void;
}

export class EventBus {
  readonly #o: EventBusOptions;
  readonly #subs = new Map<string, Subscriber>();

  constructor(options: EventBusOptions) {
    this.#o = options;
    for (const name of options.subscribers) {
      this.#subs.set(name, { name, state: 'open', held: [], lastAt: 0, lastAtByStream: new Map(), sweepAt: FIRST_SWEEP });
    }
  }

  /**
   * Hand events to the subscribers. `wants` narrows who receives an event
   * (a saga only what it listens to; a projection updated synchronously
   * nothing); by default every subscriber gets every event.
   */
  publish(events: readonly EventEnvelope[], wants?: (subscriber: string, event: EventEnvelope) => boolean): void {
    const { scheduler, rng, trace } = this.#o;
    const s = this.#o.settings();
    const now = scheduler.now;
    const all = [...this.#subs.values()];
    for (const event of events) {
      const subs = wants ? all.filter((sub) => wants(sub.name, event)) : all;
      // Draw every delivery time first (same order of draws as ever), so the
      // published record can say when each copy is due: the live picture
      // places a token at elapsed / scheduled delay.
      const planned: { sub: Subscriber; at: number; dupAt: number | undefined }[] = [];
      for (const sub of subs) {
        let at = now + s.latencyMs + (s.jitterMs > 0 ? rng.int(0, s.jitterMs) : 0);
        const streamLast = sub.lastAtByStream.get(event.streamId) ?? 0;
        if (!s.reorder) at = Math.max(at, sub.lastAt);
        else if (s.orderedPartitions) at = Math.max(at, streamLast);
        sub.lastAt = Math.max(sub.lastAt, at);
        sub.lastAtByStream.set(event.streamId, Math.max(streamLast, at));
        if (sub.lastAtByStream.size > sub.sweepAt) sweepStreams(sub, now);
        const dupAt = rng.chance(s.duplicateProbability) ? at + 1 + rng.int(0, s.latencyMs + s.jitterMs) : undefined;
        planned.push({ sub, at, dupAt });
      }
      trace.emit(now, {
        type: 'bus.published',
        position: event.position,
        streamId: event.streamId,
        version: event.version,
        eventType: event.type,
        commandId: event.metadata.commandId,
        subscribers: subs.map((sub) => sub.name),
        deliverAt: planned.map((p) => p.at),
      });
      for (const { sub, at, dupAt } of planned) {
        this.#schedule(at, { projection: sub.name, event, attempt: 1, duplicate: false, publishedAt: now });
        if (dupAt !== undefined) {
          trace.emit(now, { type: 'bus.duplicated', projection: sub.name, position: event.position, deliverAt: dupAt });
          this.#schedule(dupAt, { projection: sub.name, event, attempt: 1, duplicate: true, publishedAt: now });
        }
      }
    }
  }

  pause(name: string): void {
    this.#sub(name).state = 'paused';
  }

  /** Reopen and hand over what was held during the outage, in order. */
  resume(name: string): void {
    const sub = this.#sub(name);
    sub.state = 'open';
    const held = sub.held;
    sub.held = [];
    if (held.length > 0) this.#o.trace.emit(this.#o.scheduler.now, { type: 'bus.released', projection: name, count: held.length });
    for (const d of held) this.#deliver(d);
  }

  setDown(name: string, down: boolean): void {
    const sub = this.#sub(name);
    sub.state = down ? 'down' : 'open';
    if (!down) return;
    // A crashed subscriber loses what the bus was holding for it; the event
    // store still has everything, and catch-up reads it from there.
    const now = this.#o.scheduler.now;
    for (const d of sub.held) {
      this.#o.trace.emit(now, {
        type: 'bus.discarded',
        projection: name,
        position: d.event.position,
        reason: 'the projection is down; it will catch up from the event store',
      });
    }
    sub.held = [];
  }

  heldCount(name: string): number {
    return this.#sub(name).held.length;
  }

  #sub(name: string): Subscriber {
    const sub = this.#subs.get(name);
    if (!sub) throw new Error(`no subscriber '${name}'`);
    return sub;
  }

  #schedule(at: number, d: Delivery): void {
    this.#o.scheduler.schedule(at, 'deliver', () => this.#arrive(d));
  }

  #arrive(d: Delivery): void {
    const { scheduler, rng, trace } = this.#o;
    const sub = this.#sub(d.projection);
    const now = scheduler.now;
    if (sub.state === 'paused') {
      sub.held.push(d);
      trace.emit(now, { type: 'bus.held', projection: d.projection, position: d.event.position });
      return;
    }
    if (sub.state === 'down') {
      trace.emit(now, {
        type: 'bus.discarded',
        projection: d.projection,
        position: d.event.position,
        reason: 'the projection is down; it will catch up from the event store',
      });
      return;
    }
    const s = this.#o.settings();
    if (rng.chance(s.dropProbability)) {
      const redeliverAt = now + s.redeliveryMs;
      trace.emit(now, {
        type: 'bus.dropped',
        projection: d.projection,
        position: d.event.position,
        attempt: d.attempt,
        duplicate: d.duplicate,
        redeliverAt,
      });
      this.#schedule(redeliverAt, { ...d, attempt: d.attempt + 1 });
      return;
    }
    this.#deliver(d);
  }

  #deliver(d: Delivery): void {
    const e = d.event;
    this.#o.trace.emit(this.#o.scheduler.now, {
      type: 'bus.delivered',
      projection: d.projection,
      position: e.position,
      streamId: e.streamId,
      version: e.version,
      eventType: e.type,
      attempt: d.attempt,
      duplicate: d.duplicate,
      publishedAt: d.publishedAt,
    });
    this.#o.onDeliver(d);
  }
}

/**
 * Forget the streams whose last delivery is not after now: every delivery from now on is scheduled at now or
 * later, so their time can no longer hold one back, and a run that keeps writing new streams keeps this small.
 * Sweeping again only once the map has doubled keeps the cost constant per publish.
 */
function sweepStreams(sub: Subscriber, now: number): void {
  for (const [stream, at] of sub.lastAtByStream) if (at <= now) sub.lastAtByStream.delete(stream);
  sub.sweepAt = Math.max(FIRST_SWEEP, 2 * sub.lastAtByStream.size);
}
