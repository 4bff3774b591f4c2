// Projection controls: list, inspect, pause, resume, crash, rebuild, the
// shadow rebuild (build a new store beside the live one, flip to it, roll
// back), the per-projection guards (dedupe, ordering), and the dead-letter
// queue (park a poison event instead of stopping).
import { DEAD_LETTER_TABLE, deadLettersSql, type ShadowComparison } from '../../engine/index.ts';
import type { ProjectionAction, ProjectionInfo, SettingsPatch } from '../../engine/index.ts';
import { comparisonText, crashText } from '../../sandbox/projectionText.ts';
import type { DomainCatalog, TerminalBackend } from '../backend.ts';
import { formatMs, formatValue, plural } from '../format.ts';
import type { Cell } from '../output.ts';
import type { CommandContext, CommandDef } from './types.ts';

/** Terminal word → the engine's projection action. */
export const PROJECTION_ACTIONS = {
  pause: 'pause',
  resume: 'resume',
  crash: 'crash',
  rebuild: 'rebuild',
  'shadow-rebuild': 'shadowRebuild',
  compare: 'compare',
  flip: 'flip',
  rollback: 'rollback',
  'drop-shadow': 'dropShadow',
} as const satisfies Record<string, ProjectionAction>;
export type ProjectionWord = keyof typeof PROJECTION_ACTIONS;

const ACTION_TEXT: Record<ProjectionWord, { description: string; after: string }> = {
  pause: {
    description: 'Pause a projection: the bus holds its deliveries (an outage) and its lag grows.',
    after: 'The bus now holds its deliveries; `projection resume` hands them over in order.',
  },
  resume: {
    description: 'Resume a paused projection (held deliveries arrive) or a crashed one (it catches up from the event store).',
    after: 'Let time run (`time run`) to watch it catch up.',
  },
  crash: {
    description: 'Crash a projection: the batch in flight rolls back, its inbox is lost, deliveries are discarded until resume.',
    after: 'Its checkpoint survived with the read model; `projection resume` catches up from there.',
  },
  rebuild: {
    description: 'Rebuild a projection from event 1 into a fresh store, then swap it in (queries use the old store meanwhile).',
    after: 'The rebuild runs in virtual time: `time run` lets it finish.',
  },
  'shadow-rebuild': {
    description: 'Build a version of a read model beside the live one (blue/green), from event 1, while queries keep reading the live one.',
    after:
      'It replays history in virtual time (`time run`); then `projection compare` shows what differs and `projection flip` makes it live.',
  },
  compare: {
    description: 'Show the rows that differ between the live store and the shadow (or the previous one after a flip).',
    after: '',
  },
  flip: {
    description: 'Let the caught-up shadow take over, atomically; the old version is kept up to date for a rollback.',
    after:
      'The swap is scheduled: it happens at the next step (`time step`), then queries read the new version. `projection rollback` goes back.',
  },
  rollback: {
    description: 'Go back to the version that was live before the last flip.',
    after: 'The swap back is scheduled: it happens at the next step (`time step`).',
  },
  'drop-shadow': {
    description: 'Discard the shadow store (or the previous version kept after a flip).',
    after: 'Only the live store is left.',
  },
};

const BASE_COLUMNS = ['projection', 'status', 'position', 'head', 'lag', 'lag ms', 'inbox', 'held', 'dedupe', 'ordering'];

/** Only worth a column once something differs from the plain async, current-code setup. */
function showsVersion(list: readonly ProjectionInfo[]): boolean {
  return list.some(
    (p) =>
      (p.variant !== undefined && p.variant !== 'current') || (p.shadow ?? null) !== null || (p.mode !== undefined && p.mode !== 'async'),
  );
}

export function projectionColumns(list: readonly ProjectionInfo[]): string[] {
  return showsVersion(list) ? [...BASE_COLUMNS, 'version'] : BASE_COLUMNS;
}

function versionText(p: ProjectionInfo): string {
  const parts = [p.variant ?? 'current'];
  if (p.mode === 'sync') parts.push('sync');
  if (p.shadow) parts.push(`${p.shadow.role} ${p.shadow.variant} ${p.shadow.status} at ${p.shadow.position}`);
  return parts.join(' · ');
}

