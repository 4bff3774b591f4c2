// A steady stream of commands for watching the system under load. Entirely
// deterministic (command i is a function of i); every command it sends is an
// ordinary intent, recorded in the script like any other.
import type { CommandInput } from '../engine/index.ts';

export interface LoadPlan {
  /** What the load needs to exist first (sent once, when the load starts). */
  setup: CommandInput[];
  /** The i-th command of the load (i from 0). */
  command(i: number): CommandInput;
  /** Events each command appends, on average (to express a rate in events/s). */
  eventsPerCommand: number;
}

/** Streams written at once: commands on one stream stay 8 ms apart at 1,000/s, clear of each other. */
const WIDTH = 8;
/** Commands per stream before the load moves on to fresh streams (short streams load fast). */
const PER_STREAM = 50;
const BLOCK = WIDTH * PER_STREAM;

/** Which stream (1-based) command i writes, and whether it is the stream's first command. */
function slot(i: number): { n: number; first: boolean } {
  return { n: Math.floor(i / BLOCK) * WIDTH + (i % WIDTH) + 1, first: i % BLOCK < WIDTH };
}

const plans: Record<string, LoadPlan> = {
  commerce: {
    setup: [],
    // Each product is added, then gets orders and restocks in turn, so stock never runs out.
    command: (i) => {
      const { n, first } = slot(i);
      const sku = `LOAD-${n}`;
      if (first) return { type: 'AddProduct', data: { sku, name: `Load product ${n}`, priceCents: 1000 + (n % 100), stock: 1000 } };
      return Math.floor(i / WIDTH) % 2 === 1
        ? { type: 'PlaceOrder', data: { orderId: `load-${i}`, customerId: `cust-${i % 25}`, sku, quantity: 1 } }
        : { type: 'RestockProduct', data: { sku, quantity: 1 } };
    },
    eventsPerCommand: 1,
  },
  banking: {
    setup: [],
    command: (i) => {
      const { n, first } = slot(i);
      const accountId = `load-${n}`;
      if (first) return { type: 'OpenAccount', data: { accountId, owner: `Load owner ${n}`, overdraftLimitCents: 0 } };
      return { type: 'Deposit', data: { accountId, amountCents: 100 + (i % 7) } };
    },
    eventsPerCommand: 1,
  },
};

export function loadPlan(domain: string): LoadPlan | undefined {
  return plans[domain];
}

/**
 * How many load commands are due by virtual time `t` for a load started at
 * `start` at `rate` commands per second.
 */
export function dueBy(start: number, rate: number, t: number): number {
  if (rate <= 0 || t < start) return 0;
  return Math.floor(((t - start) * rate) / 1000) + 1;
}

/** The first whole millisecond at which command number `n` (0-based) is due. */
export function dueAt(start: number, rate: number, n: number): number {
  return start + Math.ceil((n * 1000) / rate);
}
