// Every knob of the simulation, with its default and its valid range. A
// change is validated as a whole before anything is applied.
import { InvalidSettingError } from './errors.ts';

export interface BusSettings {
  /** Base delay between append and delivery, per subscriber. */
  latencyMs: number;
  /** Extra random delay, uniform in [0, jitterMs]. */
  jitterMs: number;
  /** Chance that an event is delivered a second time, later. */
  duplicateProbability: number;
  /** Chance that a delivery is lost and redelivered after redeliveryMs (at-least-once). */
  dropProbability: number;
  redeliveryMs: number;
  /** Off: a subscriber gets events in global order. On: partitions (streams) may overtake each other. */
  reorder: boolean;
  /** With reorder on: keep order inside a stream (on) or let its events overtake each other too (off). */
  orderedPartitions: boolean;
}

export interface CostSettings {
  /** Virtual service time between loading a stream and appending. */
  commandMs: number;
  /** Extra virtual time per event folded when loading a stream (what snapshots save). */
  loadEventMs: number;
  /** Extra virtual time per read-model row a projection writes (what fan-out on write costs). */
  projectRowMs: number;
  /** Virtual service time per event applied by a projection (may be under 1 ms; a batch costs whole ms). */
  projectMs: number;
  /** Virtual time per batch a projection applies, whatever its size (its commit and checkpoint write): what batching saves. */
  projectBatchMs: number;
  /** Virtual service time of a query. */
  queryMs: number;
}

export interface RetrySettings {
  /** Attempts in total for a command that hits a concurrency conflict (1 = no retry). */
  maxAttempts: number;
  backoffMs: number;
}

export interface ProjectionGuards {
  /** Skip events whose stream version was already applied. */
  dedupe: boolean;
  /** Hold an event that arrives before its predecessor in the stream. */
  ordering: boolean;
}

export interface ProjectionSettings extends ProjectionGuards {
  /** Most events applied in one read-store transaction when live. */
  batchSize: number;
  /** Events per transaction when catching up or rebuilding from the store. */
  replayBatchSize: number;
  /**
   * Live batches are committed on a shared clock: at the first multiple of this
   * interval at or after the batch is ready (0 = as soon as it is ready). Fewer,
   * larger commits, and the projections' commits of one tick share a round trip.
   */
  commitIntervalMs: number;
  /** An event whose handler throws (a poison event) is parked in a dead-letter table and skipped, instead of stopping the projection. */
  deadLetter: boolean;
}

/** What one batch is applied under: the guards, and whether a poison event is dead-lettered. */
export interface ApplyGuards extends ProjectionGuards {
  deadLetter?: boolean;
}

/** When projections are updated: through the bus, inside the command, or some of each. */
export type SyncMode = 'async' | 'sync' | 'hybrid';

export interface SyncSettings {
  /** async: every projection through the bus; sync: every projection inside the command; hybrid: `projections` inside, the rest through the bus. */
  mode: SyncMode;
  /** The projections updated synchronously in hybrid mode. */
  projections: string[];
}

/**
 * Where the read models live, the course's separation levels (the glossary's
 * "Separation level" says the same). 1: in the write store's database; 2: one
 * separate read database shared by every projection; 3: one database per projection.
 */
export type SeparationLevel = 1 | 2 | 3;

export interface SnapshotSettings {
  /** Take a snapshot of an aggregate's state every N events of its stream (0 = never). */
  every: number;
  /**
   * The state version of each aggregate's code (default 1, or the aggregate's
   * own `stateVersion`). A snapshot taken under another version is ignored.
   * Raising it simulates deploying a changed `evolve`.
   */
  stateVersions: Record<string, number>;
}

/** dualWrite: commit, then publish in a separate step; outbox: the events are the outbox, a relay publishes them. */
export type DeliveryMode = 'dualWrite' | 'outbox';

export interface OutboxSettings {
  /** Delay between a commit and the relay's next run. */
  relayDelayMs: number;
  /** Most events a relay run publishes. */
  relayBatchSize: number;
  /** After a relay crash, when it runs again. */
  retryMs: number;
}

export interface FaultSettings {
  /**
   * Chance that the process dies between committing and publishing. dualWrite:
   * the events are never published (lost for the read models). outbox: the
   * relay dies before or after publishing and runs again later.
   */
  publishFailureProbability: number;
}

export interface SagaSettings {
  /** Chance that an external step of a saga fails (the checkout saga: the payment gateway declines). */
  failureProbability: number;
  /** How long a saga waits for an answer before it gives up and compensates. */
  timeoutMs: number;
  /** Delay before a saga resends a command that failed for a technical reason (times the attempt: linear backoff). */
  retryMs: number;
  /** Resends before a technical failure counts as a refusal. */
  maxRetries: number;
}

