// A lesson embed's goal as a scenario challenge: the same allowed changes,
// workload, criteria and verification (a copy of the learner's run replayed
// in the worker, then verifyChallenge). The goal's data lives beside the
// embed's preset (src/sandbox/lessonGoals.ts); this file turns one into the
// Scenario the schema validates and the worker verifies (goalRun.ts plays
// it headless). Types only: the page imports this without the engine.
import type { ConsistencyOptions, Intent, ScriptEntry } from '../engine/index.ts';
import type { SandboxPreset } from '../sandbox/presets.ts';
import type { LessonPrediction } from './prediction.ts';
import type { Criterion, LoadSpec, Scenario, ScenarioChallenge } from './types.ts';

export interface LessonGoal {
  /** What the learner must achieve, in one or two sentences. */
  objective: string;
  /** What the learner may change (same rules as a scenario challenge). */
  allowed: ScenarioChallenge['allowed'];
  /** Run on verify, after the learner's run (default: nothing). */
  workload?: Intent[];
  load?: LoadSpec[];
  /** Checked with the scenario criteria; `scope: 'all'` reads the learner's own run. */
  criteria: Criterion[];
  /** The description of the criterion an untouched start fails (the point of the goal). */
  failsOn: string;
  /** A known-good answer: what a learner does, at virtual times after the preset's script. */
  solution: ScriptEntry[];
  /** The strategy the known-good answer picks (goals with `allowed.consistency`). */
  solutionConsistency?: ConsistencyOptions;
  /** The ladder: hint 1 (often the embed's old walkthrough), hint 2, … */
  hints: string[];
  /** The last rung: the solution in words. */
  answer: string;
  /** Shown once solved: what the learner just proved. */
  debrief: string;
  /** "Predict, then run": a number the embed lets the learner discover, committed before the goal. */
  prediction?: LessonPrediction;
}

/** The goal of the embed `name` as a scenario (one step that states it), for the schema and the worker's verifier. */
export function goalScenario(name: string, preset: SandboxPreset, goal: LessonGoal): Scenario {
  return {
    slug: `goal-${name}`,
    title: goal.objective,
    summary: goal.objective,
    order: 0,
    lessons: [],
    domain: preset.domain,
    seed: preset.seed ?? 42,
    ...(preset.settings ? { settings: preset.settings } : {}),
    steps: [{ id: 'goal', narration: goal.objective }],
    challenge: {
      goal: goal.objective,
      hints: goal.hints,
      allowed: goal.allowed,
      workload: goal.workload ?? [],
      ...(goal.load ? { load: goal.load } : {}),
      criteria: goal.criteria,
      solution: goal.solution.map((e) => e.intent),
      ...(goal.solutionConsistency ? { solutionConsistency: goal.solutionConsistency } : {}),
      debrief: goal.debrief,
    },
  };
}
