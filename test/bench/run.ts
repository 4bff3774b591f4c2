// Benchmark: the engine against the raw sql.js limit on equivalent work.
// `npm run bench` (not part of `npm test`). Each measurement runs both sides
// a few times and keeps the median; one line per metric:
//   name: ours=<n>/s raw=<n>/s ratio=<r> [target≥<t> met|MISSED]
// Only measurements with a target are judged; the rest are information.
// Some print their own two labels (`command-floor`: the engine vs the least
// an honest handler must do; `load`, `snapshot-load`, `sync-vs-async`).
// Then a rebuild batch-size sweep and a scaling line (rebuild time and memory
// at 1k … 1M events, µs per event at each size, so a cost that grows faster
// than linear shows). BENCH_ONLY=a,b runs some measurements (`sweep`, `scale`
// name the two tables); BENCH_SCALE=1000,10000 picks the scaling sizes.
import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic } from 'sql.js';
// The engine as everything outside it sees it: through its index.
import {
  createEngine,
  ReadSide,
  validatePayload,
  WriteSide,
  type DomainDefinition,
  type EventEnvelope,
  type SettingsPatch,
} from '../../src/engine/index.ts';
import { banking } from '../../src/domain/banking/index.ts';

const SQL: SqlJsStatic = await initSqlJs();
const REPS = Number(process.env['BENCH_REPS'] ?? '5');

interface Result {
  ours: number;
  raw?: number;
  note?: string;
  /** Names of the two sides when they are not ours/raw, and their unit (default /s). */
  labels?: [string, string];
  unit?: string;
}
interface Measurement {
  name: string;
  /** The least ratio (ours / raw) this measurement must reach; without one it is information. */
  target?: number;
  /** A family run together (`BENCH_ONLY=sweep`). */
  group?: string;
  /** One repetition: ops per second for each side. */
  run(): Promise<Result>;
}

const now = (): number => performance.now();
/**
 * A bare sql.js database for the raw sides, configured like the engine's
 * (journal in memory, exclusive lock: see SqlDb.create), so a ratio measures
 * the engine's own work and not a configuration difference.
 */
function rawDb(): Database {
  const db = new SQL.Database();
  db.run('PRAGMA journal_mode = MEMORY');
  db.run('PRAGMA locking_mode = EXCLUSIVE');
  return db;
}
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Banking with only the balance projection: the bench's reference read model. */
const balanceOnly: DomainDefinition = {
  ...banking,
  projections: banking.projections.filter((p) => p.name === 'balance'),
  queries: banking.queries.filter((q) => q.projection === 'balance'),
};
const noProjections: DomainDefinition = { ...banking, projections: [], queries: [] };
const balanceDef = balanceOnly.projections[0]!;

function envelope(
  position: number,
  streamId: string,
  version: number,
  type: string,
  data: Record<string, unknown>,
): Omit<EventEnvelope, 'position'> {
  return {
    streamId,
    version,
    type,
    schemaVersion: 1,
    data,
    metadata: { commandId: `c${position}`, correlationId: `c${position}`, causationId: `c${position}`, recordedAt: position },
  };
}

/** `accounts` opened, then deposits round-robin, up to `total` events, appended in batches. */
function fillWriteSide(ws: WriteSide, accounts: number, total: number): void {
  const store = ws.store;
  const versions = new Array<number>(accounts).fill(0);
  let pos = 0;
  while (pos < total) {
    const batch: Omit<EventEnvelope, 'position'>[] = [];
    for (let i = 0; i < 1000 && pos < total; i++) {
      pos++;
      const a = (pos - 1) % accounts;
      const v = ++versions[a]!;
      batch.push(
        v === 1
          ? envelope(pos, `account-${a}`, v, 'AccountOpened', { accountId: `${a}`, owner: `Owner ${a}`, overdraftLimitCents: 0 })
          : envelope(pos, `account-${a}`, v, 'MoneyDeposited', { accountId: `${a}`, amountCents: (pos % 97) + 1 }),
      );
    }
    store.sql.transaction(() => store.committed(store.insert(batch)));
  }
}

const EVENT_INSERT =
  'INSERT INTO events (position, stream_id, stream_version, event_type, schema_version, payload, command_id, correlation_id, causation_id, session_id, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)';

