// Every settings path the engine accepts, read from its own rules
// (SETTING_RULES, and TOP_LEVEL_SETTING_RULES where the engine has them), so
// a setting added to the engine shows up in `settings`, `set` and completion
// without a change here. The engine validates every value; the terminal only
// turns typed text into the right type.
import * as engineSettings from '../../engine/index.ts';
import type { EngineSettings, SettingsPatch } from '../../engine/index.ts';
import type { DomainCatalog } from '../backend.ts';
import { formatMs, formatPercent } from '../format.ts';
import { parseDuration, parseProbability } from '../parse.ts';
import { UsageError } from './types.ts';

export interface SettingRule {
  kind: string;
  min?: number;
  max?: number;
  integer?: boolean;
  values?: readonly (string | number)[];
  why?: string;
}

export interface SettingPath {
  path: string;
  rule: SettingRule;
}

function groupRules(): Record<string, Record<string, SettingRule>> {
  return engineSettings.SETTING_RULES as unknown as Record<string, Record<string, SettingRule>>;
}

function topRules(): Record<string, SettingRule> {
  const top = (engineSettings as unknown as Record<string, unknown>)['TOP_LEVEL_SETTING_RULES'];
  return top !== null && typeof top === 'object' ? (top as Record<string, SettingRule>) : { idempotency: { kind: 'boolean' } };
}

export function settingSchema(catalog: DomainCatalog): SettingPath[] {
  const out: SettingPath[] = [];
  for (const [group, rules] of Object.entries(groupRules())) {
    for (const [key, rule] of Object.entries(rules)) {
      if (rule.kind === 'perAggregate') {
        for (const a of catalog.aggregates) {
          out.push({ path: `${group}.${key}.${a.name}`, rule: { kind: 'number', integer: true, ...(rule.min !== undefined ? { min: rule.min } : {}), ...(rule.max !== undefined ? { max: rule.max } : {}) } });
        }
      } else out.push({ path: `${group}.${key}`, rule });
    }
  }
  for (const [key, rule] of Object.entries(topRules())) out.push({ path: key, rule });
  for (const p of catalog.projections) {
    out.push({ path: `projections.${p.name}.dedupe`, rule: { kind: 'boolean' } }, { path: `projections.${p.name}.ordering`, rule: { kind: 'boolean' } });
  }
  return out;
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
      const hit = (rule.values ?? []).find((v) => String(v).toLowerCase() === raw.toLowerCase());
      if (hit === undefined) throw new UsageError(`${path} should be one of: ${(rule.values ?? []).join(', ')}; got '${raw}'.`);
      return hit;
    }
    case 'projectionNames':
      return raw.toLowerCase() === 'none' ? [] : raw.split(',').map((x) => x.trim()).filter((x) => x !== '');
    default: {
      if (/Probability$/.test(path)) {
        const p = parseProbability(raw);
        if (p === undefined) throw new UsageError(`${path} should be a probability such as 10% or 0.1, got '${raw}'.`);
        return p;
      }
      if (/Ms$/.test(path)) {
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
  const parts = path.split('.');
  let node: unknown = value;
  for (let i = parts.length - 1; i >= 0; i--) node = { [parts[i]!]: node };
  return node as SettingsPatch;
}

export function readSetting(settings: EngineSettings, path: string): unknown {
  let node: unknown = settings;
  for (const part of path.split('.')) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}

export function showValue(path: string, value: unknown): string {
  if (value === undefined) return '(default)';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number') {
    if (/Probability$/.test(path)) return formatPercent(value);
    if (/Ms$/.test(path)) return formatMs(value);
    return String(value);
  }
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(', ');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function rangeOf(s: SettingPath): string {
  const { path, rule } = s;
  switch (rule.kind) {
    case 'boolean':
      return 'on|off';
    case 'enum':
      return (rule.values ?? []).join('|');
    case 'projectionNames':
      return 'projection names, comma-separated (or none)';
    case 'number': {
      if (rule.min === undefined || rule.max === undefined) return 'a number';
      const r = /Probability$/.test(path) ? `${formatPercent(rule.min)}–${formatPercent(rule.max)}` : /Ms$/.test(path) ? `${rule.min}–${rule.max} ms` : `${rule.min}–${rule.max}`;
      return rule.why !== undefined ? `${r} (${rule.why})` : r;
    }
    default:
      return rule.min !== undefined && rule.max !== undefined ? `${rule.min}–${rule.max}` : '';
  }
}
