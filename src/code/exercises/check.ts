// Checking a learner's code for an exercise: load it once to report a syntax
// or API error at once (no check runs on a module that does not load), then
// run the exercise's hidden checks.
import { banking } from '../../domain/index.ts';
import { learnerDecider } from '../adapters/learnerDecider.ts';
import { learnerProjectionCode } from '../adapters/learnerProjection.ts';
import { learnerSagaSteps } from '../adapters/learnerSaga.ts';
import { learnerUpcaster } from '../adapters/learnerUpcaster.ts';
import type { CodeEnvironment } from '../checks/environment.ts';
import type { CheckResult, ExerciseReport } from '../checks/report.ts';
import { LearnerCodeError } from '../sandbox/errors.ts';
import { LearnerSandbox } from '../sandbox/sandbox.ts';
import { checkIdempotentBalance } from './idempotentBalance/checks.ts';
import { checkJoinLines, COMMERCE_EVENT_TYPES } from './joinLines/checks.ts';
import { STOCK_EVENT_TYPES, STOCK_REJECTIONS } from './neverOversell/domain.ts';
import { checkNeverOversell } from './neverOversell/checks.ts';
import { checkSagaCompensation, COMMERCE_COMMANDS, SAGA_FUNCTIONS } from './sagaCompensation/checks.ts';
import { checkUpcastProduct, UPCASTER_CONTRACT } from './upcastProduct/checks.ts';

interface CheckOptions {
  runs: number;
  onLog?: (line: string) => void;
}

const CHECKS: Record<
  string,
  { load(sandbox: LearnerSandbox): void; run(env: CodeEnvironment, source: string, o: CheckOptions): Promise<CheckResult[]> }
> = {
  'idempotent-balance': {
    load: (s) => void learnerProjectionCode(s, { description: 'yours', eventTypes: banking.events.map((e) => e.type) }),
    run: checkIdempotentBalance,
  },
  'never-oversell': {
    load: (s) => void learnerDecider(s, { eventTypes: STOCK_EVENT_TYPES, rejectionCodes: STOCK_REJECTIONS }),
    run: checkNeverOversell,
  },
  'upcast-product': {
    load: (s) => void learnerUpcaster(s, UPCASTER_CONTRACT),
    run: checkUpcastProduct,
  },
  'saga-compensation': {
    load: (s) => void learnerSagaSteps(s, SAGA_FUNCTIONS, COMMERCE_COMMANDS),
    run: checkSagaCompensation,
  },
  'join-lines': {
    load: (s) => void learnerProjectionCode(s, { description: 'yours', eventTypes: COMMERCE_EVENT_TYPES }),
    run: checkJoinLines,
  },
};

/** Default number of random cases per property. */
export const DEFAULT_RUNS = 40;
const MAX_LOG_LINES = 50;

export async function checkExercise(
  env: CodeEnvironment,
  exerciseId: string,
  source: string,
  runs = DEFAULT_RUNS,
): Promise<ExerciseReport> {
  const checks = CHECKS[exerciseId];
  if (!checks) throw new Error(`unknown exercise ${exerciseId}`);
  try {
    const sandbox = LearnerSandbox.load(env.quickjs, source, { seed: 1 });
    try {
      checks.load(sandbox);
    } finally {
      sandbox.dispose();
    }
  } catch (e) {
    if (e instanceof LearnerCodeError) return { exerciseId, passed: false, loadError: e.diagnostic, checks: [], logs: [] };
    throw e;
  }
  const logs: string[] = [];
  const onLog = (line: string) => {
    if (logs.length < MAX_LOG_LINES) logs.push(line);
  };
  const results = await checks.run(env, source, { runs, onLog });
  return { exerciseId, passed: results.every((r) => r.passed), checks: results, logs };
}