export function projectionRows(list: readonly ProjectionInfo[]): Cell[][] {
  const version = showsVersion(list);
  return list.map((p) => [
    p.name,
    { text: p.status, style: p.status === 'live' ? 'ok' : p.status === 'crashed' ? 'error' : 'warn' },
    p.position,
    p.headPosition,
    p.lagEvents > 0 ? { text: p.lagEvents, style: 'warn' } : 0,
    p.lagMs,
    p.inbox,
    p.heldByBus,
    p.guards.dedupe ? 'on' : { text: 'off', style: 'warn' },
    p.guards.ordering ? 'on' : { text: 'off', style: 'warn' },
    ...(version ? [versionText(p)] : []),
  ]);
}

function targets(name: string, catalog: DomainCatalog): string[] {
  return name === 'all' ? catalog.projections.map((p) => p.name) : [name];
}

function printComparison(out: CommandContext['out'], c: ShadowComparison, role: 'candidate' | 'previous' | undefined): void {
  if (c.differingRows === 0) {
    out.success(comparisonText(c, role));
    return;
  }
  out.warn(comparisonText(c, role));
  out.table(
    ['table', 'changed', 'only live', `only ${c.otherVariant}`],
    c.tables.map((t) => [t.table, t.changed, t.onlyLive, t.onlyOther]),
  );
  const samples = c.tables.flatMap((t) => t.samples.map((s) => [t.table, s.key, formatValue(s.live), formatValue(s.other)]));
  if (samples.length > 0) out.table(['table', 'key', 'live', c.otherVariant], samples);
}

async function control(
  word: ProjectionWord,
  name: string,
  ctx: CommandContext,
  variant?: string,
  crashPoint?: 'beforeCheckpoint',
): Promise<void> {
  const { backend, out, catalog } = ctx;
  const names = targets(name, catalog);
  if (word === 'compare') {
    const roles = new Map((await backend.status()).projections.map((p) => [p.name, p.shadow?.role]));
    for (const n of names) {
      printComparison(out, await backend.dispatch({ kind: 'projection', action: 'compare', name: n }), roles.get(n));
    }
    return;
  }
  const before = new Map((await backend.status()).projections.map((p) => [p.name, p.status]));
  let failures = 0;
  for (const n of names) {
    try {
      const info = await backend.dispatch({
        kind: 'projection',
        action: PROJECTION_ACTIONS[word],
        name: n,
        ...(variant !== undefined ? { variant } : {}),
        ...(crashPoint !== undefined ? { crashPoint } : {}),
      });
      const shadow = info.shadow ? ` · ${info.shadow.role} ${info.shadow.variant} ${info.shadow.status}` : '';
      out.success(
        `${n}: ${before.get(n) ?? '?'} → ${info.status} (position ${info.position} of ${info.headPosition}, version ${info.variant ?? 'current'}${shadow})`,
      );
    } catch (e) {
      failures++;
      const message = e instanceof Error ? e.message : String(e);
      // With `all`, one projection in the wrong state should not hide the others.
      if (names.length > 1) out.warn(`${n}: ${message}`);
      else throw e;
    }
  }
  const after =
    crashPoint === 'beforeCheckpoint'
      ? 'Armed: its next batch commits the rows, then it dies before saving the checkpoint. Resume it, then compare it with a replay (`sql`, or a shadow rebuild).'
      : ACTION_TEXT[word].after;
  if (failures < names.length && after !== '') out.dim(after);
  else out.ok = false;
}

async function setGuard(guard: 'dedupe' | 'ordering', name: string, on: boolean, ctx: CommandContext): Promise<void> {
  const { backend, out, catalog } = ctx;
  let patch: SettingsPatch;
  if (name === 'all') {
    const current = await backend.settings();
    const overrides: Record<string, { dedupe?: boolean; ordering?: boolean }> = {};
    for (const [p, g] of Object.entries(current.projections)) if (g[guard] !== undefined) overrides[p] = { [guard]: on };
    patch = { projection: { [guard]: on }, ...(Object.keys(overrides).length > 0 ? { projections: overrides } : {}) };
  } else {
    patch = { projections: { [name]: { [guard]: on } } };
  }
  const settings = await backend.dispatch({ kind: 'configure', settings: patch });
  void settings;
  out.success(
    `${guard} ${on ? 'on' : 'off'} for ${name === 'all' ? `every projection (${catalog.projections.map((p) => p.name).join(', ')})` : name}`,
  );
  if (!on) {
    out.warn(
      guard === 'dedupe'
        ? 'Without dedupe a duplicate delivery is applied twice: turn on bus duplicates (`bus duplicates 30%`) to see doubled numbers.'
        : 'Without ordering an event that overtakes its predecessor is applied anyway: try `bus reorder on` and `bus ordered-partitions off`.',
    );
  }
}

