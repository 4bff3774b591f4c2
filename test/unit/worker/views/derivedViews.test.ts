// The sandbox's views are pure functions of the engine's trace: checked here
// in Node against the engine's own metrics and against hand-made traces.
import { describe, expect, it } from 'vitest';
import initSqlJs from 'sql.js';
import { commerce } from '../../../../src/domain/index.ts';
import { createEngine, type Engine } from '../../../../src/engine/engine.ts';
import { consistencyWindows } from '../../../../src/engine/metrics.ts';
import type { TraceRecord } from '../../../../src/engine/vocabulary/trace.ts';
import { histogram, measureWindows, niceBinWidth } from '../../../../src/worker/views/consistencyWindow.ts';
import { checkGuarantees } from '../../../../src/worker/views/sessionGuarantees.ts';
import { commandStory, sequenceDiagramSource } from '../../../../src/worker/views/sequenceDiagram.ts';
import { WorldKeyframes, describeRecord, worldAt } from '../../../../src/worker/views/timeline.ts';
import { SessionObserver } from '../../../../src/worker/views/observer.ts';

const sql = await initSqlJs();

async function run(settings = {}): Promise<Engine> {
  const e = createEngine({ sql, domain: commerce, seed: 5, settings });
  await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 9 } }, { sessionId: 'a' });
  for (let i = 0; i < 6; i++) {
    e.submit({
      kind: 'command',
      command: { type: 'PlaceOrder', data: { orderId: `o${i}`, customerId: 'c', sku: 'KB', quantity: 1 } },
      sessionId: 'a',
    });
    await e.advance(7);
  }
  await e.query({ type: 'GetProduct', params: { sku: 'KB' } }, { sessionId: 'a' });
  await e.runUntilIdle();
  return e;
}

describe('consistency window', () => {
  it('measures the same windows as the engine metrics, folding one record at a time', async () => {
    const e = await run({ bus: { latencyMs: 40, jitterMs: 30, reorder: true }, costs: { projectMs: 2 } });
    const mine = measureWindows(commerce, e.trace).recent.map((w) => [w.commandId, w.projection, w.appendedAt, w.appliedAt, w.windowMs]);
    const theirs = consistencyWindows(e.trace).map((w) => [w.commandId, w.projection, w.appendedAt, w.appliedAt, w.windowMs]);
    expect(mine.length).toBeGreaterThan(10);
    expect([...mine].sort()).toEqual([...theirs].sort());
  });

  it('is at least the bus latency, and its percentiles come from the measured values', async () => {
    const e = await run({ bus: { latencyMs: 500, jitterMs: 0 } });
    const t = measureWindows(commerce, e.trace);
    const [all] = t.summaries();
    expect(all!.count).toBe(t.recent.length);
    expect(all!.min).toBeGreaterThanOrEqual(500);
    expect(all!.p50).toBeGreaterThanOrEqual(all!.min!);
    expect(all!.p99).toBeLessThanOrEqual(all!.max!);
    expect(all!.bins.reduce((n, b) => n + b.count, 0)).toBe(all!.count);
  });

  it('closes windows of events applied silently by a rebuild when the rebuilt store is swapped in', async () => {
    const e = createEngine({ sql, domain: commerce, seed: 1, settings: { bus: { latencyMs: 50 } } });
    e.controlProjection('pause', 'catalogue');
    await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 9 } });
    e.controlProjection('resume', 'catalogue');
    e.controlProjection('rebuild', 'catalogue');
    await e.runUntilIdle();
    const t = measureWindows(commerce, e.trace);
    expect(t.openCount).toBe(0);
    expect(t.recent.map((w) => w.projection)).toEqual(['catalogue']);
  });

  it('bins on round widths covering every value', () => {
    expect(niceBinWidth(0, 20)).toBe(1);
    expect(niceBinWidth(1000, 20)).toBe(50);
    expect(niceBinWidth(3000, 20)).toBe(200);
    const bins = histogram([120, 130, 149, 150, 260], 50);
    expect(bins).toEqual([
      { from: 100, to: 150, count: 3 },
      { from: 150, to: 200, count: 1 },
      { from: 200, to: 250, count: 0 },
      { from: 250, to: 300, count: 1 },
    ]);
  });
});

const rec = (seq: number, body: Record<string, unknown>): TraceRecord => ({ seq, at: seq, ...body }) as unknown as TraceRecord;

