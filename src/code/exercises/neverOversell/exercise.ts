// "A decider that never oversells under concurrent orders".
import { DECIDER_API } from '../api.ts';
import type { ExerciseInfo } from '../types.ts';

export const starter = `// A product's stock as a decider. decide(command, state) answers a command
// with events (or a refusal); evolve(state, event) folds an event into the state.
// Orders arrive concurrently: the engine decides each one on the stream's
// latest state and appends only if nobody wrote in between (otherwise it
// loads again and decides again). Make sure stock can never go below zero.

export function initialState() {
  return { onHand: 0 };
}

/**
 * @param {{ type: 'Restock', data: { sku: string, units: number } }
 *       | { type: 'PlaceOrder', data: { sku: string, orderId: string, units: number } }} command
 * @param {{ onHand: number }} state
 */
export function decide(command, state) {
  const d = command.data;
  switch (command.type) {
    case 'Restock':
      return [{ type: 'Restocked', data: { sku: d.sku, units: d.units } }];
    case 'PlaceOrder':
      // TODO: refuse with reject('OutOfStock', '…') when the order cannot be served.
      return [{ type: 'OrderPlaced', data: { sku: d.sku, orderId: d.orderId, units: d.units } }];
  }
  throw new Error('unknown command ' + command.type);
}

/**
 * @param {{ onHand: number }} state
 * @param {{ type: 'Restocked', data: { units: number } } | { type: 'OrderPlaced', data: { units: number } }} event
 */
export function evolve(state, event) {
  switch (event.type) {
    case 'Restocked':
      return { onHand: state.onHand + event.data.units };
    case 'OrderPlaced':
      return { onHand: state.onHand - event.data.units };
  }
  return state;
}
`;

export const neverOversell: ExerciseInfo = {
  id: 'never-oversell',
  title: 'A decider that never oversells under concurrent orders',
  kind: 'decider',
  summary: 'Write the stock rule of a product so that no burst of concurrent orders can sell units that are not there.',
  brief: [
    'A product is one stream: Restock adds units (Restocked), PlaceOrder sells them (OrderPlaced). Your decider holds the rule; the engine runs it in its real command handler.',
    'Orders arrive at the same time. The engine loads the stream, calls your decide on that state, and appends only if the stream has not moved since; if it has, it loads and decides again. So a decide that checks the state it is given is enough: never sell more units than are on hand, and refuse with reject("OutOfStock", …) instead.',
    'An order that fits in the stock must still be accepted.',
  ],
  checks: [
    'Examples (given / when / then) on your decider.',
    'Property: random restocks and bursts of concurrent orders on one or two products; no stream may ever go below zero.',
    'Property: orders one at a time against a model: an order is accepted exactly when it fits in the stock.',
  ],
  starter,
  lab: true,
  api: DECIDER_API,
};
