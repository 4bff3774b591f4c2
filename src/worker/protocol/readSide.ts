// The sandbox's read worker (engineRead.worker.ts): what the page asks of it
// directly (ReadWorkerApi), and the read side as the coordinator reaches it
// over the MessageChannel the page hands to both (ReadSideRemote).
import type { Reply, WorkerApi } from './reply.ts';

/**
 * The read side as the coordinator reaches it over the channel. Generic on
 * purpose: every method of the engine's ReadSide is forwarded by name, so
 * methods the engine adds to its port work here without a protocol change.
 */
export type ReadSideRemote = WorkerApi<{
  /** The ReadSide's method names (the coordinator builds its port from them). */
  methods(): Reply<string[]>;
  call(method: string, args: unknown[]): Reply<unknown>;
}>;

/** What the read worker has served: calls by method, and live batches applied (applyBatch and applyBatches). */
export interface ReadSideCalls {
  calls: Record<string, number>;
  batches: number;
}

/** What the page asks of the read worker directly. */
export type ReadWorkerApi = WorkerApi<{
  init(domain: string): Promise<Reply<void>>;
  /** Serve the read side on this port (the coordinator holds the other end). */
  connect(port: MessagePort): Reply<void>;
  /** Make the next read-side call throw, as a bug in the worker would. */
  injectFault(): Reply<void>;
  /** Calls served on the channel so far (tests count round trips). */
  served(): Reply<ReadSideCalls>;
}>;

/** The public methods of a port class (what the engine may call). */
export function portMethods(proto: object): string[] {
  const out = new Set<string>();
  for (let p: object | null = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      const d = Object.getOwnPropertyDescriptor(p, name);
      if (name !== 'constructor' && name !== 'close' && d && typeof d.value === 'function') out.add(name);
    }
  }
  return [...out].sort();
}
