// The building blocks of an incident: the root causes (one misconfiguration
// each, with the environment that makes it bite and the workload shape that
// shows it), the harmless misconfigurations that become distractors, and the
// harmless extra faults that make harder incidents noisier. Which block may
// sit beside which is said here; the engine's check (check.ts) proves it.
import { settingEntry, type SettingsPatch } from '../engine/index.ts';
import type { SeededRng } from '../engine/index.ts';
import type { FixControl, Remedy, RootCauseId } from './types.ts';

/** A shape of workload: how writes are spaced, whether clients resend, whether writes collide. */
export interface WorkloadShape {
  /** Virtual ms between two writes on the key entity. */
  gapMs: [number, number];
  /** Writes that arrive at the same instant on the key entity (a burst), 1 = none. */
  burst?: number;
  /** Every n-th write is sent again by a client that timed out, same commandId, after this many ms. */
  resend?: { every: number; afterMs: [number, number] };
}

export interface RootCause {
  id: RootCauseId;
  /** The misconfiguration, as the suspect statement (also the right choice's label). */
  label: string;
  /** The misconfiguration itself. */
  settings: SettingsPatch;
  /** The environment that makes it bite (faults), drawn per incident. */
  environment(rng: SeededRng): SettingsPatch;
  /** Undoing the misconfiguration: the reference fix. */
  fix: Remedy;
  workload: WorkloadShape;
  /** How the symptom is measured: the screen's final value, or reads that missed their own write. */
  symptom: 'value' | 'ownWriteMisses';
  title: string;
  /** The question, with {entity}, {writes}, {shows} filled from the domain. */
  prompt: string;
  /** What the on-call engineer was told. */
  report: string;
  explanation: string;
}

const pct = (rng: SeededRng, from: number, to: number) => rng.int(from, to) / 100;

