// A projection keeps only the streams it met lately in memory (a long run
// writes tens of thousands); the rest come from its stream table. With room
// for just four, a run that meets forty streams on a faulty bus, crashes,
// rebuilds and flips a shadow must be exactly the run with every stream in
// memory: the same trace, and read models equal to a replay from scratch.
import { afterAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine/engine.ts';
import { Checkpoint } from '../../../src/engine/read/checkpoint.ts';
import type { SettingsPatch } from '../../../src/engine/settings.ts';
import { bankingEngine, liveDumps, replayedFromScratch } from './helpers.ts';

const kept = Checkpoint.cacheLimit;
afterAll(() => {
  Checkpoint.cacheLimit = kept;
});

const FAULTY: SettingsPatch = {
  costs: { commandMs: 0, projectMs: 0, queryMs: 0 },
  bus: { latencyMs: 5, jitterMs: 40, reorder: true, orderedPartitions: false, duplicateProbability: 0.3, dropProbability: 0.1 },
};

async function run(cacheLimit: number, separationLevel: 2 | 3): Promise<Engine> {
  Checkpoint.cacheLimit = cacheLimit;
  try {
    const e = await bankingEngine({ ...FAULTY, separationLevel }, 4);
    for (let a = 0; a < 40; a++) {
      e.submit({ kind: 'command', command: { type: 'OpenAccount', data: { accountId: `a${a}`, owner: `O${a}`, overdraftLimitCents: 0 } } });
    }
    await e.advance(1);
    for (let i = 0; i < 400; i++) {
      e.submit({ kind: 'command', command: { type: 'Deposit', data: { accountId: `a${(i * 7) % 40}`, amountCents: i + 1 } } });
      if (i === 120) e.submit({ kind: 'projection', action: 'crash', name: 'balance' });
      if (i === 200) e.submit({ kind: 'projection', action: 'resume', name: 'balance' });
      if (i === 260) e.submit({ kind: 'projection', action: 'shadowRebuild', name: 'statement' });
      await e.advance(1);
    }
    await e.runUntilIdle();
    e.submit({ kind: 'projection', action: 'flip', name: 'statement' });
    e.submit({ kind: 'projection', action: 'rebuild', name: 'balance' });
    await e.runUntilIdle();
    return e;
  } finally {
    Checkpoint.cacheLimit = kept;
  }
}

describe('a checkpoint that keeps few streams in memory', () => {
  it.each([2, 3] as const)('runs exactly as one that keeps them all (separation level %i)', async (level) => {
    const few = await run(4, level);
    const all = await run(1_000_000, level);
    const count = (e: Engine, type: string) => e.trace.filter((r) => r.type === type).length;
    // The run met what it is meant to: duplicates skipped, gaps held, a crash and a flip.
    for (const type of ['projection.duplicateSkipped', 'projection.gapDetected', 'projection.crashed', 'projection.flipped'])
      expect(count(few, type), type).toBeGreaterThan(0);
    expect(JSON.stringify(few.trace)).toBe(JSON.stringify(all.trace));
    expect(await liveDumps(few)).toEqual(await replayedFromScratch(few));
    few.close();
    all.close();
  });
});
