// The event bus and every other setting: `bus …` for the faults a learner
// plays with, `idempotency on|off`, and `settings` / `set <path> <value>`
// for everything in EngineSettings (words, units and ranges from the engine's
// settings catalogue; the engine validates: an out-of-range value changes nothing).
import { DEFAULT_SETTINGS, settingEntry, type EngineSettings, type SettingsPatch } from '../../engine/index.ts';
import type { DomainCatalog } from '../backend.ts';
import { suggest } from '../suggest.ts';
import { coerceSetting, patchFor, rangeOf, readSetting, settingSchema, showValue } from './settingsSchema.ts';
import { UsageError, type ArgKind, type CommandContext, type CommandDef } from './types.ts';

type BusKey = keyof EngineSettings['bus'];

interface BusControl {
  name: string;
  aliases?: string[];
  key: BusKey;
  kind: ArgKind;
  example: string;
}

const BUS_CONTROLS: BusControl[] = [
  { name: 'latency', key: 'latencyMs', kind: 'duration', example: '500ms' },
  { name: 'jitter', key: 'jitterMs', kind: 'duration', example: '50' },
  { name: 'duplicates', aliases: ['duplicate', 'dup'], key: 'duplicateProbability', kind: 'probability', example: '10%' },
  { name: 'drops', aliases: ['drop'], key: 'dropProbability', kind: 'probability', example: '5%' },
  { name: 'redelivery', key: 'redeliveryMs', kind: 'duration', example: '100ms' },
  { name: 'reorder', key: 'reorder', kind: 'onoff', example: 'on' },
  { name: 'ordered-partitions', aliases: ['partitions'], key: 'orderedPartitions', kind: 'onoff', example: 'off' },
];

/** A bus control's description and upper bound, from the catalogue. */
function busEntry(c: BusControl): { description: string; max?: number } {
  const e = settingEntry(`bus.${c.key}`)!;
  return { description: e.description, ...(e.rule.kind === 'number' && e.unit === 'ms' ? { max: e.rule.max } : {}) };
}

async function configure(ctx: CommandContext, patch: SettingsPatch): Promise<{ before: EngineSettings; after: EngineSettings }> {
  const before = await ctx.backend.settings();
  const after = await ctx.backend.dispatch({ kind: 'configure', settings: patch });
  return { before, after };
}

function busRange(catalog: DomainCatalog, key: BusKey): string {
  const s = settingSchema(catalog).find((x) => x.path === `bus.${key}`);
  return s ? rangeOf(s) : '';
}

// ── the family ───────────────────────────────────────────────────────────

