// `fork <seq>` on the in-process backend: the session continues from that
// record (the same trace up to it, nothing after), new commands run from
// there, and a bad record number is refused with what exists.
import { describe, expect, it } from 'vitest';
import { banking } from '../../../src/domain/index.ts';
import { replayScript } from '../../../src/engine/index.ts';
import { harness, sqlJs } from './helpers.ts';

describe('fork <seq>', () => {
  it('continues from a record: the trace up to it is kept, the later intents are dropped', async () => {
    const h = await harness(banking, { seed: 3 });
    await h.run('OpenAccount a Ada 0');
    await h.run('Deposit a 500');
    await h.run('time run');
    const before = h.backend.engine.trace.map((r) => JSON.stringify(r));
    const deposit = h.backend.engine.trace.find((r) => r.type === 'command.received' && r.commandType === 'Deposit')!;
    const text = await h.run(`fork ${deposit.seq}`);
    expect(text).toContain(`Continuing from record #${deposit.seq}`);
    expect(text).toContain('2 recorded intents kept, 0 later intents dropped');
    const after = h.backend.engine.trace.map((r) => JSON.stringify(r));
    expect(after.length).toBeGreaterThanOrEqual(deposit.seq);
    expect(after.length).toBeLessThan(before.length);
    expect(after).toEqual(before.slice(0, after.length));

    // Another command from there: the same as a fresh replay of the kept intents plus it.
    expect(await h.run('Deposit a 100')).toContain('✓ Deposit accepted');
    const engine = h.backend.engine;
    const fresh = await replayScript(await sqlJs(), banking, 3, {}, engine.recordedScript(), engine.position());
    expect(JSON.stringify(fresh.trace)).toBe(JSON.stringify(engine.trace));
    expect(engine.recordedScript().map((e) => (e.intent.kind === 'command' ? e.intent.command.type : e.intent.kind))).toEqual([
      'OpenAccount',
      'Deposit',
      'Deposit',
    ]);
    expect(await h.run('time run')).toContain('t = ');
    expect((await engine.query({ type: 'GetBalance', params: { accountId: 'a' } })).data).toMatchObject({ balanceCents: 600 });
    fresh.close();
  });

  it('drops the intents recorded after the record', async () => {
    const h = await harness(banking, { seed: 3 });
    await h.run('OpenAccount a Ada 0');
    const opened = h.backend.engine.trace.length;
    await h.run('Deposit a 500');
    await h.run('Deposit a 200');
    const text = await h.run(`fork ${opened}`);
    expect(text).toContain('1 recorded intent kept, 2 later intents dropped');
    expect(h.backend.engine.recordedCount()).toBe(1);
  });

  it('refuses a record that does not exist, and keeps the session', async () => {
    const h = await harness(banking);
    expect(await h.run('fork 1')).toContain('Nothing has been traced yet: there is no record to fork from.');
    await h.run('OpenAccount a Ada 0');
    const last = h.backend.engine.trace.length;
    const engine = h.backend.engine;
    expect(await h.run(`fork ${last + 10}`)).toContain(`No record #${last + 10}: the trace ends at #${last}.`);
    expect(h.backend.engine).toBe(engine);
    expect(await h.run('fork 0')).toContain('fork <seq>');
    expect(await h.run('fork two')).toContain('fork <seq>');
  });
});
