// A failing case of a code exercise carries the engine's own trace, so the
// page can open it on a read-only timeline (the learner's code is not part of
// a sandbox session that /sandbox/ could open): the records of exactly that
// shrunk case, in order, with the fault that broke it.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeEnvironment } from '../../../src/code/checks/environment.ts';
import { TIMELINE_RECORDS } from '../../../src/code/checks/timelineRecords.ts';
import { checkIdempotentBalance } from '../../../src/code/exercises/idempotentBalance/checks.ts';
import { starter as balanceStarter } from '../../../src/code/exercises/idempotentBalance/exercise.ts';
import { checkExercise } from '../../../src/code/exercises/check.ts';
import { starter as oversellStarter } from '../../../src/code/exercises/neverOversell/exercise.ts';
import { starter as upcastStarter } from '../../../src/code/exercises/upcastProduct/exercise.ts';
import { worldAt } from '../../../src/worker/views/timeline.ts';
import { codeEnvironment } from './environment.ts';

let env: CodeEnvironment;
beforeAll(async () => {
  env = await codeEnvironment();
});

describe("a failing case's trace for the timeline", () => {
  it('the shrunk projection case brings its records: the duplicate delivery is there, and they fold to a world', async () => {
    const checks = await checkIdempotentBalance(env, balanceStarter, { runs: 15 });
    const found = checks.find((c) => c.kind === 'property')!.counterexample!;
    const records = found.records!;
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThanOrEqual(TIMELINE_RECORDS);
    expect(records.map((r) => r.seq)).toEqual([...records.map((r) => r.seq)].sort((a, b) => a - b));
    // The case the given / when / then tells: its movements were each commanded once, one event reached the view twice.
    const completed = records.filter((r) => r.type === 'command.completed').length;
    expect(completed).toBe(found.given.length + found.when.length);
    const delivered = records.filter((r) => r.type === 'bus.delivered' && r.projection === 'balance');
    expect(delivered.some((r) => r.type === 'bus.delivered' && r.duplicate)).toBe(true);
    const world = worldAt(records, ['balance'], records.at(-1)!.seq);
    expect(world.head).toBe(completed);
  });

  it('a decider case brings its records too', async () => {
    const report = await checkExercise(env, 'never-oversell', oversellStarter, 8);
    const burst = report.checks.find((c) => c.kind === 'property' && !c.passed)!;
    expect(burst.counterexample!.records!.some((r) => r.type === 'events.appended')).toBe(true);
  });

  it("an upcaster case brings the replay's records: the old event imported, delivered to the catalogue, which crashed on it", async () => {
    const forgetsStock = upcastStarter.replace(
      "  // TODO: return the payload in version 2's shape.\n  return data;\n",
      "  return { sku: data.sku, name: data.name, priceCents: data.priceCents, category: 'uncategorised' };\n",
    );
    expect(forgetsStock).not.toBe(upcastStarter);
    const report = await checkExercise(env, 'upcast-product', forgetsStock, 8);
    const failed = report.checks.find((c) => c.kind === 'property' && !c.passed)!;
    const records = failed.counterexample!.records!;
    expect(records.some((r) => r.type === 'events.imported')).toBe(true);
    expect(records.some((r) => r.type === 'bus.delivered' && r.projection === 'catalogue')).toBe(true);
    // Version 2 without its stock: the catalogue cannot store the row.
    expect(records.some((r) => r.type === 'projection.crashed' && r.projection === 'catalogue')).toBe(true);
  });
});
