// The inline reference the editor shows beside the code: what a learner's
// module exports and what it is handed. One source for every exercise.
import type { ApiEntry } from './types.ts';

export const PROJECTION_API: ApiEntry[] = [
  { signature: 'export const schema = [ddl, …]', description: 'CREATE TABLE statements run on a fresh read store (yours alone).' },
  {
    signature: "export const handles = ['EventType', …]",
    description: 'The event types apply receives; other events only move the checkpoint.',
  },
  {
    signature: 'export function apply(db, event)',
    description:
      'Apply one event. Runs inside the batch transaction with the checkpoint: throw and the batch rolls back and the projection crashes.',
  },
  { signature: 'db.run(sql, params?)', description: 'Run INSERT / UPDATE / DELETE on your tables; params fill the ? placeholders.' },
  { signature: 'db.get(sql, params?)', description: 'The first row of a SELECT as an object, or undefined.' },
  { signature: 'db.all(sql, params?)', description: 'Every row of a SELECT, as objects.' },
  {
    signature: 'event',
    description:
      '{ position, streamId, version, type, data, metadata: { commandId, correlationId, recordedAt } }: version is its place in its stream, position in the whole log.',
  },
  {
    signature: 'Date.now(), Math.random()',
    description: "The engine's virtual clock and a seeded generator: the same run gives the same result.",
  },
];

export const DECIDER_API: ApiEntry[] = [
  { signature: 'export function initialState()', description: 'The state of a stream with no events yet (plain JSON).' },
  {
    signature: 'export function decide(command, state)',
    description: 'Return the events to append, [{ type, data }, …], or reject(code, message). Never throw for a business rule.',
  },
  {
    signature: 'export function evolve(state, event)',
    description: 'Return the state after the event. Events are facts: never refuse one.',
  },
  { signature: 'reject(code, message)', description: 'A refusal the client sees: nothing is appended.' },
  { signature: 'command, event', description: '{ type, data }: data holds the fields of the command or event.' },
  {
    signature: 'Date.now(), Math.random()',
    description: "The engine's virtual clock and a seeded generator: the same run gives the same result.",
  },
];

export const UPCASTER_API: ApiEntry[] = [
  {
    signature: 'export function upcast(data)',
    description: 'Given the payload of an old event (version 1), return it in the next version’s shape. Pure: no db, no state.',
  },
  { signature: 'data', description: 'The stored payload as plain JSON. Return a new object; what you return is what every reader sees.' },
  {
    signature: 'Date.now(), Math.random()',
    description: "The engine's virtual clock and a seeded generator: the same run gives the same result.",
  },
];

export const SAGA_API: ApiEntry[] = [
  {
    signature: 'export function react(state, event, ctx)',
    description: 'React to an event of the flow. Return undefined (nothing to do) or a reaction.',
  },
  {
    signature: '{ state, status, commands?, timeout?, done? }',
    description:
      'A reaction: the next state, its status (shown in traces), commands to send, a wait to start ({ name, afterMs }) or cancel (null), done: true when the flow has finished.',
  },
  {
    signature: '{ key, type, data }',
    description: 'A command to send. The key names the step: the command id is derived from it, so a resend is not a second command.',
  },
  {
    signature: 'export function onChargeRefused(state, rejection)',
    description: 'Your ChargePayment was refused ({ code, message }): return a reaction, as react does.',
  },
  {
    signature: 'export function onChargeTimeout(state)',
    description: "The wait named 'charge' ran out before the payment answered: return a reaction, as react does.",
  },
  {
    signature: 'ctx',
    description: '{ gatewayApproved, timeoutMs }: the payment gateway’s answer for this checkout, and how long a wait lasts.',
  },
];
