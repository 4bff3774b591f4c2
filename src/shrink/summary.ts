// A shrunk run in one line, for a learner: what it sends, what went wrong on
// the way, the settings that differ from the defaults, then what the failing
// criterion found against what it needs, e.g. "2 commands, 1 duplicate
// delivery, dedupe guard of catalogue off: the catalogue equals a replay…".
import { getDomain } from '../domain/index.ts';
import { DEFAULT_SETTINGS, applySettingsPatch, settingEntry, settingValue } from '../engine/index.ts';
import type { EngineSettings } from '../engine/index.ts';
import { plural } from '../lib/plural.ts';
import { changedSettingPaths } from '../scenarios/challenge.ts';
import type { CriterionResult } from '../scenarios/types.ts';
import type { FailingRun, RunFacts } from './failingRun.ts';

export function summarizeRun(run: FailingRun, facts: RunFacts, result: CriterionResult | null): string {
  const parts = [...intentCounts(run), ...factCounts(facts, criterionProjection(run)), ...settingNotes(run)];
  const what = parts.join(', ');
  return result ? `${what}: ${observed(result)}` : what;
}

function intentCounts(run: FailingRun): string[] {
  if (run.script.length === 0) return ['no intents at all'];
  const count = (kind: string) => run.script.filter((e) => e.intent.kind === kind).length;
  const out: string[] = [];
  const commands = count('command');
  out.push(plural(commands, 'command'));
  const queries = count('query');
  if (queries > 0) out.push(plural(queries, 'query', 'queries'));
  const faults = count('fault');
  if (faults > 0) out.push(plural(faults, 'publish crash', 'publish crashes'));
  const actions = count('projection');
  if (actions > 0) out.push(plural(actions, 'projection action'));
  const known = new Set(['command', 'query', 'fault', 'projection', 'configure']);
  const others = run.script.filter((e) => !known.has(e.intent.kind)).length;
  if (others > 0) out.push(plural(others, 'other intent'));
  return out;
}

function criterionProjection(run: FailingRun): string | undefined {
  const c = run.criterion;
  return 'projection' in c && typeof c.projection === 'string' ? c.projection : undefined;
}

function factCounts(facts: RunFacts, projection: string | undefined): string[] {
  const out: string[] = [];
  const to = projection ? ` to ${projection}` : '';
  if (facts.duplicates > 0) out.push(`${plural(facts.duplicates, 'duplicate delivery', 'duplicate deliveries')}${to}`);
  if (facts.drops > 0) out.push(`${plural(facts.drops, 'dropped delivery', 'dropped deliveries')}${to}`);
  if (facts.lostEvents > 0) out.push(`${plural(facts.lostEvents, 'event')} never published`);
  if (facts.crashes > 0) out.push(plural(facts.crashes, 'projection crash', 'projection crashes'));
  return out;
}

/** The settings the run changes (at the start or by a configure intent) that end up away from the defaults. */
function settingNotes(run: FailingRun): string[] {
  const names = getDomain(run.domain).projections.map((p) => p.name);
  let settings: EngineSettings = applySettingsPatch(DEFAULT_SETTINGS, run.settings, names);
  const paths = changedSettingPaths(run.settings as Record<string, unknown>);
  for (const { intent } of run.script) {
    if (intent.kind !== 'configure') continue;
    settings = applySettingsPatch(settings, intent.settings, names);
    paths.push(...changedSettingPaths(intent.settings as Record<string, unknown>));
  }
  const out: string[] = [];
  for (const path of new Set(paths)) {
    const value = settingValue(settings, path);
    if (JSON.stringify(value) === JSON.stringify(settingValue(DEFAULT_SETTINGS, path))) continue;
    out.push(describeSetting(path, value));
  }
  return out;
}

function describeSetting(path: string, value: unknown): string {
  const entry = settingEntry(path);
  if (!entry) return `${path} ${JSON.stringify(value)}`;
  const label = entry.label.charAt(0).toLowerCase() + entry.label.slice(1);
  if (typeof value === 'boolean') return `${label} ${value ? 'on' : 'off'}`;
  if (entry.choices && typeof value === 'string') return `${label}: ${entry.choices[value] ?? value}`;
  if (typeof value === 'number' && entry.unit === 'probability') return `${label} ${Math.round(value * 100)} %`;
  if (typeof value === 'number' && entry.unit === 'ms') return `${label} ${value} ms`;
  return `${label} ${JSON.stringify(value)}`;
}

/** `"Stock is 1" fails: 2 instead of 1` when the criterion wants equality; otherwise the value and what it needs. */
function observed(result: CriterionResult): string {
  const evidence = result.evidence;
  const what = `"${result.description}" fails`;
  if (!evidence) return `${what} (${result.measured})`;
  if (evidence.target.startsWith('== ')) return `${what}: ${evidence.value} instead of ${evidence.target.slice(3)}`;
  return `${what}: ${evidence.value} (needs ${evidence.target})`;
}
