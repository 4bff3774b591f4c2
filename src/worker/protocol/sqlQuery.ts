// The terminal's disposable SQL worker (sqlQuery.worker.ts): learner SQL on a
// copy of a store, run read-only. Its client is sqlQueryClient.ts.
import type { SqlResult } from '../../engine/index.ts';
import type { Reply, WorkerApi } from './reply.ts';

export type SqlQueryApi = WorkerApi<{
  /** Run `sql` on a copy of `store` given as a database file. */
  run(bytes: Uint8Array, store: string, sql: string): Promise<Reply<SqlResult>>;
}>;
