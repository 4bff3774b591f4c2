// Forking the session: `fork <seq>` continues from a trace record, as the
// timeline's "Continue from here" does (src/sandbox/fork.ts). The run is
// replayed up to that record and what came after is dropped; in the sandbox
// the run being left is kept as the other branch, to compare.
import { plural } from '../format.ts';
import { clockLine } from './time.ts';
import type { CommandDef } from './types.ts';

export function forkCommands(): CommandDef[] {
  return [
    {
      name: 'fork',
      family: 'session',
      description:
        'Continue from trace record <seq>: replay the session up to it and drop what came after, then change settings or send other commands from there.',
      details: [
        '`trace` and the timeline show record numbers. A record in the middle of a task is reached at the end of that task.',
        'In the sandbox the run being left is kept as the other branch: the compare panel puts both side by side, and “Back to the other branch” swaps them.',
      ],
      examples: ['fork 12', 'fork 1'],
      args: [{ name: 'seq', kind: 'integer', min: 1, description: 'The trace record to continue from' }],
      async execute(args, ctx) {
        const seq = args.values['seq'] as number;
        if (!ctx.backend.fork) {
          ctx.out.error('Forking is not available in this terminal.');
          return;
        }
        const fork = await ctx.backend.fork(seq);
        ctx.state.lastCommandId = undefined;
        ctx.state.lastCommandType = undefined;
        ctx.state.lastToken = undefined;
        const branch = fork.branch ? `${fork.branch} continues` : 'Continuing';
        ctx.out.success(
          `${branch} from record #${fork.seq} (t=${fork.at} ms, step ${fork.step}): ${plural(fork.kept, 'recorded intent')} kept, ${plural(fork.dropped, 'later intent')} dropped.`,
        );
        if (fork.other) ctx.out.dim(`${fork.other} is kept to compare: the compare panel shows both branches since the fork.`);
        ctx.out.dim(clockLine(await ctx.backend.clock()));
      },
    },
  ];
}
