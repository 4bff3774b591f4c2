// Event catalogue for banking.
import type { EventSpec } from '../../engine/index.ts';

export const events: EventSpec[] = [
  { type: 'AccountOpened', aggregate: 'Account', schemaVersion: 1, description: 'An account was opened with an overdraft limit.' },
  { type: 'MoneyDeposited', aggregate: 'Account', schemaVersion: 1, description: 'Money was paid in.' },
  { type: 'MoneyWithdrawn', aggregate: 'Account', schemaVersion: 1, description: 'Money was taken out.' },
  { type: 'TransferSent', aggregate: 'Account', schemaVersion: 1, description: 'This account sent money to another.' },
  { type: 'TransferReceived', aggregate: 'Account', schemaVersion: 1, description: 'This account received money from another.' },
];
