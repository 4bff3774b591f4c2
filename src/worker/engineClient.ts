// The page's side of the sandbox workers: starts the write worker (coordinator
// + event store) and the read worker (projections + read stores), joins them
// with a MessageChannel, and returns typed comlink proxies. Loaded with a
// dynamic import only by pages that run the sandbox.
import * as Comlink from 'comlink';
import type { CoordinatorApi, SandboxFrame, SandboxWorkerName, StartOptions } from './protocol/coordinator.ts';
import type { ReadWorkerApi } from './protocol/readSide.ts';
import { unwrap } from './protocol/reply.ts';

export interface EngineConnection {
  coordinator: Comlink.Remote<CoordinatorApi>;
  read: Comlink.Remote<ReadWorkerApi>;
  /** Intents replayed to reach the starting point. */
  replayed: number;
  close(): void;
}

export interface ConnectHandlers {
  /** A worker died with an uncaught error. */
  onCrash?(worker: SandboxWorkerName, message: string): void;
}

export async function connectEngine(options: StartOptions, handlers: ConnectHandlers = {}): Promise<EngineConnection> {
  const writeWorker = new Worker(new URL('./engineWrite.worker.ts', import.meta.url), { type: 'module', name: 'sandbox-write' });
  const readWorker = new Worker(new URL('./engineRead.worker.ts', import.meta.url), { type: 'module', name: 'sandbox-read' });
  const watch = (worker: Worker, name: SandboxWorkerName): void => {
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      handlers.onCrash?.(name, event.message || `The ${name} worker stopped with an error.`);
    });
  };
  watch(writeWorker, 'write');
  watch(readWorker, 'read');
  const coordinator = Comlink.wrap<CoordinatorApi>(writeWorker);
  const read = Comlink.wrap<ReadWorkerApi>(readWorker);
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    coordinator[Comlink.releaseProxy]();
    read[Comlink.releaseProxy]();
    writeWorker.terminate();
    readWorker.terminate();
  };
  try {
    unwrap(await read.init(options.domain));
    const channel = new MessageChannel();
    unwrap(await read.connect(Comlink.transfer(channel.port1, [channel.port1])));
    const { replayed } = unwrap(await coordinator.start(options, Comlink.transfer(channel.port2, [channel.port2])));
    return { coordinator, read, replayed, close };
  } catch (e) {
    close();
    throw e;
  }
}

/** Receive frames of derived status (at most ten a second, never raw trace records). */
export async function subscribeFrames(connection: EngineConnection, onFrame: (frame: SandboxFrame) => void): Promise<void> {
  unwrap(await connection.coordinator.onFrame(Comlink.proxy(onFrame)));
}
