// The sandbox's per-frame and per-save work must not grow with the run: a
// diagram comes from an index of the trace, window summaries from sorted
// counts, autosave copies only new intents. Each must give exactly what the
// whole-trace computation gives.
import { describe, expect, it } from 'vitest';
import initSqlJs from 'sql.js';
import { commerce } from '../../../src/domain/index.ts';
import { createEngine, type Engine } from '../../../src/engine/engine.ts';
import type { ScriptEntry } from '../../../src/engine/vocabulary/intent.ts';
import type { TraceRecord } from '../../../src/engine/vocabulary/trace.ts';
import { measureWindows, niceBinWidth, summarize } from '../../../src/worker/views/consistencyWindow.ts';
import { Autosave, type SessionSummary } from '../../../src/sandbox/persistence.ts';
import type { SessionState } from '../../../src/sandbox/sessionState.ts';
import { StoryIndex, commandStory, sequenceDiagramSource } from '../../../src/worker/views/sequenceDiagram.ts';

const sql = await initSqlJs();

/** A busy run: two sessions, retries, duplicates, drops, reordering, queries, a crash and a rebuild. */
async function busyRun(seed: number): Promise<Engine> {
  const e = createEngine({
    sql,
    domain: commerce,
    seed,
    settings: { bus: { latencyMs: 20, jitterMs: 40, reorder: true, duplicateProbability: 0.2, dropProbability: 0.2, redeliveryMs: 30 } },
  });
  await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 50 } }, { sessionId: 'a' });
  for (let i = 0; i < 30; i++) {
    const sessionId = i % 2 === 0 ? 'a' : 'b';
    e.submit({
      kind: 'command',
      command: { type: 'PlaceOrder', data: { orderId: `o${i}`, customerId: 'c', sku: 'KB', quantity: 1 } },
      sessionId,
    });
    if (i % 3 === 0) e.submit({ kind: 'query', query: { type: 'GetProduct', params: { sku: 'KB' } }, sessionId });
    if (i === 10) e.controlProjection('crash', 'catalogue');
    if (i === 20) e.controlProjection('rebuild', 'orderSummary');
    await e.advance(9);
  }
  await e.runUntilIdle();
  return e;
}

const commandIds = (trace: readonly TraceRecord[]): string[] => [
  ...new Set(trace.flatMap((r) => (r.type === 'command.received' ? [r.commandId] : []))),
];

describe('diagram of one command from the indexed trace', () => {
  it('tells the same story as a scan of the whole trace, for every command', async () => {
    for (const seed of [1, 2, 3]) {
      const e = await busyRun(seed);
      const index = new StoryIndex();
      for (const r of e.trace) index.add(r);
      const ids = commandIds(e.trace);
      expect(ids.length).toBeGreaterThan(25);
      expect(e.trace.some((r) => r.type === 'query.received' && r.sessionId === 'b')).toBe(true);
      const told = new Set<string>();
      for (const id of ids) {
        const story = index.story(id);
        for (const r of story.records) told.add(r.type);
        expect(story).toEqual(commandStory(e.trace, id));
        expect(sequenceDiagramSource(story)).toBe(sequenceDiagramSource(commandStory(e.trace, id)));
      }
      // The stories include the parts found through the index: deliveries, drops, the session's queries, crashes.
      for (const type of ['bus.delivered', 'bus.dropped', 'query.received', 'query.executed', 'projection.crashed'])
        expect(told, `seed ${seed}: ${type}`).toContain(type);
    }
  });

  it('leaves out the records that left a bounded trace, as the scan of that trace does', async () => {
    const e = await busyRun(4);
    const index = new StoryIndex();
    for (const r of e.trace) index.add(r);
    const kept = e.trace.slice(Math.floor(e.trace.length / 2));
    index.forgetBefore(kept[0]!.seq);
    for (const id of commandIds(e.trace)) expect(index.story(id)).toEqual(commandStory(kept, id));
  });
});

