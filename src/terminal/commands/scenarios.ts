// Scenarios from the terminal: list them (with what the learner has finished,
// read from the same browser storage as the scenario pages) and open one. A
// scenario's story, checkpoints and challenge play on its own page
// (/scenarios/<slug>/); the terminal does not run a second player.
import { scenarioCatalog, type Scenario } from '../../scenarios/index.ts';
import { completionOf, isCompleted, readCompletion } from '../../scenarios/completion.ts';
import type { Cell } from '../output.ts';
import { suggest } from '../suggest.ts';
import { UsageError, type CommandContext, type CommandDef } from './types.ts';

/** Where a scenario's page is, relative to the site's base. */
export function scenarioPath(slug: string): string {
  return `scenarios/${slug}/`;
}

function progressCell(scenario: Scenario, ctx: CommandContext): Cell {
  const done = completionOf(readCompletion(ctx.storage), scenario.slug);
  if (isCompleted(done, scenario.challenge !== undefined)) return { text: 'finished', style: 'ok' };
  if (done.storyFinished) return { text: 'story played, challenge open', style: 'warn' };
  return { text: 'not yet', style: 'dim' };
}

function list(ctx: CommandContext): void {
  const scenarios = scenarioCatalog();
  if (scenarios.length === 0) {
    ctx.out.dim('No scenarios yet.');
    return;
  }
  ctx.out.table(
    ['slug', 'title', 'domain', 'progress'],
    scenarios.map((s) => [{ text: s.slug, style: 'code' }, s.title, s.domain, progressCell(s, ctx)]),
  );
  ctx.out.dim('`scenario open <slug>` opens one: its story, checkpoints and challenge play on its page.');
}

function open(ctx: CommandContext, slug: string): void {
  const scenarios = scenarioCatalog();
  const scenario = scenarios.find((s) => s.slug === slug) ?? scenarios.find((s) => s.slug === slug.toLowerCase());
  if (!scenario) {
    const near = suggest(
      slug,
      scenarios.map((s) => s.slug),
    );
    throw new UsageError(
      `There is no scenario '${slug}'.${near !== undefined ? ` Did you mean '${near}'?` : ' `scenario list` shows them.'}`,
    );
  }
  const path = scenarioPath(scenario.slug);
  if (ctx.host.navigate) {
    ctx.out.success(`Opening ${scenario.title}…`);
    ctx.out.dim(scenario.summary);
    ctx.host.navigate(path);
  } else {
    ctx.out.text(`${scenario.title}: open /${path} to play it.`);
  }
}

export function scenarioCommands(): CommandDef[] {
  const listDef: CommandDef = {
    name: 'list',
    aliases: ['ls'],
    family: 'session',
    description: 'List the scenarios, with the ones you have finished.',
    examples: ['scenario list'],
    execute: (_args, ctx) => list(ctx),
  };
  const openDef: CommandDef = {
    name: 'open',
    aliases: ['load', 'play'],
    family: 'session',
    description: 'Open a scenario’s page, where its story plays step by step on the sandbox’s engine.',
    examples: ['scenario open flash-sale'],
    args: [{ name: 'slug', kind: 'scenario', description: 'A scenario slug from `scenario list` (Tab completes)' }],
    execute: (args, ctx) => open(ctx, args.values['slug'] as string),
  };
  return [
    {
      name: 'scenarios',
      family: 'session',
      description: 'List the scenarios (the same as `scenario list`).',
      examples: ['scenarios'],
      execute: (_args, ctx) => list(ctx),
    },
    {
      name: 'scenario',
      family: 'session',
      subject: 'scenario action',
      description: 'List the scenarios or open one: a prepared situation with a story and a challenge.',
      details: [
        'A scenario is a short story played on the real engine: narration, checkpoints that ask you to commit to an answer, then a challenge the engine verifies.',
        'Its steps, checkpoints and Verify button are on its page; progress is kept in this browser and shown by `scenario list`.',
      ],
      examples: ['scenario list', 'scenario open flash-sale'],
      subcommands: [listDef, openDef],
      execute: (_args, ctx) => list(ctx),
    },
  ];
}
