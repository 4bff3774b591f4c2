import * as Comlink from 'comlink';
import type { CheckedIncident } from '../incidents/check.ts';
import type { Incident, IncidentRun, Remedy, RootCauseId } from '../incidents/types.ts';
import type { IncidentApi } from './protocol/incident.ts';
import { unwrap } from './protocol/reply.ts';

export interface IncidentRunner {
  find(seed: number, level: number, cause?: RootCauseId): Promise<CheckedIncident>;
  run(incident: Incident, remedy: Remedy): Promise<IncidentRun>;
  close(): void;
}

/** One worker for the page's incidents (each run builds a fresh engine inside it); close it when the page goes. */
export function startIncidentRunner(): IncidentRunner {
  const worker = new Worker(new URL('./incident.worker.ts', import.meta.url), { type: 'module', name: 'incident' });
  const api = Comlink.wrap<IncidentApi>(worker);
  return {
    find: async (seed, level, cause) => unwrap(await api.find(seed, level, cause)),
    run: async (incident, remedy) => unwrap(await api.run(incident, remedy)),
    close: () => {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