/** A bare database with the same events table, for the raw sides (`defaults`: sql.js as configured out of the box, as in part 1). */
function rawEventsDb(defaults = false): Database {
  const db = defaults ? new SQL.Database() : rawDb();
  const ws = new WriteSide(SQL, noProjections); // borrow its schema
  const schema = ws.db.db
    .exec("SELECT sql FROM sqlite_master WHERE type IN ('table') AND sql IS NOT NULL")[0]!
    .values.map((r) => String(r[0]));
  ws.close();
  for (const s of schema) db.run(s);
  return db;
}

// ── command ─────────────────────────────────────────────────────────────
const COMMANDS = 4000;
const ACCOUNTS = 400;
/** Commands per block: the two sides alternate block by block, so a busy machine slows both alike. */
const COMMAND_BLOCK = 250;
type Block = (from: number, to: number) => void;
/**
 * Run two sides block by block, alternating, so a busy machine slows both
 * alike; total ms of each. The sides also take turns going first (A B, B A,
 * A B, …): the side that runs right after the other inherits its garbage to
 * collect and finds the caches filled with the other's data, and that cost
 * should not always land on the same side.
 */
async function interleaved(
  first: (from: number, to: number) => void | Promise<void>,
  second: (from: number, to: number) => void | Promise<void>,
): Promise<[number, number]> {
  let firstMs = 0;
  let secondMs = 0;
  for (let from = 0, turn = 0; from < COMMANDS; from += COMMAND_BLOCK, turn++) {
    const to = Math.min(COMMANDS, from + COMMAND_BLOCK);
    if (turn % 2 === 0) {
      const t0 = now();
      await first(from, to);
      const t1 = now();
      await second(from, to);
      firstMs += t1 - t0;
      secondMs += now() - t1;
    } else {
      const t0 = now();
      await second(from, to);
      const t1 = now();
      await first(from, to);
      secondMs += t1 - t0;
      firstMs += now() - t1;
    }
  }
  return [firstMs, secondMs];
}

/** A write side holding ACCOUNTS accounts of 4 events each (opened + 3 deposits), as every command bench starts. */
function commandWriteSide(): WriteSide {
  const ws = new WriteSide(SQL, banking);
  fillWriteSide(ws, ACCOUNTS, ACCOUNTS * 4);
  return ws;
}

/** Command i of every command bench: a deposit on account i mod ACCOUNTS, validated as the coordinator does before the write side. */
function depositPayloads(): Record<string, unknown>[] {
  const spec = banking.commands.find((c) => c.type === 'Deposit')!;
  return Array.from({ length: COMMANDS }, (_, i) =>
    validatePayload('Deposit', spec.fields, { accountId: `${i % ACCOUNTS}`, amountCents: 5 }),
  );
}

/**
 * The engine's write side on command i: load the stream, decide and append
 * with the expected version and the commandId, one transaction (what the
 * coordinator asks of it for every command; the payload arrives validated).
 */
function writeSideCommands(ws: WriteSide, payloads: Record<string, unknown>[]): Block {
  return (from, to) => {
    for (let i = from; i < to; i++) {
      const commandId = `bench-${i}`;
      const data = payloads[i]!;
      const loaded = ws.load({ commandId, commandType: 'Deposit', data, idempotency: true });
      if (loaded.kind !== 'loaded') throw new Error('unexpected duplicate');
      const out = ws.append({
        commandId,
        commandType: 'Deposit',
        data,
        correlationId: commandId,
        at: i,
        idempotency: true,
        loaded: loaded.streams,
        attempts: 1,
      });
      if (out.kind !== 'appended') throw new Error(`unexpected ${out.kind}`);
    }
  };
}

/**
 * The floor: the least an honest event-sourced handler does for command i,
 * inline, on its own write side's database: the engine's one-row stream
 * load, one JSON.parse, a fold with the domain's own evolve, its decide,
 * then one transaction with the two inserts (the event, and the commandId
 * with the result). `close` frees its statements.
 */
