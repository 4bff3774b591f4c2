// Every lesson goal can be solved in its own embed: each intent of the goal's
// known-good answer must be one that a panel the preset shows can send. What a
// form sends is read from its source (the query form's strategies, the
// projections panel's buttons, the controls' setting paths); what the terminal
// sends is found by typing a line into a real terminal session over the
// preset's engine and comparing the intent it recorded with the answer's.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import initSqlJs from 'sql.js';
import { describe, expect, test } from 'vitest';
import { createEngine, settingValue, type Intent } from '../../../src/engine/index.ts';
import { banking, commerce, getDomain, social } from '../../../src/domain/index.ts';
import { changedSettingPaths } from '../../../src/scenarios/challenge.ts';
import { shownControls } from '../../../src/sandbox/controls.ts';
import { LESSON_GOALS } from '../../../src/sandbox/lessonGoals.ts';
import { LESSON_PRESETS, LESSON_PRESET_NAMES, type LessonPresetName } from '../../../src/sandbox/lessonPresets.ts';
import { loadPlan } from '../../../src/sandbox/loadGenerator.ts';
import { PANELS, type PanelId, type SandboxPreset } from '../../../src/sandbox/presets.ts';
import { memoryStorage } from '../../../src/terminal/history.ts';
import { createLocalBackend } from '../../../src/terminal/localBackend.ts';
import { TerminalSession } from '../../../src/terminal/session.ts';

const SRC = resolve(import.meta.dirname, '../../../src/components/sandbox');
const source = (file: string) => readFileSync(resolve(SRC, file), 'utf8');
/** The strategies offered by the query form's Consistency menu. */
const FORM_STRATEGIES = new Set([...source('MessagePanel.svelte').matchAll(/value: '(\w+)',?\s*(?:label|\n)/g)].map((m) => m[1]!));
/** The actions the projections panel has a button for. */
const PANEL_ACTIONS = new Set([...source('ProjectionsPanel.svelte').matchAll(/act\('(\w+)'/g)].map((m) => m[1]!));

type Sender = (intent: Intent, preset: SandboxPreset) => boolean;

const FORMS: Partial<Record<PanelId, Sender>> = {
  // The command form: any command of the domain, from the form's session, with no command id of the learner's choosing.
  commands: (i) => i.kind === 'command' && i.command.commandId === undefined && i.command.correlationId === undefined,
  // The query form: any query, eventual or one strategy of its menu (no token, timeout or poll options).
  queries: (i) =>
    i.kind === 'query' &&
    (i.consistency === undefined || (Object.keys(i.consistency).length === 1 && FORM_STRATEGIES.has(i.consistency.strategy))),
  // The load generator's commands, and the settings of the controls the preset shows (within a control's options).
  controls: (i, preset) => {
    const shown = shownControls(preset.controls);
    if (i.kind === 'command') {
      const plan = loadPlan(preset.domain);
      if (!shown.run.includes('load') || !plan || i.sessionId !== undefined) return false;
      const types = new Set(Array.from({ length: 200 }, (_, n) => plan.command(n).type));
      return types.has(i.command.type) && i.command.commandId === undefined;
    }
    if (i.kind !== 'configure') return false;
    const patch = i.settings as Record<string, Record<string, unknown>>;
    return changedSettingPaths(patch).every((path) => {
      const control = shown.settings.find((c) => c.path.join('.') === path);
      if (!control) return false;
      const [group, key] = path.split('.') as [string, string | undefined];
      const value = key === undefined ? patch[group] : patch[group]?.[key];
      // A select offers only its options (the sync-mode control: async and sync, not hybrid).
      return control.kind !== 'select' || control.options.some((o) => o.value === value);
    });
  },
  // The projections panel's buttons: no crash point of the learner's choosing.
  projections: (i) => i.kind === 'projection' && i.crashPoint === undefined && PANEL_ACTIONS.has(i.action),
};

const quote = (v: unknown): string => (typeof v === 'string' && /^[\w.-]+$/.test(v) ? v : JSON.stringify(v));
const pairs = (data: Record<string, unknown>) =>
  Object.entries(data)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(' ');
const TERMINAL_ACTION: Record<string, string> = { shadowRebuild: 'shadow-rebuild', dropShadow: 'drop-shadow' };
const asOfOptions = (asOf: Record<string, number>) =>
  Object.entries(asOf)
    .map(([k, v]) => `--${k}=${v}`)
    .join(' ');

/** The lines a learner would type for an intent (the terminal's documented grammar). */
function linesFor(i: Intent): string[] {
  switch (i.kind) {
    case 'command':
      return [`${i.command.type} ${pairs(i.command.data)}${i.command.commandId ? ` --id=${i.command.commandId}` : ''}`];
    case 'query':
      return [`${i.query.type} ${pairs(i.query.params ?? {})}${i.consistency ? ` --consistency=${i.consistency.strategy}` : ''}`];
    case 'configure': {
      const patch = i.settings as Record<string, unknown>;
      return changedSettingPaths(patch).map((path) => {
        const v = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], patch);
        return `set ${path} ${Array.isArray(v) ? v.join(',') : typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v)}`;
      });
    }
    case 'projection':
      return [
        `projection ${TERMINAL_ACTION[i.action] ?? i.action} ${i.name}${i.variant ? ` --variant=${i.variant}` : ''}${i.crashPoint === 'beforeCheckpoint' ? ' --before-checkpoint' : ''}`,
      ];
    case 'aggregateAt':
      return [`aggregate ${i.streamId} ${asOfOptions(i.asOf as Record<string, number>)}`];
    case 'projectionAt':
      return [`projection-at ${i.projection} ${asOfOptions(i.asOf)}${i.query ? ` ${i.query.type} ${pairs(i.query.params ?? {})}` : ''}`];
    case 'import':
      return i.events.map(
        (e) =>
          `import ${e.streamId} ${e.type}${e.schemaVersion !== undefined ? ` --schema-version=${e.schemaVersion}` : ''} ${JSON.stringify(e.data)}`,
      );
    default:
      return [];
  }
}

