// The incident worker (incident.worker.ts): finds a checked incident for a
// seed and level, and runs one with a learner's remedy. Its client is
// incidentClient.ts.
import type { CheckedIncident } from '../../incidents/check.ts';
import type { Incident, IncidentRun, Remedy, RootCauseId } from '../../incidents/types.ts';
import type { Reply, WorkerApi } from './reply.ts';

export type IncidentApi = WorkerApi<{
  /** The first incident for the seed and level that passes the engine's check (of one root cause when asked). */
  find(seed: number, level: number, cause?: RootCauseId): Promise<Reply<CheckedIncident>>;
  /** The incident run with the remedy applied: the criterion's verdict and the evidence. */
  run(incident: Incident, remedy: Remedy): Promise<Reply<IncidentRun>>;
}>;
