// Forking a run at a trace record: the truncated input log replays exactly to
// that record; a forked run that then gets new inputs is byte for byte a fresh
// run of the truncated log plus those inputs; the session it was cut from and
// the abandoned run's trace are untouched. Scripts are generated with faults
// on (drops, duplicates, reordering, publish crashes, saga failures,
// projection crashes) so records come from inside steps, from intents at step
// boundaries, and from merged projection applies alike.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../src/engine/engine.ts';
import type { DomainDefinition } from '../../../src/engine/domain.ts';
import type { CommandInput, Intent } from '../../../src/engine/vocabulary/intent.ts';
import type { SettingsPatch } from '../../../src/engine/settings.ts';
import { replayScript } from '../../../src/engine/script.ts';
import { commerce } from '../../../src/domain/commerce/index.ts';
import { banking } from '../../../src/domain/banking/index.ts';
import { ForkMarks, ForkPointError, forkMarkOf, forkSession, truncateSession } from '../../../src/sandbox/fork.ts';
import type { SessionState } from '../../../src/sandbox/sessionState.ts';
import { sqlJs } from '../engine/helpers.ts';

type Action =
  | { kind: 'command'; command: CommandInput; session: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'step'; n: number }
  | { kind: 'intent'; intent: Intent };

const sku = fc.constantFrom('A', 'B');
const commerceCommand: fc.Arbitrary<CommandInput> = fc.oneof(
  fc.record({ sku, stock: fc.integer({ min: 0, max: 4 }) }).map(({ sku, stock }) => ({
    type: 'AddProduct',
    data: { sku, name: `P${sku}`, priceCents: 100, stock },
  })),
  fc.record({ sku, quantity: fc.integer({ min: 1, max: 3 }) }).map((data) => ({ type: 'RestockProduct', data })),
  fc
    .record({ o: fc.integer({ min: 1, max: 6 }), sku, quantity: fc.integer({ min: 1, max: 2 }) })
    .map(({ o, sku, quantity }) => ({ type: 'PlaceOrder', data: { orderId: `o${o}`, customerId: 'ada', sku, quantity } })),
  fc.record({ o: fc.integer({ min: 1, max: 4 }), sku, declines: fc.boolean() }).map(({ o, sku, declines }) => ({
    type: 'Checkout',
    data: { orderId: `k${o}`, customerId: 'cy', sku, quantity: 1, card: declines ? '4000000000000002' : '4242424242424242' },
  })),
);
const account = fc.constantFrom('a', 'b');
const bankingCommand: fc.Arbitrary<CommandInput> = fc.oneof(
  account.map((accountId) => ({ type: 'OpenAccount', data: { accountId, owner: accountId.toUpperCase(), overdraftLimitCents: 20 } })),
  fc.record({ accountId: account, amountCents: fc.integer({ min: 1, max: 60 }) }).map((data) => ({ type: 'Deposit', data })),
  fc.record({ accountId: account, amountCents: fc.integer({ min: 1, max: 60 }) }).map((data) => ({ type: 'Withdraw', data })),
);

/** Intents that act at a step boundary and trace there (settings, projection control, faults, sessions). */
function boundaryIntent(domain: DomainDefinition): fc.Arbitrary<Intent> {
  const projection = fc.constantFrom(...domain.projections.map((p) => p.name));
  return fc.oneof(
    fc
      .record({ latencyMs: fc.integer({ min: 0, max: 20 }), dropProbability: fc.constantFrom(0, 0.2, 0.5), reorder: fc.boolean() })
      .map((bus): Intent => ({ kind: 'configure', settings: { bus } })),
    fc
      .record({ action: fc.constantFrom('pause' as const, 'resume' as const, 'crash' as const, 'rebuild' as const), name: projection })
      .map((p): Intent => ({ kind: 'projection', ...p })),
    fc.constantFrom<Intent>(
      { kind: 'fault', fault: 'publishCrash', stage: 'beforePublish' },
      { kind: 'fault', fault: 'publishCrash', stage: 'afterPublish' },
      { kind: 'session', sessionId: 'client-A', consistency: { strategy: 'readYourWrites' } },
    ),
  );
}

