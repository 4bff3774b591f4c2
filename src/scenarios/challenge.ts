// Checking a learner's answer to a challenge: were their changes allowed,
// and does the engine, as they left it, meet the criteria under the
// challenge's workload? The workload runs on the real engine; nothing is
// predicted or scored by formula.
import type { Engine } from '../engine/index.ts';
import type { ConsistencyOptions, Intent } from '../engine/index.ts';
import { evaluateCriteria, nextSeq } from './criteria.ts';
import { playIntent, runLoads } from './dispatch.ts';
import type { Scenario, ScenarioChallenge, Verdict } from './types.ts';

/** Intents that only look: always allowed, they change nothing a challenge is about. */
const OBSERVING: ReadonlySet<Intent['kind']> = new Set(['query', 'aggregateAt', 'projectionAt', 'subscribe']);

/** The dotted setting paths a patch changes (`bus.latencyMs`, `idempotency`, `projections.catalogue.dedupe`). */
export function changedSettingPaths(patch: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [group, value] of Object.entries(patch)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      out.push(group);
      continue;
    }
    for (const [key, inner] of Object.entries(value)) {
      if (group === 'projections' && inner !== null && typeof inner === 'object') {
        for (const guard of Object.keys(inner)) out.push(`projections.${key}.${guard}`);
      } else out.push(`${group}.${key}`);
    }
  }
  return out;
}

function settingAllowed(path: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => path === a || path.startsWith(`${a}.`));
}

/** Each change the challenge does not allow, described for the learner (empty when all are allowed). */
export function disallowedChanges(
  challenge: ScenarioChallenge,
  learner: { intents: readonly Intent[]; consistency?: ConsistencyOptions },
): string[] {
  const { allowed } = challenge;
  const kinds = new Set(allowed.intents ?? []);
  const out: string[] = [];
  for (const intent of learner.intents) {
    if (OBSERVING.has(intent.kind)) continue;
    switch (intent.kind) {
      case 'configure': {
        if (kinds.has('configure')) break;
        for (const path of changedSettingPaths(intent.settings as Record<string, unknown>)) {
          if (!settingAllowed(path, allowed.settings ?? [])) {
            out.push(`setting ${path} is not yours to change here (allowed: ${(allowed.settings ?? []).join(', ') || 'none'})`);
          }
        }
        break;
      }
      case 'projection': {
        if (intent.action === 'compare') break;
        if (!kinds.has('projection')) out.push(`projection actions are not part of this challenge (${intent.action} ${intent.name})`);
        else if (allowed.projectionActions && !allowed.projectionActions.includes(intent.action)) {
          out.push(`projection action ${intent.action} is not allowed (allowed: ${allowed.projectionActions.join(', ')})`);
        }
        break;
      }
      case 'session':
        if (!kinds.has('session') && !allowed.consistency)
          out.push(`choosing a session's consistency strategy is not part of this challenge`);
        break;
      default:
        if (!kinds.has(intent.kind)) out.push(`${intent.kind} intents are not part of this challenge`);
    }
  }
  if (learner.consistency && !allowed.consistency)
    out.push(`picking a consistency strategy (${learner.consistency.strategy}) is not part of this challenge`);
  return out;
}

/** The challenge's workload and loads (queries with the learner's strategy when allowed), then until idle. */
export async function playWorkload(engine: Engine, challenge: ScenarioChallenge, learnerConsistency?: ConsistencyOptions): Promise<void> {
  const consistency = challenge.allowed.consistency ? learnerConsistency : undefined;
  for (const intent of challenge.workload) {
    await playIntent(engine, consistency && intent.kind === 'query' ? { ...intent, consistency } : intent);
  }
  if (challenge.load && challenge.load.length > 0) await runLoads(engine, challenge.load, consistency);
  await engine.runUntilIdle();
}

/**
 * Verify a challenge on `engine` as the learner left it: their intents
 * (already applied) are checked against `allowed`, then the workload runs
 * (its queries with the learner's strategy when allowed), the simulation runs
 * until idle, and the criteria are evaluated on what verify recorded.
 */
export async function verifyChallenge(
  engine: Engine,
  scenario: Scenario,
  learner: { intents: Intent[]; consistency?: ConsistencyOptions },
): Promise<Verdict> {
  const challenge = scenario.challenge;
  if (!challenge) throw new Error(`Scenario '${scenario.slug}' has no challenge.`);
  const disallowed = disallowedChanges(challenge, learner);
  const fromSeq = nextSeq(engine);
  await playWorkload(engine, challenge, learner.consistency);
  const results = await evaluateCriteria(engine, challenge.criteria, fromSeq);
  return { passed: disallowed.length === 0 && results.every((r) => r.passed), results, disallowed };
}