function floorCommands(side: WriteSide): { block: Block; close(): void } {
  const db = side.db.db;
  const [loadWhole] = side.store.loadStatements;
  const loadStream = db.prepare(loadWhole);
  const insertEvent = db.prepare(EVENT_INSERT);
  const insertCmd = db.prepare('INSERT INTO processed_commands (command_id, command_type, result, recorded_at) VALUES (?,?,?,?)');
  const begin = db.prepare('BEGIN');
  const commit = db.prepare('COMMIT');
  const { decide, evolve, initialState } = banking.aggregates[0]!.decider;
  let head = side.store.head;
  const block: Block = (from, to) => {
    for (let i = from; i < to; i++) {
      const commandId = `bench-${i}`;
      const accountId = `${i % ACCOUNTS}`;
      const streamId = `account-${accountId}`;
      loadStream.bind([streamId]);
      loadStream.step();
      const row = loadStream.get();
      loadStream.reset();
      const payloads = JSON.parse(`[${row[0] as string}]`) as Record<string, unknown>[];
      const types = (row[1] as string).split(',');
      let state = initialState;
      for (let k = 0; k < payloads.length; k++) state = evolve(state, { type: types[k]!, data: payloads[k]! });
      const version = row[3] as number;
      const decision = decide({ type: 'Deposit', data: { accountId, amountCents: 5 } }, state);
      if (!Array.isArray(decision)) throw new Error('unexpected rejection');
      const event = decision[0]!;
      begin.run();
      const result = {
        ok: true,
        commandId,
        commandType: 'Deposit',
        correlationId: commandId,
        ids: { accountId },
        streams: [{ streamId, version: version + 1 }],
        consistencyToken: head + 1,
        duplicate: false,
        attempts: 1,
      };
      insertCmd.run([commandId, 'Deposit', JSON.stringify(result), i]);
      insertEvent.run([++head, streamId, version + 1, event.type, 1, JSON.stringify(event.data), commandId, commandId, commandId, null, i]);
      commit.run();
    }
  };
  return { block, close: () => [loadStream, insertEvent, insertCmd, begin, commit].forEach((st) => st.free()) };
}

/**
 * `command` (informational): the write side against a loop of one transaction
 * with two inserts per command, storing a result of the same size. That loop
 * never reads a stream, which every honest command must, so it is no target:
 * `command-floor` is.
 */
function commandMeasurement(name: string, rawDefaults: boolean): Measurement {
  return {
    name,
    async run() {
      const ws = commandWriteSide();
      const oursBlock = writeSideCommands(ws, depositPayloads());

      // Raw: one transaction with two inserts per command.
      const db = rawEventsDb(rawDefaults);
      const insertEvent = db.prepare(EVENT_INSERT);
      const insertCmd = db.prepare('INSERT INTO processed_commands (command_id, command_type, result, recorded_at) VALUES (?,?,?,?)');
      const begin = db.prepare('BEGIN');
      const commit = db.prepare('COMMIT');
      const rawBlock: Block = (from, to) => {
        for (let i = from; i < to; i++) {
          begin.run();
          insertEvent.run([
            i + 1,
            `account-${i % ACCOUNTS}`,
            Math.floor(i / ACCOUNTS) + 1,
            'MoneyDeposited',
            1,
            JSON.stringify({ accountId: `${i % ACCOUNTS}`, amountCents: 5 }),
            `bench-${i}`,
            `bench-${i}`,
            `bench-${i}`,
            null,
            i,
          ]);
          // The idempotency record stores the command's result, as the engine's does.
          const result = {
            ok: true,
            commandId: `bench-${i}`,
            commandType: 'Deposit',
            correlationId: `bench-${i}`,
            ids: { accountId: `${i % ACCOUNTS}` },
            streams: [{ streamId: `account-${i % ACCOUNTS}`, version: Math.floor(i / ACCOUNTS) + 1 }],
            consistencyToken: i + 1,
            duplicate: false,
            attempts: 1,
          };
          insertCmd.run([`bench-${i}`, 'Deposit', JSON.stringify(result), i]);
          commit.run();
        }
      };

      const [oursMs, rawMs] = await interleaved(oursBlock, rawBlock);
      const ours = COMMANDS / (oursMs / 1000);
      const raw = COMMANDS / (rawMs / 1000);
      ws.close();
      for (const s of [insertEvent, insertCmd, begin, commit]) s.free();
      db.close();
      return rawDefaults
        ? { ours, raw, note: 'raw with sql.js defaults (journal file, normal locking) as in part 1: informational' }
        : { ours, raw, note: 'informational: the raw loop never loads a stream (the target is command-floor)' };
    },
  };
}
const command = commandMeasurement('command', false);
const commandVsDefaultRaw = commandMeasurement('command-vs-default-raw', true);

// ── command-floor: the engine's write side against the least an honest handler must do ──
const commandFloor: Measurement = {
  name: 'command-floor',
  target: 0.8,
  async run() {
    const ws = commandWriteSide();
    const engineBlock = writeSideCommands(ws, depositPayloads());
    const floorSide = commandWriteSide();
    const floor = floorCommands(floorSide);
    const [engineMs, floorMs] = await interleaved(engineBlock, floor.block);
    floor.close();
    ws.close();
    floorSide.close();
    return {
      ours: COMMANDS / (engineMs / 1000),
      raw: COMMANDS / (floorMs / 1000),
      labels: ['engine', 'floor'],
      note: 'commands/s: the write side (load + append) vs an inline loop doing only the load, fold, decide and two inserts',
    };
  },
};

