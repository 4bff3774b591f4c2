// The terminal's view of the engine's settings catalogue (SETTINGS_CATALOGUE):
// every path `settings`, `set` and completion know, with its rule and unit,
// expanded for the loaded domain (one state version per aggregate, two guards
// per projection). The engine validates every value; the terminal only turns
// typed text into the right type and shows values in their unit.
import {
  concreteSettings,
  settingEntry,
  settingPatch,
  type EngineSettings,
  type SettingEntry,
  type SettingsPatch,
} from '../../engine/index.ts';
import type { DomainCatalog } from '../backend.ts';
import { formatMs, formatPercent } from '../format.ts';
import { parseDuration, parseProbability } from '../parse.ts';
import { UsageError } from './types.ts';

export type SettingPath = SettingEntry;

export function settingSchema(catalog: DomainCatalog): SettingPath[] {
  return concreteSettings({ projections: catalog.projections.map((p) => p.name), aggregates: catalog.aggregates.map((a) => a.name) });
}

export function settingPaths(catalog: DomainCatalog): string[] {
  return settingSchema(catalog).map((s) => s.path);
}

/** Typed text → the setting's type. Throws UsageError when it cannot be read. */
export function coerceSetting(s: SettingPath, raw: string): unknown {
  const { path, rule } = s;
  switch (rule.kind) {
    case 'boolean': {
      const v = raw.toLowerCase();
      if (['on', 'true', 'yes', '1'].includes(v)) return true;
      if (['off', 'false', 'no', '0'].includes(v)) return false;
      throw new UsageError(`${path} should be on or off, got '${raw}'.`);
    }
    case 'enum': {
      const hit = rule.values.find((v) => String(v).toLowerCase() === raw.toLowerCase());
      if (hit === undefined) throw new UsageError(`${path} should be one of: ${rule.values.join(', ')}; got '${raw}'.`);
      return hit;
    }
    case 'projectionNames':
      return raw.toLowerCase() === 'none'
        ? []
        : raw
            .split(',')
            .map((x) => x.trim())
            .filter((x) => x !== '');
    default: {
      if (s.unit === 'probability') {
        const p = parseProbability(raw);
        if (p === undefined) throw new UsageError(`${path} should be a probability such as 10% or 0.1, got '${raw}'.`);
        return p;
      }
      if (s.unit === 'ms') {
        const ms = parseDuration(raw);
        if (ms === undefined) throw new UsageError(`${path} should be a duration such as 500, 500ms or 2s, got '${raw}'.`);
        return ms;
      }
      const n = Number(raw.replaceAll('_', ''));
      if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${path} should be a number, got '${raw}'.`);
      return n;
    }
  }
}

export function patchFor(path: string, value: unknown): SettingsPatch {
  return settingPatch(path, value);
}

/** The value stored at a path; undefined for a projection guard it has no override for (shown as the default). */
export function readSetting(settings: EngineSettings, path: string): unknown {
  let node: unknown = settings;
  for (const part of path.split('.'))
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}

/** A value in its catalogue unit (percent for probabilities, a duration for ms). */
export function showValue(path: string, value: unknown): string {
  if (value === undefined) return '(default)';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number') {
    const unit = settingEntry(path)?.unit;
    if (unit === 'probability') return formatPercent(value);
    if (unit === 'ms') return formatMs(value);
    return String(value);
  }
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(', ');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function rangeOf(s: SettingPath): string {
  const { rule } = s;
  switch (rule.kind) {
    case 'boolean':
      return 'on|off';
    case 'enum':
      return rule.values.join('|');
    case 'projectionNames':
      return 'projection names, comma-separated (or none)';
    case 'perAggregate':
      return `${rule.min}–${rule.max} per aggregate`;
    case 'number': {
      const r =
        s.unit === 'probability'
          ? `${formatPercent(rule.min)}–${formatPercent(rule.max)}`
          : s.unit === 'ms'
            ? `${rule.min}–${rule.max} ms`
            : `${rule.min}–${rule.max}`;
      return rule.why !== undefined ? `${r} (${rule.why})` : r;
    }
  }
}
