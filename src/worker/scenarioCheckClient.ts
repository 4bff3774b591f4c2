import * as Comlink from 'comlink';
import type { AuthorCheck } from '../scenarios/authorCheck.ts';
import type { Scenario } from '../scenarios/types.ts';
import type { ScenarioCheckApi } from './protocol/scenarioCheck.ts';
import { unwrap } from './protocol/reply.ts';

/** Checks one draft in a fresh worker (clean engines every time); the worker ends with the check. */
export async function checkScenarioInWorker(scenario: Scenario): Promise<AuthorCheck> {
  const worker = new Worker(new URL('./scenarioCheck.worker.ts', import.meta.url), { type: 'module', name: 'scenario-check' });
  const checker = Comlink.wrap<ScenarioCheckApi>(worker);
  try {
    return unwrap(await checker.check(scenario));
  } finally {
    checker[Comlink.releaseProxy]();
    worker.terminate();
  }
}
