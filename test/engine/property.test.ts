// Property tests: random command scripts under random bus faults, projection
// pauses, crashes and rebuilds. After the simulation drains, every read model
// must equal a replay from scratch, no event may be lost or applied twice,
// the write-side invariants must hold, and the same seed must give the same
// trace. NUM_RUNS scales the case counts (e.g. PROPERTY_RUNS=5 for a soak).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DomainDefinition } from '../../src/engine/domain.ts';
import type { Engine } from '../../src/engine/engine.ts';
import { EngineError } from '../../src/engine/errors.ts';
import type { CommandInput } from '../../src/engine/intent.ts';
import { replayScript } from '../../src/engine/script.ts';
import type { SettingsPatch } from '../../src/engine/settings.ts';
import { recordsOf } from '../../src/engine/trace.ts';
import type { EventEnvelope } from '../../src/engine/write/envelope.ts';
import { banking } from '../../src/domain/banking/index.ts';
import { commerce } from '../../src/domain/commerce/index.ts';
import { engineFor, liveDumps, replayedFromScratch, sqlJs } from './helpers.ts';

const SCALE = Number(process.env['PROPERTY_RUNS'] ?? '1');
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));

type Action =
  | { kind: 'command'; command: CommandInput; repeat: boolean }
  | { kind: 'advance'; ms: number }
  | { kind: 'step'; n: number }
  | { kind: 'bus'; settings: SettingsPatch }
  | { kind: 'projection'; action: 'pause' | 'resume' | 'crash' | 'rebuild'; index: number };

const busSettings: fc.Arbitrary<SettingsPatch> = fc.record({
  bus: fc.record({
    latencyMs: fc.integer({ min: 0, max: 30 }),
    jitterMs: fc.integer({ min: 0, max: 30 }),
    duplicateProbability: fc.constantFrom(0, 0, 0.1, 0.3, 0.6),
    dropProbability: fc.constantFrom(0, 0, 0.1, 0.3, 0.5),
    redeliveryMs: fc.integer({ min: 1, max: 50 }),
    reorder: fc.boolean(),
    orderedPartitions: fc.boolean(),
  }),
});

const initialSettings: fc.Arbitrary<SettingsPatch> = fc.record({
  bus: busSettings.map((s) => s.bus!),
  costs: fc.record({
    commandMs: fc.integer({ min: 0, max: 5 }),
    projectMs: fc.integer({ min: 0, max: 3 }),
    queryMs: fc.constant(0),
  }),
  retry: fc.record({ maxAttempts: fc.integer({ min: 1, max: 4 }), backoffMs: fc.integer({ min: 0, max: 5 }) }),
  projection: fc.record({ batchSize: fc.integer({ min: 1, max: 12 }), replayBatchSize: fc.integer({ min: 1, max: 12 }) }),
});

const sku = fc.constantFrom('A', 'B', 'C');
const commerceCommand: fc.Arbitrary<CommandInput> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ sku, stock: fc.integer({ min: 0, max: 4 }) }).map(({ sku, stock }) => ({ type: 'AddProduct', data: { sku, name: `P${sku}`, priceCents: 100, stock } })) },
  { weight: 1, arbitrary: fc.record({ sku, quantity: fc.integer({ min: 1, max: 3 }) }).map((data) => ({ type: 'RestockProduct', data })) },
  { weight: 1, arbitrary: fc.record({ sku, priceCents: fc.integer({ min: 1, max: 300 }) }).map((data) => ({ type: 'ChangePrice', data })) },
  {
    weight: 5,
    arbitrary: fc
      .record({ o: fc.integer({ min: 1, max: 12 }), c: fc.constantFrom('ada', 'bob'), sku, quantity: fc.integer({ min: 1, max: 3 }) })
      .map(({ o, c, sku, quantity }) => ({ type: 'PlaceOrder', data: { orderId: `o${o}`, customerId: c, sku, quantity } })),
  },
  { weight: 2, arbitrary: fc.record({ o: fc.integer({ min: 1, max: 12 }), sku }).map(({ o, sku }) => ({ type: 'CancelOrder', data: { orderId: `o${o}`, sku } })) },
);

const account = fc.constantFrom('a', 'b', 'c');
const bankingCommand: fc.Arbitrary<CommandInput> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ accountId: account, limit: fc.integer({ min: 0, max: 50 }) }).map(({ accountId, limit }) => ({ type: 'OpenAccount', data: { accountId, owner: accountId.toUpperCase(), overdraftLimitCents: limit } })) },
  { weight: 3, arbitrary: fc.record({ accountId: account, amountCents: fc.integer({ min: 1, max: 100 }) }).map((data) => ({ type: 'Deposit', data })) },
  { weight: 3, arbitrary: fc.record({ accountId: account, amountCents: fc.integer({ min: 1, max: 100 }) }).map((data) => ({ type: 'Withdraw', data })) },
  {
    weight: 4,
    arbitrary: fc
      .record({ t: fc.integer({ min: 1, max: 10 }), from: account, to: account, amountCents: fc.integer({ min: 1, max: 100 }) })
      .map(({ t, from, to, amountCents }) => ({ type: 'Transfer', data: { transferId: `t${t}`, fromAccountId: from, toAccountId: to, amountCents } })),
  },
);

