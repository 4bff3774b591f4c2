// One catalogue of the engine's settings: for every path the engine accepts,
// its rule (the range the engine validates, from settings.ts), a unit, a
// label and a description written for a learner, and a scale hint for
// sliders. The sandbox's controls, the terminal's `settings`/`set`, scenario
// validation and the challenge panels all read it, so a setting added to the
// engine is described once, here (the mapped types below refuse to compile
// until it is).
import { SETTING_RULES, TOP_LEVEL_SETTING_RULES, type EngineSettings, type SettingRule, type SettingsPatch } from './settings.ts';

/** How a value reads: `probability` is 0–1 in the engine, shown as a percentage. */
export type SettingUnit = 'ms' | 'probability' | 'events' | 'rows' | 'attempts' | 'version' | 'level' | 'none';

export interface SettingInfo {
  label: string;
  description: string;
  unit: SettingUnit;
  /**
   * For numbers: how a slider should spread the range. `log` when the range
   * spans decades (0–60,000 ms) and the teachable part is at the small end.
   */
  scale?: 'linear' | 'log';
  /** For choices: a readable label per value. */
  choices?: Readonly<Record<string, string>>;
}

export interface SettingEntry extends SettingInfo {
  /** Dotted path: `bus.latencyMs`, `idempotency`, `projections.catalogue.dedupe`. */
  path: string;
  rule: SettingRule;
}

type GroupInfo = { readonly [G in keyof typeof SETTING_RULES]: { readonly [K in keyof (typeof SETTING_RULES)[G]]: SettingInfo } };
type TopInfo = { readonly [K in keyof typeof TOP_LEVEL_SETTING_RULES]: SettingInfo };

const ms = (label: string, description: string, scale: 'linear' | 'log' = 'log'): SettingInfo => ({
  label,
  description,
  unit: 'ms',
  scale,
});
const chance = (label: string, description: string): SettingInfo => ({ label, description, unit: 'probability', scale: 'linear' });
const flag = (label: string, description: string): SettingInfo => ({ label, description, unit: 'none' });

