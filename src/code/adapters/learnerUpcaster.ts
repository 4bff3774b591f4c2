// A learner's upcaster module as one link of the engine's upcaster chain: the
// engine calls upcast synchronously wherever it reads an old event (loading a
// stream to decide, projecting, reading it back), and the sandbox runs
// synchronously too, so the engine sees an ordinary upcaster.
import type { DomainDefinition } from '../../engine/index.ts';
import { LearnerCodeError } from '../sandbox/errors.ts';
import type { LearnerSandbox } from '../sandbox/sandbox.ts';

export type EngineUpcaster = NonNullable<DomainDefinition['upcasters']>[number];

export interface UpcasterContract {
  eventType: string;
  fromVersion: number;
  description: string;
}

function contract(message: string): LearnerCodeError {
  return new LearnerCodeError({ kind: 'contract', message });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The module's upcast as the engine's upcaster; throws LearnerCodeError ('contract') when it is missing. */
export function learnerUpcaster(sandbox: LearnerSandbox, spec: UpcasterContract): EngineUpcaster {
  if (sandbox.exportType('upcast') !== 'function') throw contract('export function upcast(data) { … } is missing');
  return {
    eventType: spec.eventType,
    fromVersion: spec.fromVersion,
    description: spec.description,
    upcast(data: Record<string, unknown>): Record<string, unknown> {
      const next = sandbox.call('upcast', [data]);
      if (!isObject(next)) {
        throw contract(
          `upcast must return the payload in version ${spec.fromVersion + 1}'s shape (an object); it returned ${JSON.stringify(next) ?? 'undefined'}`,
        );
      }
      return next;
    },
  };
}
