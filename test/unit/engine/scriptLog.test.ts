// A long run under load keeps its script packed (a few numbers per load
// command), and nothing that reads the script can tell: the copies it gives
// are the entries a plain recording gives, and they replay to the same trace.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commerce } from '../../../src/domain/commerce/index.ts';
import { ScriptLog, type CommandSource } from '../../../src/engine/coordinator/scriptLog.ts';
import type { Engine, ScriptEntry, SettingsPatch } from '../../../src/engine/index.ts';
import { replayScript } from '../../../src/engine/script.ts';
import { loadPlan } from '../../../src/sandbox/loadGenerator.ts';
import { LoadDriver } from '../../../src/worker/loadDriver.ts';
import { commerceEngine, sqlJs } from './helpers.ts';

describe('the script log, on its own', () => {
  const sourceA: CommandSource = { command: (n) => ({ type: 'A', data: { n } }) };
  const sourceB: CommandSource = { command: (n) => ({ type: 'B', data: { n, half: n / 2 } }) };
  const rebuild = (input: { type: string; data?: Record<string, unknown> }, commandId: string) =>
    ({ kind: 'command', command: { type: input.type, data: input.data ?? {}, commandId } }) as ScriptEntry['intent'];

  type Op = { plain: true; gap: number } | { plain: false; source: 0 | 1; gap: number; nJump: number; back: boolean };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 1, arbitrary: fc.record({ plain: fc.constant(true as const), gap: fc.integer({ min: 0, max: 3 }) }) },
    {
      weight: 12,
      arbitrary: fc.record({
        plain: fc.constant(false as const),
        source: fc.constantFrom(0 as const, 1 as const),
        gap: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(0.5), fc.integer({ min: 100_000, max: 10_000_000_000 })),
        nJump: fc.integer({ min: 0, max: 3 }),
        back: fc.boolean(),
      }),
    },
  );

  it('gives back exactly what was recorded, from any index, packed or not (runs of every length, instants that go fractional or back)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(op, { maxLength: 40 }), fc.array(op, { maxLength: 9000, size: 'max' })), fc.nat(), (ops, fromSeed) => {
        const log = new ScriptLog(rebuild);
        const plain: ScriptEntry[] = [];
        let at = 0;
        let step = 0;
        let seq = 0;
        const n = [0, 0];
        for (const o of ops) {
          at += o.gap;
          step += o.gap > 1 ? 2 : 1;
          if (o.plain) {
            const entry: ScriptEntry = { at, step, intent: { kind: 'configure', settings: { bus: { latencyMs: step } } } };
            log.push(structuredClone(entry));
            plain.push(entry);
            continue;
          }
          const source = o.source === 0 ? sourceA : sourceB;
          n[o.source]! += o.nJump;
          seq += 1;
          // A number that went back cannot be a delta: the log must keep that entry whole.
          const entryAt = o.back ? at - 7 : at;
          const intent = rebuild(source.command(n[o.source]!), `cmd-${seq}`);
          if (!log.pushGenerated(source, entryAt, step, n[o.source]!, seq)) log.push({ at: entryAt, step, intent });
          plain.push({ at: entryAt, step, intent });
        }
        expect(log.length).toBe(plain.length);
        const from = plain.length === 0 ? 0 : fromSeed % (plain.length + 1);
        expect(log.slice(from)).toEqual(plain.slice(from));
      }),
      { numRuns: 40 },
    );
  });

  it('hands out copies: changing one does not change the log', () => {
    const log = new ScriptLog(rebuild);
    log.push({ at: 1, step: 1, intent: { kind: 'configure', settings: { bus: { latencyMs: 5 } } } });
    log.pushGenerated(sourceA, 2, 2, 0, 1);
    const [first, second] = log.slice();
    (first!.intent as { settings: unknown }).settings = {};
    (second!.intent as { command: { data: unknown } }).command.data = {};
    expect(log.slice()).toEqual([
      { at: 1, step: 1, intent: { kind: 'configure', settings: { bus: { latencyMs: 5 } } } },
      { at: 2, step: 2, intent: { kind: 'command', command: { type: 'A', data: { n: 0 }, commandId: 'cmd-1' } } },
    ]);
  });
});

/**
 * A run under load with the learner's own intents in between, driven the way the real-time loop drives it
 * (a load command falls due when no task is due before it). `packed`: the load goes through submitFrom, as
 * in the sandbox; otherwise each command is submitted whole, as before the log was packed.
 */
