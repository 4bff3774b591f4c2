// The one reply wrapper every worker method answers with, and how errors
// cross the worker boundary.
//
// The rule: a worker method never lets an error escape to comlink (which would
// deliver a bare Error). It answers `Reply<T>` through replySync/replyAsync;
// the page's side calls `unwrap`, which returns the value or throws the error
// rebuilt with its class. An engine error comes back as the same subclass
// (`instanceof ConcurrencyError`, `InvalidPayloadError` with its `field`, …)
// with its code, message and details; anything else a worker throws comes back
// as a WorkerFaultError naming the worker (a bug, not an answer). Code that
// keeps the Reply unwrapped (the sandbox's result list) may switch on the
// wire error's `code` instead: it is the same data.
import {
  ConcurrencyError,
  EngineError,
  InvalidIntentError,
  InvalidPayloadError,
  InvalidSettingError,
  NotQuiescentError,
  ProjectionStateError,
  ReadModelUnavailableError,
  ReadOnlyError,
  SqlError,
  UnknownCommandError,
  UnknownProjectionError,
  UnknownQueryError,
  UnknownStreamError,
  UpcasterMissingError,
  errorFromData,
  type EngineErrorData,
} from '../../engine/index.ts';

/** Every worker the site starts: the sandbox's two, the terminal's SQL worker, the lessons' SQL lab, the drill runner, the learner-code runner, the scenario builder's checker, the failing-run shrinker, the incident runner. */
export type WorkerName = 'write' | 'read' | 'sql-query' | 'sql-lab' | 'drill' | 'code' | 'scenario-check' | 'shrink' | 'incident';

export type WireError =
  | {
      kind: 'engine';
      data: EngineErrorData;
      /** The subclass's own fields beside code and details (InvalidPayloadError's `field`, …). */
      fields: Record<string, unknown>;
    }
  | { kind: 'fault'; worker: WorkerName; name: string; message: string };

export type Reply<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** The value a Reply carries when it succeeds. */
export type ReplyValue<R> = R extends { ok: true; value: infer T } ? T : never;

/**
 * A worker protocol: every method answers a Reply (synchronously or not).
 * A method that returns anything else fails to compile where the protocol is declared.
 */
export type WorkerApi<A extends { [K in keyof A]: (...args: never[]) => Reply<unknown> | Promise<Reply<unknown>> }> = A;

/** A worker failed (threw something that is not an engine error, or died). */
export class WorkerFaultError extends Error {
  readonly worker: WorkerName;
  constructor(worker: WorkerName, message: string) {
    super(message);
    this.name = 'WorkerFaultError';
    this.worker = worker;
  }
}

/**
 * The engine's error classes by the name each sets on its instances (a class's
 * own `name` may be minified in a production build; the instance's is a literal).
 */
const ENGINE_ERROR_CLASSES: Record<string, new (...args: never[]) => EngineError> = {
  EngineError,
  UnknownCommandError,
  InvalidPayloadError,
  UnknownStreamError,
  InvalidSettingError,
  ConcurrencyError,
  UnknownProjectionError,
  UnknownQueryError,
  ReadOnlyError,
  SqlError,
  InvalidIntentError,
  ProjectionStateError,
  NotQuiescentError,
  UpcasterMissingError,
  ReadModelUnavailableError,
};

/** What EngineError itself holds; the rest of an instance's own fields belong to its subclass. */
const BASE_FIELDS = new Set(['name', 'message', 'stack', 'code', 'details', 'cause']);

export function toWire(e: unknown, worker: WorkerName): WireError {
  if (e instanceof EngineError) {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(e)) if (!BASE_FIELDS.has(key)) fields[key] = value;
    return { kind: 'engine', data: e.toJSON(), fields };
  }
  if (e instanceof WorkerFaultError) return { kind: 'fault', worker: e.worker, name: e.name, message: e.message };
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'fault', worker, name: err.name, message: err.message };
}

/**
 * The error a WireError stands for, with its class. A subclass is rebuilt
 * without running its constructor (which composes the message from its
 * arguments): the message, details and fields are the ones that were sent.
 */
export function fromWire(w: WireError): Error {
  if (w.kind === 'fault') return new WorkerFaultError(w.worker, w.message);
  const cls = ENGINE_ERROR_CLASSES[w.data.name];
  if (!cls) return errorFromData(w.data);
  const e = Reflect.construct(EngineError, [w.data.code, w.data.message, w.data.details], cls) as EngineError;
  e.name = w.data.name;
  return Object.assign(e, w.fields);
}

/** The message of a wire error, for code that shows a failed Reply without unwrapping it. */
export function wireMessage(w: WireError): string {
  return w.kind === 'engine' ? w.data.message : w.message;
}

/** Run a synchronous call and turn its outcome into a Reply. */
export function replySync<T>(run: () => T, worker: WorkerName): Reply<T> {
  try {
    return { ok: true, value: run() };
  } catch (e) {
    return { ok: false, error: toWire(e, worker) };
  }
}

/** Run a call that may be asynchronous and turn its outcome into a Reply. */
export async function replyAsync<T>(run: () => T | Promise<T>, worker: WorkerName): Promise<Reply<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (e) {
    return { ok: false, error: toWire(e, worker) };
  }
}

/** The page's side: the value, or the error rebuilt with its class and thrown. */
export function unwrap<T>(r: Reply<T>): T {
  if (r.ok) return r.value;
  throw fromWire(r.error);
}
