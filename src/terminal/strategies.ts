// Query consistency strategies: the words a learner types, and the engine's
// names they stand for (engine/intent.ts ConsistencyStrategy).
import type { ConsistencyStrategy } from './backend.ts';

/** The words completion offers, each with what it does. */
export const STRATEGY_HELP: Record<string, { strategy: ConsistencyStrategy; meaning: string }> = {
  eventual: { strategy: 'eventual', meaning: 'answer now from the read model as it is (may be stale)' },
  'read-your-writes': {
    strategy: 'readYourWrites',
    meaning:
      'your session’s own writes must show: wait for the read model (--via=wait) or complete the answer from the event store (--via=writeSide)',
  },
  token: {
    strategy: 'token',
    meaning: 'wait until the read model reaches --token (default: your session’s last write), or answer stale after --timeout',
  },
  polling: { strategy: 'poll', meaning: 'ask again every --poll until the read model reaches the token, or give up after --timeout' },
  push: { strategy: 'push', meaning: 'subscribe, and ask when the projection says it has passed the token' },
  optimistic: { strategy: 'optimistic', meaning: 'answer at once with your pending commands applied on top (predicted), reconciled later' },
  swr: {
    strategy: 'staleWhileRevalidate',
    meaning: 'stale-while-revalidate: answer from the session cache now, refresh in the background',
  },
};

/** Every accepted spelling (lower case) → the engine's strategy. */
export const STRATEGY_WORDS: Record<string, ConsistencyStrategy> = {
  ...Object.fromEntries(Object.entries(STRATEGY_HELP).map(([w, s]) => [w, s.strategy])),
  readyourwrites: 'readYourWrites',
  ryw: 'readYourWrites',
  poll: 'poll',
  'stale-while-revalidate': 'staleWhileRevalidate',
  stalewhilerevalidate: 'staleWhileRevalidate',
};

export function strategyOf(word: string): ConsistencyStrategy | undefined {
  return STRATEGY_WORDS[word.toLowerCase()];
}

/** The learner's word for an engine strategy (for printing). */
export function strategyWord(strategy: string): string {
  return Object.entries(STRATEGY_HELP).find(([, s]) => s.strategy === strategy)?.[0] ?? strategy;
}
