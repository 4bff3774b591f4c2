// The vocabulary a scenario (or lesson goal) author needs, generated from the
// engine's own catalogues so it cannot drift: intent kinds, setting paths,
// trace record types and their fields, and per domain its commands (with
// fields), queries (with parameters) and projections (with their tables).
// test/simulations/reference.test.ts checks src/scenarios/REFERENCE.md equals
// this, and rewrites it with UPDATE_REFERENCE=1.
import { SETTINGS_CATALOGUE, PROJECTION_ACTIONS, type DomainDefinition, type SettingRule } from '../engine/index.ts';
import { domains } from '../domain/index.ts';
import { TRACE_FIELDS } from './traceFields.ts';

const INTENTS: [string, string][] = [
  ['command', '`{ "kind": "command", "command": { "type", "data", "commandId"?, "expectedVersion"? }, "sessionId"? }`'],
  ['query', '`{ "kind": "query", "query": { "type", "params"? }, "sessionId"?, "consistency"? }`'],
  ['configure', '`{ "kind": "configure", "settings": SettingsPatch }` (nested by the setting paths below)'],
  [
    'projection',
    `\`{ "kind": "projection", "action", "name", "variant"?, "crashPoint"? }\`; action: ${PROJECTION_ACTIONS.join(', ')}; crashPoint: midBatch, beforeCheckpoint`,
  ],
  ['session', '`{ "kind": "session", "sessionId", "consistency": ConsistencyOptions | null }`'],
  ['subscribe', '`{ "kind": "subscribe", "projection", "position", "sessionId"? }`'],
  ['aggregateAt', '`{ "kind": "aggregateAt", "streamId", "asOf": { "position" } | { "at" } | { "version" } }`'],
  ['projectionAt', '`{ "kind": "projectionAt", "projection", "asOf": { "position" } | { "at" }, "query"? }`'],
  ['import', '`{ "kind": "import", "events": [{ "streamId", "type", "schemaVersion"?, "data" }] }`'],
  ['fault', '`{ "kind": "fault", "fault": "publishCrash", "stage"?, "count"? }`'],
];

function rule(r: SettingRule): string {
  switch (r.kind) {
    case 'number':
      return `${r.integer ? 'integer' : 'number'} ${r.min}–${r.max}`;
    case 'boolean':
      return 'true / false';
    case 'enum':
      return r.values.map((v) => JSON.stringify(v)).join(' / ');
    case 'projectionNames':
      return 'list of projection names';
    case 'perAggregate':
      return `{ aggregate: ${r.min}–${r.max} }`;
  }
}

/** Table names a projection creates (from its DDL). */
function tables(schema: readonly string[]): string[] {
  return schema.flatMap((ddl) => [...ddl.matchAll(/CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"?(\w+)"?/gi)].map((m) => m[1]!));
}

function domainSection(d: DomainDefinition): string[] {
  const out = [`### ${d.name}`, '', '| command | fields (`?` optional) |', '| --- | --- |'];
  for (const c of d.commands)
    out.push(`| \`${c.type}\` | ${c.fields.map((f) => `\`${f.name}${f.required === false ? '?' : ''}\` ${f.kind}`).join(', ')} |`);
  out.push('', '| query | projection | params |', '| --- | --- | --- |');
  for (const q of d.queries)
    out.push(
      `| \`${q.type}\` | ${q.projection} | ${q.fields.map((f) => `\`${f.name}${f.required === false ? '?' : ''}\``).join(', ') || '—'} |`,
    );
  out.push('', '| projection | tables (for `sql` criteria) | variants |', '| --- | --- | --- |');
  for (const p of d.projections)
    out.push(
      `| \`${p.name}\` | ${tables(p.schema)
        .map((t) => `\`${t}\``)
        .join(', ')} | ${Object.keys(p.variants ?? {}).join(', ') || '—'} |`,
    );
  out.push('');
  return out;
}

export function scenarioReference(): string {
  const lines = [
    '# Scenario vocabulary (generated)',
    '',
    'Generated from the engine by `src/scenarios/reference.ts`; do not edit by hand.',
    'Rewrite it with `UPDATE_REFERENCE=1 npm run test:unit -- test/simulations/reference.test.ts`.',
    'The format itself is described in [README.md](README.md).',
    '',
    '## Intents',
    '',
    '| kind | shape |',
    '| --- | --- |',
    ...INTENTS.map(([k, shape]) => `| \`${k}\` | ${shape.replaceAll(' | ', ' \\| ')} |`),
    '',
    '## Setting paths',
    '',
    'For `settings`, `configure` intents, `allowed.settings` (a path allows everything under it) and `setting` criteria.',
    '`projections.<name>.dedupe` / `.ordering` override a guard for one projection.',
    '',
    '| path | values |',
    '| --- | --- |',
    ...SETTINGS_CATALOGUE.map((s) => `| \`${s.path}\` | ${rule(s.rule)} |`),
    '',
    '## Trace record types and fields',
    '',
    'For `traceCount` criteria and `since` marks (`type`, and `where` keys). Every record also has `seq` and `at`.',
    '',
    '| type | fields |',
    '| --- | --- |',
    ...Object.entries(TRACE_FIELDS).map(
      ([t, fields]) => `| \`${t}\` | ${(fields as readonly string[]).map((f) => `\`${f}\``).join(', ')} |`,
    ),
    '',
    '## Domains',
    '',
    ...Object.values(domains).flatMap(domainSection),
  ];
  return lines.join('\n');
}