async function setDeadLetter(on: boolean, { backend, out }: CommandContext): Promise<void> {
  await backend.dispatch({ kind: 'configure', settings: { projection: { deadLetter: on } } });
  out.success(`dead-lettering ${on ? 'on' : 'off'} for every projection`);
  out.dim(
    on
      ? 'An event whose handler fails is now parked and skipped; a crashed projection needs `projection resume` to get past the one that stopped it. `projection dead-letters <name>` lists what was parked.'
      : 'An event whose handler fails now stops its projection until the event can be applied.',
  );
}

/** The events a projection parked, read from the dead-letter table in its own store. */
async function listDeadLetters(name: string, { backend, out }: CommandContext): Promise<void> {
  const exists = await backend.readOnlySql(name, `SELECT count(*) FROM sqlite_master WHERE name = '${DEAD_LETTER_TABLE}'`);
  const rows = Number(exists.rows[0]?.[0] ?? 0) > 0 ? (await backend.readOnlySql(name, deadLettersSql(name))).rows : [];
  if (rows.length === 0) {
    out.text(`${name} has parked no event.`);
    return;
  }
  out.table(
    ['position', 'stream', 'version', 'type', 'why'],
    rows.map((r) => r.map((v) => String(v))),
  );
  out.dim(
    `Parked events are missing from ${name}'s read model, and later events of the same stream were applied without them. Fix the code or the data, then rebuild (\`projection rebuild ${name}\`).`,
  );
}

/** Why a crashed projection crashed: its latest `projection.crashed` record in the trace. */
async function crashOf(backend: TerminalBackend, name: string): Promise<string> {
  const [r] = await backend.trace({ types: ['projection.crashed'], projection: name, last: 1 });
  return r?.type === 'projection.crashed' ? crashText(r) : 'its crash record is no longer in the trace kept in memory';
}

function variantsText(catalog: DomainCatalog): string {
  const withVariants = catalog.projections.filter((p) => p.variants.length > 0);
  return withVariants.length === 0 ? '' : `: ${withVariants.map((p) => `${p.name} has ${p.variants.join(', ')}`).join('; ')}`;
}

