// What the sandbox's Code panel starts from, made from the current domain's
// own definition: a projection with the reference's tables and the events it
// handles (apply left to write), and a decider for one aggregate with its
// commands and events (decide and evolve left to write).
import type { DomainDefinition, FieldSpec } from '../../engine/index.ts';

/** A command's or query's fields filled with their examples. */
export function examplePayload(fields: readonly FieldSpec[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f.name, f.example]));
}

/** The domain's commands that reach `aggregate`, found by routing each one's example payload. */
export function commandsOf(domain: DomainDefinition, aggregate: string): string[] {
  return domain.commands
    .filter((c) => {
      try {
        return c.route(examplePayload(c.fields)).some((r) => r.aggregate === aggregate);
      } catch {
        return false;
      }
    })
    .map((c) => c.type);
}

/** Safe inside a template literal of the generated module. */
const inTemplate = (text: string): string => text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
const quoted = (names: readonly string[]): string => names.map((n) => `'${n}'`).join(', ');

export function projectionStarter(domain: DomainDefinition, reference: string): string {
  const p = domain.projections.find((x) => x.name === reference);
  if (!p) throw new Error(`${domain.name} has no projection ${reference}`);
  const cases = p.handles
    .map((type) => `    case '${type}':\n      // db.run('INSERT INTO … VALUES (?, …) ON CONFLICT …', [d.…]);\n      return;`)
    .join('\n');
  return `// Your version of the "${p.name}" projection: ${p.description}
// Shadow-built beside the reference, it gets every delivery the sandbox's bus
// made to ${p.name} (duplicates and reordering included, under the guards set
// in the sandbox) and is compared with the reference row by row.
// These are the reference's tables: keep their names and columns, the
// comparison and the domain's queries read them.

export const schema = [
${p.schema.map((ddl) => `  \`${inTemplate(ddl)}\`,`).join('\n')}
];

export const handles = [${quoted(p.handles)}];

/**
 * @param {Db} db           run / get / all on your own tables
 * @param {Envelope} event  { position, streamId, version, type, data, metadata }
 */
export function apply(db, event) {
  const d = event.data;
  switch (event.type) {
${cases}
  }
}
`;
}

export function deciderStarter(domain: DomainDefinition, aggregate: string): string {
  const a = domain.aggregates.find((x) => x.name === aggregate);
  if (!a) throw new Error(`${domain.name} has no aggregate ${aggregate}`);
  const commands = commandsOf(domain, aggregate);
  const events = domain.events.filter((e) => e.aggregate === aggregate).map((e) => e.type);
  const decideCases = commands
    .map(
      (type) =>
        `    case '${type}':\n      // return [{ type: '…', data: { ...command.data } }];\n      return reject('NotDecidedYet', '${type} is not decided yet');`,
    )
    .join('\n');
  const evolveCases = events.map((type) => `    case '${type}':\n      return { ...state, exists: true };`).join('\n');
  return `// Your decider for ${a.name}: ${a.description}
// Its streams are named ${a.streamPrefix}<id>. Opened on the sandbox's store,
// your evolve folds the events already there; then every command you send
// from this panel is decided by your code.
// Commands: ${commands.join(', ') || 'none'}. Events: ${events.join(', ') || 'none'}.

export const initialState = { exists: false };

/** Return the events to append, or reject(code, message). */
export function decide(command, state) {
  switch (command.type) {
${decideCases}
    default:
      return reject('UnknownCommand', command.type + ' is not handled');
  }
}

/** Return the state after the event: events are facts, never refused. */
export function evolve(state, event) {
  switch (event.type) {
${evolveCases}
    default:
      return state;
  }
}
`;
}
