// The domains an incident can happen in, each reduced to what an incident
// needs: starting data, one counted write on a key entity, the screen that
// shows the count, and the words to tell the story.
import type { Intent } from '../engine/index.ts';
import type { IncidentScreen } from './types.ts';

export interface DomainKit {
  domain: string;
  /** "account acc-1", "product KB-1". */
  entity: string;
  /** The counted write: "deposit", "restock". */
  write: string;
  /** "deposits", "restocks". */
  writes: string;
  /** What the screen shows: "balance", "stock". */
  shows: string;
  unit: 'cents' | 'units';
  /** The starting data: the key entity and `others` more. */
  setup(others: number): Intent[];
  /** The counted write of `amount` on the key entity (entity 0) or another one. */
  command(entity: number, amount: number): { type: string; data: Record<string, unknown> };
  /** The smallest and largest amount of one write. */
  amount: [number, number];
  /** The key entity's value before the workload. */
  start: number;
  screen: Omit<IncidentScreen, 'consistency'>;
  /** Event type of the counted write (to add up the event store). */
  eventType: string;
  /** Field of that event holding the amount. */
  amountField: string;
  /** The key entity's stream. */
  stream: string;
}

const command = (type: string, data: Record<string, unknown>): Intent => ({ kind: 'command', command: { type, data } });

const banking: DomainKit = {
  domain: 'banking',
  entity: 'account acc-1',
  write: 'deposit',
  writes: 'deposits',
  shows: 'balance',
  unit: 'cents',
  setup: (others) =>
    Array.from({ length: others + 1 }, (_, i) =>
      command('OpenAccount', { accountId: `acc-${i + 1}`, owner: `Customer ${i + 1}`, overdraftLimitCents: 0 }),
    ),
  command: (entity, amount) => ({ type: 'Deposit', data: { accountId: `acc-${entity + 1}`, amountCents: amount } }),
  amount: [500, 5000],
  start: 0,
  screen: {
    label: 'Balance after a deposit',
    query: 'GetBalance',
    projection: 'balance',
    path: 'balanceCents',
    params: { accountId: 'acc-1' },
  },
  eventType: 'MoneyDeposited',
  amountField: 'amountCents',
  stream: 'account-acc-1',
};

const commerce: DomainKit = {
  domain: 'commerce',
  entity: 'product KB-1',
  write: 'restock',
  writes: 'restocks',
  shows: 'stock',
  unit: 'units',
  setup: (others) =>
    Array.from({ length: others + 1 }, (_, i) =>
      command('AddProduct', { sku: `KB-${i + 1}`, name: `Keyboard ${i + 1}`, priceCents: 4999, stock: 10 }),
    ),
  command: (entity, amount) => ({ type: 'RestockProduct', data: { sku: `KB-${entity + 1}`, quantity: amount } }),
  amount: [1, 20],
  start: 10,
  screen: { label: 'Stock after a restock', query: 'GetProduct', projection: 'catalogue', path: 'stock', params: { sku: 'KB-1' } },
  eventType: 'ProductRestocked',
  amountField: 'quantity',
  stream: 'product-KB-1',
};

export const DOMAIN_KITS: readonly DomainKit[] = [banking, commerce];

export function kitOf(domain: string): DomainKit {
  const kit = DOMAIN_KITS.find((k) => k.domain === domain);
  if (!kit) throw new Error(`No incident kit for the domain "${domain}"; known: ${DOMAIN_KITS.map((k) => k.domain).join(', ')}.`);
  return kit;
}
