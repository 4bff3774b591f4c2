import { beforeAll, describe, expect, it } from 'vitest';
import type { SqlJsStatic } from '../../../src/engine/sqlite.ts';
import { SqlDb } from '../../../src/engine/sqlite.ts';
import { EventStore } from '../../../src/engine/write/eventStore.ts';
import type { EventEnvelope } from '../../../src/engine/vocabulary/envelope.ts';
import { sqlJs } from './helpers.ts';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await sqlJs();
});

const ev = (streamId: string, version: number, type = 'Happened', data: Record<string, unknown> = {}): Omit<EventEnvelope, 'position'> => ({
  streamId,
  version,
  type,
  schemaVersion: 1,
  data,
  metadata: {
    commandId: `c-${streamId}-${version}`,
    correlationId: 'corr',
    causationId: `c-${streamId}-${version}`,
    recordedAt: version * 10,
  },
});

function storeWith(events: Omit<EventEnvelope, 'position'>[]): EventStore {
  const store = new EventStore(SqlDb.create(SQL));
  store.sql.transaction(() => store.committed(store.insert(events)));
  return store;
}

describe('event store', () => {
  it('assigns gap-free global positions and keeps metadata', () => {
    const store = storeWith([ev('a', 1, 'X', { n: 1 }), ev('b', 1), ev('a', 2)]);
    expect(store.head).toBe(3);
    const all = store.readAll(1, 10);
    expect(all.map((e) => [e.position, e.streamId, e.version])).toEqual([
      [1, 'a', 1],
      [2, 'b', 1],
      [3, 'a', 2],
    ]);
    expect(all[0]).toEqual({
      position: 1,
      streamId: 'a',
      version: 1,
      type: 'X',
      schemaVersion: 1,
      data: { n: 1 },
      metadata: { commandId: 'c-a-1', correlationId: 'corr', causationId: 'c-a-1', recordedAt: 10 },
    });
  });
  it('reads one stream in version order, and from a position with a limit', () => {
    const store = storeWith([ev('a', 1), ev('b', 1), ev('a', 2), ev('a', 3)]);
    expect(store.readStream('a').map((e) => e.version)).toEqual([1, 2, 3]);
    expect(store.readStream('a', 2).map((e) => e.version)).toEqual([2, 3]);
    expect(store.readStream('nope')).toEqual([]);
    expect(store.readAll(2, 2).map((e) => e.position)).toEqual([2, 3]);
    expect(store.streamVersion('a')).toBe(3);
    expect(store.streamVersion('zzz')).toBe(0);
    expect(store.listStreams()).toEqual([
      { streamId: 'a', version: 3, lastPosition: 4 },
      { streamId: 'b', version: 1, lastPosition: 2 },
    ]);
  });
  it('refuses two events with the same stream version', () => {
    const store = storeWith([ev('a', 1)]);
    expect(() => store.sql.transaction(() => store.insert([ev('a', 1)]))).toThrow(/UNIQUE/);
    expect(store.head).toBe(1);
    expect(store.readAll(1, 10).length).toBe(1);
  });
  it('is append-only: UPDATE and DELETE fail', () => {
    const store = storeWith([ev('a', 1)]);
    expect(() => store.sql.exec("UPDATE events SET event_type = 'Y'")).toThrow(/append-only/);
    expect(() => store.sql.exec('DELETE FROM events')).toThrow(/append-only/);
    expect(store.readAll(1, 10)[0]!.type).toBe('Happened');
  });
  it('records and finds handled commands', () => {
    const store = storeWith([]);
    expect(store.findCommand('c1')).toBeUndefined();
    store.recordCommand('c1', 'Do', '{"ok":true}', 5);
    expect(store.findCommand('c1')).toBe('{"ok":true}');
  });
  it('loads a stream for a decider: every event in version order, or the range asked for', () => {
    const store = storeWith([ev('a', 1, 'Opened', { n: 1 }), ev('b', 1), ev('a', 2, 'Moved', { n: 2 }), ev('a', 3, 'Moved', { n: 3 })]);
    expect(store.loadStream('a')).toEqual([
      { version: 1, type: 'Opened', data: { n: 1 } },
      { version: 2, type: 'Moved', data: { n: 2 } },
      { version: 3, type: 'Moved', data: { n: 3 } },
    ]);
    expect(store.loadStream('a', 1, 2)).toEqual([{ version: 2, type: 'Moved', data: { n: 2 } }]);
    expect(store.loadStream('a', 3)).toEqual([]);
    expect(store.loadStream('nope')).toEqual([]);
  });
  it('loads a stream whose versions have a gap with the versions it really has', () => {
    // The engine never writes a gap, but a store written by something else may have one.
    const store = storeWith([ev('a', 1, 'Opened'), ev('a', 3, 'Moved'), ev('a', 4, 'Moved')]);
    expect(store.loadStream('a').map((e) => [e.version, e.type])).toEqual([
      [1, 'Opened'],
      [3, 'Moved'],
      [4, 'Moved'],
    ]);
    expect(store.loadStream('a', 1).map((e) => e.version)).toEqual([3, 4]);
    const fromZero = storeWith([ev('z', 0, 'Odd'), ev('z', 2, 'Moved')]);
    expect(fromZero.loadStream('z').map((e) => e.version)).toEqual([0, 2]);
  });
  it('folds a stream as it reads it: the same events as loadStream, in order, with the last version and the count', () => {
    const seen = (store: ReturnType<typeof storeWith>, streamId: string, after?: number, upTo?: number) => {
      const folded = store.foldStream(streamId, (list: string[], e) => [...list, `${e.version}:${e.type}`], [], after, upTo);
      return { ...folded, expected: store.loadStream(streamId, after, upTo).map((e) => `${e.version}:${e.type}`) };
    };
    const store = storeWith([ev('a', 1, 'Opened'), ev('b', 1), ev('a', 2, 'Moved'), ev('a', 3, 'Moved')]);
    const whole = seen(store, 'a');
    expect(whole).toEqual({ state: ['1:Opened', '2:Moved', '3:Moved'], version: 3, folded: 3, expected: whole.state });
    const range = seen(store, 'a', 1, 2);
    expect(range).toEqual({ state: ['2:Moved'], version: 2, folded: 1, expected: range.state });
    expect(seen(store, 'a', 3)).toEqual({ state: [], version: 3, folded: 0, expected: [] });
    expect(seen(store, 'nope')).toEqual({ state: [], version: 0, folded: 0, expected: [] });
    // A gap: read row by row, the last version is the one really there.
    const gap = storeWith([ev('g', 1, 'Opened'), ev('g', 3, 'Moved')]);
    expect(seen(gap, 'g')).toEqual({ state: ['1:Opened', '3:Moved'], version: 3, folded: 2, expected: ['1:Opened', '3:Moved'] });
  });
  it('walks the (stream_id, stream_version) index to load a stream, so events come in version order', () => {
    const store = storeWith([ev('a', 1)]);
    const [whole, range] = store.loadStatements;
    for (const [sql, params] of [
      [whole, ['a']],
      [range, ['a', 0, 1]],
    ] as const) {
      const plan = store.sql.rows(`EXPLAIN QUERY PLAN ${sql}`, [...params]).map((r) => String(r[3]));
      expect(plan).toEqual([expect.stringMatching(/^SEARCH events USING INDEX sqlite_autoindex_events_1 \(stream_id=\?/)]);
    }
  });
});
