// The same seed and the same script give the same trace in the sandbox's
// workers as in the engine run in-process, and a recorded session (the
// URL's content) replays to the identical trace. The coordinator sends the
// live batches of projections due at the same instant in one round trip
// (applyBatches); the scripts below make that happen, and so does the
// sandbox's own load generator running against real time.
import { afterAll, expect, it } from 'vitest';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { commerce } from '../../src/domain/index.ts';
import { createEngine } from '../../src/engine/engine.ts';
import type { Intent } from '../../src/engine/vocabulary/intent.ts';
import { replayScript } from '../../src/engine/script.ts';
import type { SettingsPatch } from '../../src/engine/settings.ts';
import { decodeSession, encodeSession } from '../../src/sandbox/urlCodec.ts';
import { connectEngine, type EngineConnection } from '../../src/worker/engineClient.ts';
import { unwrap } from '../../src/worker/protocol/reply.ts';

const SETTINGS: SettingsPatch = {
  bus: { latencyMs: 15, jitterMs: 20, duplicateProbability: 0.2, dropProbability: 0.15, redeliveryMs: 30, reorder: true },
  costs: { commandMs: 3, projectMs: 2, queryMs: 1 },
};

const INTENTS: Intent[] = [
  { kind: 'command', command: { type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 5 } }, sessionId: 'a' },
  { kind: 'command', command: { type: 'AddProduct', data: { sku: 'MS', name: 'Mouse', priceCents: 40, stock: 2 } } },
  { kind: 'query', query: { type: 'GetProduct', params: { sku: 'KB' } }, sessionId: 'a' },
  { kind: 'projection', action: 'pause', name: 'orderSummary' },
  ...Array.from({ length: 6 }, (_, i): Intent => ({
    kind: 'command',
    command: { type: 'PlaceOrder', data: { orderId: `o${i}`, customerId: `c${i % 2}`, sku: i % 2 ? 'KB' : 'MS', quantity: 1 } },
    sessionId: i % 2 ? 'a' : 'b',
  })),
  { kind: 'configure', settings: { bus: { latencyMs: 5 } } },
  { kind: 'projection', action: 'crash', name: 'catalogue' },
  { kind: 'query', query: { type: 'ListCatalogue', params: {} }, sessionId: 'b' },
  { kind: 'projection', action: 'resume', name: 'orderSummary' },
  { kind: 'projection', action: 'resume', name: 'catalogue' },
  { kind: 'command', command: { type: 'CancelOrder', data: { orderId: 'o1', sku: 'KB' } }, sessionId: 'a' },
  { kind: 'projection', action: 'rebuild', name: 'customerOrders' },
  { kind: 'query', query: { type: 'GetCustomerOrders', params: { customerId: 'c1' } }, sessionId: 'a' },
  // A steady bus and a batch of imported events: every projection gets them at the same instant.
  { kind: 'configure', settings: { bus: { jitterMs: 0, duplicateProbability: 0, dropProbability: 0 }, projection: { batchSize: 2 } } },
  {
    kind: 'import',
    events: Array.from({ length: 8 }, (_, i) => ({
      streamId: `product-IMP${i}`,
      type: 'ProductAdded',
      data: { sku: `IMP${i}`, name: `Imported ${i}`, priceCents: 10 + i, stock: 3, category: 'imported' },
    })),
  },
  { kind: 'command', command: { type: 'PlaceOrder', data: { orderId: 'o9', customerId: 'c1', sku: 'IMP3', quantity: 1 } }, sessionId: 'a' },
];

const sqlReady = initSqlJs({ locateFile: () => wasmUrl });
const connections: EngineConnection[] = [];
afterAll(() => connections.forEach((c) => c.close()));

/** Live batches the read worker applied, and the round trips that carried them. */
async function applied(c: EngineConnection): Promise<{ batches: number; roundTrips: number }> {
  const served = unwrap(await c.read.served());
  return { batches: served.batches, roundTrips: (served.calls['applyBatch'] ?? 0) + (served.calls['applyBatches'] ?? 0) };
}

async function inWorkers(): Promise<EngineConnection> {
  const c = await connectEngine({ domain: 'commerce', seed: 7, settings: SETTINGS, script: [], speed: 1 });
  connections.push(c);
  for (const intent of INTENTS) await c.coordinator.dispatch(intent);
  unwrap(await c.coordinator.runUntilIdle());
  return c;
}

it('gives the same trace in the workers as the engine in-process, for the same seed and script', async () => {
  const workers = await inWorkers();
  const local = createEngine({ sql: await sqlReady, domain: commerce, seed: 7, settings: SETTINGS });
  for (const intent of INTENTS) await local.dispatch(intent).catch(() => undefined);
  await local.runUntilIdle();
  const fromWorkers = unwrap(await workers.coordinator.traceJson());
  expect(JSON.parse(fromWorkers).length).toBeGreaterThan(100);
  expect(fromWorkers).toBe(JSON.stringify(local.trace));
  // Some live batches shared a round trip.
  const { batches, roundTrips } = await applied(workers);
  expect(roundTrips).toBeLessThan(batches);
  local.close();
});

it('replays a run of the load generator against real time to the identical trace, with fewer round trips than batches', async () => {
  const c = await connectEngine({ domain: 'commerce', seed: 11, settings: {}, script: [], speed: 1 });
  connections.push(c);
  unwrap(await c.coordinator.setLoad(1000));
  unwrap(await c.coordinator.setRunning(true));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  unwrap(await c.coordinator.setRunning(false));
  // Runs after the step in flight, if any: the run stands still from here.
  unwrap(await c.coordinator.advance(0));
  const session = unwrap(await c.coordinator.session());
  const live = unwrap(await c.coordinator.traceJson());
  expect(session.script.length).toBeGreaterThan(50);
  const local = await replayScript(await sqlReady, commerce, session.seed, session.settings, session.script, session.until);
  expect(JSON.stringify(local.trace)).toBe(live);
  local.close();
  const { batches, roundTrips } = await applied(c);
  expect(batches).toBeGreaterThan(100);
  expect(roundTrips).toBeLessThan(batches * 0.9);
});

it('replays a session taken from the URL codec to the identical trace, in-process and in new workers', async () => {
  const original = await inWorkers();
  const session = unwrap(await original.coordinator.session());
  const decoded = await decodeSession(await encodeSession(session));
  expect(decoded).toEqual(session);
  const expected = unwrap(await original.coordinator.traceJson());

  const local = await replayScript(await sqlReady, commerce, decoded.seed, decoded.settings, decoded.script, decoded.until);
  expect(JSON.stringify(local.trace)).toBe(expected);
  local.close();

  const again = await connectEngine({
    domain: decoded.domain,
    seed: decoded.seed,
    settings: decoded.settings,
    script: decoded.script,
    ...(decoded.until ? { until: decoded.until } : {}),
    speed: 1,
  });
  connections.push(again);
  expect(unwrap(await again.coordinator.traceJson())).toBe(expected);
});
