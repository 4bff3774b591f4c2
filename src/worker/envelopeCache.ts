// Each event crosses to the read worker once. Every projection gets every
// event, in its own batch, so the same envelope used to be copied (structured
// clone) about three times on its way over. The coordinator now sends an
// envelope whole the first time and a reference to its position after that;
// the read worker keeps the envelopes it received in the same fixed ring of
// slots (position modulo the ring size) and puts them back before the read
// side sees the request. Both ends fill the ring in message order (one
// channel, one sender), so a reference is sent only while the receiver's slot
// still holds that position, and memory stays bounded.
import type { EventEnvelope, ReadSidePort } from '../engine/index.ts';

type ApplyBatchRequest = Parameters<ReadSidePort['applyBatch']>[0];

/** Envelopes each end remembers (the ring's size). */
export const ENVELOPE_SLOTS = 4096;

/** An envelope the read worker already holds, by its position. */
export interface EnvelopeRef {
  readonly ref: number;
}

type Wire = EventEnvelope | EnvelopeRef;

/** Methods whose requests carry envelopes the cache can shorten. */
const BATCH_METHODS = new Set(['applyBatch', 'applyBatches']);

const isRef = (e: Wire): e is EnvelopeRef => typeof (e as EnvelopeRef).ref === 'number';

/** The coordinator's end: which position each receiver slot holds. */
export class EnvelopeSender {
  readonly #slots: Float64Array;

  constructor(size = ENVELOPE_SLOTS) {
    this.#slots = new Float64Array(size).fill(-1);
  }

  /** The envelopes as they go on the wire: references for those the receiver holds. */
  encode(events: readonly EventEnvelope[]): Wire[] {
    const slots = this.#slots;
    return events.map((e) => {
      const slot = e.position % slots.length;
      if (slots[slot] === e.position) return { ref: e.position };
      slots[slot] = e.position;
      return e;
    });
  }

  /** A read-side call's arguments, with the envelopes of batch requests encoded. */
  args(method: string, args: unknown[]): unknown[] {
    if (!BATCH_METHODS.has(method)) return args;
    const one = (r: ApplyBatchRequest) => ({ ...r, events: this.encode(r.events) });
    return method === 'applyBatches' ? [(args[0] as ApplyBatchRequest[]).map(one)] : [one(args[0] as ApplyBatchRequest), ...args.slice(1)];
  }
}

/** The read worker's end: the envelopes themselves, in the same slots. */
export class EnvelopeReceiver {
  readonly #slots: (EventEnvelope | undefined)[];

  constructor(size = ENVELOPE_SLOTS) {
    this.#slots = new Array<EventEnvelope | undefined>(size);
  }

  decode(events: readonly Wire[]): EventEnvelope[] {
    const slots = this.#slots;
    return events.map((e) => {
      const slot = (isRef(e) ? e.ref : e.position) % slots.length;
      if (!isRef(e)) return (slots[slot] = e);
      const held = slots[slot];
      if (held?.position !== e.ref) throw new Error(`The read worker no longer holds the event at position ${e.ref}.`);
      return held;
    });
  }

  /** A read-side call's arguments as the read side expects them. */
  args(method: string, args: unknown[]): unknown[] {
    if (!BATCH_METHODS.has(method)) return args;
    const one = (r: ApplyBatchRequest & { events: Wire[] }): ApplyBatchRequest => ({ ...r, events: this.decode(r.events) });
    return method === 'applyBatches'
      ? [(args[0] as (ApplyBatchRequest & { events: Wire[] })[]).map(one)]
      : [one(args[0] as ApplyBatchRequest & { events: Wire[] }), ...args.slice(1)];
  }
}
