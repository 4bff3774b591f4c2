// The reference solution, played by the tests.
import { starter } from './exercise.ts';

export const neverOversellSolution = starter.replace(
  "      // TODO: refuse with reject('OutOfStock', '…') when the order cannot be served.\n",
  "      if (d.units > state.onHand) return reject('OutOfStock', 'only ' + state.onHand + ' left');\n",
);
