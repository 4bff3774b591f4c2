// The lessons' SQL lab worker (sqlLab.worker.ts): a real SQLite for the read
// path races and the worker smoke test. Its client is sqlLabClient.ts.
import type { ReadPathOptions, ReadPathReport } from '../../lab/flashSaleReadPaths.ts';
import type { BoardReadPathOptions, BoardReadPathReport } from '../../lab/workItemBoardReadPaths.ts';
import type { Reply, WorkerApi } from './reply.ts';

/** What one statement returned: a result set per statement that produced rows. */
export type LabQueryResult = { columns: string[]; values: unknown[][] }[];

export type SqlLabApi = WorkerApi<{
  /** Runs one statement in a scratch database: proves the worker, wasm and comlink chain. */
  query(sql: string): Promise<Reply<LabQueryResult>>;
  /** The flash sale's product page read from normalised tables vs from a projection. */
  measureReadPaths(options?: Partial<ReadPathOptions>): Promise<Reply<ReadPathReport>>;
  /** The work-item board read from normalised tables with a JOIN vs from the board projection. */
  measureBoardReadPaths(options?: Partial<BoardReadPathOptions>): Promise<Reply<BoardReadPathReport>>;
}>;
