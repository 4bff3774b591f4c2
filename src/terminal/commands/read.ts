// Looking at what happened: streams, events, a stream's history, the trace
// of a command, the overall status and the loaded domain.
import type { DomainCatalog, TraceFilter } from '../backend.ts';
import { describeTrace, EVENT_COLUMNS, eventRow, formatMs, plural, traceStyle } from '../format.ts';
import type { Cell } from '../output.ts';
import { didYouMean } from '../suggest.ts';
import { projectionColumns, projectionRows } from './projections.ts';
import type { CommandDef } from './types.ts';

const MAX_EVENTS = 1000;
const SCAN_LIMIT = 10_000;

function aggregateOf(catalog: DomainCatalog, streamId: string): string {
  const hit = [...catalog.aggregates]
    .sort((a, b) => b.streamPrefix.length - a.streamPrefix.length)
    .find((a) => streamId.startsWith(a.streamPrefix));
  return hit?.name ?? '';
}

/** `bus` → `bus.`; `bus.dropped` stays exact; `projection.` stays a prefix. */
export function traceTypes(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((t) => (t.includes('.') ? t : `${t}.`));
}

export function readCommands(catalog: DomainCatalog): CommandDef[] {
  const aggregate = catalog.aggregates[0];
  const exampleStream = aggregate ? `${aggregate.streamPrefix}1` : 'stream-1';
  return [
    {
      name: 'streams',
      aliases: ['ls'],
      family: 'read',
      description: 'List the streams of the event store with their version (number of events).',
      examples: ['streams', ...(aggregate ? [`streams ${aggregate.streamPrefix}`] : [])],
      args: [{ name: 'prefix', kind: 'text', required: false, description: 'Only streams whose id starts with this' }],
      async execute(args, { backend, out }) {
        const prefix = (args.values['prefix'] as string | undefined)?.toLowerCase();
        const all = await backend.listStreams();
        const list = prefix === undefined ? all : all.filter((s) => s.streamId.toLowerCase().startsWith(prefix));
        if (list.length === 0) {
          out.dim(
            all.length === 0
              ? 'No streams yet: a stream is created by the first event appended to it. `help commands` shows how.'
              : `No stream id starts with '${prefix}'.`,
          );
          return;
        }
        out.table(
          ['stream', 'aggregate', 'version', 'last position'],
          list.map((s) => [s.streamId, aggregateOf(catalog, s.streamId), s.version, s.lastPosition]),
          { caption: `(${plural(list.length, 'stream')})` },
        );
      },
    },
    {
      name: 'stream',
      aliases: ['show'],
      family: 'read',
      description: 'Show the history of one stream: its events in version order.',
      details: ['Folding these events with the aggregate’s evolve gives its current state.'],
      examples: [`stream ${exampleStream}`],
      args: [{ name: 'streamId', kind: 'stream', description: 'The stream id, e.g. from `streams`' }],
      async execute(args, { backend, out }) {
        const id = args.values['streamId'] as string;
        let events;
        try {
          events = await backend.readStream(id);
        } catch (e) {
          if ((e as { code?: unknown }).code !== 'UNKNOWN_STREAM') throw e;
          const ids = (await backend.listStreams()).map((s) => s.streamId);
          out.error(`${(e as Error).message}${didYouMean(id, ids)}`);
          out.dim(ids.length > 0 ? '`streams` lists the streams that exist.' : 'There are no streams yet.');
          return;
        }
        out.heading(`${id}: ${plural(events.length, 'event')}`);
        out.table(
          ['v', 'pos', 'type', 'data', 'command', 'at'],
          events.map((e) => [e.version, e.position, e.type, JSON.stringify(e.data), e.metadata.commandId, e.metadata.recordedAt]),
        );
      },
    },
    {
      name: 'events',
      aliases: ['log'],
      family: 'read',
      description: 'List events of the global log (the latest 20 unless told otherwise).',
      examples: [
        'events',
        'events --from=1 --limit=50',
        `events --stream=${exampleStream}`,
        ...(catalog.events[0] ? [`events --type=${catalog.events[0].type}`] : []),
      ],
      options: [
        { name: 'from', kind: 'integer', min: 1, placeholder: 'position', description: 'Start at this global position' },
        {
          name: 'limit',
          kind: 'integer',
          min: 1,
          max: MAX_EVENTS,
          placeholder: 'n',
          description: `How many (at most ${MAX_EVENTS}; default 20)`,
        },
        { name: 'stream', kind: 'stream', placeholder: 'streamId', description: 'Only events of this stream' },
        { name: 'type', kind: 'text', placeholder: 'EventType', description: 'Only events of this type' },
      ],
      async execute(args, { backend, out }) {
        const o = args.options;
        const limit = (o['limit'] as number | undefined) ?? 20;
        const from = o['from'] as number | undefined;
        const stream = o['stream'] as string | undefined;
        const type = o['type'] as string | undefined;
        const head = (await backend.status()).headPosition;
        let events;
        if (stream === undefined && type === undefined) {
          events = await backend.readAll(from ?? Math.max(1, head - limit + 1), limit);
        } else {
          const scanned = await backend.readAll(from ?? Math.max(1, head - SCAN_LIMIT + 1), SCAN_LIMIT);
          const matching = scanned.filter(
            (e) => (stream === undefined || e.streamId === stream) && (type === undefined || e.type.toLowerCase() === type.toLowerCase()),
          );
          events = from === undefined ? matching.slice(-limit) : matching.slice(0, limit);
        }
        if (events.length === 0) {
          out.dim(
            head === 0 ? 'The event store is empty. Send a command to append the first event (`help commands`).' : 'No events match.',
          );
          return;
        }
        out.table(EVENT_COLUMNS, events.map(eventRow), { caption: `(${plural(events.length, 'event')}; the log holds ${head})` });
      },
    },
    {
      name: 'trace',
      family: 'read',
      description: 'Show the trace: everything a command caused (load, decide, append, deliveries, projections), or the latest records.',
      details: [
        'With a command id (or `last`) it shows that command and the fate of each event it appended.',
        'Alone it shows the trace of the last command you sent here, or the latest records.',
      ],
      examples: [
        'trace',
        'trace last',
        'trace cmd-1',
        'trace --type=bus --last=20',
        ...(catalog.projections[0] ? [`trace --projection=${catalog.projections[0].name}`] : []),
      ],
      args: [
        { name: 'id', kind: 'text', required: false, description: 'A command id (cmd-3), correlation id or query id (qry-2), or `last`' },
      ],
      options: [
        {
          name: 'type',
          kind: 'text',
          placeholder: 'bus,projection.applied',
          description: 'Only these record types (comma-separated; `bus` means every bus.* record)',
        },
        { name: 'projection', kind: 'projection', placeholder: 'name', description: 'Only records about this projection' },
        {
          name: 'last',
          kind: 'integer',
          min: 1,
          max: 5000,
          placeholder: 'n',
          description: 'Only the last n records (default 40, or 400 for one command)',
        },
        { name: 'all', kind: 'flag', description: 'Every record, not only the latest ones' },
      ],
      async execute(args, { backend, out, state }) {
        let id = args.values['id'] as string | undefined;
        const o = args.options;
        const filtered = o['type'] !== undefined || o['projection'] !== undefined;
        if (id === 'last' || (id === undefined && !filtered && o['last'] === undefined && state.lastCommandId !== undefined)) {
          if (state.lastCommandId === undefined) {
            out.dim('No command was sent from this terminal yet; showing the latest records.');
            id = undefined;
          } else id = state.lastCommandId;
        }
        const filter: TraceFilter = {};
        if (id !== undefined) filter.id = id;
        if (typeof o['type'] === 'string') filter.types = traceTypes(o['type']);
        if (typeof o['projection'] === 'string') filter.projection = o['projection'];
        if (o['all'] !== true) filter.last = (o['last'] as number | undefined) ?? (id !== undefined ? 400 : 40);
        const records = await backend.trace(filter);
        if (records.length === 0) {
          out.dim(
            id !== undefined
              ? `No trace records for '${id}'. Ids look like cmd-3 or qry-2; \`trace\` alone shows the latest records.`
              : 'No trace records match.',
          );
          return;
        }
        if (id !== undefined) out.heading(`Trace of ${id}`);
        out.table(
          ['seq', 'at', 'type', 'what happened'],
          records.map((r): Cell[] => {
            const style = traceStyle(r);
            return [r.seq, r.at, r.type, style ? { text: describeTrace(r), style } : describeTrace(r)];
          }),
          {
            wrap: true,
            caption: `(${plural(records.length, 'record')}${filter.last !== undefined && records.length === filter.last ? `; the last ${filter.last} — add --all or --last=n for more` : ''})`,
          },
        );
      },
    },
    {
      name: 'status',
      aliases: ['st'],
      family: 'read',
      description: 'Where the simulation stands: virtual time, the log head, each projection.',
      examples: ['status'],
      async execute(_args, { backend, out }) {
        const [clock, status] = await Promise.all([backend.clock(), backend.status()]);
        out.pairs([
          ['domain', `${catalog.title} (${catalog.name})`],
          ['time', `${clock.at} ms virtual, ${clock.running ? `running at ${clock.speed}×` : 'paused'}`],
          ['scheduler', `step ${clock.step}, ${plural(clock.pendingTasks, 'task')} pending`],
          ['event log', `head at position ${status.headPosition}`],
          ['seed', clock.seed],
          ...(status.separationLevel !== undefined ? [['separation', `level ${status.separationLevel}`] as [string, Cell]] : []),
          ...(status.delivery !== undefined ? [['delivery', status.delivery] as [string, Cell]] : []),
          ...(status.lostPositions?.length
            ? [['lost publishes', { text: status.lostPositions.join(', '), style: 'warn' }] as [string, Cell]]
            : []),
        ]);
        out.table(projectionColumns(status.projections), projectionRows(status.projections));
        const behind = status.projections.filter((p) => p.lagEvents > 0);
        if (behind.length > 0)
          out.dim(
            `${behind.map((p) => `${p.name} is ${plural(p.lagEvents, 'event')} (${formatMs(p.lagMs)}) behind`).join('; ')}. \`time run\` lets them catch up.`,
          );
      },
    },
    {
      name: 'domain',
      family: 'read',
      description: 'Describe the loaded domain: aggregates, commands, events, read models, queries.',
      examples: ['domain'],
      async execute(_args, { backend, out }) {
        out.heading(`${catalog.title} (${catalog.name})`);
        out.text(catalog.description);
        out.pairs([
          ['aggregates', catalog.aggregates.map((a) => `${a.name} (streams ${a.streamPrefix}…)`).join(', ')],
          ['commands', catalog.commands.map((c) => c.type).join(', ')],
          ['events', catalog.events.map((e) => e.type).join(', ')],
          ['read models', catalog.projections.map((p) => p.name).join(', ')],
          ['queries', catalog.queries.map((q) => q.type).join(', ')],
        ]);
        const others = backend.listDomains ? (await backend.listDomains()).filter((d) => d.name !== catalog.name) : [];
        if (others.length > 0)
          out.dim(
            `Other domains: ${others.map((d) => d.name).join(', ')} — \`reset --domain=${others[0]!.name}\` switches (and empties the session).`,
          );
      },
    },
  ];
}
