// Builds an incident from a seed and a difficulty with the engine's seeded
// generator: a root cause, a domain, the environment that makes the cause
// bite, harmless noise (more as the level rises), a workload and a question
// whose choices are the cause and the innocent suspects. Pure and
// deterministic; whether the answer holds is proved by running it (check.ts).
import { SeededRng, type Intent } from '../engine/index.ts';
import type { Criterion } from '../scenarios/types.ts';
import { NOISE_FAULTS, NOISE_SETTINGS, ROOT_CAUSES, type NoiseFault, type NoiseSetting, type RootCause } from './causes.ts';
import { DOMAIN_KITS, type DomainKit } from './kits.ts';
import { leafPaths, mergePatches } from './patches.ts';
import { clampLevel } from './level.ts';
import type { Incident, IncidentChoice, RootCauseId, WorkloadStep } from './types.ts';

/** The seed of regeneration attempt `attempt` (0: the seed itself): a fixed mix, so a share link finds the same incident. */
export function derivedSeed(seed: number, attempt: number): number {
  if (attempt === 0) return seed >>> 0;
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(attempt, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

/** At least this many choices, whatever the level. */
export const MIN_CHOICES = 3;

/** What a level means: more writes, more bystanders, more innocent suspects and extra harmless faults. */
export function levelShape(level: number): { writes: number; others: number; noiseSettings: number; noiseFaults: number } {
  const l = clampLevel(level);
  return { writes: 4 + 2 * l, others: l - 1, noiseSettings: 1 + Math.floor(l / 2), noiseFaults: Math.floor(l * 0.6) };
}

function pick<T>(rng: SeededRng, items: readonly T[]): T {
  return items[rng.int(0, items.length - 1)]!;
}

/** `n` distinct items in a seeded order. */
function sample<T>(rng: SeededRng, items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]!);
  return out;
}

function fillText(text: string, kit: DomainKit): string {
  return text
    .replaceAll('{entity}', kit.entity)
    .replaceAll('{writes}', kit.writes)
    .replaceAll('{write}', kit.write)
    .replaceAll('{shows}', kit.shows)
    .replace(/^./, (c) => c.toUpperCase());
}

/** The incident of attempt `attempt` for `seed` at `level` (not yet checked: see findIncident). */
export function generateIncident(seed: number, level: number, attempt = 0, only?: RootCauseId): Incident {
  const lvl = clampLevel(level);
  const engineSeed = derivedSeed(seed, attempt);
  const rng = new SeededRng(engineSeed);
  const cause: RootCause = only ? ROOT_CAUSES.find((c) => c.id === only)! : pick(rng, ROOT_CAUSES);
  const kit = pick(rng, DOMAIN_KITS);
  const shape = levelShape(lvl);

  const faults: NoiseFault[] = sample(
    rng,
    NOISE_FAULTS.filter((f) => !f.clashes.includes(cause.id)),
    shape.noiseFaults,
  );
  const taken = new Set<string>([cause.id, ...faults.map((f) => f.id)]);
  const noise: NoiseSetting[] = [];
  // The screen and the dual write are suspects in every incident they did not cause (unless an outbox replaced it).
  const standing = () =>
    (cause.id !== 'eventualConfirmation' ? 1 : 0) + (cause.id !== 'dualWriteLoss' && !noise.some((n) => n.id === 'noiseOutbox') ? 1 : 0);
  for (const n of sample(rng, NOISE_SETTINGS, NOISE_SETTINGS.length)) {
    // At least three choices, whatever the level.
    if (noise.length >= shape.noiseSettings && 1 + noise.length + standing() >= MIN_CHOICES) break;
    // Two suspects may not say the same thing, and none may hide or worsen what is already there.
    if (n.clashes.some((c) => taken.has(c)) || [...taken].some((t) => NOISE_SETTINGS.find((x) => x.id === t)?.clashes.includes(n.id)))
      continue;
    if (n.label === cause.label) continue;
    noise.push(n);
    taken.add(n.id);
  }

  const faultPatches = faults.map((f) => f.settings(rng));
  const environment = mergePatches(...faultPatches, cause.environment(rng));
  const settings = mergePatches(environment, ...noise.map((n) => n.settings), cause.settings);

  const { workload, intended } = buildWorkload(rng, cause, kit, shape);
  const screen = { ...kit.screen, consistency: { strategy: 'eventual' as const } };

  const choices: IncidentChoice[] = [
    { id: cause.id, label: cause.label, remedy: cause.fix },
    ...noise.map((n) => ({ id: n.id, label: n.label, remedy: n.remedy })),
  ];
  if (cause.id !== 'eventualConfirmation') {
    choices.push({
      id: 'screenEventual',
      label: ROOT_CAUSES.find((c) => c.id === 'eventualConfirmation')!.label,
      remedy: { screen: { strategy: 'readYourWrites' } },
    });
  }
  if (cause.id !== 'dualWriteLoss' && !noise.some((n) => n.id === 'noiseOutbox')) {
    choices.push({
      id: 'dualWrite',
      label: ROOT_CAUSES.find((c) => c.id === 'dualWriteLoss')!.label,
      remedy: { settings: { delivery: 'outbox' } },
    });
  }

  const criterion: Criterion =
    cause.symptom === 'value'
      ? {
          description: `The ${kit.shows} of ${kit.entity} reads ${intended} ${kit.unit} once the system is quiet`,
          kind: 'query',
          query: { type: kit.screen.query, params: kit.screen.params },
          path: kit.screen.path,
          op: '==',
          value: intended,
        }
      : {
          description: 'Every confirmation read saw its own write',
          kind: 'metric',
          metric: 'readYourWriteMisses',
          projection: kit.screen.projection,
          op: '==',
          value: 0,
        };

  return {
    seed,
    level: lvl,
    attempt,
    engineSeed,
    cause: cause.id,
    domain: kit.domain,
    title: fillText(cause.title, kit),
    report: fillText(cause.report, kit),
    settings,
    environment: leafPaths(environment),
    setup: kit.setup(shape.others),
    workload,
    screen,
    question: { prompt: fillText(cause.prompt, kit), choices: sample(rng, choices, choices.length), answer: cause.id },
    criterion,
    fix: cause.fix,
    explanation: cause.explanation,
  };
}

