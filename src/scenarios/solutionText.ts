// The last rung of a challenge's hint ladder when the file gives no `answer`:
// its known-good solution, described intent by intent in the words of the
// sandbox's terminal and controls.
import type { Intent } from '../engine/index.ts';
import type { ScenarioChallenge } from './types.ts';

/** Leaf settings of a patch as `path = value` (`delivery = "outbox"`, `bus.latencyMs = 50`). */
function settingLines(patch: unknown, prefix = ''): string[] {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return [`${prefix} = ${JSON.stringify(patch)}`];
  return Object.entries(patch as Record<string, unknown>).flatMap(([k, v]) => settingLines(v, prefix ? `${prefix}.${k}` : k));
}

export function describeIntent(intent: Intent): string {
  switch (intent.kind) {
    case 'configure':
      return `set ${settingLines(intent.settings)
        .map((l) => `\`${l}\``)
        .join(', ')}`;
    case 'projection':
      return `\`projection ${intent.action} ${intent.name}${intent.variant ? ` ${intent.variant}` : ''}\``;
    case 'command':
      return `send \`${intent.command.type} ${JSON.stringify(intent.command.data)}\``;
    case 'query':
      return `query \`${intent.query.type} ${JSON.stringify(intent.query.params ?? {})}\`${intent.consistency ? ` with ${intent.consistency.strategy}` : ''}`;
    case 'session':
      return `give session ${intent.sessionId} the strategy ${intent.consistency?.strategy ?? 'eventual'}`;
    case 'fault':
      return `arm ${intent.count ?? 1} publish crash(es)`;
    case 'import':
      return `import ${intent.events.length} old event(s)`;
    default:
      return `a ${intent.kind} intent`;
  }
}

/** The challenge's answer in words: its own `answer`, else its solution described. */
export function challengeAnswer(challenge: ScenarioChallenge): string {
  if (challenge.answer) return challenge.answer;
  const steps = challenge.solution.map(describeIntent);
  if (challenge.solutionConsistency) steps.push(`pick the ${challenge.solutionConsistency.strategy} strategy for the workload's queries`);
  return steps.length > 0 ? `${steps.join('; then ')}.` : 'Change nothing: read what the engine shows.';
}
