// The sessions' IndexedDB store in Chromium: a script saved in appended
// chunks reads back whole and in order, a save from 0 starts it over, a
// removed session leaves no chunk behind, a damaged script (a missing chunk)
// is refused rather than read short, and a database of the first version
// (scripts stored whole) still opens and reads after the upgrade.
import { afterEach, expect, it } from 'vitest';
import { openDB, deleteDB } from 'idb';
import type { ScriptEntry } from '../../src/engine/index.ts';
import { SessionStore, type SessionSummary } from '../../src/sandbox/persistence.ts';
import type { SessionState } from '../../src/sandbox/sessionState.ts';

const NAME = 'cqrs-lab-sandbox-test';
let store: SessionStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
  await deleteDB(NAME);
});

const entry = (i: number): ScriptEntry =>
  ({
    at: i * 10,
    step: i,
    intent: { kind: 'command', command: { type: 'AddProduct', data: { sku: `P${i}`, name: `p${i}`, priceCents: 1, stock: 1 } } },
  }) as unknown as ScriptEntry;
const head = (until: number): Omit<SessionState, 'script'> => ({
  domain: 'commerce',
  seed: 42,
  settings: {},
  until: { at: until, step: until },
});
const summary = (id: string, intents: number): SessionSummary => ({ id, name: 'Shop', sandbox: 'playground', savedAt: intents, intents });
const script = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => entry(from + k));

it('reads back a script saved in appended chunks, whole and in order; a save from 0 starts it over', async () => {
  store = new SessionStore(NAME);
  await store.append(summary('a', 3), head(1), script(0, 3), 0);
  await store.append(summary('a', 3), head(2), [], 3);
  await store.append(summary('a', 7), head(3), script(3, 7), 3);
  const got = await store.get('a');
  expect(got).toEqual({ summary: summary('a', 7), session: { ...head(3), script: script(0, 7) } });
  expect(await store.current('playground')).toEqual(got);

  await store.append(summary('a', 2), head(4), script(10, 12), 0);
  expect((await store.get('a'))!.session.script).toEqual(script(10, 12));
});

it('removes a session with its chunks, and refuses a script with a missing chunk', async () => {
  store = new SessionStore(NAME);
  await store.append(summary('a', 3), head(1), script(0, 3), 0);
  await store.append(summary('b', 2), head(1), script(0, 2), 0);
  await store.remove('a');
  expect(await store.get('a')).toBeUndefined();
  await store.close();
  const db = await openDB(NAME);
  expect((await db.getAllKeys('scriptChunks')).map((k) => (k as [string, number])[0])).toEqual(['b']);
  // A chunk written past the end (as a damaged record would be): reading the session fails instead of returning part of it.
  await db.put('scriptChunks', { id: 'b', from: 5, entries: script(5, 6) });
  db.close();
  store = new SessionStore(NAME);
  await expect(store.get('b')).rejects.toThrow(/gap at intent 2/);
});

it('opens a first-version database and reads its whole-script sessions', async () => {
  const old = await openDB(NAME, 1, {
    upgrade(db) {
      db.createObjectStore('summaries', { keyPath: 'id' }).createIndex('bySandbox', 'sandbox');
      db.createObjectStore('sessions', { keyPath: 'id' });
      db.createObjectStore('meta', { keyPath: 'key' });
    },
  });
  const session: SessionState = { ...head(5), script: script(0, 4) };
  await old.put('summaries', summary('old', 4));
  await old.put('sessions', { id: 'old', session });
  await old.put('meta', { key: 'current:playground', value: 'old' });
  old.close();
  store = new SessionStore(NAME);
  expect(await store.current('playground')).toEqual({ summary: summary('old', 4), session });
  // Saved again (a run's first save is written from 0), it is stored in chunks from then on.
  await store.append(summary('old', 4), head(6), script(0, 4), 0);
  expect((await store.get('old'))!.session).toEqual({ ...head(6), script: script(0, 4) });
});

it('keeps the learner’s code beside a session: an autosave does not touch it, a session read carries it, removal forgets it', async () => {
  store = new SessionStore(NAME);
  const code = { projection: { reference: 'catalogue', source: 'export const schema = [];' } };
  await store.append(summary('a', 3), head(1), script(0, 3), 0);
  await store.putCode('a', code);
  // The coordinator's next autosave writes the session and its new intents, never the code.
  await store.append(summary('a', 4), head(2), script(3, 4), 3);
  expect((await store.get('a'))!.session).toEqual({ ...head(2), script: script(0, 4), code });
  await store.putCode('a', undefined);
  expect((await store.get('a'))!.session.code).toBeUndefined();
  await store.putCode('a', code);
  await store.remove('a');
  await store.close();
  const db = await openDB(NAME);
  expect(await db.getAllKeys('code')).toEqual([]);
  db.close();
  store = undefined;
});