function actions(domain: DomainDefinition, command: fc.Arbitrary<CommandInput>): fc.Arbitrary<Action[]> {
  return fc.array(
    fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({ command, session: fc.integer({ min: 0, max: 1 }) }).map((a): Action => ({ kind: 'command', ...a })),
      },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: 40 }).map((ms): Action => ({ kind: 'advance', ms })) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 6 }).map((n): Action => ({ kind: 'step', n })) },
      { weight: 2, arbitrary: boundaryIntent(domain).map((intent): Action => ({ kind: 'intent', intent })) },
    ),
    { minLength: 1, maxLength: 20 },
  );
}

const settings: fc.Arbitrary<SettingsPatch> = fc.record({
  bus: fc.record({
    latencyMs: fc.integer({ min: 0, max: 15 }),
    jitterMs: fc.integer({ min: 0, max: 15 }),
    duplicateProbability: fc.constantFrom(0, 0.2, 0.5),
    dropProbability: fc.constantFrom(0, 0.2, 0.4),
    redeliveryMs: fc.integer({ min: 1, max: 30 }),
    reorder: fc.boolean(),
  }),
  delivery: fc.constantFrom('dualWrite' as const, 'outbox' as const),
  faults: fc.record({ publishFailureProbability: fc.constantFrom(0, 0.3) }),
  sagas: fc.record({ failureProbability: fc.constantFrom(0, 0.5), timeoutMs: fc.constantFrom(30, 500) }),
  costs: fc.record({ commandMs: fc.integer({ min: 0, max: 4 }), projectMs: fc.integer({ min: 0, max: 3 }) }),
  projection: fc.record({ batchSize: fc.integer({ min: 1, max: 6 }) }),
}) as fc.Arbitrary<SettingsPatch>;

/** Drive an engine the way the sandbox does: intents submitted between steps, time moved in jumps. Bad intents are skipped. */
async function drive(engine: Engine, script: readonly Action[]): Promise<void> {
  for (const a of script) {
    switch (a.kind) {
      case 'command':
        engine.submit({ kind: 'command', command: a.command, sessionId: `client-${a.session === 0 ? 'A' : 'B'}` });
        break;
      case 'advance':
        await engine.advance(a.ms);
        break;
      case 'step':
        for (let i = 0; i < a.n; i++) await engine.step();
        break;
      case 'intent':
        try {
          engine.submit(a.intent);
        } catch {
          // Refused before anything was recorded or traced (resuming a live projection): nothing to fork on.
        }
        break;
    }
  }
}