export interface ConsistencySettings {
  /** Default wait of the waiting strategies before answering stale. */
  timeoutMs: number;
  /** Default interval of the polling strategy. */
  pollIntervalMs: number;
}

export interface EngineSettings {
  bus: BusSettings;
  costs: CostSettings;
  retry: RetrySettings;
  /** Record commandIds so a repeated command returns its first result. */
  idempotency: boolean;
  projection: ProjectionSettings;
  /** Per-projection guard overrides, e.g. { catalogue: { dedupe: false } }. */
  projections: Record<string, Partial<ProjectionGuards>>;
  /** Where the read models live (chosen before the first event). */
  separationLevel: SeparationLevel;
  sync: SyncSettings;
  snapshots: SnapshotSettings;
  delivery: DeliveryMode;
  outbox: OutboxSettings;
  faults: FaultSettings;
  sagas: SagaSettings;
  consistency: ConsistencySettings;
}

export type SettingsPatch = {
  bus?: Partial<BusSettings>;
  costs?: Partial<CostSettings>;
  retry?: Partial<RetrySettings>;
  idempotency?: boolean;
  projection?: Partial<ProjectionSettings>;
  projections?: Record<string, Partial<ProjectionGuards>>;
  separationLevel?: SeparationLevel;
  sync?: Partial<SyncSettings>;
  snapshots?: { every?: number; stateVersions?: Record<string, number> };
  delivery?: DeliveryMode;
  outbox?: Partial<OutboxSettings>;
  faults?: Partial<FaultSettings>;
  sagas?: Partial<SagaSettings>;
  consistency?: Partial<ConsistencySettings>;
};

export const DEFAULT_SETTINGS: EngineSettings = {
  bus: {
    latencyMs: 20,
    jitterMs: 10,
    duplicateProbability: 0,
    dropProbability: 0,
    redeliveryMs: 100,
    reorder: false,
    orderedPartitions: true,
  },
  costs: { commandMs: 2, loadEventMs: 0, projectMs: 1, projectBatchMs: 0, projectRowMs: 0, queryMs: 1 },
  retry: { maxAttempts: 3, backoffMs: 5 },
  idempotency: true,
  projection: { batchSize: 50, replayBatchSize: 500, commitIntervalMs: 0, dedupe: true, ordering: true, deadLetter: false },
  projections: {},
  separationLevel: 3,
  sync: { mode: 'async', projections: [] },
  snapshots: { every: 0, stateVersions: {} },
  delivery: 'dualWrite',
  outbox: { relayDelayMs: 5, relayBatchSize: 100, retryMs: 50 },
  faults: { publishFailureProbability: 0 },
  sagas: { failureProbability: 0, timeoutMs: 5000, retryMs: 20, maxRetries: 10 },
  consistency: { timeoutMs: 5000, pollIntervalMs: 100 },
};

/** What the engine accepts for one setting (the catalogue, settingsCatalogue.ts, adds words and units). */
export type SettingRule =
  | { kind: 'number'; min: number; max: number; integer: boolean; why?: string }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly (string | number)[] }
  /** A list of projection names. */
  | { kind: 'projectionNames' }
  /** An object mapping aggregate names to whole numbers in [min, max]. */
  | { kind: 'perAggregate'; min: number; max: number };

const num = (min: number, max: number, integer = true, why?: string): SettingRule =>
  why === undefined ? { kind: 'number', min, max, integer } : { kind: 'number', min, max, integer, why };
const bool: SettingRule = { kind: 'boolean' };

/** The rules by group; every reader goes through SETTINGS_CATALOGUE (settingsCatalogue.ts). */
export const SETTING_RULES = {
  bus: {
    latencyMs: num(0, 60_000),
    jitterMs: num(0, 60_000),
    duplicateProbability: num(0, 1, false),
    dropProbability: num(0, 0.9, false, 'at 1 nothing would ever be delivered'),
    redeliveryMs: num(1, 60_000),
    reorder: bool,
    orderedPartitions: bool,
  },
  costs: {
    commandMs: num(0, 10_000),
    loadEventMs: num(0, 1000),
    // Below 1 ms too: a projection that keeps up with thousands of events/s (a batch's cost is rounded up to whole ms).
    projectMs: num(0, 10_000, false),
    projectBatchMs: num(0, 10_000),
    projectRowMs: num(0, 1000),
    queryMs: num(0, 10_000),
  },
  retry: { maxAttempts: num(1, 20), backoffMs: num(0, 60_000) },
  projection: {
    batchSize: num(1, 10_000),
    replayBatchSize: num(1, 100_000),
    commitIntervalMs: num(0, 1000),
    dedupe: bool,
    ordering: bool,
    deadLetter: bool,
  },
  sync: { mode: { kind: 'enum', values: ['async', 'sync', 'hybrid'] }, projections: { kind: 'projectionNames' } },
  snapshots: { every: num(0, 100_000), stateVersions: { kind: 'perAggregate', min: 1, max: 1000 } },
  outbox: { relayDelayMs: num(0, 60_000), relayBatchSize: num(1, 10_000), retryMs: num(1, 60_000) },
  faults: { publishFailureProbability: num(0, 1, false) },
  sagas: { failureProbability: num(0, 1, false), timeoutMs: num(1, 600_000), retryMs: num(0, 60_000), maxRetries: num(0, 20) },
  consistency: { timeoutMs: num(0, 600_000), pollIntervalMs: num(1, 60_000) },
} as const;

