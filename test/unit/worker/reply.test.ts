// The worker boundary keeps errors' classes: every engine error, posted as a
// Reply (structuredClone stands in for postMessage), comes back on the page
// as the same subclass with its code, message, details and own fields; any
// other throw comes back as a WorkerFaultError naming the worker.
import { describe, expect, it } from 'vitest';
import * as engine from '../../../src/engine/index.ts';
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
} from '../../../src/engine/index.ts';
import { fromWire, replyAsync, replySync, toWire, unwrap, WorkerFaultError, type Reply } from '../../../src/worker/protocol/reply.ts';

/** One instance of every error class the engine exports. */
const samples: EngineError[] = [
  new EngineError('SQL_ERROR', 'A bare engine error.', { store: 'write' }),
  new UnknownCommandError('Teleport', ['AddProduct', 'PlaceOrder']),
  new InvalidPayloadError('PlaceOrder', 'quantity', -1, 'a whole number from 1'),
  new UnknownStreamError('order-404'),
  new InvalidSettingError('bus.latencyMs', 'fast', 'a number of milliseconds'),
  new ConcurrencyError('product-KB', 3, 4, 2),
  new UnknownProjectionError('nope', ['catalogue', 'orders']),
  new UnknownQueryError('Everything', ['GetProduct']),
  new ReadOnlyError('catalogue', 'attempt to write a readonly database'),
  new SqlError('write', 'no such table: nope'),
  new InvalidIntentError('An intent needs a kind.', { received: 'nothing' }),
  new ProjectionStateError('catalogue', 'flip', 'live', 'Start a shadow rebuild first.'),
  new NotQuiescentError(100_000),
  new UpcasterMissingError('ProductAdded', 1, 3, 2),
  new ReadModelUnavailableError('catalogue', 'crashed'),
];

/** A throw in a worker, as the page receives it. */
function acrossTheBoundary(thrown: unknown, worker: 'write' | 'read' = 'write'): unknown {
  const reply = structuredClone(
    replySync(() => {
      throw thrown;
    }, worker),
  );
  try {
    unwrap(reply);
  } catch (e) {
    return e;
  }
  throw new Error('unwrap did not throw');
}

describe('engine errors across the worker boundary', () => {
  it('has a sample of every error class the engine exports', () => {
    const exported = Object.values(engine).filter(
      (v): v is typeof EngineError => typeof v === 'function' && (v === EngineError || v.prototype instanceof EngineError),
    );
    const sampled = new Set(samples.map((e) => e.constructor));
    expect(exported.filter((cls) => !sampled.has(cls)).map((cls) => cls.name)).toEqual([]);
    expect(exported.length).toBe(samples.length);
  });

  for (const original of samples) {
    it(`keeps ${original.name}: class, code, message, details and fields`, () => {
      const received = acrossTheBoundary(original);
      expect(received).toBeInstanceOf(original.constructor);
      expect(received).toBeInstanceOf(EngineError);
      const e = received as EngineError;
      expect(e.name).toBe(original.name);
      expect(e.code).toBe(original.code);
      expect(e.message).toBe(original.message);
      expect(e.details).toEqual(original.details);
      expect({ ...e }).toEqual({ ...original });
      expect(e.toJSON()).toEqual(original.toJSON());
    });
  }

  it("keeps a subclass's own fields (InvalidPayloadError's field, InvalidSettingError's setting)", () => {
    const payload = acrossTheBoundary(new InvalidPayloadError('PlaceOrder', 'quantity', 0, 'at least 1'));
    expect(payload).toBeInstanceOf(InvalidPayloadError);
    expect((payload as InvalidPayloadError).field).toBe('quantity');
    const setting = acrossTheBoundary(new InvalidSettingError('bus.dropProbability', 2, 'from 0 to 1'));
    expect((setting as InvalidSettingError).setting).toBe('bus.dropProbability');
  });

  it('rebuilds an error of an unknown name as a plain EngineError with its data', () => {
    const e = fromWire({
      kind: 'engine',
      data: { name: 'FutureError', code: 'SQL_ERROR', message: 'From a newer worker.', details: { a: 1 } },
      fields: {},
    });
    expect(e).toBeInstanceOf(EngineError);
    expect(e).toMatchObject({ name: 'FutureError', code: 'SQL_ERROR', message: 'From a newer worker.', details: { a: 1 } });
  });
});

describe('worker faults across the boundary', () => {
  it('turns anything else a worker throws into a WorkerFaultError naming that worker', () => {
    const e = acrossTheBoundary(new TypeError('x is undefined'), 'read');
    expect(e).toBeInstanceOf(WorkerFaultError);
    expect(e).not.toBeInstanceOf(EngineError);
    expect(e).toMatchObject({ name: 'WorkerFaultError', worker: 'read', message: 'x is undefined' });
    expect(acrossTheBoundary('a string')).toMatchObject({ worker: 'write', message: 'a string' });
  });

  it('keeps the worker a WorkerFaultError already names, whoever passes it on', () => {
    const wire = toWire(new WorkerFaultError('read', 'The read worker threw.'), 'write');
    expect(wire).toEqual({ kind: 'fault', worker: 'read', name: 'WorkerFaultError', message: 'The read worker threw.' });
    expect(fromWire(structuredClone(wire))).toMatchObject({ worker: 'read', message: 'The read worker threw.' });
  });
});

describe('replies', () => {
  it('wrap a value, sync or async, and unwrap to it', async () => {
    expect(replySync(() => 42, 'write')).toEqual({ ok: true, value: 42 });
    const r: Reply<string> = await replyAsync(async () => 'done', 'sql-lab');
    expect(unwrap(structuredClone(r))).toBe('done');
  });

  it('catch an async rejection as a failed reply', async () => {
    const r = await replyAsync(async () => {
      throw new ConcurrencyError('s', 1, 2, 1);
    }, 'drill');
    expect(r.ok).toBe(false);
    expect(() => unwrap(r)).toThrow(ConcurrencyError);
  });
});
