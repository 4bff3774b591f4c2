// The sandbox's workers under the sandbox's controls: the measured window
// follows the bus latency, a crash and resume lose nothing, and a worker that
// throws is reported and restarted without losing the event store.
import { afterAll, expect, it } from 'vitest';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { commerce } from '../../src/domain/index.ts';
import { ReadSide } from '../../src/engine/readSide.ts';
import type { Intent } from '../../src/engine/vocabulary/intent.ts';
import { connectEngine, type EngineConnection } from '../../src/worker/engineClient.ts';
import type { TableView } from '../../src/worker/protocol/coordinator.ts';
import { unwrap, WorkerFaultError, type Reply } from '../../src/worker/protocol/reply.ts';
import { InvalidPayloadError, ReadOnlyError, UnknownCommandError } from '../../src/engine/index.ts';

const sqlReady = initSqlJs({ locateFile: () => wasmUrl });
const open: EngineConnection[] = [];
afterAll(() => open.forEach((c) => c.close()));

async function connect(settings = {}, seed = 3): Promise<EngineConnection> {
  const c = await connectEngine({ domain: 'commerce', seed, settings, script: [], speed: 1 });
  open.push(c);
  return c;
}
const command = (type: string, data: Record<string, unknown>, sessionId?: string): Intent => ({
  kind: 'command',
  command: { type, data },
  ...(sessionId ? { sessionId } : {}),
});
const order = (i: number): Intent =>
  command('PlaceOrder', { orderId: `o${i}`, customerId: `c${i % 3}`, sku: i % 2 ? 'KB' : 'MS', quantity: 1 });

/** Every read-model table of a store, rows sorted: equal dumps mean equal read models. */
async function dump(
  tables: string[],
  read: (table: string) => Promise<{ columns: string[]; rows: unknown[][] }> | { columns: string[]; rows: unknown[][] },
): Promise<string> {
  const out: string[] = [];
  for (const t of tables.filter((t) => t !== 'checkpoint' && t !== 'stream_checkpoints')) {
    const r = await read(t);
    out.push(`${t}: ${r.columns.join(',')} ${JSON.stringify(r.rows.map((row) => JSON.stringify(row)).sort())}`);
  }
  return out.join('\n');
}

it('measures a consistency window of at least the bus latency once latency is raised', async () => {
  const c = await connect({ bus: { jitterMs: 0 } });
  unwrap(await c.coordinator.dispatch({ kind: 'configure', settings: { bus: { latencyMs: 1200 } } }));
  unwrap(await c.coordinator.dispatch(command('AddProduct', { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 5 })));
  unwrap(await c.coordinator.dispatch(order(1)));
  unwrap(await c.coordinator.runUntilIdle());
  const frame = unwrap(await c.coordinator.frame());
  const all = frame.windows.find((w) => w.projection === 'all')!;
  // One window per command and projection that handles its event.
  const handling = (t: string) => commerce.projections.filter((p) => p.handles.includes(t)).length;
  expect(all.count).toBe(handling('ProductAdded') + handling('OrderPlaced'));
  expect(all.min).toBeGreaterThanOrEqual(1200);
  expect(all.p50).toBeGreaterThanOrEqual(1200);
});

it('loses nothing through a crash and a resume: each read store equals a replay of the event store', async () => {
  const c = await connect({ costs: { projectMs: 3 }, bus: { latencyMs: 5, jitterMs: 10 } });
  unwrap(await c.coordinator.dispatch(command('AddProduct', { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 50 })));
  unwrap(await c.coordinator.dispatch(command('AddProduct', { sku: 'MS', name: 'Mouse', priceCents: 40, stock: 50 })));
  for (let i = 0; i < 8; i++) unwrap(await c.coordinator.dispatch(order(i)));
  unwrap(await c.coordinator.dispatch({ kind: 'projection', action: 'crash', name: 'catalogue' }));
  for (let i = 8; i < 16; i++) unwrap(await c.coordinator.dispatch(order(i)));
  expect(unwrap(await c.coordinator.frame()).projections.find((p) => p.name === 'catalogue')!.status).toBe('crashed');
  unwrap(await c.coordinator.dispatch({ kind: 'projection', action: 'resume', name: 'catalogue' }));
  unwrap(await c.coordinator.runUntilIdle());

  const events = unwrap(await c.coordinator.readAll(1, 10_000));
  expect(events).toHaveLength(18);
  const fresh = new ReadSide(await sqlReady, commerce);
  const tables = unwrap(await c.coordinator.tables());
  for (const p of commerce.projections) {
    fresh.applyBatch({
      projection: p.name,
      events,
      mode: 'catchUp',
      guards: { dedupe: true, ordering: true },
      headPosition: events.length,
    });
    const live = await dump(
      tables[p.name]!,
      async (t) => unwrap(await c.coordinator.table({ store: p.name, table: t }, 1000)) as TableView,
    );
    const replayed = await dump(tables[p.name]!, (t) => fresh.readOnlySql(p.name, `SELECT * FROM "${t}"`));
    expect(live).toBe(replayed);
  }
  fresh.close();
});

