// The architecture picture's model, checked against a real engine: the
// tokens on the bus are the deliveries the scheduler holds, statuses and
// positions are the engine's own, windows are the engine's metrics.
import { describe, expect, it } from 'vitest';
import initSqlJs from 'sql.js';
import { commerce } from '../../../../src/domain/index.ts';
import {
  createEngine,
  consistencyWindows,
  DEFAULT_SETTINGS,
  applySettingsPatch,
  type Engine,
  type SettingsPatch,
  type TraceRecord,
} from '../../../../src/engine/index.ts';
import { ArchitectureModel, architectureAt, type ArchitectureFrame, type BusToken } from '../../../../src/worker/views/architecture.ts';

const sql = await initSqlJs();
const names = commerce.projections.map((p) => p.name);

/** A real engine run and a model fed with every record of its trace. */
function harness(settings: SettingsPatch, options: { tokenCap?: number } = {}) {
  const engine = createEngine({ sql, domain: commerce, seed: 11, settings });
  const records: TraceRecord[] = [];
  engine.onTrace((r) => records.push(r));
  const frame = (): ArchitectureFrame => {
    const model = new ArchitectureModel({
      domain: commerce,
      settings: applySettingsPatch(DEFAULT_SETTINGS, settings, names),
      ...(options.tokenCap ? { tokenCap: options.tokenCap } : {}),
    });
    for (const r of records) model.add(r);
    return model.frame(engine.now);
  };
  return { engine, records, frame };
}

const addProduct = (e: Engine, sku: string, stock = 100) =>
  e.execute({ type: 'AddProduct', data: { sku, name: `Product ${sku}`, priceCents: 100, stock } }, { sessionId: 'alice' });
const order = (e: Engine, i: number, sku = i % 2 ? 'KB' : 'MS') =>
  e.submit({
    kind: 'command',
    command: { type: 'PlaceOrder', data: { orderId: `o${i}`, customerId: `c${i % 3}`, sku, quantity: 1 } },
    sessionId: i % 2 ? 'alice' : 'bob',
  });

/** What the scheduler will deliver, as sorted arrival times. */
function scheduledDeliveries(e: Engine): number[] {
  return e.scheduler
    .peekLabels(1e9)
    .filter((l) => l.endsWith(':deliver'))
    .map((l) => Number(l.split(':')[0]))
    .sort((a, b) => a - b);
}
const inFlightTokens = (f: ArchitectureFrame): BusToken[] => f.bus.lanes.flatMap((l) => l.tokens.filter((t) => t.kind !== 'held'));