/** The timed writes (key entity and bystanders), resends, and a confirmation read after each key write. */
function buildWorkload(
  rng: SeededRng,
  cause: RootCause,
  kit: DomainKit,
  shape: ReturnType<typeof levelShape>,
): { workload: WorkloadStep[]; intended: number } {
  const steps: WorkloadStep[] = [];
  let intended = kit.start;
  let at = 0;
  let n = 0;
  const burst = cause.workload.burst ?? 1;
  for (let w = 0; w < shape.writes; w++) {
    if (w % burst === 0) at += rng.int(cause.workload.gapMs[0], cause.workload.gapMs[1]);
    const amount = rng.int(kit.amount[0], kit.amount[1]);
    const commandId = `op-${++n}`;
    const sessionId = `client-${(w % 3) + 1}`;
    steps.push({ at, kind: 'write', command: { ...kit.command(0, amount), commandId }, sessionId });
    intended += amount;
    // The confirmation screen reads right after the write returns.
    steps.push({ at: at + 5, kind: 'read', params: kit.screen.params, sessionId });
    const resend = cause.workload.resend;
    if (resend && w % resend.every === resend.every - 1) {
      steps.push({
        at: at + rng.int(resend.afterMs[0], resend.afterMs[1]),
        kind: 'write',
        command: { ...kit.command(0, amount), commandId },
        sessionId,
      });
    }
  }
  // Bystanders: writes on other entities in the same window, which the screen never shows.
  const span = Math.max(at, 1);
  for (let o = 1; o <= shape.others; o++) {
    for (let k = 0; k < 2; k++) {
      const amount = rng.int(kit.amount[0], kit.amount[1]);
      steps.push({
        at: rng.int(1, span),
        kind: 'write',
        command: { ...kit.command(o, amount), commandId: `op-${++n}` },
        sessionId: `client-${o + 3}`,
      });
    }
  }
  // Stable order: by time, then as built (a sort is stable).
  steps.sort((a, b) => a.at - b.at);
  return { workload: steps, intended };
}

/** The intents of a workload step under a screen consistency. */
export function stepIntent(step: WorkloadStep, query: string, consistency: Incident['screen']['consistency']): Intent {
  return step.kind === 'write'
    ? { kind: 'command', command: step.command, sessionId: step.sessionId }
    : { kind: 'query', query: { type: query, params: step.params }, sessionId: step.sessionId, consistency };
}