export const ROOT_CAUSES: readonly RootCause[] = [
  {
    id: 'dedupeOff',
    label: "The projection's dedupe guard is off",
    settings: { projection: { dedupe: false } },
    environment: (rng) => ({ bus: { duplicateProbability: pct(rng, 25, 45) } }),
    fix: { settings: { projection: { dedupe: true } } },
    workload: { gapMs: [15, 40] },
    symptom: 'value',
    title: 'The {shows} counts some {writes} twice',
    prompt: 'The {shows} of {entity} is more than its {writes} add up to. Which setting caused the double count?',
    report: 'Support: "The {shows} of {entity} went up by more than what we sent." Nobody sent anything twice.',
    explanation:
      'The bus delivers at least once: some events arrived twice. With the dedupe guard off the projection applied the repeats, so the read model counted them twice while the event store holds each event once. Turning the guard back on skips a version already applied.',
  },
  {
    id: 'idempotencyOff',
    label: 'Idempotency is off: repeated commandIds are not recognised',
    settings: { idempotency: false },
    environment: () => ({}),
    fix: { settings: { idempotency: true } },
    workload: { gapMs: [20, 50], resend: { every: 3, afterMs: [25, 60] } },
    symptom: 'value',
    title: 'Resent {writes} are counted twice',
    prompt: 'The {shows} of {entity} is more than the {writes} the clients meant to make. Which setting caused the double count?',
    report: 'Support: "Clients on a bad network retried some {writes}, and now the {shows} of {entity} is too high."',
    explanation:
      'Clients that timed out sent the same command again with the same commandId. With idempotency off the write side did not recognise the commandId and appended the events a second time: the event store itself holds the repeats, so the read model is a faithful copy of a wrong history. Recording commandIds returns the first result to a repeat.',
  },
  {
    id: 'dualWriteLoss',
    label: 'Events are published by a dual write (commit, then publish)',
    settings: { delivery: 'dualWrite' },
    environment: (rng) => ({ faults: { publishFailureProbability: pct(rng, 30, 50) } }),
    fix: { settings: { delivery: 'outbox' } },
    workload: { gapMs: [20, 50] },
    symptom: 'value',
    title: 'Accepted {writes} never reach the screen',
    prompt: 'Some accepted {writes} never show in the {shows} of {entity}. Why?',
    report: 'Support: "The {shows} of {entity} is missing {writes} we were told had succeeded." The event store has them.',
    explanation:
      'The process died between committing and publishing: with a dual write those events were committed but never published, so the projection never saw them (publish.lost). With an outbox the events are the outbox: a relay publishes them, and runs again after a crash.',
  },
  {
    id: 'orderingOff',
    label: "The projection's ordering guard is off",
    settings: { projection: { ordering: false } },
    environment: (rng) => ({ bus: { reorder: true, orderedPartitions: false, jitterMs: rng.int(80, 150) } }),
    fix: { settings: { projection: { ordering: true } } },
    workload: { gapMs: [2, 10] },
    symptom: 'value',
    title: 'Accepted {writes} vanish on the way to the screen',
    prompt: 'Some accepted {writes} never show in the {shows} of {entity}. Why?',
    report: 'Support: "The {shows} of {entity} is missing {writes} we were told had succeeded." Nothing crashed.',
    explanation:
      'The bus let events of one stream overtake each other. With the ordering guard off the projection applied a later version first; when the earlier one came, the dedupe guard took it for a repeat (its version was already passed) and skipped it. The ordering guard holds an event until its predecessor has been applied.',
  },
  {
    id: 'eventualConfirmation',
    label: 'The confirmation screen reads with eventual consistency',
    settings: {},
    environment: (rng) => ({ bus: { latencyMs: rng.int(40, 120) } }),
    fix: { screen: { strategy: 'readYourWrites' } },
    workload: { gapMs: [150, 300] },
    symptom: 'ownWriteMisses',
    title: 'The confirmation screen shows the old {shows}',
    prompt: 'Right after a {write}, the confirmation screen showed the old {shows} of {entity}. Why did this read miss?',
    report: 'Support: "After every {write} the screen still shows the old {shows}; a refresh later fixes it."',
    explanation:
      "The confirmation screen read the projection as it was (eventual consistency) while the event was still on the bus. A screen that confirms the user's own action must see that action: read-your-writes waits until the projection has the session's last write (or completes the answer from the write side).",
  },
  {
    id: 'noRetry',
    label: 'Commands are not retried after a concurrency conflict (1 attempt)',
    settings: { retry: { maxAttempts: 1 } },
    environment: () => ({}),
    fix: { settings: { retry: { maxAttempts: 5 } } },
    workload: { gapMs: [30, 60], burst: 3 },
    symptom: 'value',
    title: '{writes} fail when they come together',
    prompt: 'Some {writes} on {entity} failed and the {shows} is lower than what was sent. Why?',
    report: 'Support: "At busy moments some {writes} on {entity} fail with an error; one at a time they always work."',
    explanation:
      'Writes that arrive together load the same stream version; the first to append wins and the others hit a concurrency conflict (optimistic concurrency doing its job). With one attempt they fail at once; with retries they reload the stream and decide again on the new state.',
  },
];

/** A harmless misconfiguration: a distractor the learner can suspect and the check proves innocent. */
export interface NoiseSetting {
  id: string;
  label: string;
  settings: SettingsPatch;
  /** Putting it back. */
  remedy: Remedy;
  /** Causes (and extra faults) it would hide or worsen, so it never sits beside them. */
  clashes: string[];
}

