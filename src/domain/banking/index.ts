// Banking: accounts with overdraft limits, deposits, withdrawals and
// two-account transfers, with a balance view and a statement view.
import type { DomainDefinition } from '../../engine/index.ts';
import { Account } from './account.ts';
import { commands } from './commands.ts';
import { events } from './events.ts';
import { balance, balanceQueries } from './projections/balance.ts';
import { statement, statementQueries } from './projections/statement.ts';

export const banking: DomainDefinition = {
  name: 'banking',
  title: 'Banking',
  description:
    'Accounts with an overdraft limit, deposits, withdrawals and transfers between two accounts, with a balance view and a statement view.',
  aggregates: [Account],
  commands,
  events,
  projections: [balance, statement],
  queries: [...balanceQueries, ...statementQueries],
};