const GROUP_INFO: GroupInfo = {
  bus: {
    latencyMs: ms('Bus latency', 'Delay between the append and each delivery.'),
    jitterMs: ms('Jitter', 'Extra random delay per delivery, from 0 up to this.'),
    duplicateProbability: chance('Duplicates', 'Chance that an event is delivered a second time.'),
    dropProbability: chance('Drops', 'Chance that a delivery is lost and redelivered later.'),
    redeliveryMs: ms('Redelivery delay', 'How long a dropped delivery waits before it is sent again (at-least-once).'),
    reorder: flag('Reorder', 'Let streams overtake each other on the bus.'),
    orderedPartitions: flag('Keep order within a stream', 'With reorder on: events of one stream stay in order.'),
  },
  costs: {
    commandMs: ms('Command service time', 'Virtual time between loading a stream and appending.'),
    loadEventMs: ms('Load time per event', 'Extra virtual time per event folded when loading a stream: what snapshots save.'),
    projectMs: ms('Projection time per event', 'Virtual time a projection spends on each event: its capacity.'),
    projectBatchMs: ms(
      'Projection time per batch',
      'Virtual time a projection spends on each batch, whatever its size (its commit and checkpoint write): what batching saves.',
    ),
    projectRowMs: ms('Projection time per row', 'Extra virtual time per read-model row a projection writes: what fan-out on write costs.'),
    queryMs: ms('Query service time', 'Virtual time a query takes on its read store.'),
  },
  retry: {
    maxAttempts: {
      label: 'Attempts per command',
      description: 'Attempts in total for a command that hits a concurrency conflict (1: no retry).',
      unit: 'attempts',
      scale: 'linear',
    },
    backoffMs: ms('Retry backoff', 'Wait before a command that hit a conflict is tried again.'),
  },
  projection: {
    batchSize: {
      label: 'Live batch size',
      description: 'Most events a projection applies in one read-store transaction when live.',
      unit: 'events',
      scale: 'log',
    },
    replayBatchSize: {
      label: 'Replay batch size',
      description: 'Events per transaction when catching up or rebuilding from the event store.',
      unit: 'events',
      scale: 'log',
    },
    commitIntervalMs: ms(
      'Commit interval',
      'Projections commit their live batches only on a shared tick, every this many ms (0: each batch as soon as it is ready), as Kafka Streams’ commit.interval.ms or a polling projection daemon does. Fewer, larger commits, and the projections committing on the same tick share one trip to the read store; the price is up to one interval of extra lag.',
    ),
    dedupe: flag('Projection dedupe guard', 'Skip events whose stream version was already applied.'),
    ordering: flag('Projection ordering guard', 'Hold an event that arrives before its predecessor.'),
    deadLetter: flag(
      'Dead-letter poison events',
      'An event whose handler fails is parked in the projection’s dead_letters table and skipped, so the projection moves on; off, it stops the projection until the event can be applied.',
    ),
  },
  sync: {
    mode: {
      label: 'Projection sync mode',
      description:
        'Asynchronous: projections follow through the bus. Synchronous: every projection is updated before the command returns, and the command pays for it. Hybrid: the listed projections inside, the rest through the bus.',
      unit: 'none',
      choices: { async: 'Asynchronous', sync: 'Synchronous', hybrid: 'Hybrid' },
    },
    projections: {
      label: 'Synchronous projections',
      description: 'The projections updated inside the command in hybrid mode.',
      unit: 'none',
    },
  },
  snapshots: {
    every: {
      label: 'Snapshot every',
      description: 'Take a snapshot of an aggregate every N events (0: never); loading reads the snapshot plus the events after it.',
      unit: 'events',
      scale: 'log',
    },
    stateVersions: {
      label: 'State version',
      description:
        "The state version of an aggregate's code: a snapshot taken under another version is ignored (raising it simulates deploying a changed evolve).",
      unit: 'version',
    },
  },
  outbox: {
    relayDelayMs: ms('Relay delay', "Delay between a commit and the outbox relay's next run."),
    relayBatchSize: { label: 'Relay batch size', description: 'Most events one relay run publishes.', unit: 'events', scale: 'log' },
    retryMs: ms('Relay retry', 'After a relay crash, when it runs again.'),
  },
  faults: {
    publishFailureProbability: chance(
      'Publish crashes',
      'Chance that the process dies between committing and publishing (dual write) or inside the relay (outbox).',
    ),
  },
  sagas: {
    failureProbability: chance(
      'Saga step failures',
      'Chance that an external step of a saga fails (the checkout saga: the payment gateway declines).',
    ),
    timeoutMs: ms('Saga timeout', 'How long a saga waits for an answer before it gives up and compensates.'),
    retryMs: ms('Saga resend delay', 'Delay before a saga resends a command that failed for a technical reason (times the attempt).'),
    maxRetries: {
      label: 'Saga resends',
      description: 'Resends before a technical failure counts as a refusal.',
      unit: 'attempts',
      scale: 'linear',
    },
  },
  consistency: {
    timeoutMs: ms('Wait timeout', 'Default wait of the waiting read strategies before answering stale.'),
    pollIntervalMs: ms('Poll interval', 'Default interval of the polling read strategy.'),
  },
};

const TOP_INFO: TopInfo = {
  idempotency: flag('Idempotent commands', 'Record commandIds so a repeated command returns its first result.'),
  separationLevel: {
    label: 'Separation level',
    description:
      "Where the read models live: 1 in the write store's database, 2 in one separate read database, 3 in a store per read model (chosen before the first event).",
    unit: 'level',
    choices: { '1': 'Level 1: one database', '2': 'Level 2: one read database', '3': 'Level 3: a store per read model' },
  },
  delivery: {
    label: 'Publishing',
    description:
      'Dual write commits, then publishes separately: a crash in between loses the event for the bus. Outbox writes it in the same transaction and a relay publishes it.',
    unit: 'none',
    choices: { dualWrite: 'Dual write', outbox: 'Transactional outbox' },
  },
};

const GUARD_INFO = {
  dedupe: (projection: string): SettingInfo =>
    flag(`Dedupe guard of ${projection}`, `${projection} skips an event whose stream version it has already applied.`),
  ordering: (projection: string): SettingInfo =>
    flag(`Ordering guard of ${projection}`, `${projection} holds an event that arrives before its predecessor.`),
};
const GUARDS = ['dedupe', 'ordering'] as const;

