// The banking events, declared once: the union every decider, projection
// and test is checked against, and the catalogue keyed by it.
import { eventList, eventTypes, type DomainEvent, type EventSpecs } from '../../engine/index.ts';

export type AccountOpened = DomainEvent<'AccountOpened', { accountId: string; owner: string; overdraftLimitCents: number }>;
export type MoneyDeposited = DomainEvent<'MoneyDeposited', { accountId: string; amountCents: number }>;
export type MoneyWithdrawn = DomainEvent<'MoneyWithdrawn', { accountId: string; amountCents: number }>;
export type TransferSent = DomainEvent<'TransferSent', { transferId: string; accountId: string; toAccountId: string; amountCents: number }>;
export type TransferReceived = DomainEvent<
  'TransferReceived',
  { transferId: string; accountId: string; fromAccountId: string; amountCents: number }
>;

export type AccountEvent = AccountOpened | MoneyDeposited | MoneyWithdrawn | TransferSent | TransferReceived;
export type BankingEvent = AccountEvent;

const specs = {
  AccountOpened: { aggregate: 'Account', schemaVersion: 1, description: 'An account was opened with an overdraft limit.' },
  MoneyDeposited: { aggregate: 'Account', schemaVersion: 1, description: 'Money was paid in.' },
  MoneyWithdrawn: { aggregate: 'Account', schemaVersion: 1, description: 'Money was taken out.' },
  TransferSent: { aggregate: 'Account', schemaVersion: 1, description: 'This account sent money to another.' },
  TransferReceived: { aggregate: 'Account', schemaVersion: 1, description: 'This account received money from another.' },
} satisfies EventSpecs<BankingEvent>;

/** Every banking event type, in catalogue order. */
export const BANKING_EVENTS = eventTypes(specs);

export const events = eventList(specs);