function sessionOf(engine: Engine, settings: SettingsPatch): SessionState {
  return { domain: engine.domain.name, seed: engine.seed, settings, script: engine.recordedScript(), until: engine.position() };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const cases: { domain: DomainDefinition; command: fc.Arbitrary<CommandInput> }[] = [
  { domain: commerce, command: commerceCommand },
  { domain: banking, command: bankingCommand },
];

describe('forking a run at a trace record', () => {
  for (const { domain, command } of cases) {
    it(`${domain.name}: a forked run plus new inputs is a fresh run of the truncated log plus the same inputs, byte for byte`, async () => {
      const sql = await sqlJs();
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 1_000 }),
          settings,
          actions(domain, command),
          actions(domain, command),
          fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: 1, maxLength: 4 }),
          async (seed, patch, before, after, picks) => {
            const original = createEngine({ sql, domain, seed, settings: patch });
            const marks = new ForkMarks(original);
            await drive(original, before);
            const traceLength = original.trace.length;
            if (traceLength === 0) return;
            const originalTrace = JSON.stringify(original.trace);
            const session = deepFreeze(sessionOf(original, patch));
            const sessionJson = JSON.stringify(session);

            for (const pick of picks) {
              const seq = 1 + Math.floor(pick * traceLength);
              const cut = truncateSession(session, marks.at(seq));
              // The live marks and a scratch replay of the session agree on where the record stands.
              expect(await forkMarkOf(sql, domain, session, seq)).toEqual(marks.at(seq));

              // The forked run reaches exactly that record: its trace is a prefix of the original that contains it.
              const forked = await replayScript(sql, domain, seed, patch, cut.script, cut.until);
              const forkedTrace = forked.trace;
              expect(forkedTrace.length).toBeGreaterThanOrEqual(seq);
              expect(JSON.stringify(forkedTrace)).toBe(JSON.stringify(original.trace.slice(0, forkedTrace.length)));
              // ...and no further than the end of the step (or the intent) that emitted it.
              const next = original.trace[forkedTrace.length];
              if (next) expect(marks.at(next.seq)).not.toEqual({ ...marks.at(seq), seq: next.seq });

              // New inputs from the fork point, on the forked run and on a fresh replay of the truncated log.
              await drive(forked, after);
              const fresh = await replayScript(sql, domain, seed, patch, cut.script, cut.until);
              await drive(fresh, after);
              expect(JSON.stringify(fresh.trace)).toBe(JSON.stringify(forked.trace));
              // The forked run's own recorded session replays to it too (what a saved fork holds).
              const again = await replayScript(sql, domain, seed, patch, forked.recordedScript(), forked.position());
              expect(JSON.stringify(again.trace)).toBe(JSON.stringify(forked.trace));
              for (const e of [forked, fresh, again]) e.close();
            }
            // The abandoned branch is unchanged: its session and its trace.
            expect(JSON.stringify(session)).toBe(sessionJson);
            expect(JSON.stringify(original.trace)).toBe(originalTrace);
            marks.stop();
            original.close();
          },
        ),
        { numRuns: 30 },
      );
    }, 240_000);
  }

  it('forkSession cuts the script before the record and stops at its step', async () => {
    const sql = await sqlJs();
    const engine = createEngine({ sql, domain: banking, seed: 7, settings: {} });
    const marks = new ForkMarks(engine);
    await engine.execute({ type: 'OpenAccount', data: { accountId: 'a', owner: 'A', overdraftLimitCents: 0 } });
    const firstCommandEnd = engine.trace.length;
    await engine.execute({ type: 'Deposit', data: { accountId: 'a', amountCents: 5 } });
    await engine.runUntilIdle();
    const session = sessionOf(engine, {});
    const received = engine.trace.find((r) => r.type === 'command.received' && r.commandId === 'cmd-2')!;
    const cut = await forkSession(sql, banking, session, received.seq);
    expect(cut.script.map((e) => e.intent.kind)).toEqual(['command', 'command']);
    expect(cut.until).toEqual({ at: marks.at(received.seq).at, step: marks.at(received.seq).step });
    const atFirst = await forkSession(sql, banking, session, 1);
    expect(atFirst.script).toHaveLength(1);
    expect(firstCommandEnd).toBeGreaterThan(1);
    expect(session.script).toHaveLength(2);
    engine.close();
  });

  it('refuses a record that does not exist, with what does', async () => {
    const sql = await sqlJs();
    const engine = createEngine({ sql, domain: banking, seed: 7, settings: {} });
    const marks = new ForkMarks(engine);
    expect(() => marks.at(1)).toThrow('Nothing has been traced yet');
    await engine.execute({ type: 'OpenAccount', data: { accountId: 'a', owner: 'A', overdraftLimitCents: 0 } });
    const last = engine.trace[engine.trace.length - 1]!.seq;
    expect(() => marks.at(last + 1)).toThrow(new ForkPointError(last + 1, `No record #${last + 1}: the trace ends at #${last}.`));
    expect(() => marks.at(0)).toThrow("not '0'");
    expect(() => marks.at(1.5)).toThrow(ForkPointError);
    marks.forgetBefore(3);
    expect(() => marks.at(2)).toThrow('Record #2 has left memory: the oldest record kept is #3.');
    expect(marks.at(3).seq).toBe(3);
    await expect(forkMarkOf(sql, banking, sessionOf(engine, {}), last + 5)).rejects.toThrow(`No record #${last + 5}`);
    engine.close();
  });
});
