// Virtual time. Nothing in the simulation happens unless time moves: a
// command or query runs the scheduler until it completes; everything else
// (deliveries, projection batches, rebuilds) waits for `time …` or for play.
import type { ClockState } from '../backend.ts';
import { describeTrace, plural, traceStyle } from '../format.ts';
import type { Cell, OutputBuilder } from '../output.ts';
import type { CommandContext, CommandDef } from './types.ts';

const MAX_STEPS = 100_000;
const MAX_ADVANCE = 86_400_000;

export function clockLine(c: ClockState): string {
  return `t = ${c.at} ms · step ${c.step} · ${plural(c.pendingTasks, 'task')} pending · ${c.running ? `running at ${c.speed}×` : `paused (speed ${c.speed}×)`}`;
}

async function lastSeq(ctx: CommandContext): Promise<number> {
  return (await ctx.backend.trace({ last: 1 }))[0]?.seq ?? 0;
}

/** What happened since `seq`: the records, or a count when there are many. */
async function happened(ctx: CommandContext, since: number, show: number): Promise<void> {
  const records = await ctx.backend.trace({ fromSeq: since + 1 });
  printRecords(ctx.out, records.slice(-show), records.length);
}

function printRecords(out: OutputBuilder, shown: readonly Parameters<typeof describeTrace>[0][], total: number): void {
  if (total === 0) {
    out.dim('Nothing happened.');
    return;
  }
  out.table(
    ['seq', 'at', 'type', 'what happened'],
    shown.map((r): Cell[] => {
      const style = traceStyle(r);
      return [r.seq, r.at, r.type, style ? { text: describeTrace(r), style } : describeTrace(r)];
    }),
    {
      wrap: true,
      caption:
        total > shown.length
          ? `(${plural(total, 'trace record')}; the last ${shown.length} shown — \`trace --last=n\` for more)`
          : `(${plural(total, 'trace record')})`,
    },
  );
}

async function summary(ctx: CommandContext, since: number): Promise<void> {
  const [clock, status] = await Promise.all([ctx.backend.clock(), ctx.backend.status()]);
  await happened(ctx, since, 12);
  const behind = status.projections.filter((p) => p.lagEvents > 0 || p.status !== 'live');
  ctx.out.success(clockLine(clock));
  ctx.out.dim(
    behind.length === 0
      ? `Every projection is live at the head (${status.headPosition}).`
      : behind.map((p) => `${p.name} ${p.status} at ${p.position} of ${p.headPosition}`).join('; '),
  );
}

export function timeCommands(): CommandDef[] {
  return [
    {
      name: 'time',
      aliases: ['clock'],
      family: 'time',
      subject: 'time control',
      description: 'Show or drive virtual time: pause, resume, step, speed, advance, run until idle.',
      examples: ['time', 'time step', 'time advance 500ms', 'time run'],
      subcommands: [
        {
          name: 'pause',
          aliases: ['stop'],
          family: 'time',
          description: 'Stop virtual time from flowing on its own (commands and queries still run to completion).',
          examples: ['time pause'],
          async execute(_args, { backend, out }) {
            await backend.pause();
            out.success(clockLine(await backend.clock()));
          },
        },
        {
          name: 'resume',
          aliases: ['play', 'start'],
          family: 'time',
          description: 'Let virtual time flow on its own, at the current speed.',
          examples: ['time resume', 'time play'],
          async execute(_args, { backend, out }) {
            await backend.play();
            out.success(clockLine(await backend.clock()));
          },
        },
        {
          name: 'step',
          family: 'time',
          description: 'Run the next scheduled task (or n of them) and show what happened.',
          examples: ['time step', 'time step 10'],
          args: [
            {
              name: 'n',
              kind: 'integer',
              required: false,
              min: 1,
              max: MAX_STEPS,
              description: `How many tasks (1 to ${MAX_STEPS}, default 1)`,
            },
          ],
          async execute(args, ctx) {
            const n = (args.values['n'] as number | undefined) ?? 1;
            const since = await lastSeq(ctx);
            const ran = await ctx.backend.step(n);
            await happened(ctx, since, 30);
            const clock = await ctx.backend.clock();
            ctx.out.success(
              `${ran < n ? `Ran ${ran} of ${n} (the simulation is idle). ` : `Ran ${plural(ran, 'step')}. `}${clockLine(clock)}`,
            );
          },
        },
        {
          name: 'speed',
          family: 'time',
          description: 'Set how fast virtual time flows while running (virtual ms per real ms).',
          examples: ['time speed 2', 'time speed 0.5'],
          args: [{ name: 'factor', kind: 'speed', max: 1000, description: 'A factor such as 0.5, 2 or 10x (up to 1000)' }],
          async execute(args, { backend, out }) {
            await backend.setSpeed(args.values['factor'] as number);
            out.success(clockLine(await backend.clock()));
          },
        },
        {
          name: 'advance',
          aliases: ['adv', 'forward'],
          family: 'time',
          description: 'Move virtual time forward, running every task due on the way.',
          examples: ['time advance 500ms', 'time advance 2s'],
          args: [{ name: 'duration', kind: 'duration', min: 0, max: MAX_ADVANCE, description: 'How far: 500, 500ms, 2s or 1m' }],
          async execute(args, ctx) {
            const since = await lastSeq(ctx);
            await ctx.backend.advance(args.values['duration'] as number);
            await summary(ctx, since);
          },
        },
        {
          name: 'run',
          aliases: ['idle', 'settle'],
          family: 'time',
          description: 'Run until nothing is scheduled: every delivery made, every projection caught up.',
          examples: ['time run'],
          async execute(_args, ctx) {
            const since = await lastSeq(ctx);
            await ctx.backend.runUntilIdle();
            await summary(ctx, since);
          },
        },
      ],
      async execute(_args, { backend, out }) {
        out.text(clockLine(await backend.clock()));
      },
    },
  ];
}