// Most scripts start by creating the aggregates, so later commands have something to act on.
const commerceSetup: fc.Arbitrary<CommandInput[]> = fc
  .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.boolean())
  .map(([a, b, c, skip]) =>
    skip ? [] : (['A', 'B', 'C'] as const).map((sku, i) => ({ type: 'AddProduct', data: { sku, name: `P${sku}`, priceCents: 100 + i, stock: [a, b, c][i]! } })),
  );
const bankingSetup: fc.Arbitrary<CommandInput[]> = fc
  .tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 200 }), fc.boolean())
  .map(([limit, deposit, skip]) =>
    skip
      ? []
      : ['a', 'b', 'c'].flatMap((accountId) => [
          { type: 'OpenAccount', data: { accountId, owner: accountId.toUpperCase(), overdraftLimitCents: limit } },
          { type: 'Deposit', data: { accountId, amountCents: deposit + 1 } },
        ]),
  );

function actions(command: fc.Arbitrary<CommandInput>, setup: fc.Arbitrary<CommandInput[]>): fc.Arbitrary<Action[]> {
  const action: fc.Arbitrary<Action> = fc.oneof(
    { weight: 10, arbitrary: fc.record({ kind: fc.constant('command' as const), command, repeat: fc.integer({ min: 0, max: 6 }).map((n) => n === 0) }) },
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('step' as const), n: fc.integer({ min: 1, max: 5 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('bus' as const), settings: busSettings }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('projection' as const),
        action: fc.constantFrom('pause' as const, 'resume' as const, 'crash' as const, 'crash' as const, 'rebuild' as const),
        index: fc.integer({ min: 0, max: 2 }),
      }),
    },
  );
  return fc
    .tuple(setup, fc.array(action, { minLength: 1, maxLength: 40, size: 'medium' }))
    .map(([first, rest]) => [...first.map((c): Action => ({ kind: 'command', command: c, repeat: false })), ...rest]);
}

/** Drive the engine through a script; invalid projection actions for the current state are skipped. */
async function play(engine: Engine, script: Action[]): Promise<void> {
  const names = engine.domain.projections.map((p) => p.name);
  let n = 0;
  let last: CommandInput | undefined;
  for (const a of script) {
    switch (a.kind) {
      case 'command': {
        // A repeat re-sends the previous command with the same commandId (a client retry).
        const command = a.repeat && last ? last : { ...a.command, commandId: `c${++n}` };
        last = command;
        engine.submit({ kind: 'command', command });
        break;
      }
      case 'advance':
        await engine.advance(a.ms);
        break;
      case 'step':
        for (let i = 0; i < a.n; i++) await engine.step();
        break;
      case 'bus':
        engine.configure(a.settings);
        break;
      case 'projection': {
        const name = names[a.index % names.length]!;
        try {
          engine.controlProjection(a.action, name);
        } catch (e) {
          if (!(e instanceof EngineError) || e.code !== 'PROJECTION_STATE') throw e;
        }
        break;
      }
    }
  }
}

/** Bring every projection back and drain the simulation. */
async function settle(engine: Engine): Promise<void> {
  for (let round = 0; round < 5; round++) {
    await engine.runUntilIdle();
    let changed = false;
    for (const p of engine.status().projections) {
      if (p.status === 'paused' || p.status === 'crashed') {
        engine.controlProjection('resume', p.name);
        changed = true;
      }
    }
    if (!changed) break;
  }
  await engine.runUntilIdle();
}