describe('session guarantees', () => {
  it('flags a read that misses the session’s own acknowledged write, naming the records that show it', () => {
    const trace = [
      rec(1, {
        type: 'command.completed',
        commandId: 'cmd-1',
        correlationId: 'cmd-1',
        sessionId: 'a',
        commandType: 'X',
        consistencyToken: 7,
        durationMs: 1,
        attempts: 1,
      }),
      rec(2, { type: 'query.received', queryId: 'q1', queryType: 'Q', projection: 'p', sessionId: 'a' }),
      rec(3, {
        type: 'query.executed',
        queryId: 'q1',
        queryType: 'Q',
        projection: 'p',
        position: 5,
        headPosition: 7,
        lagEvents: 2,
        lagMs: 3,
        sessionId: 'a',
      }),
      // Another session is not bound by a's writes.
      rec(4, { type: 'query.received', queryId: 'q2', queryType: 'Q', projection: 'p', sessionId: 'b' }),
      rec(5, {
        type: 'query.executed',
        queryId: 'q2',
        queryType: 'Q',
        projection: 'p',
        position: 5,
        headPosition: 7,
        lagEvents: 2,
        lagMs: 3,
        sessionId: 'b',
      }),
    ];
    const c = checkGuarantees(trace);
    expect(c.violations).toEqual([
      {
        kind: 'read-your-writes',
        sessionId: 'a',
        queryId: 'q1',
        queryType: 'Q',
        projection: 'p',
        position: 5,
        expected: 7,
        commandId: 'cmd-1',
        at: 3,
        seq: 3,
        causeSeq: 1,
      },
    ]);
    expect(c.stats).toMatchObject({ queries: 2, stale: 2, readYourWrites: 1, monotonicReads: 0 });
  });

  it('flags a read older than one the session already got, but not a query sent before the write was acknowledged', () => {
    const trace = [
      rec(1, { type: 'query.received', queryId: 'q1', queryType: 'Q', projection: 'fast', sessionId: 'a' }),
      rec(2, { type: 'query.received', queryId: 'q0', queryType: 'Q', projection: 'slow', sessionId: 'a' }),
      rec(3, {
        type: 'command.completed',
        commandId: 'cmd-1',
        correlationId: 'cmd-1',
        sessionId: 'a',
        commandType: 'X',
        consistencyToken: 9,
        durationMs: 1,
        attempts: 1,
      }),
      rec(4, {
        type: 'query.executed',
        queryId: 'q1',
        queryType: 'Q',
        projection: 'fast',
        position: 9,
        headPosition: 9,
        lagEvents: 0,
        lagMs: 0,
        sessionId: 'a',
      }),
      // q0 was sent before the write was acknowledged and before q1 answered: concurrent, not a violation.
      rec(5, {
        type: 'query.executed',
        queryId: 'q0',
        queryType: 'Q',
        projection: 'slow',
        position: 4,
        headPosition: 9,
        lagEvents: 5,
        lagMs: 2,
        sessionId: 'a',
      }),
      rec(6, { type: 'query.received', queryId: 'q2', queryType: 'Q', projection: 'slow', sessionId: 'a' }),
      rec(7, {
        type: 'query.executed',
        queryId: 'q2',
        queryType: 'Q',
        projection: 'slow',
        position: 8,
        headPosition: 9,
        lagEvents: 1,
        lagMs: 2,
        sessionId: 'a',
      }),
    ];
    const c = checkGuarantees(trace);
    // q2 is below the token (9): read-your-writes takes precedence over monotonic reads.
    expect(c.violations.map((v) => [v.kind, v.queryId, v.causeSeq])).toEqual([['read-your-writes', 'q2', 3]]);
    const mono = checkGuarantees([
      rec(1, { type: 'query.received', queryId: 'q1', queryType: 'Q', projection: 'fast', sessionId: 'a' }),
      rec(2, {
        type: 'query.executed',
        queryId: 'q1',
        queryType: 'Q',
        projection: 'fast',
        position: 9,
        headPosition: 9,
        lagEvents: 0,
        lagMs: 0,
        sessionId: 'a',
      }),
      rec(3, { type: 'query.received', queryId: 'q2', queryType: 'Q', projection: 'slow', sessionId: 'a' }),
      rec(4, {
        type: 'query.executed',
        queryId: 'q2',
        queryType: 'Q',
        projection: 'slow',
        position: 6,
        headPosition: 9,
        lagEvents: 3,
        lagMs: 2,
        sessionId: 'a',
      }),
    ]);
    expect(mono.violations).toEqual([
      {
        kind: 'monotonic-reads',
        sessionId: 'a',
        queryId: 'q2',
        queryType: 'Q',
        projection: 'slow',
        position: 6,
        expected: 9,
        previousQueryId: 'q1',
        previousProjection: 'fast',
        at: 4,
        seq: 4,
        causeSeq: 2,
      },
    ]);
  });

  it('finds the read-your-writes violation a learner gets by querying right after writing, on a real engine', async () => {
    const e = await run({ bus: { latencyMs: 200, jitterMs: 0 } });
    const c = checkGuarantees(e.trace);
    expect(c.stats.readYourWrites).toBe(1);
    expect(c.violations[0]).toMatchObject({ kind: 'read-your-writes', sessionId: 'a', queryType: 'GetProduct', projection: 'catalogue' });
  });
});

