// A design drill's failure as a failing run: the drill played as runner.ts
// plays it (design settings, setup, then the load), every intent recorded,
// and the first requirement that fails as the run's predicate. A measured
// requirement (stale reads, a latency percentile…) is judged on the trace of
// a replay, so each load read keeps the screen it was for on its entry.
import type { ScriptEntry, SqlJsStatic } from '../engine/index.ts';
import { resolveDesign } from '../drills/design.ts';
import type { RunFacts } from '../drills/measures.ts';
import { judgeMeasured, judgeRequirements, playLoad, screensOf, startDrill, type MeasuredRequirement } from '../drills/runner.ts';
import type { Design, Drill } from '../drills/types.ts';
import { nextSeq } from '../scenarios/criteria.ts';
import type { CriterionResult } from '../scenarios/types.ts';
import type { FailingRun } from './failingRun.ts';

/** A recorded intent; a load read also names the drill screen it was for. */
export type RunEntry = ScriptEntry & { screen?: string };

/** A drill's measured requirement as a failing run's predicate: it fails while the measure misses its target. */
export interface DrillMeasureCriterion {
  kind: 'drillMeasure';
  /** The requirement as the interviewer states it. */
  description: string;
  requirement: MeasuredRequirement;
  /** What each screen of the design reads. */
  screens: RunFacts['screens'];
}

export function isDrillMeasure(criterion: FailingRun['criterion']): criterion is DrillMeasureCriterion {
  return criterion.kind === 'drillMeasure';
}

/**
 * The measured requirement on the records from `fromSeq` on, as a criterion
 * result the summary can read. `fails` needs a number: a run with nothing to
 * measure (no reads of the screen, no such command) misses no target, it
 * only has no data, and a shrink must not end there.
 */
export function judgeDrillMeasure(
  criterion: DrillMeasureCriterion,
  trace: RunFacts['trace'],
  fromSeq: number,
  screenOf: Map<string, string>,
): { fails: boolean; result: CriterionResult } {
  const facts: RunFacts = { trace: trace.filter((r) => r.seq >= fromSeq), screenOf, screens: criterion.screens };
  const judged = judgeMeasured(criterion.requirement, facts);
  const result: CriterionResult = {
    description: criterion.description,
    passed: judged.passed,
    measured: judged.measured,
    ...(judged.evidence ? { evidence: judged.evidence } : {}),
  };
  return { fails: !judged.passed && !Number.isNaN(judged.value), result };
}

/**
 * The drill run with `design` as a failing run: its recorded intents, the
 * load's as the window, and the first failing requirement. Null when the
 * design meets every requirement.
 */
export async function failingRunOfDrill(sql: SqlJsStatic, drill: Drill, design: Design): Promise<FailingRun | null> {
  const resolved = resolveDesign(drill, design);
  const engine = await startDrill(sql, drill, resolved);
  try {
    const windowFrom = engine.recordedCount();
    const fromSeq = nextSeq(engine);
    const screenOf = new Map<string, string>();
    await playLoad(engine, drill, resolved, screenOf, undefined);
    await engine.runUntilIdle();
    // Taken before the requirements: a state check's own queries are not part of the run.
    const script: RunEntry[] = engine.recordedScript();
    const results = await judgeRequirements(engine, drill, resolved, fromSeq, screenOf);
    const failing = results.findIndex((r) => !r.passed);
    if (failing < 0) return null;
    // Only the load submits queries, in the order `screenOf` learnt them: the window's query entries, in order.
    const screens = [...screenOf.values()];
    const queries = script.slice(windowFrom).filter((e) => e.intent.kind === 'query');
    if (queries.length !== screens.length) {
      throw new Error(`Drill ${drill.slug}: recorded ${queries.length} reads for ${screens.length} screen reads.`);
    }
    for (const [i, entry] of queries.entries()) entry.screen = screens[i]!;
    const requirement = drill.requirements[failing]!;
    return {
      domain: drill.domain,
      seed: drill.seed,
      settings: drill.settings ?? {},
      script,
      windowFrom,
      criterion:
        requirement.kind === 'criterion'
          ? { ...requirement.criterion, description: requirement.label }
          : { kind: 'drillMeasure', description: requirement.label, requirement, screens: screensOf(drill, resolved) },
    };
  } finally {
    engine.close();
  }
}
