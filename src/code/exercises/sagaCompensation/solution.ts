// The reference solution, played by the tests: a decline, a refused charge and
// a charge wait that runs out are compensated by a release and a cancel.
import { starter } from './exercise.ts';

const giveUp = `function giveUp(state, reason) {
  return {
    state: { ...state, status: 'compensated', reason },
    status: 'compensated',
    commands: [
      { key: 'release', type: 'ReleaseStock', data: { orderId: state.orderId, sku: state.sku } },
      { key: 'cancel', type: 'CancelCheckout', data: { orderId: state.orderId, reason } },
    ],
    timeout: null,
    done: true,
  };
}

`;

export const sagaCompensationSolution = starter
  .replace('export function react(', `${giveUp}export function react(`)
  .replace(
    '      // TODO: the compensation: the payment failed, so the checkout cannot complete.\n      return undefined;\n',
    "      if (state.status !== 'charging') return undefined;\n      return giveUp(state, 'payment declined: ' + event.data.reason);\n",
  )
  .replace(
    '  // TODO: the same compensation.\n  return undefined;\n',
    "  if (state.status !== 'charging') return undefined;\n  return giveUp(state, 'the payment could not be made: ' + rejection.code);\n",
  )
  .replace(
    '  // TODO: the same compensation.\n  return undefined;\n',
    "  if (state.status !== 'charging') return undefined;\n  return giveUp(state, 'the payment timed out');\n",
  );