const sql = await initSqlJs();

/** JSON with sorted keys: the same intent whatever order its fields were written in. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : x,
  );
}

/** Type the intent into a terminal over the preset's engine: does it record the same intent (or, for settings, the same values)? */
async function terminalSends(intent: Intent, preset: SandboxPreset): Promise<string | true> {
  const settings = preset.settings ?? {};
  const engine = createEngine({ sql, domain: getDomain(preset.domain), seed: preset.seed ?? 42, settings });
  await engine.replay(preset.script ?? []);
  await engine.runUntilIdle();
  const backend = createLocalBackend(engine, { sql, domains: { commerce, banking, social }, settings });
  const session = new TerminalSession({ backend, storage: memoryStorage() });
  const lines = linesFor(intent);
  if (lines.length === 0) return `no terminal line sends a ${intent.kind} intent`;
  for (const line of lines) await session.run(line);
  const script = (JSON.parse(await backend.exportSession()) as { script: { intent: Intent }[] }).script;
  const sent = script.slice((preset.script ?? []).length).map((e) => e.intent);
  engine.close();
  if (intent.kind === 'configure') {
    const patch = intent.settings as Record<string, unknown>;
    for (const path of changedSettingPaths(patch)) {
      const want = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], patch);
      if (JSON.stringify(settingValue(engine.settings, path)) !== JSON.stringify(want))
        return `\`${lines.join('; ')}\` left ${path} at ${JSON.stringify(settingValue(engine.settings, path))}`;
    }
    return true;
  }
  // The terminal's own session, and the command id it picks when the answer names none, are not the learner's choice.
  const strip = (i: Intent): unknown => {
    const { sessionId: _session, ...rest } = i as Intent & { sessionId?: string };
    if (rest.kind === 'command' && intent.kind === 'command' && intent.command.commandId === undefined) {
      const { commandId: _id, ...command } = rest.command;
      return { ...rest, command };
    }
    return rest;
  };
  const expected = intent.kind === 'import' ? intent.events.map((e) => ({ kind: 'import', events: [e] })) : [strip(intent)];
  return canonical(sent.map(strip)) === canonical(expected) ? true : `\`${lines.join('; ')}\` sent ${JSON.stringify(sent)}`;
}

/** Why the preset's panels cannot send the goal's answer (empty: they can). */
async function unsendable(
  name: LessonPresetName,
  preset: SandboxPreset = LESSON_PRESETS[name],
  answer: readonly Intent[] = LESSON_GOALS[name].solution.map((e) => e.intent),
): Promise<string[]> {
  const panels = preset.panels ?? PANELS;
  const out: string[] = [];
  for (const intent of answer) {
    if (panels.some((p) => FORMS[p]?.(intent, preset))) continue;
    if (!panels.includes('terminal')) {
      out.push(`${intent.kind} ${JSON.stringify(intent)}: no panel of [${panels.join(', ')}] sends it`);
      continue;
    }
    const t = await terminalSends(intent, preset);
    if (t !== true) out.push(`${intent.kind}: the terminal cannot send it (${t})`);
  }
  return out;
}

describe('what the panels send, read from their source', () => {
  test('the query form offers the waiting strategies; the projections panel its buttons', () => {
    expect([...FORM_STRATEGIES]).toEqual(expect.arrayContaining(['eventual', 'readYourWrites', 'token']));
    expect([...PANEL_ACTIONS]).toEqual(expect.arrayContaining(['crash', 'resume', 'rebuild', 'shadowRebuild', 'compare', 'flip']));
  });
});

describe.each(LESSON_PRESET_NAMES.map((n) => [n] as [LessonPresetName]))('the %s goal', (name) => {
  test("its answer can be sent from its embed's own panels", async () => {
    expect(await unsendable(name)).toEqual([]);
  });
});

describe('the check catches an embed that cannot reach its goal', () => {
  test('upcasting without the terminal (its old panels): the import cannot be sent', async () => {
    const old: SandboxPreset = { ...LESSON_PRESETS.upcasting, panels: ['queries', 'projections', 'tables'] };
    expect((await unsendable('upcasting', old)).join('\n')).toMatch(/^import .*no panel of \[queries, projections, tables\] sends it/);
  });

  test('time-travel: an answer no terminal line sends (a subscribe intent) is reported, terminal or not', async () => {
    const subscribe: Intent = { kind: 'subscribe', projection: 'balance', position: 3 };
    expect(await unsendable('time-travel', LESSON_PRESETS['time-travel'], [subscribe])).toEqual([
      'subscribe: the terminal cannot send it (no terminal line sends a subscribe intent)',
    ]);
  });
});