async function checkInvariants(engine: Engine, domain: DomainDefinition): Promise<void> {
  const events = await engine.readAll(1, 1_000_000);
  const head = engine.headPosition;
  expect(events.length).toBe(head);
  expect(events.map((e) => e.position)).toEqual(events.map((_, i) => i + 1));

  // Read models equal a replay from scratch, and every projection reached the head.
  expect(await liveDumps(engine)).toEqual(await replayedFromScratch(engine));
  for (const p of engine.status().projections) {
    expect(p.status).toBe('live');
    expect(p.position).toBe(head);
    expect(p.counters.held).toBe(0);
  }

  // No event applied twice (rolled-back batches emit nothing); none lost: every
  // handled event was applied live or covered by a rebuild.
  for (const def of domain.projections) {
    const applied = recordsOf(engine.trace, 'projection.applied').filter((r) => r.projection === def.name).map((r) => r.position);
    expect(new Set(applied).size).toBe(applied.length);
    const rebuiltTo = Math.max(0, ...recordsOf(engine.trace, 'projection.rebuildFinished').filter((r) => r.projection === def.name).map((r) => r.watermark));
    const handled = new Set(def.handles);
    const appliedSet = new Set(applied);
    for (const e of events) if (handled.has(e.type) && e.position > rebuiltTo) expect(appliedSet.has(e.position)).toBe(true);
  }

  // Idempotency: a commandId's events were appended by one append only.
  const appendsPerCommand = new Map<string, number>();
  for (const r of recordsOf(engine.trace, 'events.appended')) appendsPerCommand.set(r.commandId, (appendsPerCommand.get(r.commandId) ?? 0) + 1);
  for (const count of appendsPerCommand.values()) expect(count).toBe(1);

  // Stream versions are 1..n with no gap.
  const byStream = new Map<string, EventEnvelope[]>();
  for (const e of events) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e]);
  for (const list of byStream.values()) expect(list.map((e) => e.version)).toEqual(list.map((_, i) => i + 1));

  // Domain invariants, folded straight from the log.
  for (const [streamId, list] of byStream) {
    if (streamId.startsWith('product-')) {
      let stock = 0;
      for (const e of list) {
        const d = e.data as Record<string, number>;
        if (e.type === 'ProductAdded') stock = d['stock']!;
        if (e.type === 'ProductRestocked' || e.type === 'OrderCancelled') stock += d['quantity']!;
        if (e.type === 'OrderPlaced') stock -= d['quantity']!;
        expect(stock).toBeGreaterThanOrEqual(0);
      }
    } else {
      let balance = 0;
      let limit = 0;
      for (const e of list) {
        const d = e.data as Record<string, number>;
        if (e.type === 'AccountOpened') limit = d['overdraftLimitCents']!;
        if (e.type === 'MoneyDeposited' || e.type === 'TransferReceived') balance += d['amountCents']!;
        if (e.type === 'MoneyWithdrawn' || e.type === 'TransferSent') balance -= d['amountCents']!;
        expect(balance).toBeGreaterThanOrEqual(-limit);
      }
    }
  }
  // Money is conserved by transfers: both legs exist or neither does.
  const sent = events.filter((e) => e.type === 'TransferSent').map((e) => String(e.data['transferId']) + String(e.data['accountId']));
  const received = events.filter((e) => e.type === 'TransferReceived').map((e) => String(e.data['transferId']) + String(e.data['fromAccountId']));
  expect(sent.sort()).toEqual(received.sort());
}

function convergence(domain: DomainDefinition, command: fc.Arbitrary<CommandInput>, setup: fc.Arbitrary<CommandInput[]>, numRuns: number) {
  return fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), initialSettings, actions(command, setup), async (seed, settings, script) => {
      const engine = await engineFor(domain, settings, seed);
      try {
        await play(engine, script);
        await settle(engine);
        await checkInvariants(engine, domain);
      } finally {
        engine.close();
      }
    }),
    { numRuns },
  );
}

function determinism(domain: DomainDefinition, command: fc.Arbitrary<CommandInput>, setup: fc.Arbitrary<CommandInput[]>, numRuns: number) {
  return fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), initialSettings, actions(command, setup), async (seed, settings, script) => {
      const a = await engineFor(domain, settings, seed);
      const b = await engineFor(domain, settings, seed);
      await play(a, script);
      await play(b, script);
      expect(JSON.stringify(b.trace)).toBe(JSON.stringify(a.trace));
      // The recorded script replays to the same trace, stopping where the original stood.
      const replayed = await replayScript(await sqlJs(), domain, seed, settings, a.recordedScript(), a.position());
      expect(JSON.stringify(replayed.trace)).toBe(JSON.stringify(a.trace));
      for (const e of [a, b, replayed]) e.close();
    }),
    { numRuns },
  );
}

describe('properties under random faults', () => {
  it('commerce: read models converge to a replay, nothing lost or doubled, stock never negative', async () => {
    await convergence(commerce, commerceCommand, commerceSetup, runs(800));
  }, 120_000);

  it('banking: read models converge to a replay, nothing lost or doubled, balances within limits', async () => {
    await convergence(banking, bankingCommand, bankingSetup, runs(800));
  }, 120_000);

  it('commerce: same seed and script give the same trace; the recorded script replays it', async () => {
    await determinism(commerce, commerceCommand, commerceSetup, runs(400));
  }, 120_000);

  it('banking: same seed and script give the same trace; the recorded script replays it', async () => {
    await determinism(banking, bankingCommand, bankingSetup, runs(400));
  }, 120_000);
});
