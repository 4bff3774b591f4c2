// A learner's projection module as the engine's ProjectionCode: the engine
// calls apply synchronously inside its batch transaction, and the sandbox
// runs synchronously too, so the engine sees an ordinary projection. A throw
// in the learner's apply crashes the projection like any handler that throws.
import type { EventEnvelope, ProjectionCode, ReadStoreDb } from '../../engine/index.ts';
import { LearnerCodeError } from '../sandbox/errors.ts';
import type { LearnerSandbox } from '../sandbox/sandbox.ts';

export interface ProjectionContract {
  description: string;
  /** The event types the domain has: `handles` may name only these. */
  eventTypes: readonly string[];
}

function contract(message: string): LearnerCodeError {
  return new LearnerCodeError({ kind: 'contract', message });
}

function stringList(value: unknown, name: string, example: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v.trim() !== '')) {
    throw contract(`export const ${name} must be a non-empty array of strings, e.g. ${example}`);
  }
  return value as string[];
}

/** The module's schema, handles and apply, checked against the API; throws LearnerCodeError ('contract') when one is missing or wrong. */
export function learnerProjectionCode(sandbox: LearnerSandbox, spec: ProjectionContract): ProjectionCode {
  const schema = stringList(sandbox.exportValue('schema'), 'schema', "['CREATE TABLE balances (account_id TEXT PRIMARY KEY, …)']");
  const handles = stringList(sandbox.exportValue('handles'), 'handles', "['MoneyDeposited', 'MoneyWithdrawn']");
  const unknown = handles.filter((t) => !spec.eventTypes.includes(t));
  if (unknown.length > 0) {
    throw contract(`handles names ${unknown.join(', ')}, which this domain does not have; its events are ${spec.eventTypes.join(', ')}`);
  }
  if (sandbox.exportType('apply') !== 'function') throw contract('export function apply(db, event) { … } is missing');
  return {
    description: spec.description,
    schema,
    handles,
    apply(db: ReadStoreDb, event: EventEnvelope): void {
      sandbox.callWithDb(db, 'apply', [event]);
    },
  };
}