/** Settings that are a single value rather than a group. */
export const TOP_LEVEL_SETTING_RULES = {
  idempotency: bool,
  separationLevel: { kind: 'enum', values: [1, 2, 3] },
  delivery: { kind: 'enum', values: ['dualWrite', 'outbox'] },
} as const satisfies Record<string, SettingRule>;

/**
 * Each separation level with the sync mode the drills pair it with: level 1
 * keeps the read models in the write database, updated in the command's
 * transaction; level 2 keeps them in one separate read database, updated after
 * the write commits and before the command returns (two commits: a dual
 * write); level 3 gives each its own store, fed by events through the bus (the
 * default).
 */
export const SEPARATION_PRESETS: Record<SeparationLevel, SettingsPatch> = {
  1: { separationLevel: 1, sync: { mode: 'sync' } },
  2: { separationLevel: 2, sync: { mode: 'sync' } },
  3: { separationLevel: 3, sync: { mode: 'async' } },
};

export function cloneSettings(s: EngineSettings): EngineSettings {
  return JSON.parse(JSON.stringify(s)) as EngineSettings;
}

/**
 * Merge `patch` into `current` and validate. Throws InvalidSettingError (and
 * changes nothing) on an unknown name, a wrong type or an out-of-range value.
 */
export function applySettingsPatch(
  current: EngineSettings,
  patch: unknown,
  projectionNames: readonly string[],
  aggregateNames?: readonly string[],
): EngineSettings {
  if (!isObject(patch)) throw new InvalidSettingError('(settings)', patch, 'an object such as { bus: { latencyMs: 50 } }');
  const next = cloneSettings(current);
  const groups = [...Object.keys(TOP_LEVEL_SETTING_RULES), 'projections', ...Object.keys(SETTING_RULES)];
  for (const [group, value] of Object.entries(patch)) {
    const top = (TOP_LEVEL_SETTING_RULES as Record<string, SettingRule>)[group];
    if (top) {
      checkRule(group, top, value, projectionNames, aggregateNames);
      (next as unknown as Record<string, unknown>)[group] = value;
      continue;
    }
    if (group === 'projections') {
      if (!isObject(value)) throw new InvalidSettingError('projections', value, 'an object keyed by projection name');
      for (const [name, guards] of Object.entries(value)) {
        if (!projectionNames.includes(name)) {
          throw new InvalidSettingError(`projections.${name}`, guards, `a projection name (one of: ${projectionNames.join(', ')})`);
        }
        if (!isObject(guards)) throw new InvalidSettingError(`projections.${name}`, guards, 'an object such as { dedupe: false }');
        const target: Partial<ProjectionGuards> = { ...(next.projections[name] ?? {}) };
        for (const [key, flag] of Object.entries(guards)) {
          if (key !== 'dedupe' && key !== 'ordering') {
            throw new InvalidSettingError(`projections.${name}.${key}`, flag, 'one of: dedupe, ordering');
          }
          if (typeof flag !== 'boolean') throw new InvalidSettingError(`projections.${name}.${key}`, flag, 'true or false');
          target[key] = flag;
        }
        next.projections[name] = target;
      }
      continue;
    }
    const rules = (SETTING_RULES as Record<string, Record<string, SettingRule>>)[group];
    if (!rules) throw new InvalidSettingError(group, value, `one of: ${groups.join(', ')}`);
    if (!isObject(value)) throw new InvalidSettingError(group, value, `an object with some of: ${Object.keys(rules).join(', ')}`);
    const target = (next as unknown as Record<string, Record<string, unknown>>)[group]!;
    for (const [key, v] of Object.entries(value)) {
      const rule = rules[key];
      const path = `${group}.${key}`;
      if (!rule)
        throw new InvalidSettingError(
          path,
          v,
          `one of: ${Object.keys(rules)
            .map((k) => `${group}.${k}`)
            .join(', ')}`,
        );
      checkRule(path, rule, v, projectionNames, aggregateNames);
      if (rule.kind === 'perAggregate') target[key] = { ...(target[key] as Record<string, number>), ...(v as Record<string, number>) };
      else if (rule.kind === 'projectionNames') target[key] = [...(v as string[])];
      else target[key] = v;
    }
  }
  return next;
}