describe('sequence diagram and timeline', () => {
  it('tells one command’s story from its records, as mermaid source', async () => {
    const e = await run({ bus: { latencyMs: 30, jitterMs: 0 } });
    const story = commandStory(e.trace, 'cmd-2');
    const types = story.records.map((r) => r.type);
    expect(types.slice(0, 4)).toEqual(['command.received', 'command.loaded', 'command.decided', 'events.appended']);
    expect(types).toContain('bus.delivered');
    expect(types).toContain('projection.applied');
    const source = sequenceDiagramSource(story);
    expect(source.split('\n')[0]).toBe('sequenceDiagram');
    expect(source).toContain('C->>H: PlaceOrder cmd-2 t=');
    expect(source).toMatch(/Note over P_catalogue: applied pos 2 t=\d+ window \d+ ms/);
    expect(source).not.toMatch(/[;#]/);
  });

  it('shows the world at any record, also from a keyframe after old records are gone', async () => {
    const e = await run();
    const names = commerce.projections.map((p) => p.name);
    const last = e.trace[e.trace.length - 1]!;
    const end = worldAt(e.trace, names, last.seq);
    expect(end.head).toBe(e.headPosition);
    expect(end.projections.map((p) => p.position)).toEqual(e.status().projections.map((p) => p.position));
    const k = new WorldKeyframes(names, 10);
    for (const r of e.trace) k.add(r);
    const mid = Math.floor(last.seq / 2);
    const frame = k.before(mid);
    expect(frame.seq).toBeLessThanOrEqual(mid);
    expect(
      worldAt(
        e.trace.filter((r) => r.seq > frame.seq),
        names,
        mid,
        frame,
      ),
    ).toEqual(worldAt(e.trace, names, mid));
    for (const r of e.trace) expect(describeRecord(r).length).toBeGreaterThan(5);
  });

  it('keeps the latest commands with their outcome', async () => {
    const e = await run();
    const o = new SessionObserver(commerce);
    for (const r of e.trace) o.add(r);
    const cmds = o.recentCommands(3);
    expect(cmds.map((c) => c.commandId)).toEqual(['cmd-7', 'cmd-6', 'cmd-5']);
    expect(cmds.every((c) => c.outcome === 'completed' && c.detail?.startsWith('token '))).toBe(true);
  });

  it('keeps why a projection crashed while it is crashed, and forgets it once it resumes', async () => {
    const e = await run();
    const o = new SessionObserver(commerce);
    const fold = () => {
      for (const r of e.trace.slice(o.records)) o.add(r);
    };
    e.controlProjection('crash', 'catalogue');
    await e.runUntilIdle();
    fold();
    const crashed = o.withCrashes(e.status().projections);
    expect(crashed.find((p) => p.name === 'catalogue')).toMatchObject({
      status: 'crashed',
      crash: { reason: 'requested', rolledBack: 0, lostInbox: 0 },
    });
    expect(crashed.filter((p) => p.crash !== undefined).map((p) => p.name)).toEqual(['catalogue']);

    e.controlProjection('resume', 'catalogue');
    await e.runUntilIdle();
    fold();
    expect(o.withCrashes(e.status().projections).every((p) => p.crash === undefined)).toBe(true);
  });
});