// ── command-engine: engine.execute end to end against the same floor ────
const commandEngine: Measurement = {
  name: 'command-engine',
  async run() {
    // Through the coordinator (validation, scheduler, virtual clock, trace, results), no read side.
    const engine = createEngine({
      sql: SQL,
      domain: noProjections,
      seed: 1,
      settings: { costs: { commandMs: 0, projectMs: 0, queryMs: 0 } },
    });
    // The same start as the floor's: every account opened, then 3 deposits (4 events per stream).
    for (let a = 0; a < ACCOUNTS; a++)
      engine.submit({ kind: 'command', command: { type: 'OpenAccount', data: { accountId: `${a}`, owner: 'O', overdraftLimitCents: 0 } } });
    for (let i = 0; i < ACCOUNTS * 3; i++)
      engine.submit({ kind: 'command', command: { type: 'Deposit', data: { accountId: `${i % ACCOUNTS}`, amountCents: 5 } } });
    await engine.runUntilIdle();
    const engineBlock = async (from: number, to: number): Promise<void> => {
      for (let i = from; i < to; i++) {
        const result = await engine.execute({ type: 'Deposit', data: { accountId: `${i % ACCOUNTS}`, amountCents: 5 } });
        if (!result.ok) throw new Error('unexpected rejection');
      }
    };
    const floorSide = commandWriteSide();
    const floor = floorCommands(floorSide);
    const [engineMs, floorMs] = await interleaved(engineBlock, floor.block);
    floor.close();
    floorSide.close();
    engine.close();
    return {
      ours: COMMANDS / (engineMs / 1000),
      raw: COMMANDS / (floorMs / 1000),
      labels: ['engine', 'floor'],
      note: 'commands/s: engine.execute end to end (coordinator, trace) vs the command-floor loop (informational)',
    };
  },
};

// ── append ──────────────────────────────────────────────────────────────
const APPENDS = 50_000;
const APPEND_BATCH = 100;
const append: Measurement = {
  name: 'append',
  async run() {
    const make = (i: number) =>
      envelope(i + 1, `s-${i % 1000}`, Math.floor(i / 1000) + 1, 'MoneyDeposited', { accountId: `${i % 1000}`, amountCents: 5 });
    const pending = Array.from({ length: APPENDS }, (_, i) => make(i));
    const ws = new WriteSide(SQL, banking);
    const store = ws.store;
    const t0 = now();
    for (let i = 0; i < APPENDS; i += APPEND_BATCH) {
      const batch = pending.slice(i, i + APPEND_BATCH);
      store.sql.transaction(() => store.committed(store.insert(batch)));
    }
    const ours = APPENDS / ((now() - t0) / 1000);
    ws.close();

    const db = rawEventsDb();
    const ins = db.prepare(EVENT_INSERT);
    const t1 = now();
    for (let i = 0; i < APPENDS; i += APPEND_BATCH) {
      db.run('BEGIN');
      for (let j = i; j < i + APPEND_BATCH; j++) {
        const e = pending[j]!;
        const m = e.metadata;
        ins.run([
          j + 1,
          e.streamId,
          e.version,
          e.type,
          1,
          JSON.stringify(e.data),
          m.commandId,
          m.correlationId,
          m.causationId,
          null,
          m.recordedAt,
        ]);
      }
      db.run('COMMIT');
    }
    const raw = APPENDS / ((now() - t1) / 1000);
    ins.free();
    db.close();
    return { ours, raw };
  },
};

// ── rebuild ─────────────────────────────────────────────────────────────
const REBUILD_EVENTS = 100_000;
const REBUILD_ACCOUNTS = 1000;
let rebuildSource: WriteSide | undefined;
function rebuildWriteSide(): WriteSide {
  if (!rebuildSource) {
    rebuildSource = new WriteSide(SQL, balanceOnly);
    fillWriteSide(rebuildSource, REBUILD_ACCOUNTS, REBUILD_EVENTS);
  }
  return rebuildSource;
}