describe('window summaries from sorted counts', () => {
  it('equal the summaries of every measured value, at every point of the run', async () => {
    const e = await busyRun(5);
    const whole = measureWindows(commerce, e.trace);
    expect(whole.recent.length).toBeGreaterThan(50);
    const t = measureWindows(commerce, []);
    let checked = 0;
    for (const r of e.trace) {
      const before = t.version;
      t.add(r);
      if (t.version === before) continue;
      // What the summaries were before: all values, sorted and binned from scratch.
      const windows = whole.recent.filter((w) => w.seq <= r.seq);
      const all = windows.map((w) => w.windowMs);
      const width = niceBinWidth(Math.max(0, ...all) - Math.min(...all), 20);
      const expected = [
        summarize('all', all, width),
        ...commerce.projections.map((p) =>
          summarize(
            p.name,
            windows.filter((w) => w.projection === p.name).map((w) => w.windowMs),
            width,
          ),
        ),
      ];
      expect(t.summaries()).toEqual(expected);
      checked++;
    }
    // A rebuild closes several windows in one record.
    expect(checked).toBe(new Set(whole.recent.map((w) => w.seq)).size);
  });
});

describe('autosave', () => {
  it('writes nothing when nothing changed, and copies and stores only the intents recorded since the last save', async () => {
    const e = createEngine({ sql, domain: commerce, seed: 1, settings: {} });
    type Append = { summary: SessionSummary; session: Omit<SessionState, 'script'>; entries: ScriptEntry[]; from: number };
    const appends: Append[] = [];
    const copied: number[] = [];
    const run = {
      recordedCount: () => e.recordedCount(),
      recordedScript: (from: number): ScriptEntry[] => {
        const s = e.recordedScript(from);
        copied.push(s.length);
        return s;
      },
      position: () => e.position(),
    };
    const autosave = new Autosave(() => ({
      append: async (summary, session, entries, from) => void appends.push(structuredClone({ summary, session, entries, from })),
    }));
    /** The script as the store holds it: each append's entries laid at its `from` (0 starts over). */
    const storedScript = (): ScriptEntry[] => {
      let script: ScriptEntry[] = [];
      for (const a of appends) {
        expect(a.from).toBe(a.from === 0 ? 0 : script.length);
        script = [...(a.from === 0 ? [] : script), ...a.entries];
      }
      return script;
    };
    const meta = { id: 's1', name: 'Shop', sandbox: 'playground' };
    const sessionOf = (script: ScriptEntry[]): SessionState => ({ domain: 'commerce', seed: 1, settings: {}, script, until: e.position() });

    await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 9 } });
    await e.execute({ type: 'PlaceOrder', data: { orderId: 'o1', customerId: 'c', sku: 'KB', quantity: 1 } });
    await autosave.save(meta, run, sessionOf, 1000);
    const again = await autosave.save(meta, run, sessionOf, 3000);
    expect(appends).toHaveLength(1);
    expect(again).toEqual({ ...meta, savedAt: 1000, intents: 2 });
    expect(appends[0]).toMatchObject({ from: 0, session: { domain: 'commerce', seed: 1, settings: {}, until: e.position() } });
    expect(appends[0]!.session).not.toHaveProperty('script');

    await e.execute({ type: 'PlaceOrder', data: { orderId: 'o2', customerId: 'c', sku: 'KB', quantity: 1 } });
    await autosave.save(meta, run, sessionOf, 5000);
    expect(appends).toHaveLength(2);
    expect(copied).toEqual([2, 1]);
    expect(appends[1]!.from).toBe(2);
    expect(appends[1]!.entries).toEqual(e.recordedScript(2));
    expect(storedScript()).toEqual(e.recordedScript());
    expect(appends[1]!.summary).toEqual({ ...meta, savedAt: 5000, intents: 3 });
    expect(e.recordedCount()).toBe(3);

    // Time moved on without new intents: the position changed, so it is saved again, with no entries.
    await e.advance(100);
    await autosave.save(meta, run, sessionOf, 7000);
    expect(appends).toHaveLength(3);
    expect(appends[2]!.entries).toEqual([]);
    expect(appends[2]!.session.until).toEqual(e.position());
    expect(storedScript()).toEqual(e.recordedScript());

    // Saved under another record: that record is written whole.
    await autosave.save({ ...meta, id: 's2' }, run, sessionOf, 9000);
    expect(appends[3]).toMatchObject({ from: 0, summary: { id: 's2', intents: 3 } });
    expect(appends[3]!.entries).toEqual(e.recordedScript());
  });
});
