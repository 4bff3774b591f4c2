// "A saga step with its compensation": the checkout saga's payment step
// (stock reserved → charge) and what undoes it when the payment fails.
import { SAGA_API } from '../api.ts';
import type { ExerciseInfo } from '../types.ts';

export const starter = `// The checkout saga: reserve stock → charge the payment → confirm the order.
// You write its payment step and the step's compensation. The rest of the
// saga (starting the reservation, confirming, the timeouts) is the engine's.
//
// state: { orderId, customerId, sku, quantity, card, amountCents, status, reason }
// status: 'reserving' | 'charging' | 'confirming' | 'completed' | 'compensated' | 'cancelled'

/**
 * Called for StockReserved { orderId, sku, quantity, unitPriceCents, totalCents }
 * and PaymentDeclined { orderId, amountCents, reason }.
 * @param {{ gatewayApproved: boolean, timeoutMs: number }} ctx  the gateway's answer for this checkout
 */
export function react(state, event, ctx) {
  switch (event.type) {
    case 'StockReserved':
      if (state.status !== 'reserving') return undefined;
      return {
        state: { ...state, amountCents: event.data.totalCents, status: 'charging' },
        status: 'charging',
        commands: [
          {
            key: 'charge',
            type: 'ChargePayment',
            data: { orderId: state.orderId, amountCents: event.data.totalCents, card: state.card, gatewayApproved: ctx.gatewayApproved },
          },
        ],
        timeout: { name: 'charge', afterMs: ctx.timeoutMs },
      };
    case 'PaymentDeclined':
      // TODO: the compensation: the payment failed, so the checkout cannot complete.
      return undefined;
  }
  return undefined;
}

/**
 * The ChargePayment command was refused (it did not even reach the gateway).
 * @param {{ code: string, message: string }} rejection
 */
export function onChargeRefused(state, rejection) {
  // TODO: the same compensation.
  return undefined;
}

/** The wait named 'charge' ran out: no answer from the payment in time. */
export function onChargeTimeout(state) {
  // TODO: the same compensation.
  return undefined;
}
`;

export const sagaCompensation: ExerciseInfo = {
  id: 'saga-compensation',
  title: 'A saga step with its compensation',
  kind: 'saga',
  summary:
    'Write the checkout saga’s payment step and what undoes it when the payment fails, under declines, refusals, duplicates and late news.',
  brief: [
    'A checkout spans three aggregates: the product (stock is reserved), the payment and the order. No transaction covers them all; the checkout saga moves the flow on, one event at a time, and when a later step fails it compensates the earlier ones.',
    'You write the payment step: when the stock is reserved, charge the card (the engine gives you the gateway’s answer in ctx.gatewayApproved) and wait for the answer. And its compensation: when the payment is declined, the ChargePayment command is refused, or no answer comes before the wait runs out, give the reserved units back (ReleaseStock) and cancel the checkout (CancelCheckout), and finish the flow.',
    'The bus delivers duplicates and late news. The engine skips a delivery it has already handled, and a command’s key names its step, so a resend is not a second command; a charge that lands after you gave up is refunded by the rest of the saga. Your part: once the payment has failed, nothing of this checkout may stay held.',
  ],
  checks: [
    'Examples: a paid checkout is confirmed; a declined card; a charge over the gateway’s limit refused; a payment that answers after the wait.',
    'Property: random checkouts under declines, refusals, stock shortages, 30 % duplicates, latency and short waits. Once everything settles, every checkout ended (confirmed or cancelled), a cancelled one holds no reserved stock and no money, and a confirmed one was paid.',
  ],
  starter,
  api: SAGA_API,
};