/** The engine's rebuild of the balance projection from `ws`: read the log in batches, apply into a fresh store with checkpoints, swap. Ms. */
async function engineRebuild(ws: WriteSide, batchSize: number): Promise<number> {
  const rs = new ReadSide(SQL, balanceOnly);
  const engine = createEngine({
    domain: balanceOnly,
    seed: 1,
    write: ws,
    read: rs,
    settings: { costs: { commandMs: 0, projectMs: 0, queryMs: 0 }, projection: { replayBatchSize: batchSize } },
  });
  const t0 = now();
  engine.controlProjection('rebuild', 'balance');
  await engine.runUntilIdle();
  const ms = now() - t0;
  if (rs.runner('balance').watermark !== ws.store.head) throw new Error('rebuild did not reach the head');
  rs.close();
  return ms;
}

/** The raw rebuild: the same rows, JSON.parse and the same upserts, one transaction per `batchSize` events. Ms. */
function rawRebuild(ws: WriteSide, batchSize: number): number {
  const target = rawDb();
  for (const ddl of balanceDef.schema) target.run(ddl);
  const select = ws.db.db.prepare(
    'SELECT stream_id, event_type, payload, recorded_at, position FROM events WHERE position >= ? ORDER BY position LIMIT ?',
  );
  const open = target.prepare(
    'INSERT INTO account_balances (account_id, owner, balance_cents, overdraft_limit_cents, movements, updated_at) VALUES (?, ?, 0, ?, 0, ?) ON CONFLICT (account_id) DO NOTHING',
  );
  const move = target.prepare(
    'UPDATE account_balances SET balance_cents = balance_cents + ?, movements = movements + 1, updated_at = ? WHERE account_id = ?',
  );
  const t0 = now();
  let from = 1;
  for (;;) {
    select.bind([from, batchSize]);
    const rows: (string | number)[][] = [];
    while (select.step()) rows.push(select.get() as (string | number)[]);
    select.reset();
    if (rows.length === 0) break;
    target.run('BEGIN');
    for (const r of rows) {
      const d = JSON.parse(r[2] as string) as Record<string, string | number>;
      if (r[1] === 'AccountOpened') open.run([d['accountId']!, d['owner']!, d['overdraftLimitCents']!, r[3]!]);
      else move.run([d['amountCents']!, r[3]!, d['accountId']!]);
    }
    target.run('COMMIT');
    from = (rows[rows.length - 1]![4] as number) + 1;
  }
  const ms = now() - t0;
  for (const st of [select, open, move]) st.free();
  target.close();
  return ms;
}

function rebuildMeasurement(name: string, batchSize: number, group?: string): Measurement {
  return {
    name,
    ...(group ? { group } : {}),
    async run() {
      const ws = rebuildWriteSide();
      const ours = REBUILD_EVENTS / ((await engineRebuild(ws, batchSize)) / 1000);
      const raw = REBUILD_EVENTS / (rawRebuild(ws, batchSize) / 1000);
      return { ours, raw, note: `events/s, ${REBUILD_EVENTS} events, batches of ${batchSize} on both sides` };
    },
  };
}
const rebuild = rebuildMeasurement('rebuild', 1000);
/** The rebuild's batch size (settings.projection.replayBatchSize), swept; the raw side uses the same transaction size. */
const REBUILD_BATCH_SWEEP = [10, 50, 100, 500, 1000, 2000];
const rebuildSweep = REBUILD_BATCH_SWEEP.map((size) => rebuildMeasurement(`rebuild-batch-${size}`, size, 'sweep'));