it('reports a worker that throws and restarts it without losing the event store', async () => {
  const c = await connect();
  unwrap(await c.coordinator.dispatch(command('AddProduct', { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 50 })));
  for (let i = 1; i < 6; i += 2) unwrap(await c.coordinator.dispatch(order(i)));
  unwrap(await c.read.injectFault());
  const failed = await c.coordinator.runUntilIdle();
  expect(failed.ok).toBe(false);
  if (!failed.ok) expect(failed.error).toMatchObject({ kind: 'fault', worker: 'read', message: expect.stringMatching(/Injected fault/) });
  const frame = unwrap(await c.coordinator.frame());
  expect(frame.fault).toMatchObject({ worker: 'read' });
  const before = unwrap(await c.coordinator.readAll(1, 1000));
  expect(before).toHaveLength(4);

  // Restart: fresh workers, the recorded session replayed to just before the failing step.
  const session = unwrap(await c.coordinator.session());
  expect(session.until).toEqual(frame.fault!.lastGood);
  c.close();
  const restarted = await connectEngine({
    domain: session.domain,
    seed: session.seed,
    settings: session.settings,
    script: session.script,
    until: session.until!,
    speed: 1,
  });
  open.push(restarted);
  expect(unwrap(await restarted.coordinator.readAll(1, 1000))).toEqual(before);
  unwrap(await restarted.coordinator.runUntilIdle());
  const after = unwrap(await restarted.coordinator.frame());
  expect(after.fault).toBeNull();
  expect(after.projections.every((p) => p.position === 4 && p.status === 'live')).toBe(true);
});

it("gives the page the engine's error classes back, across one worker boundary or two", async () => {
  const c = await connect();
  const thrown = async (reply: Promise<Reply<unknown>>): Promise<unknown> => {
    try {
      unwrap(await reply);
    } catch (e) {
      return e;
    }
    throw new Error('the call succeeded');
  };
  // Thrown by the coordinator's engine.
  const unknown = await thrown(c.coordinator.dispatch(command('Teleport', {})));
  expect(unknown).toBeInstanceOf(UnknownCommandError);
  expect(unknown).toMatchObject({ code: 'UNKNOWN_COMMAND', details: { type: 'Teleport' } });
  const invalid = await thrown(
    c.coordinator.dispatch(command('AddProduct', { sku: 'KB', name: 'Keyboard', priceCents: 'free', stock: 5 })),
  );
  expect(invalid).toBeInstanceOf(InvalidPayloadError);
  expect((invalid as InvalidPayloadError).field).toBe('priceCents');
  // Thrown in the read worker, passed on by the coordinator.
  const readOnly = await thrown(c.coordinator.readOnlySql('catalogue', 'DELETE FROM checkpoint'));
  expect(readOnly).toBeInstanceOf(ReadOnlyError);
  expect(readOnly).toMatchObject({ code: 'READ_ONLY', details: { store: 'catalogue' } });
  // Not an engine error: a fault that names the worker.
  const fault = await thrown(c.coordinator.table({ store: 'catalogue', table: 'no_such_table' }));
  expect(fault).toBeInstanceOf(WorkerFaultError);
  expect(fault).toMatchObject({ worker: 'write', message: "No table 'no_such_table' in the catalogue store." });
});
