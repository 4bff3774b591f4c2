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

/**
 * How the commerce load spreads its orders. By default it spreads them over
 * many products, so no two orders race for the same stream. A hot product
 * takes a share of the commands instead: every one of them is an order for
 * the same product, with limited stock, so orders queue on that one stream
 * (version conflicts and retries) and, once the stock is gone, are refused.
 */
export interface LoadShape {
  /** Share of commands (0 to 1) that order the hot product. */
  hotShare: number;
  /** The hot product's stock when the load adds it. */
  hotStock: number;
}

/** The product every hot order targets (added by the load's setup). */
export const HOT_SKU = 'FLASH-1';

/**
 * Streams written at once: commands on one stream stay 32 ms apart at 1,000/s and 3.2 ms at the 10,000/s
 * maximum, clear of each other (a command holds its stream for costs.commandMs, 2 ms by default). At 8 a
 * 5,000/s load raced itself: a third of its commands lost a version check and retried.
 */
const WIDTH = 32;
/** Commands per stream before the load moves on to fresh streams (short streams load fast). */
const PER_STREAM = 20;
const BLOCK = WIDTH * PER_STREAM;

/** Which stream (1-based) command i writes, and whether it is the stream's first command. */
function slot(i: number): { n: number; first: boolean } {
  return { n: Math.floor(i / BLOCK) * WIDTH + (i % WIDTH) + 1, first: i % BLOCK < WIDTH };
}

// Each product is added, then gets orders and restocks in turn, so stock never runs out.
function spreadCommerce(i: number): CommandInput {
  const { n, first } = slot(i);
  const sku = `LOAD-${n}`;
  if (first) return { type: 'AddProduct', data: { sku, name: `Load product ${n}`, priceCents: 1000 + (n % 100), stock: 1000 } };
  return Math.floor(i / WIDTH) % 2 === 1
    ? { type: 'PlaceOrder', data: { orderId: `load-${i}`, customerId: `cust-${i % 25}`, sku, quantity: 1 } }
    : { type: 'RestockProduct', data: { sku, quantity: 1 } };
}

/** Hot orders among commands 0..i-1: evenly spaced, floor(i × share) of them. */
const hotBefore = (i: number, share: number): number => Math.floor(i * share);

function hotCommerce(shape: LoadShape): LoadPlan {
  return {
    setup: [{ type: 'AddProduct', data: { sku: HOT_SKU, name: 'Flash-sale console', priceCents: 29900, stock: shape.hotStock } }],
    command: (i) => {
      const before = hotBefore(i, shape.hotShare);
      if (hotBefore(i + 1, shape.hotShare) > before) {
        return { type: 'PlaceOrder', data: { orderId: `flash-${i}`, customerId: `cust-${i % 25}`, sku: HOT_SKU, quantity: 1 } };
      }
      // The other commands keep the spread pattern, numbered among themselves.
      return spreadCommerce(i - before);
    },
    eventsPerCommand: 1,
  };
}

const plans: Record<string, LoadPlan> = {
  commerce: { setup: [], command: spreadCommerce, eventsPerCommand: 1 },
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

/** The load for a domain; a shape with a hot share concentrates commerce orders on one product. */
export function loadPlan(domain: string, shape?: LoadShape): LoadPlan | undefined {
  if (shape) {
    if (!(shape.hotShare >= 0 && shape.hotShare <= 1))
      throw new RangeError(`The hot share is a fraction from 0 to 1, got ${shape.hotShare}.`);
    if (!(Number.isInteger(shape.hotStock) && shape.hotStock >= 0))
      throw new RangeError(`The hot product's stock is a whole number of units, got ${shape.hotStock}.`);
    if (shape.hotShare === 0) return plans[domain];
    if (domain !== 'commerce') throw new Error(`A hot product needs the commerce domain, not ${domain}.`);
    return hotCommerce(shape);
  }
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