// ── project: steady state through the bus at zero latency ───────────────
const PROJECT_COMMANDS = 6000;
const project: Measurement = {
  name: 'project',
  async run() {
    // Ours: the balance projection is paused (an outage) while the commands
    // run, so the bus holds every delivery; the timed part is resume → the
    // bus hands the deliveries over → batches of 50 applied with their
    // checkpoints and trace records, until the projection is at the head.
    const engine = createEngine({
      sql: SQL,
      domain: balanceOnly,
      seed: 1,
      settings: { bus: { latencyMs: 0, jitterMs: 0 }, costs: { commandMs: 0, projectMs: 0, queryMs: 0 } },
    });
    for (let a = 0; a < ACCOUNTS; a++)
      engine.submit({ kind: 'command', command: { type: 'OpenAccount', data: { accountId: `${a}`, owner: 'O', overdraftLimitCents: 0 } } });
    await engine.runUntilIdle();
    engine.controlProjection('pause', 'balance');
    for (let i = 0; i < PROJECT_COMMANDS; i += 50) {
      for (let j = i; j < i + 50; j++)
        engine.submit({ kind: 'command', command: { type: 'Deposit', data: { accountId: `${j % ACCOUNTS}`, amountCents: 3 } } });
      await engine.runUntilIdle();
    }
    const t0 = now();
    engine.controlProjection('resume', 'balance');
    await engine.runUntilIdle();
    const ours = PROJECT_COMMANDS / ((now() - t0) / 1000);
    if (engine.projectionInfo('balance').lagEvents !== 0) throw new Error('projection did not catch up');
    engine.close();

    // Raw: the same upserts in transactions of the live batch size.
    const target = rawDb();
    for (const ddl of balanceDef.schema) target.run(ddl);
    const open = target.prepare(
      'INSERT INTO account_balances (account_id, owner, balance_cents, overdraft_limit_cents, movements, updated_at) VALUES (?, ?, 0, ?, 0, ?) ON CONFLICT (account_id) DO NOTHING',
    );
    const move = target.prepare(
      'UPDATE account_balances SET balance_cents = balance_cents + ?, movements = movements + 1, updated_at = ? WHERE account_id = ?',
    );
    for (let a = 0; a < ACCOUNTS; a++) open.run([`${a}`, 'O', 0, 0]);
    const payloads = Array.from({ length: PROJECT_COMMANDS }, (_, i) => JSON.stringify({ accountId: `${i % ACCOUNTS}`, amountCents: 3 }));
    const t1 = now();
    for (let i = 0; i < PROJECT_COMMANDS; i += 50) {
      target.run('BEGIN');
      for (let j = i; j < i + 50; j++) {
        const d = JSON.parse(payloads[j]!) as Record<string, string | number>;
        move.run([d['amountCents']!, j, d['accountId']!]);
      }
      target.run('COMMIT');
    }
    const raw = PROJECT_COMMANDS / ((now() - t1) / 1000);
    open.free();
    move.free();
    target.close();
    return { ours, raw, note: 'events/s: bus delivery + live batches of 50 with checkpoint and trace' };
  },
};

// ── load: one row per stream (group_concat) vs row by row ───────────────
const LOADS = 20_000;
const load: Measurement = {
  name: 'load',
  async run() {
    const ws = new WriteSide(SQL, banking);
    fillWriteSide(ws, ACCOUNTS, ACCOUNTS * 10);
    const store = ws.store;
    const t0 = now();
    for (let i = 0; i < LOADS; i++) store.loadStream(`account-${i % ACCOUNTS}`);
    const ours = LOADS / ((now() - t0) / 1000);
    const t1 = now();
    for (let i = 0; i < LOADS; i++) store.loadStreamByRows(`account-${i % ACCOUNTS}`);
    const raw = LOADS / ((now() - t1) / 1000);
    ws.close();
    return {
      ours,
      raw,
      labels: ['oneRow', 'byRow'],
      note: 'loads/s of 10-event streams: payloads joined by SQLite and parsed once, vs one row and one JSON.parse per event',
    };
  },
};

// ── snapshot-load: a 10,000-event stream ───────────────────────────────
const LONG_STREAM = 10_000;
const SNAPSHOT_EVERY = 100;
const snapshotLoad: Measurement = {
  name: 'snapshot-load',
  async run() {
    const ws = new WriteSide(SQL, balanceOnly);
    fillWriteSide(ws, 1, LONG_STREAM);
    const policy = { every: SNAPSHOT_EVERY, stateVersions: {} };
    const deposit = (i: number, snapshots?: typeof policy): void => {
      const data = { accountId: '0', amountCents: 1 };
      const loaded = ws.load({ commandId: `s-${i}`, commandType: 'Deposit', data, idempotency: true, ...(snapshots ? { snapshots } : {}) });
      if (loaded.kind !== 'loaded') throw new Error('unexpected duplicate');
      const out = ws.append({
        commandId: `s-${i}`,
        commandType: 'Deposit',
        data,
        correlationId: `s-${i}`,
        at: i,
        idempotency: true,
        loaded: loaded.streams,
        attempts: 1,
        ...(snapshots ? { snapshots } : {}),
      });
      if (out.kind !== 'appended') throw new Error(`unexpected ${out.kind}`);
    };
    // The engine takes the snapshot (its first append past N events), then half a period of tail.
    deposit(0, policy);
    for (let i = 1; i <= SNAPSHOT_EVERY / 2; i++) deposit(i);
    const snapshotted = ws.store.latestSnapshot('account-0');
    if (!snapshotted) throw new Error('no snapshot taken');
    const req = { commandId: 'x', commandType: 'Deposit', data: { accountId: '0', amountCents: 1 }, idempotency: true };
    const loads = 400;
    const t0 = now();
    for (let i = 0; i < loads; i++) {
      const l = ws.load({ ...req, snapshots: policy });
      if (l.kind !== 'loaded' || l.streams[0]!.eventsFolded !== SNAPSHOT_EVERY / 2) throw new Error('expected snapshot + tail');
    }
    const ours = loads / ((now() - t0) / 1000);
    const fullLoads = 40;
    const t1 = now();
    for (let i = 0; i < fullLoads; i++) ws.load(req);
    const raw = fullLoads / ((now() - t1) / 1000);
    ws.close();
    return {
      ours,
      raw,
      labels: ['snapshot', 'full'],
      note: `loads/s of a ${LONG_STREAM}-event stream: snapshot every ${SNAPSHOT_EVERY} + ${SNAPSHOT_EVERY / 2}-event tail vs folding every event`,
    };
  },
};

