// Typed errors for bad input and failed operations. Every message is written
// for a learner: it says what was wrong and what would have been accepted.
// Domain rejections (out of stock, insufficient funds) are NOT errors: they
// are ordinary command results.

export type EngineErrorCode =
  | 'UNKNOWN_COMMAND'
  | 'INVALID_PAYLOAD'
  | 'UNKNOWN_STREAM'
  | 'INVALID_SETTING'
  | 'CONCURRENCY'
  | 'UNKNOWN_PROJECTION'
  | 'UNKNOWN_QUERY'
  | 'READ_ONLY'
  | 'SQL_ERROR'
  | 'INVALID_INTENT'
  | 'PROJECTION_STATE'
  | 'NOT_QUIESCENT'
  | 'UPCASTER_MISSING'
  | 'READ_MODEL_UNAVAILABLE';

/** Plain-data form of an error, safe to post between workers or show in a UI. */
export interface EngineErrorData {
  name: string;
  code: EngineErrorCode;
  message: string;
  details: Record<string, unknown>;
}

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  readonly details: Record<string, unknown>;
  constructor(code: EngineErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.details = details;
  }
  toJSON(): EngineErrorData {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

export class UnknownCommandError extends EngineError {
  constructor(type: string, known: readonly string[]) {
    super('UNKNOWN_COMMAND', `There is no command called '${type}'. This domain accepts: ${known.join(', ')}.`, {
      type,
      known: [...known],
    });
    this.name = 'UnknownCommandError';
  }
}

export class InvalidPayloadError extends EngineError {
  readonly field: string;
  constructor(owner: string, field: string, received: unknown, expected: string) {
    super('INVALID_PAYLOAD', `${owner}: field '${field}' ${describeReceived(received)}; expected ${expected}.`, {
      owner,
      field,
      received: safeValue(received),
      expected,
    });
    this.name = 'InvalidPayloadError';
    this.field = field;
  }
}

export class UnknownStreamError extends EngineError {
  constructor(streamId: string) {
    super(
      'UNKNOWN_STREAM',
      `No stream called '${streamId}' exists in the event store. A stream is created by the first event appended to it.`,
      { streamId },
    );
    this.name = 'UnknownStreamError';
  }
}

export class InvalidSettingError extends EngineError {
  readonly setting: string;
  constructor(setting: string, received: unknown, expected: string) {
    super('INVALID_SETTING', `Setting '${setting}' ${describeReceived(received)}; expected ${expected}. Nothing was changed.`, {
      setting,
      received: safeValue(received),
      expected,
    });
    this.name = 'InvalidSettingError';
    this.setting = setting;
  }
}

/**
 * Who held the expectation that failed: the engine (the version it loaded
 * before deciding; its own conflicts are retried first) or the client (the
 * `expectedVersion` it sent: never retried, only the client can decide again).
 */
export type ExpectedBy = 'engine' | 'client';

export class ConcurrencyError extends EngineError {
  readonly expectedBy: ExpectedBy;
  /** `client.commandId`: the refused command, so a client can find it in the trace. */
  constructor(streamId: string, expectedVersion: number, actualVersion: number, attempts: number, client?: { commandId: string }) {
    const expectedBy: ExpectedBy = client ? 'client' : 'engine';
    super(
      'CONCURRENCY',
      client
        ? staleMessage(streamId, expectedVersion, actualVersion)
        : `Stream '${streamId}' changed while the command was being decided: it was loaded at version ${expectedVersion} ` +
            `but is now at version ${actualVersion}. Another command wrote first; nothing was appended` +
            (attempts > 1 ? ` (gave up after ${attempts} attempts).` : '.'),
      client
        ? { streamId, expectedVersion, actualVersion, expectedBy, commandId: client.commandId }
        : { streamId, expectedVersion, actualVersion, attempts },
    );
    this.name = 'ConcurrencyError';
    this.expectedBy = expectedBy;
  }
}

/** The client's stale expectation, in the words of someone who edited a form. */
function staleMessage(streamId: string, expected: number, actual: number): string {
  const edited = expected === 0 ? `expected ${streamId} not to exist yet (version 0)` : `edited ${streamId} at version ${expected}`;
  const now = actual === 0 ? 'it does not exist yet (version 0)' : `it is now at version ${actual}`;
  const why = actual > expected ? 'someone changed it since' : `version ${expected} was never written`;
  return `You ${edited}, but ${now}: ${why}. Reload it and decide again; nothing was appended.`;
}

export class UnknownProjectionError extends EngineError {
  constructor(name: string, known: readonly string[]) {
    super('UNKNOWN_PROJECTION', `There is no projection called '${name}'. Known read models: ${known.join(', ')}.`, {
      name,
      known: [...known],
    });
    this.name = 'UnknownProjectionError';
  }
}

export class UnknownQueryError extends EngineError {
  constructor(type: string, known: readonly string[]) {
    super('UNKNOWN_QUERY', `There is no query called '${type}'. This domain answers: ${known.join(', ')}.`, { type, known: [...known] });
    this.name = 'UnknownQueryError';
  }
}

export class ReadOnlyError extends EngineError {
  constructor(store: string, sqliteMessage: string) {
    super(
      'READ_ONLY',
      `The '${store}' store is read-only here. State changes only through commands ` +
        `(which append events) and projections (which apply them). SQLite said: ${sqliteMessage}`,
      { store, sqliteMessage },
    );
    this.name = 'ReadOnlyError';
  }
}

export class SqlError extends EngineError {
  constructor(store: string, sqliteMessage: string) {
    super('SQL_ERROR', `SQLite could not run that on the '${store}' store: ${sqliteMessage}`, {
      store,
      sqliteMessage,
    });
    this.name = 'SqlError';
  }
}

export class InvalidIntentError extends EngineError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('INVALID_INTENT', message, details);
    this.name = 'InvalidIntentError';
  }
}

