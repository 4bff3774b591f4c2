// Sessions kept in IndexedDB (through the idb library), so a reload finds
// the run where it was. A small summary per session (listed by the page) is
// stored apart from the session itself: the coordinator worker writes
// sessions, the page only lists them. A session's script (append-only, and
// large in a long run) is stored in chunks, each save adding only the intents
// recorded since the last one, so a save costs the same at minute 10 as at
// minute 1.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ScriptEntry } from '../engine/index.ts';
import type { SessionCode } from './sessionCode.ts';
import type { SessionState } from './sessionState.ts';

export interface SessionSummary {
  id: string;
  name: string;
  /** Which sandbox (preset id) it belongs to. */
  sandbox: string;
  savedAt: number;
  intents: number;
}

interface Schema extends DBSchema {
  summaries: { key: string; value: SessionSummary; indexes: { bySandbox: string } };
  /** A session; with `chunked`, its script is the session's chunks in order (stored sessions of version 1 hold it whole). */
  sessions: { key: string; value: { id: string; session: SessionState; chunked?: true } };
  /** A run of a session's script starting at intent `from`. */
  scriptChunks: { key: [string, number]; value: { id: string; from: number; entries: ScriptEntry[] } };
  meta: { key: string; value: { key: string; value: string } };
  /** The learner's code of a session, written by the page (the coordinator writes the rest and never sees it). */
  code: { key: string; value: { id: string; code: SessionCode } };
}

export const DB_NAME = 'cqrs-lab-sandbox';

/** Every chunk key of session `id`. */
const chunksOf = (id: string) => IDBKeyRange.bound([id, 0], [id, Number.POSITIVE_INFINITY]);

export class SessionStore {
  readonly #db: Promise<IDBPDatabase<Schema>>;

  constructor(name = DB_NAME) {
    this.#db = openDB<Schema>(name, 3, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore('summaries', { keyPath: 'id' }).createIndex('bySandbox', 'sandbox');
          db.createObjectStore('sessions', { keyPath: 'id' });
          db.createObjectStore('meta', { keyPath: 'key' });
        }
        if (oldVersion < 2) db.createObjectStore('scriptChunks', { keyPath: ['id', 'from'] });
        if (oldVersion < 3) db.createObjectStore('code', { keyPath: 'id' });
      },
    });
  }

  /**
   * Save a session whose script is `entries` appended to the `from` intents
   * already stored (`from` 0 rewrites it), and make it the one its sandbox
   * shows after a reload. `session` carries everything but the script.
   */
  async append(summary: SessionSummary, session: Omit<SessionState, 'script'>, entries: ScriptEntry[], from: number): Promise<void> {
    const db = await this.#db;
    const tx = db.transaction(['summaries', 'sessions', 'scriptChunks', 'meta'], 'readwrite');
    const chunks = tx.objectStore('scriptChunks');
    const writes: Promise<unknown>[] = [];
    if (from === 0) writes.push(chunks.delete(chunksOf(summary.id)));
    if (entries.length > 0) writes.push(chunks.put({ id: summary.id, from, entries }));
    writes.push(
      tx.objectStore('summaries').put(summary),
      tx.objectStore('sessions').put({ id: summary.id, session: { ...session, script: [] }, chunked: true }),
      tx.objectStore('meta').put({ key: `current:${summary.sandbox}`, value: summary.id }),
    );
    await Promise.all([...writes, tx.done]);
  }

  /** Keep (or, with none, forget) the learner's code of session `id`. */
  async putCode(id: string, code: SessionCode | undefined): Promise<void> {
    const db = await this.#db;
    if (code) await db.put('code', { id, code });
    else await db.delete('code', id);
  }

  async get(id: string): Promise<{ summary: SessionSummary; session: SessionState } | undefined> {
    const db = await this.#db;
    const tx = db.transaction(['summaries', 'sessions', 'scriptChunks', 'code']);
    const [summary, stored, chunks, kept] = await Promise.all([
      tx.objectStore('summaries').get(id),
      tx.objectStore('sessions').get(id),
      tx.objectStore('scriptChunks').getAll(chunksOf(id)),
      tx.objectStore('code').get(id),
      tx.done,
    ]);
    if (!summary || !stored) return undefined;
    const withCode = (session: SessionState): SessionState => (kept ? { ...session, code: kept.code } : session);
    if (!stored.chunked) return { summary, session: withCode(stored.session) };
    const script: ScriptEntry[] = [];
    for (const chunk of chunks) {
      // Chunks come in key order; one that does not start where the script ends means the record is damaged.
      if (chunk.from !== script.length) throw new Error(`Session ${id}'s stored script has a gap at intent ${script.length}.`);
      for (const entry of chunk.entries) script.push(entry);
    }
    return { summary, session: withCode({ ...stored.session, script }) };
  }

  /** The session a sandbox showed last. */
  async current(sandbox: string): Promise<{ summary: SessionSummary; session: SessionState } | undefined> {
    const meta = await (await this.#db).get('meta', `current:${sandbox}`);
    return meta ? this.get(meta.value) : undefined;
  }

  /** Summaries only (no scripts), newest first. */
  async list(sandbox: string): Promise<SessionSummary[]> {
    const all = await (await this.#db).getAllFromIndex('summaries', 'bySandbox', sandbox);
    return all.sort((a, b) => b.savedAt - a.savedAt);
  }

  async remove(id: string): Promise<void> {
    const db = await this.#db;
    const tx = db.transaction(['summaries', 'sessions', 'scriptChunks', 'code'], 'readwrite');
    await Promise.all([
      tx.objectStore('summaries').delete(id),
      tx.objectStore('sessions').delete(id),
      tx.objectStore('scriptChunks').delete(chunksOf(id)),
      tx.objectStore('code').delete(id),
      tx.done,
    ]);
  }

  async close(): Promise<void> {
    (await this.#db).close();
  }
}

/** What autosave reads from a running engine: all cheap except the copy of new intents. */
export interface RecordedRun {
  recordedCount(): number;
  /** A copy of the recorded intents from index `from` on. */
  recordedScript(from: number): ScriptEntry[];
  position(): { at: number; step: number };
}

/**
 * Autosave every few seconds without costs that grow with the run: nothing
 * is copied or written when nothing changed since the last save, and each
 * save copies and stores only the intents recorded since the last one (the
 * script is append-only). A run saved for the first time is written whole.
 */
export class Autosave {
  readonly #store: () => Pick<SessionStore, 'append'>;
  #last: { run: RecordedRun; key: string; summary: SessionSummary; saved: number } | undefined;

  constructor(store: () => Pick<SessionStore, 'append'>) {
    this.#store = store;
  }

  /** Save `run` under `meta`; `sessionOf` completes the session around a script. Returns what the store holds. */
  async save(
    meta: Omit<SessionSummary, 'savedAt' | 'intents'>,
    run: RecordedRun,
    sessionOf: (script: ScriptEntry[]) => SessionState,
    savedAt: number,
  ): Promise<SessionSummary> {
    const { at, step } = run.position();
    const key = JSON.stringify([meta.id, meta.name, meta.sandbox, run.recordedCount(), at, step]);
    const last = this.#last?.run === run && this.#last.summary.id === meta.id ? this.#last : undefined;
    if (last?.key === key) return last.summary;
    const from = last?.saved ?? 0;
    const entries = run.recordedScript(from);
    const summary: SessionSummary = { ...meta, savedAt, intents: from + entries.length };
    const { script: _none, ...session } = sessionOf([]);
    await this.#store().append(summary, session, entries, from);
    this.#last = { run, key, summary, saved: summary.intents };
    return summary;
  }
}
