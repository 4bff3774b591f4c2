// The interview drill worker (drill.worker.ts): one design run against a
// drill's load on the real engine. Its client is drillClient.ts.
import type { Design, Drill, DrillReport } from '../../drills/types.ts';
import type { Reply, WorkerApi } from './reply.ts';

export type DrillApi = WorkerApi<{
  /** Run the design; `onProgress` (a comlink proxy) hears the fraction done. */
  run(drill: Drill, design: Design, onProgress?: (fraction: number) => void): Promise<Reply<DrillReport>>;
}>;
