// The page's side of sqlQuery.worker.ts: runs learner SQL on a copy of a store
// under a real-time limit. sql.js has no interrupt, so stopping a query means
// terminating its worker; the next query starts a fresh one. The limit is
// wall-clock time on purpose: it guards the page, not the simulation.
import * as Comlink from 'comlink';
import { EngineError } from '../engine/index.ts';
import type { SqlResult } from '../engine/index.ts';
import type { SqlQueryApi } from './protocol/sqlQuery.ts';
import { unwrap } from './protocol/reply.ts';
import { crashOf } from './workerCrash.ts';

export const SQL_QUERY_TIMEOUT_MS = 3000;

/** A query stopped before it finished: by the time limit or by the learner (Ctrl+C). */
export class QueryStoppedError extends Error {
  readonly code = 'QUERY_STOPPED';
  readonly reason: 'timeout' | 'cancelled';
  constructor(reason: 'timeout' | 'cancelled', timeoutMs: number) {
    super(
      reason === 'timeout'
        ? `Stopped after ${timeoutMs / 1000} s: the query was still running — an endless recursive CTE? Nothing changed.`
        : 'Cancelled: the query was stopped before it finished. Nothing changed.',
    );
    this.name = 'QueryStoppedError';
    this.reason = reason;
  }
}

export interface SqlQueryRunner {
  /** Run read-only SQL on a store's bytes; rejects with QueryStoppedError when stopped. */
  run(bytes: Uint8Array, store: string, sql: string): Promise<SqlResult>;
  /** Stop the running query, if any; true when one was stopped. */
  cancel(): boolean;
  close(): void;
}

interface Running {
  stop(reason: 'timeout' | 'cancelled'): void;
}

export function createSqlQueryRunner(options: { timeoutMs?: number } = {}): SqlQueryRunner {
  const timeoutMs = options.timeoutMs ?? SQL_QUERY_TIMEOUT_MS;
  let worker: { remote: Comlink.Remote<SqlQueryApi>; terminate(): void; crashed: Promise<never> } | undefined;
  const running = new Set<Running>();

  const start = (): NonNullable<typeof worker> => {
    const w = new Worker(new URL('./sqlQuery.worker.ts', import.meta.url), { type: 'module', name: 'sql-query' });
    const remote = Comlink.wrap<SqlQueryApi>(w);
    const crashed = crashOf(w, 'sql-query', (detail) => `The SQL worker stopped with an error: ${detail}. Nothing changed; try again.`);
    return {
      remote,
      crashed,
      terminate() {
        remote[Comlink.releaseProxy]();
        w.terminate();
      },
    };
  };
  const drop = (): void => {
    worker?.terminate();
    worker = undefined;
  };

  return {
    async run(bytes, store, sql) {
      const current = (worker ??= start());
      let timer: ReturnType<typeof setTimeout> | undefined;
      let entry: Running | undefined;
      const stopped = new Promise<never>((_, reject) => {
        entry = {
          stop(reason) {
            // The only way to stop sql.js mid-statement: end its worker.
            if (worker === current) drop();
            reject(new QueryStoppedError(reason, timeoutMs));
          },
        };
        running.add(entry);
        timer = setTimeout(() => entry!.stop('timeout'), timeoutMs);
      });
      try {
        const reply = await Promise.race([
          current.remote.run(Comlink.transfer(bytes, [bytes.buffer]), store, sql),
          stopped,
          current.crashed,
        ]);
        return unwrap(reply);
      } catch (e) {
        // Anything but SQLite's own answer may have left sql.js broken: start afresh next time.
        if (!(e instanceof EngineError) && worker === current) drop();
        throw e;
      } finally {
        clearTimeout(timer);
        running.delete(entry!);
      }
    },
    cancel() {
      const any = running.size > 0;
      for (const r of [...running]) r.stop('cancelled');
      return any;
    },
    close() {
      for (const r of [...running]) r.stop('cancelled');
      drop();
    },
  };
}
