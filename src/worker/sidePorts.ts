// The engine's two ports as the coordinator worker builds them: the write
// side in-process with a switch that makes it fail like a bug would, and the
// read side over the channel to the read worker. A failure that is not an
// engine error is a worker fault, reported to the host's sink.
import type * as Comlink from 'comlink';
import { EngineError, type ReadSidePort, type WriteSide, type WriteSidePort } from '../engine/index.ts';
import type { SandboxWorkerName } from './protocol/coordinator.ts';
import { portMethods, type ReadSideRemote } from './protocol/readSide.ts';
import { WorkerFaultError, fromWire, type Reply } from './protocol/reply.ts';
import { EnvelopeSender } from './envelopeCache.ts';

export type FaultSink = (worker: SandboxWorkerName, error: Error) => void;

/**
 * The in-process write side as the engine's port, with a switch that makes
 * the next command it handles throw (a simulated bug). Every method of the
 * engine's WriteSide is forwarded, so methods the engine adds keep working.
 */
export function faultableWriteSide(inner: WriteSide, onFault: FaultSink): { port: WriteSidePort; arm(): void } {
  let armed = false;
  const port: Record<string, unknown> = {};
  for (const method of portMethods(Object.getPrototypeOf(inner) as object)) {
    const fn = (inner as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!;
    port[method] =
      method === 'load' || method === 'append'
        ? (...args: unknown[]) => {
            if (armed) {
              armed = false;
              const e = new WorkerFaultError('write', `Injected fault: the write worker threw while handling ${method}.`);
              onFault('write', e);
              throw e;
            }
            return fn.apply(inner, args);
          }
        : (...args: unknown[]) => fn.apply(inner, args);
  }
  return { port: port as unknown as WriteSidePort, arm: () => (armed = true) };
}

/**
 * The read side over the channel, as the engine's port: one function per
 * method the read worker's ReadSide has. A failure that is not an engine
 * error is a worker fault.
 */
export function remoteReadSide(remote: Comlink.Remote<ReadSideRemote>, methods: readonly string[], onFault: FaultSink): ReadSidePort {
  const port: Record<string, unknown> = {};
  // Each event crosses once: later batches refer to it (envelopeCache.ts; the read worker holds the other end).
  const envelopes = new EnvelopeSender();
  for (const method of methods) {
    port[method] = async (...args: unknown[]): Promise<unknown> => {
      let r: Reply<unknown>;
      try {
        r = await remote.call(method, envelopes.args(method, args));
      } catch (e) {
        const fault = new WorkerFaultError('read', e instanceof Error ? e.message : String(e));
        onFault('read', fault);
        throw fault;
      }
      if (r.ok) return r.value;
      const error = fromWire(r.error);
      if (!(error instanceof EngineError)) onFault('read', error);
      throw error;
    };
  }
  return port as unknown as ReadSidePort;
}
