// What a learner's design means for the engine: the settings patches of the
// chosen options (in choice order), the consistency and query of each screen,
// and any extra setup intents. Bad designs (unknown choice or option, a choice
// left out) are refused with a message naming the choice.
import type { ConsistencyOptions, Intent } from '../engine/index.ts';
import type { SettingsPatch } from '../engine/index.ts';
import type { Design, DesignOption, Drill } from './types.ts';

export interface ResolvedDesign {
  settings: SettingsPatch[];
  screens: Record<string, { query: string; consistency: ConsistencyOptions }>;
  setup: Intent[];
  options: DesignOption[];
}

export class DesignError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DesignError';
  }
}

export function resolveDesign(drill: Drill, design: Design): ResolvedDesign {
  const screens: ResolvedDesign['screens'] = Object.fromEntries(
    drill.screens.map((screen) => [screen.id, { query: screen.query, consistency: { strategy: 'eventual' } as ConsistencyOptions }]),
  );
  const options: DesignOption[] = [];
  for (const choice of drill.choices) {
    const picked = design[choice.id];
    if (picked === undefined) throw new DesignError(`Choose an option for "${choice.label}" (${choice.id}).`);
    const option = choice.options.find((o) => o.id === picked);
    if (!option) {
      throw new DesignError(
        `"${picked}" is not an option of "${choice.label}"; pick one of: ${choice.options.map((o) => o.id).join(', ')}.`,
      );
    }
    options.push(option);
    for (const [screen, consistency] of Object.entries(option.consistency ?? {})) screens[screen]!.consistency = consistency;
    for (const [screen, query] of Object.entries(option.queries ?? {})) screens[screen]!.query = query;
  }
  for (const id of Object.keys(design)) {
    if (!drill.choices.some((choice) => choice.id === id)) throw new DesignError(`This drill has no design choice "${id}".`);
  }
  return {
    settings: options.flatMap((o) => (o.settings ? [o.settings] : [])),
    screens,
    setup: options.flatMap((o) => o.setup ?? []),
    options,
  };
}

/** A short description of a screen's consistency, for sentences ("read-your-writes (wait)"). */
export function describeConsistency(c: ConsistencyOptions): string {
  switch (c.strategy) {
    case 'eventual':
      return 'eventual consistency';
    case 'readYourWrites':
      return c.via === 'writeSide' ? 'read-your-writes completed from the event store' : 'read-your-writes (wait for the projection)';
    case 'staleWhileRevalidate':
      return 'a stale-while-revalidate cache';
    default:
      return `the ${c.strategy} strategy`;
  }
}