// ── sync-vs-async: command latency with synchronous projections ─────────
const LATENCY_COMMANDS = 2000;
/** µs per engine.execute of a Deposit (banking: balance + statement projections, virtual costs 0). */
async function commandLatency(settings: SettingsPatch): Promise<number> {
  const engine = createEngine({
    sql: SQL,
    domain: banking,
    seed: 1,
    settings: { costs: { commandMs: 0, projectMs: 0, queryMs: 0 }, ...settings },
  });
  for (let a = 0; a < ACCOUNTS; a++)
    engine.submit({ kind: 'command', command: { type: 'OpenAccount', data: { accountId: `${a}`, owner: 'O', overdraftLimitCents: 0 } } });
  await engine.runUntilIdle();
  const t0 = now();
  for (let i = 0; i < LATENCY_COMMANDS; i++)
    await engine.execute({ type: 'Deposit', data: { accountId: `${i % ACCOUNTS}`, amountCents: 5 } });
  const perCommand = ((now() - t0) * 1000) / LATENCY_COMMANDS;
  await engine.runUntilIdle();
  engine.close();
  return perCommand;
}
// Async: the bus delivers long after the command returned, so the projections' work is not in its latency.
const ASYNC: SettingsPatch = { bus: { latencyMs: 60_000, jitterMs: 0 } };
const syncVsAsync: Measurement = {
  name: 'sync-vs-async',
  async run() {
    const asyncUs = await commandLatency(ASYNC);
    // Sync: both projections in their own stores, updated before the command returns.
    const syncUs = await commandLatency({ separationLevel: 3, sync: { mode: 'sync' } });
    return {
      ours: syncUs,
      raw: asyncUs,
      labels: ['sync', 'async'],
      unit: 'µs',
      note: 'µs per engine.execute (banking, 2 projections); ratio = sync / async latency',
    };
  },
};
// Level 1: the same projections in the event store's database, inside the command's transaction.
const syncLevel1: Measurement = {
  name: 'sync-level1-vs-async',
  async run() {
    const asyncUs = await commandLatency(ASYNC);
    const syncUs = await commandLatency({ separationLevel: 1, sync: { mode: 'sync' } });
    return {
      ours: syncUs,
      raw: asyncUs,
      labels: ['sync-level1', 'async'],
      unit: 'µs',
      note: 'µs per engine.execute, projections inside the command transaction (informational)',
    };
  },
};

export const MEASUREMENTS: Measurement[] = [
  command,
  commandVsDefaultRaw,
  commandFloor,
  commandEngine,
  append,
  rebuild,
  ...rebuildSweep,
  project,
  load,
  snapshotLoad,
  syncVsAsync,
  syncLevel1,
];

function fmt(n: number): string {
  return n >= 100 ? String(Math.round(n)) : n.toFixed(1);
}
const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);

// ── scale: rebuild time and memory from 1k to 1M events ─────────────────
/**
 * One line per size: the event store filled with `events` events (1,000
 * accounts), then the engine's rebuild of the balance projection (batches of
 * 1,000), once per size (1M takes a while). µs per event at each size shows a
 * cost that grows faster than linear; memory is read after a full GC with
 * the event store and the rebuilt projection still open: the JS heap, the
 * process's RSS, the event store's own pages (page_count × page_size), and
 * array buffers, where sql.js keeps its database files (its in-memory file
 * system). sql.js's wasm memory (SQLite's page cache and working memory) is
 * in RSS only: it grows to the most the process has needed and is never
 * given back, so RSS only ever rises from one size to the next.
 */