export function projectionCommands(catalog: DomainCatalog): CommandDef[] {
  const first = catalog.projections[0]?.name ?? 'name';
  const nameArg = {
    name: 'projection',
    kind: 'projection' as const,
    allowAll: true,
    description: `A projection name (${catalog.projections.map((p) => p.name).join(', ')}) or all`,
  };
  const actions = (Object.keys(PROJECTION_ACTIONS) as ProjectionWord[]).map((word): CommandDef => ({
    name: word,
    family: 'projections',
    description: ACTION_TEXT[word].description,
    examples: [
      `projection ${word} ${first}`,
      ...(word === 'shadow-rebuild'
        ? [`projection shadow-rebuild ${first} --variant=${catalog.projections[0]?.variants[0] ?? 'current'}`]
        : []),
      ...(word === 'crash' ? [`projection crash ${first} --before-checkpoint`] : []),
    ],
    args: [nameArg],
    ...(word === 'shadow-rebuild'
      ? {
          options: [
            {
              name: 'variant',
              kind: 'variant' as const,
              placeholder: 'version',
              description: `Which version of the code to build (default current)${variantsText(catalog)}`,
            },
          ],
        }
      : word === 'crash'
        ? {
            options: [
              {
                name: 'before-checkpoint',
                kind: 'flag' as const,
                description:
                  'Crash inside the next batch after its rows commit, before its checkpoint is saved (what happens when the two are separate transactions)',
              },
            ],
          }
        : {}),
    async execute(args, ctx) {
      const crashPoint = args.options['before-checkpoint'] === true ? 'beforeCheckpoint' : undefined;
      await control(word, args.values['projection'] as string, ctx, args.options['variant'] as string | undefined, crashPoint);
    },
  }));
  const guards = (['dedupe', 'ordering'] as const).map((guard): CommandDef => ({
    name: guard,
    family: 'projections',
    description:
      guard === 'dedupe'
        ? 'Turn the duplicate guard on or off (skip an event whose stream version was already applied).'
        : 'Turn the ordering guard on or off (hold an event until its predecessor in the stream arrives).',
    examples: [`projection ${guard} ${first} off`, `projection ${guard} all on`],
    args: [nameArg, { name: 'state', kind: 'onoff', description: 'on or off' }],
    async execute(args, ctx) {
      await setGuard(guard, args.values['projection'] as string, args.values['state'] as boolean, ctx);
    },
  }));
  const deadLetters: CommandDef[] = [
    {
      name: 'dead-letter',
      family: 'projections',
      description:
        'Turn dead-lettering on or off for every projection: an event whose handler fails is parked in the dead_letters table and skipped, instead of stopping the projection.',
      examples: ['projection dead-letter on'],
      args: [{ name: 'state', kind: 'onoff', description: 'on or off' }],
      async execute(args, ctx) {
        await setDeadLetter(args.values['state'] as boolean, ctx);
      },
    },
    {
      name: 'dead-letters',
      family: 'projections',
      description: 'List the events a projection parked in its dead-letter table, with why its handler failed.',
      examples: [`projection dead-letters ${first}`],
      args: [{ name: 'projection', kind: 'projection' as const, description: 'A projection name' }],
      async execute(args, ctx) {
        await listDeadLetters(args.values['projection'] as string, ctx);
      },
    },
  ];
  return [
    {
      name: 'projections',
      aliases: ['views'],
      family: 'projections',
      description: 'List the projections with status, position, lag, inbox and guards.',
      examples: ['projections'],
      async execute(_args, { backend, out }) {
        const status = await backend.status();
        out.table(projectionColumns(status.projections), projectionRows(status.projections));
        out.dim(`The event log head is at ${status.headPosition}. position = every event up to here is reflected.`);
      },
    },
    {
      name: 'projection',
      aliases: ['proj'],
      family: 'projections',
      subject: 'projection action',
      description: 'Inspect or control one projection (or all): pause, resume, crash, rebuild, shadow rebuild, guards.',
      usage: `projection [${[...Object.keys(PROJECTION_ACTIONS), 'dedupe', 'ordering', 'dead-letter', 'dead-letters'].join('|')}] <name|all> [on|off] [--variant=v]`,
      examples: [`projection ${first}`, `projection pause ${first}`, 'projection resume all'],
      args: [{ name: 'projection', kind: 'projection', required: false, description: 'The projection to show' }],
      subcommands: [...actions, ...guards, ...deadLetters],
      async execute(args, { backend, out }) {
        const name = args.values['projection'] as string | undefined;
        const status = await backend.status();
        if (name === undefined) {
          out.table(projectionColumns(status.projections), projectionRows(status.projections));
          out.dim('`projection <name>` for details; `help projection` for the controls.');
          return;
        }
        const p = status.projections.find((x) => x.name === name);
        if (!p) {
          out.error(`There is no projection called '${name}'.`);
          return;
        }
        const description = catalog.projections.find((x) => x.name === name)?.description;
        out.heading(name);
        if (description) out.text(description);
        out.pairs([
          ['status', { text: p.status, style: p.status === 'live' ? 'ok' : p.status === 'crashed' ? 'error' : 'warn' }],
          ...(p.status === 'crashed' ? [['why', { text: await crashOf(backend, name), style: 'error' }] as [string, Cell]] : []),
          ['position', `${p.position} of ${p.headPosition}`],
          ['lag', p.lagEvents > 0 ? { text: `${plural(p.lagEvents, 'event')}, ${formatMs(p.lagMs)}`, style: 'warn' } : 'none'],
          ['inbox', `${plural(p.inbox, 'event')} delivered, not yet applied`],
          ['held by bus', p.heldByBus],
          ['applied', p.counters.applied],
          ['duplicates skipped', p.counters.duplicatesSkipped],
          ['ignored', `${p.counters.ignored} (types it does not handle)`],
          ['gaps detected', p.counters.gapsDetected],
          ['held (waiting for a predecessor)', p.counters.held],
          ['guards', `dedupe ${p.guards.dedupe ? 'on' : 'off'}, ordering ${p.guards.ordering ? 'on' : 'off'}`],
          ...(p.mode !== undefined
            ? [['fed', p.mode === 'sync' ? 'inside every command (synchronous)' : 'through the bus (asynchronous)'] as [string, Cell]]
            : []),
          ['version', p.variant ?? 'current'],
          [
            'shadow',
            p.shadow
              ? `${p.shadow.role} ${p.shadow.variant}: ${p.shadow.status} at ${p.shadow.position} (${p.shadow.lagEvents} behind, ${plural(p.shadow.events, 'event')} applied)`
              : 'none',
          ],
        ]);
        out.dim(`Its store answers SQL too: sql ${name} SELECT name FROM sqlite_master`);
      },
    },
  ];
}