/** Every setting the engine accepts, by dotted path, except the per-projection guard overrides (see concreteSettings). */
export const SETTINGS_CATALOGUE: readonly SettingEntry[] = [
  ...Object.entries(TOP_LEVEL_SETTING_RULES).map(([key, rule]) => ({
    path: key,
    rule: rule as SettingRule,
    ...TOP_INFO[key as keyof TopInfo],
  })),
  ...Object.entries(SETTING_RULES).flatMap(([group, rules]) =>
    Object.entries(rules).map(([key, rule]) => ({
      path: `${group}.${key}`,
      rule: rule as SettingRule,
      ...(GROUP_INFO as unknown as Record<string, Record<string, SettingInfo>>)[group]![key]!,
    })),
  ),
];

/** The setting groups (`bus`, `costs`, …), in catalogue order. */
export const SETTING_GROUPS: readonly string[] = Object.keys(SETTING_RULES);

/**
 * The catalogue entry for a path: a catalogue path, a projection's guard
 * (`projections.<name>.dedupe`) or one aggregate's state version
 * (`snapshots.stateVersions.<aggregate>`). Undefined for anything else.
 */
export function settingEntry(path: string): SettingEntry | undefined {
  const own = SETTINGS_CATALOGUE.find((e) => e.path === path);
  if (own) return own;
  const guard = /^projections\.([^.]+)\.(dedupe|ordering)$/.exec(path);
  if (guard) return guardEntry(guard[1]!, guard[2] as (typeof GUARDS)[number]);
  const perAggregate = /^([^.]+\.[^.]+)\.([^.]+)$/.exec(path);
  const parent = perAggregate ? SETTINGS_CATALOGUE.find((e) => e.path === perAggregate[1]) : undefined;
  if (parent?.rule.kind === 'perAggregate') return aggregateEntry(parent, perAggregate![2]!);
  return undefined;
}

/**
 * Every single-valued setting path of a domain: the catalogue with a map per
 * aggregate expanded to one whole number per aggregate, plus each
 * projection's two guard overrides.
 */
export function concreteSettings(domain: { projections: readonly string[]; aggregates: readonly string[] }): SettingEntry[] {
  const out: SettingEntry[] = [];
  for (const e of SETTINGS_CATALOGUE) {
    if (e.rule.kind === 'perAggregate') out.push(...domain.aggregates.map((a) => aggregateEntry(e, a)));
    else out.push(e);
  }
  for (const p of domain.projections) out.push(...GUARDS.map((g) => guardEntry(p, g)));
  return out;
}

/**
 * Every path a challenge may allow: each top-level setting, each group and
 * each of its keys, `projections` and each projection's guards (alone or
 * as a whole).
 */
export function allowableSettingPaths(projections: readonly string[]): string[] {
  const out = [...Object.keys(TOP_LEVEL_SETTING_RULES), 'projections'];
  for (const group of SETTING_GROUPS)
    out.push(group, ...SETTINGS_CATALOGUE.filter((e) => e.path.startsWith(`${group}.`)).map((e) => e.path));
  for (const p of projections) out.push(`projections.${p}`, ...GUARDS.map((g) => `projections.${p}.${g}`));
  return out;
}

function guardEntry(projection: string, guard: (typeof GUARDS)[number]): SettingEntry {
  return { path: `projections.${projection}.${guard}`, rule: { kind: 'boolean' }, ...GUARD_INFO[guard](projection) };
}

function aggregateEntry(parent: SettingEntry, aggregate: string): SettingEntry {
  const { min, max } = parent.rule as Extract<SettingRule, { kind: 'perAggregate' }>;
  return {
    ...parent,
    path: `${parent.path}.${aggregate}`,
    rule: { kind: 'number', min, max, integer: true },
    label: `${parent.label} of ${aggregate}`,
  };
}

/** The patch that sets one dotted path to `value`. */
export function settingPatch(path: string, value: unknown): SettingsPatch {
  let node: unknown = value;
  const parts = path.split('.');
  for (let i = parts.length - 1; i >= 0; i--) node = { [parts[i]!]: node };
  return node as SettingsPatch;
}

/**
 * The value at a dotted path; a projection's guard it has no override for
 * reads the global guard it follows.
 */
export function settingValue(settings: EngineSettings, path: string): unknown {
  let v: unknown = settings;
  for (const part of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  const guard = /^projections\.[^.]+\.(dedupe|ordering)$/.exec(path);
  if (v === undefined && guard) return settings.projection[guard[1] as 'dedupe' | 'ordering'];
  return v;
}
