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
  /** Virtual service time per event applied by a projection. */
  projectMs: number;
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
}

export type SettingsPatch = {
  bus?: Partial<BusSettings>;
  costs?: Partial<CostSettings>;
  retry?: Partial<RetrySettings>;
  idempotency?: boolean;
  projection?: Partial<ProjectionSettings>;
  projections?: Record<string, Partial<ProjectionGuards>>;
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
  costs: { commandMs: 2, projectMs: 1, queryMs: 1 },
  retry: { maxAttempts: 3, backoffMs: 5 },
  idempotency: true,
  projection: { batchSize: 50, replayBatchSize: 500, dedupe: true, ordering: true },
  projections: {},
};

type Rule =
  | { kind: 'number'; min: number; max: number; integer: boolean; why?: string }
  | { kind: 'boolean' };

const num = (min: number, max: number, integer = true, why?: string): Rule =>
  why === undefined ? { kind: 'number', min, max, integer } : { kind: 'number', min, max, integer, why };
const bool: Rule = { kind: 'boolean' };

/** The rules, introspectable: the sandbox builds its sliders from them. */
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
  costs: { commandMs: num(0, 10_000), projectMs: num(0, 10_000), queryMs: num(0, 10_000) },
  retry: { maxAttempts: num(1, 20), backoffMs: num(0, 60_000) },
  projection: {
    batchSize: num(1, 10_000),
    replayBatchSize: num(1, 100_000),
    dedupe: bool,
    ordering: bool,
  },
} as const;

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
): EngineSettings {
  if (!isObject(patch)) throw new InvalidSettingError('(settings)', patch, 'an object such as { bus: { latencyMs: 50 } }');
  const next = cloneSettings(current);
  for (const [group, value] of Object.entries(patch)) {
    if (group === 'idempotency') {
      if (typeof value !== 'boolean') throw new InvalidSettingError('idempotency', value, 'true or false');
      next.idempotency = value;
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
    const rules = (SETTING_RULES as Record<string, Record<string, Rule>>)[group];
    if (!rules) {
      throw new InvalidSettingError(group, value, `one of: bus, costs, retry, idempotency, projection, projections`);
    }
    if (!isObject(value)) throw new InvalidSettingError(group, value, `an object with some of: ${Object.keys(rules).join(', ')}`);
    const target = (next as unknown as Record<string, Record<string, unknown>>)[group]!;
    for (const [key, v] of Object.entries(value)) {
      const rule = rules[key];
      const path = `${group}.${key}`;
      if (!rule) throw new InvalidSettingError(path, v, `one of: ${Object.keys(rules).map((k) => `${group}.${k}`).join(', ')}`);
      checkRule(path, rule, v);
      target[key] = v;
    }
  }
  return next;
}

function checkRule(path: string, rule: Rule, v: unknown): void {
  if (rule.kind === 'boolean') {
    if (typeof v !== 'boolean') throw new InvalidSettingError(path, v, 'true or false');
    return;
  }
  const expected =
    `${rule.integer ? 'a whole number' : 'a number'} from ${rule.min} to ${rule.max}` +
    (rule.why !== undefined ? ` (${rule.why})` : '');
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

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
