// "Check" in the scenario builder: a scenario may be published only when its
// goal means something. Played untouched (setup, story, then verify) it must
// FAIL the goal, and played with the author's reference solution it must
// PASS; both on the real engine, as the player and the tests play it.
import type { SqlJsStatic } from '../engine/index.ts';
import { runScenario } from './play.ts';
import type { IntentOutcome, Scenario, Verdict } from './types.ts';

export interface AuthorCheck {
  /** The verdict on the scenario as a learner finds it (null: it could not be played). */
  untouched: Verdict | null;
  /** The verdict after the author's reference solution (null: it could not be played). */
  reference: Verdict | null;
  /** Why it cannot be published yet, one sentence each (empty: it can). */
  problems: string[];
}

/** True when the check allows publishing: the untouched run fails the goal and the reference solution passes it. */
export function publishable(check: AuthorCheck): boolean {
  return check.problems.length === 0;
}

/** Play the scenario twice on fresh engines (untouched, then solved) and say whether its goal is fair. */
export async function checkScenario(sql: SqlJsStatic, scenario: Scenario): Promise<AuthorCheck> {
  if (!scenario.challenge)
    return { untouched: null, reference: null, problems: ['The scenario has no goal: add the goal and its criteria.'] };
  const problems: string[] = [];
  const untouched = await verdictOf(sql, scenario, false, problems);
  const reference = await verdictOf(sql, scenario, true, problems);
  if (untouched?.passed)
    problems.push('Untouched, the scenario already meets its goal: a learner would have nothing to do. Make the goal ask for a change.');
  if (reference && !reference.passed) {
    const failed = reference.results.filter((r) => !r.passed).map((r) => `${r.description} (${r.measured})`);
    problems.push(`Your reference solution does not meet the goal: ${[...failed, ...reference.disallowed].join('; ')}.`);
  }
  return { untouched, reference, problems };
}

async function verdictOf(sql: SqlJsStatic, scenario: Scenario, solve: boolean, problems: string[]): Promise<Verdict | null> {
  let run: Awaited<ReturnType<typeof runScenario>>;
  try {
    run = await runScenario(sql, scenario, { solve });
  } catch (e) {
    problems.push(
      `${solve ? 'With your reference solution' : 'Untouched'}, the scenario could not be played: ${e instanceof Error ? e.message : String(e)}`,
    );
    return null;
  }
  try {
    const failed = run.solution.filter((o: IntentOutcome) => !o.ok);
    if (solve && failed.length > 0 && run.verdict && !run.verdict.passed) {
      problems.push(`A step of your reference solution was refused: ${failed.map((o) => o.error?.message ?? o.intent.kind).join('; ')}`);
    }
    return run.verdict;
  } finally {
    run.engine.close();
  }
}
