// The scenario builder's check worker (scenarioCheck.worker.ts): a draft
// played untouched and with its reference solution, on fresh engines. Its
// client is scenarioCheckClient.ts.
import type { AuthorCheck } from '../../scenarios/authorCheck.ts';
import type { Scenario } from '../../scenarios/types.ts';
import type { Reply, WorkerApi } from './reply.ts';

export type ScenarioCheckApi = WorkerApi<{
  /** Validate the draft (the simulations/ schema) and play it twice: untouched, then with the reference solution. */
  check(scenario: Scenario): Promise<Reply<AuthorCheck>>;
}>;