function checkRule(
  path: string,
  rule: SettingRule,
  v: unknown,
  projectionNames: readonly string[],
  aggregateNames?: readonly string[],
): void {
  if (rule.kind === 'boolean') {
    if (typeof v !== 'boolean') throw new InvalidSettingError(path, v, 'true or false');
    return;
  }
  if (rule.kind === 'enum') {
    if (!rule.values.includes(v as string | number)) throw new InvalidSettingError(path, v, `one of: ${rule.values.join(', ')}`);
    return;
  }
  if (rule.kind === 'projectionNames') {
    if (!Array.isArray(v) || v.some((n) => typeof n !== 'string' || !projectionNames.includes(n))) {
      throw new InvalidSettingError(path, v, `a list of projection names (from: ${projectionNames.join(', ') || 'none'})`);
    }
    return;
  }
  if (rule.kind === 'perAggregate') {
    const expected = `an object mapping aggregate names${aggregateNames ? ` (${aggregateNames.join(', ')})` : ''} to whole numbers from ${rule.min} to ${rule.max}`;
    if (!isObject(v)) throw new InvalidSettingError(path, v, expected);
    for (const [name, n] of Object.entries(v)) {
      if (aggregateNames && !aggregateNames.includes(name)) throw new InvalidSettingError(`${path}.${name}`, n, expected);
      if (typeof n !== 'number' || !Number.isInteger(n) || n < rule.min || n > rule.max)
        throw new InvalidSettingError(`${path}.${name}`, n, expected);
    }
    return;
  }
  const expected =
    `${rule.integer ? 'a whole number' : 'a number'} from ${rule.min} to ${rule.max}` + (rule.why !== undefined ? ` (${rule.why})` : '');
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidSettingError(path, v, expected);
  if (rule.integer && !Number.isInteger(v)) throw new InvalidSettingError(path, v, expected);
  if (v < rule.min || v > rule.max) throw new InvalidSettingError(path, v, expected);
}

/** The guards in force for one projection (global flags, then its override). */
export function guardsFor(settings: EngineSettings, projection: string): ProjectionGuards {
  const o = settings.projections[projection] ?? {};
  return {
    dedupe: o.dedupe ?? settings.projection.dedupe,
    ordering: o.ordering ?? settings.projection.ordering,
  };
}

/** The guards a batch of `projection` is applied under, with dead-lettering only when it is on (requests stay as they were otherwise). */
export function applyGuardsFor(settings: EngineSettings, projection: string): ApplyGuards {
  return settings.projection.deadLetter ? { ...guardsFor(settings, projection), deadLetter: true } : guardsFor(settings, projection);
}

/** The projections updated inside the command under these settings. */
export function syncProjections(settings: EngineSettings, projectionNames: readonly string[]): string[] {
  switch (settings.sync.mode) {
    case 'async':
      return [];
    case 'sync':
      return [...projectionNames];
    case 'hybrid':
      return projectionNames.filter((n) => settings.sync.projections.includes(n));
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Virtual ms a projection spends on `events` events: costs.projectMs each,
 * rounded up to a whole ms, since the clock moves in whole ms (5 events at
 * 0.1 ms cost 1 ms; a whole-ms setting gives exactly projectMs × events).
 */
export function projectionCostMs(settings: Pick<EngineSettings, 'costs'>, events: number): number {
  // Rounded to a millionth first: 0.1 × 30 is 3.0000000000000004 in floating point, and must cost 3.
  return Math.ceil(Math.round(settings.costs.projectMs * events * 1e6) / 1e6);
}

/** Virtual ms a projection spends on one batch of `events` events: projectBatchMs for the batch, projectMs for each event. */
export function batchCostMs(settings: Pick<EngineSettings, 'costs'>, events: number): number {
  return settings.costs.projectBatchMs + projectionCostMs(settings, events);
}

/**
 * The instant a live batch ready at `readyAt` is committed: the next multiple
 * of projection.commitIntervalMs at or after it (itself when the interval is
 * 0). The interval is a whole number of ms, so for a whole-ms `readyAt` the
 * division and the product are exact; for a fractional one (a clock moved by
 * a fractional advance) the quotient may round down onto a multiple just
 * below it, hence the guard. Pure arithmetic: the same inputs, the same instant.
 */
export function commitInstant(settings: Pick<EngineSettings, 'projection'>, readyAt: number): number {
  const interval = settings.projection.commitIntervalMs;
  if (interval <= 0) return readyAt;
  const at = Math.ceil(readyAt / interval) * interval;
  return at < readyAt ? at + interval : at;
}