describe('the bus', () => {
  it('draws one token per delivery the scheduler holds, arriving when it will, at every pause of a faulty run', async () => {
    const h = harness(
      { bus: { latencyMs: 80, jitterMs: 60, duplicateProbability: 0.3, dropProbability: 0.2, redeliveryMs: 50, reorder: true } },
      { tokenCap: 1e6 },
    );
    await addProduct(h.engine, 'KB');
    await addProduct(h.engine, 'MS');
    let checked = 0;
    for (let i = 0; i < 24; i++) {
      order(h.engine, i);
      await h.engine.advance(9);
      const f = h.frame();
      const expected = scheduledDeliveries(h.engine);
      expect(f.bus.inFlight).toBe(expected.length);
      expect(
        inFlightTokens(f)
          .map((t) => t.arriveAt)
          .sort((a, b) => a - b),
      ).toEqual(expected);
      if (expected.length > 0) checked++;
    }
    expect(checked).toBeGreaterThan(10);
    // Tokens of every fault were seen on the way.
    const kinds = new Set<string>();
    const model = new ArchitectureModel({
      domain: commerce,
      settings: applySettingsPatch(DEFAULT_SETTINGS, { bus: { reorder: true } }, names),
      tokenCap: 1e6,
    });
    for (const r of h.records) {
      model.add(r);
      for (const t of inFlightTokens(model.frame())) kinds.add(t.kind);
    }
    expect([...kinds].sort()).toEqual(['duplicate', 'normal', 'redelivery', 'reordered']);
    await h.engine.runUntilIdle();
    expect(h.frame().bus.inFlight).toBe(0);
  });

  it('shows a duplicate as a duplicate token that arrives after the original', async () => {
    const h = harness({ bus: { latencyMs: 100, jitterMs: 0, duplicateProbability: 1 } });
    await addProduct(h.engine, 'KB');
    order(h.engine, 1);
    await h.engine.advance(10);
    const lane = h.frame().bus.lanes.find((l) => l.subscriber === 'catalogue')!;
    const pos = Math.max(...lane.tokens.map((t) => t.position));
    const copies = lane.tokens.filter((t) => t.position === pos);
    expect(copies.map((t) => t.kind).sort()).toEqual(['duplicate', 'normal']);
    const [dup, orig] = [copies.find((t) => t.kind === 'duplicate')!, copies.find((t) => t.kind === 'normal')!];
    expect(dup.arriveAt).toBeGreaterThan(orig.arriveAt);
    expect(dup.eventType).toBe('OrderPlaced');
  });

  it('marks as reordered exactly the deliveries that overtake an earlier event still in flight', async () => {
    const h = harness({ bus: { latencyMs: 20, jitterMs: 200, reorder: true } }, { tokenCap: 1e6 });
    await addProduct(h.engine, 'KB');
    await addProduct(h.engine, 'MS');
    for (let i = 0; i < 10; i++) {
      order(h.engine, i);
      await h.engine.advance(4);
    }
    const f = h.frame();
    let reordered = 0;
    for (const lane of f.bus.lanes) {
      const tokens = lane.tokens.filter((t) => t.kind !== 'held');
      for (const t of tokens) {
        // A first delivery overtakes when an event published before it arrives later.
        const overtakes = tokens.some(
          (o) => o.kind !== 'duplicate' && o.publishedAt <= t.publishedAt && o.position < t.position && o.arriveAt > t.arriveAt,
        );
        if (t.kind === 'reordered') reordered++;
        if (t.kind === 'reordered' || t.kind === 'normal') expect(t.kind === 'reordered').toBe(overtakes);
      }
    }
    expect(reordered).toBeGreaterThan(0);
  });

  it('aggregates beyond the cap into a flow that keeps the count, and keeps the unusual tokens visible', async () => {
    const h = harness({ bus: { latencyMs: 2000, jitterMs: 0, duplicateProbability: 0.1 } }, { tokenCap: 5 });
    await addProduct(h.engine, 'KB', 1000);
    for (let i = 0; i < 40; i++) {
      order(h.engine, i, 'KB');
      await h.engine.advance(20);
    }
    const f = h.frame();
    const lane = f.bus.lanes.find((l) => l.subscriber === 'catalogue')!;
    expect(lane.flow).not.toBeNull();
    expect(lane.flow!.count).toBe(lane.inFlight);
    expect(lane.inFlight).toBeGreaterThan(5);
    expect(lane.tokens.length).toBeLessThanOrEqual(5);
    expect(lane.tokens.every((t) => t.kind === 'duplicate')).toBe(true);
    expect(lane.flow!.shown).toBe(lane.tokens.length);
    expect(lane.flow!.ratePerSecond).toBeGreaterThan(0);
    expect(f.bus.inFlight).toBe(scheduledDeliveries(h.engine).length);
  });

  it('piles up a paused subscriber queue as the engine holds it, and empties it on resume', async () => {
    const h = harness({ bus: { latencyMs: 5, jitterMs: 0 } });
    await addProduct(h.engine, 'KB');
    h.engine.controlProjection('pause', 'catalogue');
    for (let i = 0; i < 5; i++) order(h.engine, i, 'KB');
    await h.engine.runUntilIdle();
    let f = h.frame();
    const info = h.engine.projectionInfo('catalogue');
    const lane = f.bus.lanes.find((l) => l.subscriber === 'catalogue')!;
    expect(info.heldByBus).toBeGreaterThan(2);
    expect(lane.pausedQueue).toBe(info.heldByBus);
    expect(f.projections.find((p) => p.name === 'catalogue')).toMatchObject({
      status: 'paused',
      heldByBus: info.heldByBus,
      lagEvents: info.lagEvents,
    });
    h.engine.controlProjection('resume', 'catalogue');
    await h.engine.runUntilIdle();
    f = h.frame();
    expect(f.bus.lanes.find((l) => l.subscriber === 'catalogue')!.pausedQueue).toBe(0);
    expect(f.projections.find((p) => p.name === 'catalogue')).toMatchObject({ status: 'live', lagEvents: 0, queue: 0 });
  });

  it('shows an event the projection holds for its predecessor as held, until it is applied', async () => {
    const h = harness({ bus: { latencyMs: 5, jitterMs: 300, reorder: true, orderedPartitions: false } }, { tokenCap: 1e6 });
    await addProduct(h.engine, 'KB');
    for (let i = 0; i < 12; i++) order(h.engine, i, 'KB');
    const model = new ArchitectureModel({
      domain: commerce,
      settings: applySettingsPatch(DEFAULT_SETTINGS, { bus: { reorder: true } }, names),
      tokenCap: 1e6,
    });
    let sawHeld = 0;
    h.engine.onTrace((r) => {
      model.add(r);
      if (r.type !== 'projection.held') return;
      const lane = model.frame().bus.lanes.find((l) => l.subscriber === r.projection)!;
      expect(lane.tokens.some((t) => t.kind === 'held' && t.position === r.position)).toBe(true);
      sawHeld++;
    });
    for (const r of h.records) model.add(r);
    await h.engine.runUntilIdle();
    expect(sawHeld).toBeGreaterThan(0);
    expect(model.frame().bus.lanes.every((l) => l.waiting === 0)).toBe(true);
  });

  it('follows the copy a drop names (trace addition 2), synthetic records', () => {
    const model = new ArchitectureModel({ domain: commerce, settings: DEFAULT_SETTINGS });
    const base = {
      type: 'bus.published',
      position: 1,
      streamId: 'product-KB',
      version: 1,
      eventType: 'ProductAdded',
      commandId: 'c1',
      subscribers: ['catalogue'],
      deliverAt: [30],
    } as const;
    const recs = [
      { seq: 1, at: 0, ...base },
      { seq: 2, at: 0, type: 'bus.duplicated', projection: 'catalogue', position: 1, deliverAt: 50 },
      { seq: 3, at: 50, type: 'bus.dropped', projection: 'catalogue', position: 1, attempt: 1, redeliverAt: 150, duplicate: true },
    ] as unknown as TraceRecord[];
    for (const r of recs) model.add(r);
    const tokens = model.frame(60).bus.lanes.find((l) => l.subscriber === 'catalogue')!.tokens;
    expect(tokens.map((t) => [t.kind, t.arriveAt, t.sentAt, t.attempt])).toEqual([
      ['normal', 30, 0, 1],
      ['duplicate', 150, 50, 2],
    ]);
  });
});

