// A lesson goal played headless (tests, Node), exactly as the worker
// verifies it in the browser (playerWorker.verifyOnReplay).
import type { SqlJsStatic } from '../engine/index.ts';
import { replayScript, type Engine } from '../engine/index.ts';
import { getDomain } from '../domain/index.ts';
import type { SandboxPreset } from '../sandbox/presets.ts';
import { verifyChallenge } from './challenge.ts';
import { goalScenario, type LessonGoal } from './goal.ts';
import type { Verdict } from './types.ts';

/**
 * Headless, as the worker verifies: the preset's script (plus the known-good
 * answer with `solve`) replayed on a fresh engine until idle, then the goal
 * verified there.
 */
export async function runGoal(
  sql: SqlJsStatic,
  name: string,
  preset: SandboxPreset,
  goal: LessonGoal,
  options: { solve?: boolean } = {},
): Promise<{ engine: Engine; verdict: Verdict }> {
  const start = preset.script ?? [];
  const learner = options.solve ? goal.solution : [];
  const engine = await replayScript(
    sql,
    getDomain(preset.domain),
    preset.seed ?? 42,
    preset.settings ?? {},
    [...start, ...learner],
    'idle',
  );
  const consistency = options.solve ? goal.solutionConsistency : undefined;
  const verdict = await verifyChallenge(engine, goalScenario(name, preset, goal), {
    intents: learner.map((e) => e.intent),
    ...(consistency ? { consistency } : {}),
  });
  return { engine, verdict };
}