export const NOISE_SETTINGS: readonly NoiseSetting[] = [
  {
    id: 'noiseDedupeOff',
    label: "The projection's dedupe guard is off",
    settings: { projection: { dedupe: false } },
    remedy: { settings: { projection: { dedupe: true } } },
    // The outbox fix may publish twice after a relay crash: dedupe must stay on there.
    clashes: ['dedupeOff', 'orderingOff', 'dualWriteLoss', 'faultDuplicates', 'faultDrops'],
  },
  {
    id: 'noiseOrderingOff',
    label: "The projection's ordering guard is off",
    settings: { projection: { ordering: false } },
    remedy: { settings: { projection: { ordering: true } } },
    clashes: ['orderingOff', 'faultDrops', 'faultReorder', 'dualWriteLoss'],
  },
  {
    id: 'noiseIdempotencyOff',
    label: 'Idempotency is off: repeated commandIds are not recognised',
    settings: { idempotency: false },
    remedy: { settings: { idempotency: true } },
    clashes: ['idempotencyOff'],
  },
  {
    id: 'noiseOutbox',
    label: 'Events are published through an outbox and a relay',
    settings: { delivery: 'outbox' },
    remedy: { settings: { delivery: 'dualWrite' } },
    clashes: ['dualWriteLoss'],
  },
  {
    id: 'noiseSnapshots',
    label: 'Snapshots are taken every 3 events',
    settings: { snapshots: { every: 3 } },
    remedy: { settings: { snapshots: { every: 0 } } },
    clashes: [],
  },
  {
    id: 'noiseBatch',
    label: 'The projection applies one event per transaction (batch size 1)',
    settings: { projection: { batchSize: 1 } },
    remedy: { settings: { projection: { batchSize: 50 } } },
    clashes: [],
  },
  {
    id: 'noiseNoRetry',
    label: 'Commands are not retried after a concurrency conflict (1 attempt)',
    settings: { retry: { maxAttempts: 1 } },
    remedy: { settings: { retry: { maxAttempts: 3 } } },
    clashes: ['noRetry', 'idempotencyOff'],
  },
];

/** A harmless extra fault of the environment (harder incidents have more). */
export interface NoiseFault {
  id: string;
  describe: string;
  settings(rng: SeededRng): SettingsPatch;
  clashes: string[];
}

export const NOISE_FAULTS: readonly NoiseFault[] = [
  {
    id: 'faultDuplicates',
    describe: 'the bus delivers some events twice',
    settings: (rng) => ({ bus: { duplicateProbability: pct(rng, 10, 30) } }),
    clashes: ['dedupeOff'],
  },
  {
    id: 'faultReorder',
    describe: 'streams may overtake each other on the bus',
    settings: () => ({ bus: { reorder: true, orderedPartitions: true } }),
    clashes: ['orderingOff'],
  },
  {
    id: 'faultJitter',
    describe: 'delivery times vary more',
    settings: (rng) => ({ bus: { jitterMs: rng.int(20, 60) } }),
    clashes: ['orderingOff'],
  },
  {
    id: 'faultDrops',
    describe: 'some deliveries are lost and redelivered later',
    settings: (rng) => ({ bus: { dropProbability: pct(rng, 5, 15), redeliveryMs: rng.int(60, 150) } }),
    clashes: [],
  },
];

/** The configuration a learner may change to fix an incident (faults are the environment): paths of the settings catalogue. */
export const FIX_PATHS = [
  'projection.dedupe',
  'projection.ordering',
  'idempotency',
  'delivery',
  'retry.maxAttempts',
  'snapshots.every',
  'projection.batchSize',
] as const;

/** The form of the "fix it" step: labels, kinds and ranges from the engine's settings catalogue, plus the screen's strategy. */
export const FIX_CONTROLS: readonly FixControl[] = [
  ...FIX_PATHS.map((path): FixControl => {
    const entry = settingEntry(path);
    if (!entry) throw new Error(`The settings catalogue has no "${path}".`);
    const { rule, label } = entry;
    if (rule.kind === 'boolean') return { kind: 'boolean', path, label };
    if (rule.kind === 'enum') return { kind: 'enum', path, label, values: rule.values.map(String) };
    if (rule.kind === 'number') return { kind: 'number', path, label, min: rule.min, max: rule.max };
    throw new Error(`"${path}" is not a setting a form can show (${rule.kind}).`);
  }),
  { kind: 'screen', label: 'Confirmation screen consistency', values: ['eventual', 'readYourWrites', 'token', 'poll'] },
];