export class ProjectionStateError extends EngineError {
  constructor(name: string, action: string, status: string, hint: string) {
    super('PROJECTION_STATE', `Cannot ${action} projection '${name}' while it is ${status}. ${hint}`, { name, action, status });
    this.name = 'ProjectionStateError';
  }
}

export class NotQuiescentError extends EngineError {
  constructor(steps: number) {
    super(
      'NOT_QUIESCENT',
      `The simulation was still busy after ${steps} steps, so it was stopped. ` +
        `Something keeps scheduling work (for instance a very high drop probability).`,
      { steps },
    );
    this.name = 'NotQuiescentError';
  }
}

export class UpcasterMissingError extends EngineError {
  constructor(eventType: string, fromVersion: number, toVersion: number, missingFrom: number) {
    super(
      'UPCASTER_MISSING',
      `Event '${eventType}' is stored at schema version ${fromVersion} but readers expect version ${toVersion}, ` +
        `and no upcaster turns version ${missingFrom} into version ${missingFrom + 1}. ` +
        `Add an upcaster { eventType: '${eventType}', fromVersion: ${missingFrom} } to the domain.`,
      { eventType, fromVersion, toVersion, missingFrom, missingTo: missingFrom + 1 },
    );
    this.name = 'UpcasterMissingError';
  }
}

export class ReadModelUnavailableError extends EngineError {
  constructor(projection: string, status: string) {
    super(
      'READ_MODEL_UNAVAILABLE',
      `The command was refused: projection '${projection}' is updated synchronously, inside every command, ` +
        `and it is ${status}. With synchronous projections the write path depends on the read store; nothing was appended.`,
      { projection, status },
    );
    this.name = 'ReadModelUnavailableError';
  }
}

/** Rebuild a typed error from its plain-data form (what crosses a worker boundary). */
export function errorFromData(data: EngineErrorData): EngineError {
  const e = new EngineError(data.code, data.message, data.details);
  e.name = data.name;
  return e;
}

function describeReceived(value: unknown): string {
  if (value === undefined) return 'is missing';
  return `got ${JSON.stringify(safeValue(value))}`;
}

function safeValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') return String(value);
  return value;
}