const SCALE_SIZES = (process.env['BENCH_SCALE'] ?? '1000,10000,100000,1000000').split(',').map(Number);
async function scaleLine(events: number): Promise<{ line: string; usPerEvent: number }> {
  gc();
  const t0 = now();
  const ws = new WriteSide(SQL, balanceOnly);
  fillWriteSide(ws, REBUILD_ACCOUNTS, events);
  const fillMs = now() - t0;
  const rs = new ReadSide(SQL, balanceOnly);
  const engine = createEngine({
    domain: balanceOnly,
    seed: 1,
    write: ws,
    read: rs,
    settings: { costs: { commandMs: 0, projectMs: 0, queryMs: 0 }, projection: { replayBatchSize: 1000 } },
  });
  const t1 = now();
  engine.controlProjection('rebuild', 'balance');
  await engine.runUntilIdle();
  const rebuildMs = now() - t1;
  if (rs.runner('balance').watermark !== events) throw new Error('rebuild did not reach the head');
  gc();
  const memory = process.memoryUsage();
  const pages = ws.db.get('PRAGMA page_count')!['page_count'] as number;
  const pageSize = ws.db.get('PRAGMA page_size')!['page_size'] as number;
  engine.close();
  ws.close();
  rs.close();
  const usPerEvent = (rebuildMs * 1000) / events;
  const line =
    `scale: events=${events} rebuild=${fmt(rebuildMs)}ms µs/event=${usPerEvent.toFixed(2)} ` +
    `(fill µs/event=${((fillMs * 1000) / events).toFixed(2)}) heapUsed=${mb(memory.heapUsed)}MB rss=${mb(memory.rss)}MB ` +
    `eventStore=${mb(pages * pageSize)}MB arrayBuffers(sql.js files)=${mb(memory.arrayBuffers)}MB`;
  return { line, usPerEvent };
}

function runFilter(m: { name: string; group?: string }): boolean {
  return !only || only.includes(m.name) || (m.group !== undefined && only.includes(m.group));
}
const only = process.env['BENCH_ONLY']?.split(',');

async function main(): Promise<void> {
  const started = now();
  for (const m of MEASUREMENTS.filter(runFilter)) {
    const results: Result[] = [];
    for (let i = 0; i < REPS; i++) {
      gc();
      results.push(await m.run());
    }
    const ours = median(results.map((r) => r.ours));
    const note = results[0]?.note;
    const [a, b] = results[0]?.labels ?? ['ours', 'raw'];
    const unit = results[0]?.unit ?? '/s';
    const paired = results.filter((r): r is Result & { raw: number } => r.raw !== undefined);
    if (paired.length > 0) {
      // The ratio is the median of each repetition's own ratio: its two sides ran interleaved, under the same load.
      const raw = median(paired.map((r) => r.raw));
      const ratio = median(paired.map((r) => r.ours / r.raw));
      const verdict = m.target === undefined ? '' : ` target≥${m.target.toFixed(2)} ${ratio >= m.target ? 'met' : 'MISSED'}`;
      console.log(
        `${m.name}: ${a}=${fmt(ours)}${unit} ${b}=${fmt(raw)}${unit} ratio=${ratio.toFixed(2)}${verdict}${note ? `  # ${note}` : ''}`,
      );
    } else {
      console.log(`${m.name}: ours=${fmt(ours)}${unit}${note ? `  # ${note}` : ''}`);
    }
  }
  rebuildSource?.close();
  rebuildSource = undefined;
  if (runFilter({ name: 'scale' })) {
    // A first, discarded round compiles the code, or the smallest size would measure the JIT.
    await scaleLine(SCALE_SIZES[0]!);
    // Each size against the one before: 1.00 is linear, above it the cost per event grows with the log.
    // (At the smallest sizes a rebuild's fixed cost, a fresh store and the swap, dominates its µs/event.)
    let previous: number | undefined;
    for (const events of SCALE_SIZES) {
      const { line, usPerEvent } = await scaleLine(events);
      console.log(previous === undefined ? line : `${line} µs/event vs previous size=${(usPerEvent / previous).toFixed(2)}×`);
      previous = usPerEvent;
    }
  }
  console.log(`# ${REPS} repetitions per side, median; total ${((now() - started) / 1000).toFixed(1)}s`);
}

if (import.meta.main) await main();
