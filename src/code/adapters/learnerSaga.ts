// A learner's saga functions as the engine's saga reactions: what they return
// is checked against the reaction's shape, so a mistake is said at the
// learner's level ("react must return…") rather than failing in the engine.
import { LearnerCodeError } from '../sandbox/errors.ts';
import type { LearnerSandbox } from '../sandbox/sandbox.ts';

/** The reaction as the engine takes it (SagaReaction with the state as plain JSON). */
export interface LearnerReaction {
  state: unknown;
  status: string;
  commands?: { key: string; type: string; data: Record<string, unknown> }[];
  timeout?: { name: string; afterMs: number } | null;
  done?: boolean;
}

function contract(message: string): LearnerCodeError {
  return new LearnerCodeError({ kind: 'contract', message });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a saga function returned, as a reaction (undefined: nothing to do), or a contract error saying what was expected. */
export function checkReaction(fn: string, result: unknown, commandTypes: readonly string[]): LearnerReaction | undefined {
  if (result === undefined || result === null) return undefined;
  const shape = `${fn} must return undefined (nothing to do) or { state, status, commands?, timeout?, done? }`;
  if (!isObject(result) || !('state' in result) || typeof result.status !== 'string')
    throw contract(`${shape}; it returned ${JSON.stringify(result)}`);
  const reaction: LearnerReaction = { state: result.state, status: result.status };
  if (result.commands !== undefined) {
    if (!Array.isArray(result.commands)) throw contract(`${fn}: commands must be an array of { key, type, data }`);
    reaction.commands = result.commands.map((c, i) => {
      if (!isObject(c) || typeof c.key !== 'string' || typeof c.type !== 'string' || !isObject(c.data))
        throw contract(`${fn}: command ${i} is not { key, type, data }: ${JSON.stringify(c)}`);
      if (!commandTypes.includes(c.type))
        throw contract(`${fn}: there is no command ${c.type}; the commands are ${commandTypes.join(', ')}`);
      return { key: c.key, type: c.type, data: c.data };
    });
  }
  if (result.timeout !== undefined) {
    const t = result.timeout;
    if (t !== null && !(isObject(t) && typeof t.name === 'string' && typeof t.afterMs === 'number' && t.afterMs >= 0))
      throw contract(`${fn}: timeout must be null (cancel the wait) or { name, afterMs }; it is ${JSON.stringify(t)}`);
    reaction.timeout = t as LearnerReaction['timeout'];
  }
  if (result.done !== undefined) {
    if (typeof result.done !== 'boolean') throw contract(`${fn}: done must be true or false`);
    reaction.done = result.done;
  }
  return reaction;
}

/** The learner's exported saga functions, checked to exist; each call's result checked. */
export function learnerSagaSteps(sandbox: LearnerSandbox, names: readonly string[], commandTypes: readonly string[]) {
  for (const name of names) if (sandbox.exportType(name) !== 'function') throw contract(`export function ${name}(…) { … } is missing`);
  return (name: string, args: readonly unknown[]): LearnerReaction | undefined =>
    checkReaction(name, sandbox.call(name, args), commandTypes);
}