describe('projections, queries and the window', () => {
  it('carries a crashed projection with its reason, and matches the engine on position, lag and queue', async () => {
    const h = harness({ bus: { latencyMs: 10, jitterMs: 5 }, costs: { projectMs: 4 } });
    await addProduct(h.engine, 'KB');
    for (let i = 0; i < 6; i++) order(h.engine, i, 'KB');
    await h.engine.advance(15);
    let f = h.frame();
    for (const name of names) {
      const info = h.engine.projectionInfo(name);
      const p = f.projections.find((x) => x.name === name)!;
      expect(p, name).toMatchObject({ status: info.status, position: info.position, lagEvents: info.lagEvents, lagMs: info.lagMs });
      // The engine's inbox leaves out the batch being applied; the picture's queue keeps it until it is applied.
      expect(p.queue, name).toBeGreaterThanOrEqual(info.inbox);
      expect(p.queue, name).toBeLessThanOrEqual(info.inbox + 50);
    }
    expect(f.projections.some((p) => p.queue > 0)).toBe(true);
    h.engine.controlProjection('crash', 'catalogue');
    await h.engine.runUntilIdle();
    const crashed = h.records.filter((r) => r.type === 'projection.crashed');
    expect(crashed.length).toBe(1);
    f = h.frame();
    const p = f.projections.find((x) => x.name === 'catalogue')!;
    expect(p.status).toBe('crashed');
    expect(p.reason).toBe((crashed[0] as { reason: string }).reason);
    expect(p.reason).not.toBe('');
    expect(p.position).toBe(h.engine.projectionInfo('catalogue').position);
    h.engine.controlProjection('resume', 'catalogue');
    await h.engine.runUntilIdle();
    expect(h.frame().projections.find((x) => x.name === 'catalogue')).toMatchObject({ status: 'live', reason: null, lagEvents: 0 });
    expect(h.frame().projections.every((p) => p.queue === 0 && p.waiting === 0)).toBe(true);
  });

  it('shows a rebuild with its progress and a shadow build beside the live store', async () => {
    const h = harness({ projection: { replayBatchSize: 2 }, costs: { projectMs: 5 } });
    await addProduct(h.engine, 'KB');
    for (let i = 0; i < 8; i++) order(h.engine, i, 'KB');
    await h.engine.runUntilIdle();
    h.engine.controlProjection('rebuild', 'catalogue');
    await h.engine.advance(12);
    let p = h.frame().projections.find((x) => x.name === 'catalogue')!;
    expect(p.status).toBe('rebuilding');
    expect(p.rebuild!.headPosition).toBe(h.engine.headPosition);
    expect(p.rebuild!.position).toBeGreaterThan(0);
    await h.engine.runUntilIdle();
    h.engine.controlProjection('shadowRebuild', 'catalogue', 'withRevenue');
    await h.engine.advance(6);
    p = h.frame().projections.find((x) => x.name === 'catalogue')!;
    expect(p.shadow).toMatchObject({ variant: 'withRevenue', role: 'candidate' });
    await h.engine.runUntilIdle();
    expect(h.frame().projections.find((x) => x.name === 'catalogue')!.shadow).toMatchObject({
      caughtUp: true,
      position: h.engine.headPosition,
    });
  });

  it('labels answers fresh or stale with how far behind, and a diverged read model is never "fresh"', async () => {
    const h = harness({ bus: { latencyMs: 500, jitterMs: 0 } });
    await addProduct(h.engine, 'KB');
    await h.engine.runUntilIdle();
    await h.engine.query({ type: 'GetProduct', params: { sku: 'KB' } }, { sessionId: 'alice' });
    order(h.engine, 2, 'KB'); // bob's
    await h.engine.advance(20);
    await h.engine.query({ type: 'GetProduct', params: { sku: 'KB' } }, { sessionId: 'bob' });
    await h.engine.query({ type: 'GetProduct', params: { sku: 'KB' } }, { sessionId: 'bob', consistency: { strategy: 'readYourWrites' } });
    const f = h.frame();
    const [ryw, stale, fresh] = f.queries;
    expect(fresh).toMatchObject({ freshness: 'fresh', lagEvents: 0, sessionId: 'alice', projection: 'catalogue' });
    expect(stale).toMatchObject({ freshness: 'stale', lagEvents: 1, sessionId: 'bob', strategy: 'eventual', missesOwnWrite: true });
    expect(stale!.lagMs).toBeGreaterThan(0);
    expect(ryw).toMatchObject({ strategy: 'readYourWrites', freshness: 'fresh', lagEvents: 0, missesOwnWrite: false });
    expect(ryw!.waitedMs).toBeGreaterThan(0);
    expect(f.sessions.map((s) => s.sessionId)).toEqual(['bob', 'alice']);
    expect(f.sessions[0]!.recentQueries.map((q) => q.queryId)).toEqual([ryw!.queryId, stale!.queryId]);

    const model = new ArchitectureModel({
      domain: commerce,
      settings: applySettingsPatch(DEFAULT_SETTINGS, { bus: { latencyMs: 500, jitterMs: 0 } }, names),
    });
    for (const r of h.records) model.add(r);
    model.setDivergences([
      {
        projection: 'catalogue',
        subject: 'product KB',
        field: 'stock',
        readModel: 72,
        events: 61,
        cause: 'duplicate applied',
        checkedAt: 2,
      },
    ]);
    const d = model.frame();
    expect(d.queries.every((q) => q.freshness === 'diverged')).toBe(true);
    expect(d.projections.find((p) => p.name === 'catalogue')!.divergences).toEqual([
      expect.objectContaining({ readModel: 72, events: 61 }),
    ]);
    model.setDivergences([]);
    expect(model.frame().queries[2]!.freshness).toBe('fresh');
  });

  it('draws the consistency window of the latest (or a chosen) command, closing projection by projection as the engine measures', async () => {
    const h = harness({ bus: { latencyMs: 40, jitterMs: 30 }, costs: { projectMs: 3 } });
    await addProduct(h.engine, 'KB');
    order(h.engine, 1, 'KB');
    await h.engine.advance(3);
    let w = h.frame().window!;
    expect(w.commandType).toBe('PlaceOrder');
    expect(w.open).toBe(true);
    expect(w.legs.every((l) => l.closedAt === null)).toBe(true);
    await h.engine.runUntilIdle();
    const model = new ArchitectureModel({ domain: commerce, settings: DEFAULT_SETTINGS });
    for (const r of h.records) model.add(r);
    w = model.frame().window!;
    expect(w.open).toBe(false);
    const measured = consistencyWindows(h.records).filter((x) => x.commandId === w.commandId);
    expect(w.legs.map((l) => [l.projection, l.ms]).sort()).toEqual(measured.map((x) => [x.projection, x.windowMs]).sort());
    const first = h.records.find((r) => r.type === 'events.appended')!;
    model.focus((first as { commandId: string }).commandId);
    expect(model.frame().window).toMatchObject({
      commandId: (first as { commandId: string }).commandId,
      commandType: 'AddProduct',
      chosen: true,
    });
  });

  it('shows the command handler, the event store and the sessions', async () => {
    const h = harness({});
    await addProduct(h.engine, 'KB', 1);
    order(h.engine, 1, 'KB');
    order(h.engine, 2, 'KB');
    await h.engine.runUntilIdle();
    const f = h.frame();
    expect(f.commandHandler.inProgress).toBe(0);
    expect(f.commandHandler.recent.map((c) => [c.commandType, c.state, c.detail])).toEqual([
      ['PlaceOrder', 'rejected', 'OutOfStock'],
      ['PlaceOrder', 'completed', 'token 2'],
      ['AddProduct', 'completed', 'token 1'],
    ]);
    expect(f.eventStore.head).toBe(h.engine.headPosition);
    expect(f.eventStore.recentStreams).toEqual([{ streamId: 'product-KB', version: 2, at: expect.any(Number) }]);
    expect(f.readStores.map((s) => s.name)).toEqual(names);
  });
});