export function busCommands(catalog: DomainCatalog): CommandDef[] {
  const schema = settingSchema(catalog);
  const controls = BUS_CONTROLS.map((c): CommandDef => {
    const { description, max } = busEntry(c);
    return {
      name: c.name,
      ...(c.aliases ? { aliases: c.aliases } : {}),
      family: 'bus',
      description,
      examples: [`bus ${c.name} ${c.example}`],
      args: [
        {
          name: c.kind === 'duration' ? 'ms' : c.kind === 'probability' ? 'probability' : 'state',
          kind: c.kind,
          ...(max !== undefined ? { max } : {}),
          description:
            c.kind === 'duration'
              ? 'Milliseconds: 500, 500ms or 2s'
              : c.kind === 'probability'
                ? 'A percentage (10%) or a fraction (0.1)'
                : 'on or off',
        },
      ],
      async execute(args, ctx) {
        const value = Object.values(args.values)[0];
        const { before, after } = await configure(ctx, { bus: { [c.key]: value } });
        ctx.out.success(`bus ${c.name}: ${showValue(`bus.${c.key}`, before.bus[c.key])} → ${showValue(`bus.${c.key}`, after.bus[c.key])}`);
        if (c.key === 'orderedPartitions' && !after.bus.reorder) ctx.out.dim('This matters only with `bus reorder on`.');
      },
    };
  });
  return [
    {
      name: 'bus',
      family: 'bus',
      subject: 'bus setting',
      description: 'Show or change the event bus: latency, jitter, duplicates, drops, redelivery, reorder, ordered partitions.',
      examples: ['bus', 'bus latency 500', 'bus duplicates 10%', 'bus reorder on'],
      subcommands: [
        ...controls,
        {
          name: 'defaults',
          family: 'bus',
          description: 'Put every bus setting back to its default.',
          examples: ['bus defaults'],
          async execute(_args, ctx) {
            await configure(ctx, { bus: { ...DEFAULT_SETTINGS.bus } });
            ctx.out.success('The bus is back to its defaults.');
          },
        },
      ],
      async execute(_args, { backend, out }) {
        const s = await backend.settings();
        out.table(
          ['bus', 'value', 'range', 'meaning'],
          BUS_CONTROLS.map((c) => [c.name, showValue(`bus.${c.key}`, s.bus[c.key]), busRange(catalog, c.key), busEntry(c).description]),
          { wrap: true },
        );
        out.dim('Change one with e.g. `bus latency 500`; every projection gets every event through the bus.');
      },
    },
    {
      name: 'idempotency',
      family: 'bus',
      description: 'Show or switch idempotency: when on, a repeated commandId returns its first result instead of appending again.',
      examples: ['idempotency', 'idempotency off'],
      args: [{ name: 'state', kind: 'onoff', required: false, description: 'on or off' }],
      async execute(args, ctx) {
        const on = args.values['state'] as boolean | undefined;
        if (on === undefined) {
          const s = await ctx.backend.settings();
          ctx.out.text(`idempotency is ${s.idempotency ? 'on' : 'off'}`);
          return;
        }
        const { before, after } = await configure(ctx, { idempotency: on });
        ctx.out.success(`idempotency: ${before.idempotency ? 'on' : 'off'} → ${after.idempotency ? 'on' : 'off'}`);
        if (!on) ctx.out.warn('A command sent twice with the same --id now appends twice (try a Deposit or PlaceOrder with --id=x twice).');
      },
    },
    {
      name: 'settings',
      aliases: ['config'],
      family: 'bus',
      description: 'Show every engine setting with its value and range.',
      examples: ['settings'],
      async execute(_args, { backend, out }) {
        const s = await backend.settings();
        out.table(
          ['setting', 'value', 'range'],
          schema.map((x) => [x.path, showValue(x.path, readSetting(s, x.path)), rangeOf(x)]),
        );
        out.dim('Change one with `set <setting> <value>`, e.g. `set costs.commandMs 5`.');
      },
    },
    {
      name: 'set',
      family: 'bus',
      description: 'Change one engine setting by its path (see `settings`).',
      usage: 'set <setting> <value>',
      examples: [
        'set bus.latencyMs 200',
        'set costs.commandMs 5',
        'set retry.maxAttempts 1',
        ...(catalog.projections[0] ? [`set projections.${catalog.projections[0].name}.dedupe off`] : []),
      ],
      args: [
        { name: 'setting', kind: 'setting', description: 'A setting path such as bus.latencyMs' },
        { name: 'value', kind: 'text', required: false, description: 'Its new value (on/off, a number, 10%, 500ms)' },
      ],
      async execute(args, ctx) {
        let path = args.values['setting'] as string;
        let raw = args.values['value'] as string | undefined;
        if (raw === undefined && path.includes('=')) [path, raw] = [path.slice(0, path.indexOf('=')), path.slice(path.indexOf('=') + 1)];
        const known = schema.find((x) => x.path.toLowerCase() === path.toLowerCase());
        if (!known) {
          const hint = suggest(
            path,
            schema.map((x) => x.path),
          );
          throw new UsageError(
            `There is no setting '${path}'.${hint !== undefined ? ` Did you mean '${hint}'?` : ''} \`settings\` lists them.`,
          );
        }
        if (raw === undefined) throw new UsageError(`Missing <value> for ${known.path} (${rangeOf(known)}).`);
        const p = known.path;
        const { before, after } = await configure(ctx, patchFor(p, coerceSetting(known, raw)));
        ctx.out.success(`${p}: ${showValue(p, readSetting(before, p))} → ${showValue(p, readSetting(after, p))}`);
      },
    },
  ];
}