async function loadRun(packed: boolean, settings: SettingsPatch, seed: number): Promise<Engine> {
  const engine = await commerceEngine(settings, seed);
  const plan = loadPlan('commerce')!;
  if (!packed) {
    // The same commands, handed over whole.
    const whole = (source: CommandSource, n: number) => engine.submit({ kind: 'command', command: source.command(n) });
    Object.defineProperty(engine, 'submitFrom', { value: whole });
  }
  const driver = new LoadDriver(engine, 'commerce');
  const learner = new Map<number, () => unknown>([
    [
      40,
      () =>
        engine.submit({ kind: 'command', command: { type: 'AddProduct', data: { sku: 'MINE', name: 'Mine', priceCents: 500, stock: 3 } } }),
    ],
    [90, () => engine.submit({ kind: 'configure', settings: { bus: { latencyMs: 30 } } })],
    [130, () => engine.submit({ kind: 'command', command: plan.command(1), sessionId: 'learner' })],
    [160, () => engine.submit({ kind: 'projection', action: 'pause', name: 'catalogue' })],
    [200, () => engine.submit({ kind: 'projection', action: 'resume', name: 'catalogue' })],
    [250, () => engine.submit({ kind: 'projection', action: 'rebuild', name: 'orderSummary' })],
  ]);
  driver.setRate(2000);
  for (let sent = 0; sent < 600;) {
    const due = driver.nextDue();
    const next = engine.scheduler.nextAt();
    if (next !== undefined && next <= due) {
      await engine.stepMerged();
      continue;
    }
    await engine.advanceTo(due);
    driver.submitDue();
    learner.get(++sent)?.();
    if (sent === 300) driver.setRate(700);
  }
  await engine.runUntilIdle();
  return engine;
}

describe('a run under load', () => {
  it.each([
    ['default settings', {}, 3],
    ['a lossy, jittery bus', { bus: { latencyMs: 20, jitterMs: 15, duplicateProbability: 0.1, dropProbability: 0.05, reorder: true } }, 9],
  ] as const)('records the same script and trace packed as whole, and its script replays to that trace (%s)', async (_, settings, seed) => {
    const packed = await loadRun(true, settings, seed);
    const whole = await loadRun(false, settings, seed);
    const script = packed.recordedScript();
    expect(script.length).toBeGreaterThan(600);
    expect(script).toEqual(whole.recordedScript());
    expect(JSON.stringify(packed.trace)).toBe(JSON.stringify(whole.trace));
    // Autosave asks for what is new since its last save: any cut gives the rest.
    for (const from of [1, 257, 600]) expect(packed.recordedScript(from)).toEqual(script.slice(from));
    const replayed = await replayScript(await sqlJs(), commerce, seed, settings, script);
    expect(JSON.stringify(replayed.trace)).toBe(JSON.stringify(packed.trace));
    for (const e of [packed, whole, replayed]) e.close();
  });

  it('replays a saved run with its load recognised: the same script, and the load carries on where it stopped with no refusals', async () => {
    const settings = { bus: { latencyMs: 15, jitterMs: 10 } };
    const original = await loadRun(true, settings, 5);
    const script = original.recordedScript();
    /** Refusals once the load is back on. */
    const carryOn = async (engine: Engine, driver: LoadDriver) => {
      const before = engine.trace.length;
      driver.setRate(1000);
      while (driver.summary().sent < 900) {
        await engine.advanceTo(driver.nextDue());
        driver.submitDue();
      }
      await engine.runUntilIdle();
      return engine.trace.slice(before).filter((r) => r.type === 'command.rejected').length;
    };

    const engine = await commerceEngine(settings, 5);
    const driver = new LoadDriver(engine, 'commerce');
    const { fromSource } = await engine.replay(script, { source: driver.source! });
    // 600 load commands; the learner's own copy of command 1 came later, out of turn, and stays theirs.
    expect(fromSource).toBe(600);
    expect(engine.recordedScript()).toEqual(script);
    driver.resumeAt(fromSource);
    expect(await carryOn(engine, driver)).toBe(0);

    // Numbering from 0 again would repeat the orders and products the run already made.
    const naive = await commerceEngine(settings, 5);
    await naive.replay(script);
    expect(await carryOn(naive, new LoadDriver(naive, 'commerce'))).toBeGreaterThan(0);
    for (const e of [original, engine, naive]) e.close();
  });
});