describe('scrubbing and cost', () => {
  it('gives the picture as it was at any record, equal to the live fold at that moment', async () => {
    const h = harness({ bus: { latencyMs: 30, jitterMs: 20, duplicateProbability: 0.2 } });
    await addProduct(h.engine, 'KB');
    for (let i = 0; i < 6; i++) order(h.engine, i, 'KB');
    const model = new ArchitectureModel({
      domain: commerce,
      settings: applySettingsPatch(DEFAULT_SETTINGS, { bus: { latencyMs: 30, jitterMs: 20, duplicateProbability: 0.2 } }, names),
    });
    const seen = new Map<number, string>();
    await h.engine.runUntilIdle();
    for (const r of h.records) {
      model.add(r);
      if (r.seq % 7 === 0) seen.set(r.seq, JSON.stringify(model.frame()));
    }
    const options = {
      domain: commerce,
      settings: applySettingsPatch(DEFAULT_SETTINGS, { bus: { latencyMs: 30, jitterMs: 20, duplicateProbability: 0.2 } }, names),
    };
    for (const [seq, json] of seen) expect(JSON.stringify(architectureAt(h.records, options, seq))).toBe(json);
  });

  it('keeps its memory bounded over a long run', async () => {
    const h = harness({ bus: { latencyMs: 5, jitterMs: 0 }, costs: { commandMs: 0, projectMs: 0 } });
    await addProduct(h.engine, 'KB', 100_000);
    for (let i = 0; i < 300; i++) {
      order(h.engine, i, 'KB');
      await h.engine.advance(1);
    }
    await h.engine.runUntilIdle();
    const f = h.frame();
    expect(f.commandHandler.recent.length).toBeLessThanOrEqual(6);
    expect(f.queries.length).toBeLessThanOrEqual(8);
    expect(f.sessions.length).toBeLessThanOrEqual(6);
    expect(f.eventStore.head).toBe(301);
    expect(f.bus.inFlight).toBe(0);
    expect(f.projections.every((p) => p.lagEvents === 0 && p.lagMs === 0)).toBe(true);
  });
});

describe('the command handler', () => {
  it('shows a command sent again with the same id as a second entry with its own key', async () => {
    const h = harness({ idempotency: false });
    await addProduct(h.engine, 'KB');
    const charge = { type: 'PlaceOrder', data: { orderId: 'o1', customerId: 'c1', sku: 'KB', quantity: 1 }, commandId: 'pay-1' };
    await h.engine.execute(charge);
    await h.engine.execute(charge);
    const recent = h.frame().commandHandler.recent.filter((c) => c.commandId === 'pay-1');
    expect(recent).toHaveLength(2);
    expect(new Set(recent.map((c) => c.key)).size).toBe(2);
  });
});
