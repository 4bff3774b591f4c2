// Given/When/Then for deciders: given past events, when a command is decided,
// then expect these new events (or this rejection). Pure: no store, no
// clock, no test framework; a mismatch throws an Error saying what differed.
// Typed by the aggregate's unions: a test that names an event, a command or
// a rejection code the aggregate does not declare fails to compile.
import type { AggregateDefinition, Message } from '../domain.ts';
import { isRejection } from '../domain.ts';

export interface Scenario<C extends Message, E extends Message, R extends string> {
  when(command: C): Outcome<E, R>;
}

export interface Outcome<E extends Message, R extends string> {
  /** Expect exactly these events, in order. Returns them. */
  then(expected: readonly E[]): readonly E[];
  /** Expect a rejection with this code. Returns its message. */
  thenRejects(code: R): string;
  /** The raw decision, for custom checks. */
  decision(): readonly E[] | { code: R; message: string };
}

export function given<S, C extends Message, E extends Message, R extends string>(
  aggregate: AggregateDefinition<S, C, E, R>,
  events: readonly E[] = [],
): Scenario<C, E, R> {
  const { decider } = aggregate;
  let state = decider.initialState;
  for (const e of events) state = decider.evolve(state, e);
  return {
    when(command) {
      const decision = decider.decide(command, state);
      return {
        decision: () => decision,
        then(expected) {
          if (isRejection(decision)) {
            throw new Error(`${command.type}: expected events but it was rejected with ${decision.code}: ${decision.message}`);
          }
          const got = JSON.stringify(decision);
          const want = JSON.stringify(expected);
          if (got !== want) throw new Error(`${command.type}: expected events\n  ${want}\nbut got\n  ${got}`);
          return decision;
        },
        thenRejects(code) {
          if (!isRejection(decision)) {
            throw new Error(`${command.type}: expected rejection ${code} but it decided ${JSON.stringify(decision)}`);
          }
          if (decision.code !== code) {
            throw new Error(`${command.type}: expected rejection ${code} but got ${decision.code}: ${decision.message}`);
          }
          if (decision.message.length === 0) throw new Error(`${command.type}: rejection ${code} has no message for the learner`);
          return decision.message;
        },
      };
    },
  };
}
