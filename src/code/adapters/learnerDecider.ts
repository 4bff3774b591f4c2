// A learner's decider module (initialState, decide, evolve) as the engine's
// RunningDecider. Commands, states and events cross as JSON; what decide
// returns is checked against the API so a mistake is said at the learner's
// level ("decide must return…") rather than failing deep in the engine.
import type { Decision, Message, RunningDecider } from '../../engine/index.ts';
import { LearnerCodeError } from '../sandbox/errors.ts';
import type { LearnerSandbox } from '../sandbox/sandbox.ts';

export interface DeciderContract {
  /** Event types decide may emit. */
  eventTypes: readonly string[];
  /** Rejection codes decide may use ('any': the learner names their own, as in the sandbox). */
  rejectionCodes: readonly string[] | 'any';
}

function contract(message: string): LearnerCodeError {
  return new LearnerCodeError({ kind: 'contract', message });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What decide returned, as a Decision, or a contract error that says what was expected. */
export function checkDecision(result: unknown, spec: DeciderContract): Decision<Message> {
  if (Array.isArray(result)) {
    return result.map((e, i) => {
      if (!isObject(e) || typeof e.type !== 'string' || !isObject(e.data)) {
        throw contract(`decide returned an array whose item ${i} is not an event { type, data }: ${JSON.stringify(e)}`);
      }
      if (!spec.eventTypes.includes(e.type)) {
        throw contract(`decide returned an event of type ${e.type}; the events are ${spec.eventTypes.join(', ')}`);
      }
      return { type: e.type, data: e.data };
    });
  }
  if (isObject(result) && typeof result.code === 'string') {
    if (spec.rejectionCodes !== 'any' && !spec.rejectionCodes.includes(result.code)) {
      throw contract(`decide rejected with code ${result.code}; the codes are ${spec.rejectionCodes.join(', ')}`);
    }
    return { code: result.code, message: typeof result.message === 'string' ? result.message : result.code };
  }
  throw contract(
    `decide must return an array of events ([{ type, data }]) or reject(code, message); it returned ${JSON.stringify(result) ?? 'undefined'}`,
  );
}

export function learnerDecider(sandbox: LearnerSandbox, spec: DeciderContract): RunningDecider {
  for (const name of ['decide', 'evolve']) {
    if (sandbox.exportType(name) !== 'function') throw contract(`export function ${name}(…) { … } is missing`);
  }
  if (sandbox.exportType('initialState') === 'undefined')
    throw contract('export const initialState = { … } (or a function returning it) is missing');
  return {
    get initialState() {
      const state = sandbox.exportValue('initialState');
      if (state === undefined) throw contract('initialState must be a value (or a function returning one), not undefined');
      return state;
    },
    decide(command: Message, state: unknown) {
      return checkDecision(sandbox.call('decide', [{ type: command.type, data: command.data }, state]), spec);
    },
    evolve(state: unknown, event: Message) {
      const next = sandbox.call('evolve', [state, { type: event.type, data: event.data }]);
      if (next === undefined) throw contract(`evolve must return the next state; it returned nothing for ${event.type}`);
      return next;
    },
  };
}
