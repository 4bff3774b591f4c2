// Temporal queries: an aggregate's state as it stood at one of its versions,
// a global position, or a virtual time. The time is matched against when
// each event was recorded (appended), not when the business says it happened.
import type { AsOf } from '../../engine/index.ts';
import type { DomainCatalog } from '../backend.ts';
import { formatMs, plural } from '../format.ts';
import { renderData } from './domain.ts';
import type { CommandDef } from './types.ts';

export function temporalCommands(catalog: DomainCatalog): CommandDef[] {
  const aggregate = catalog.aggregates[0];
  const exampleStream = aggregate ? `${aggregate.streamPrefix}1` : 'stream-1';
  return [
    {
      name: 'as-of',
      aliases: ['asof'],
      family: 'read',
      description: "Read an aggregate's state as it stood at one of its versions, a global position, or a virtual time (a temporal query).",
      details: [
        'The state is its stream folded up to that point. --at compares with the time each event was recorded in the event store, not a time written in its data.',
      ],
      examples: [`as-of ${exampleStream} --version=2`, `as-of ${exampleStream} --at=1s`, `as-of ${exampleStream} --position=3`],
      args: [{ name: 'streamId', kind: 'stream', description: 'The stream id, e.g. from `streams`' }],
      options: [
        { name: 'version', kind: 'integer', min: 0, placeholder: 'n', description: 'After this many of its own events' },
        { name: 'position', kind: 'integer', min: 0, placeholder: 'p', description: 'When the whole log reached this global position' },
        { name: 'at', kind: 'duration', min: 0, placeholder: 'time', description: 'At this virtual time (recorded time): 500, 500ms, 2s' },
      ],
      async execute(args, { backend, out }) {
        const streamId = args.values['streamId'] as string;
        const o = args.options;
        const given = (['version', 'position', 'at'] as const).filter((k) => o[k] !== undefined);
        if (given.length !== 1) {
          out.error('Say as of what: exactly one of --version, --position or --at.');
          return;
        }
        const key = given[0]!;
        const asOf = { [key]: o[key] as number } as AsOf;
        const r = await backend.dispatch({ kind: 'aggregateAt', streamId, asOf });
        const point = key === 'at' ? `at ${formatMs(o[key] as number)} (recorded time)` : `at ${key} ${o[key] as number}`;
        out.heading(`${streamId} ${point}`);
        if (r.version === 0) {
          out.dim('The stream had no event yet: nothing was recorded in it by then.');
          return;
        }
        renderData(out, r.state);
        out.dim(
          `version ${r.version}, reached at position ${r.position}, recorded at ${formatMs(r.recordedAt)} (${plural(r.eventsFolded, 'event')} folded${r.snapshot ? ', from a snapshot' : ''})`,
        );
      },
    },
  ];
}
