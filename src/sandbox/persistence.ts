// Sessions kept in IndexedDB (through the idb library), so a reload finds
// the run where it was. A small summary per session (listed by the page) is
// stored apart from the session itself (its whole script, which can be
// large): the coordinator worker writes sessions, the page only lists them.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ScriptEntry } from '../engine/index.ts';
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
  sessions: { key: string; value: { id: string; session: SessionState } };
  meta: { key: string; value: { key: string; value: string } };
}

export const DB_NAME = 'cqrs-lab-sandbox';

export class SessionStore {
  readonly #db: Promise<IDBPDatabase<Schema>>;

  constructor(name = DB_NAME) {
    this.#db = openDB<Schema>(name, 1, {
      upgrade(db) {
        db.createObjectStore('summaries', { keyPath: 'id' }).createIndex('bySandbox', 'sandbox');
        db.createObjectStore('sessions', { keyPath: 'id' });
        db.createObjectStore('meta', { keyPath: 'key' });
      },
    });
  }

  /** Save a session and make it the one its sandbox shows after a reload. */
  async save(summary: SessionSummary, session: SessionState): Promise<void> {
    const db = await this.#db;
    const tx = db.transaction(['summaries', 'sessions', 'meta'], 'readwrite');
    await Promise.all([
      tx.objectStore('summaries').put(summary),
      tx.objectStore('sessions').put({ id: summary.id, session }),
      tx.objectStore('meta').put({ key: `current:${summary.sandbox}`, value: summary.id }),
      tx.done,
    ]);
  }

  async get(id: string): Promise<{ summary: SessionSummary; session: SessionState } | undefined> {
    const db = await this.#db;
    const [summary, stored] = await Promise.all([db.get('summaries', id), db.get('sessions', id)]);
    return summary && stored ? { summary, session: stored.session } : undefined;
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
    const tx = db.transaction(['summaries', 'sessions'], 'readwrite');
    await Promise.all([tx.objectStore('summaries').delete(id), tx.objectStore('sessions').delete(id), tx.done]);
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
 * is copied or written when nothing changed since the last save, and the
 * script (append-only) is copied once, then extended by its new intents.
 */
export class Autosave {
  readonly #store: () => Pick<SessionStore, 'save'>;
  #last: { run: RecordedRun; key: string; summary: SessionSummary; script: ScriptEntry[] } | undefined;

  constructor(store: () => Pick<SessionStore, 'save'>) {
    this.#store = store;
  }

  /** Save `run` under `meta`; `sessionOf` completes the session around the script. Returns what the store holds. */
  async save(
    meta: Omit<SessionSummary, 'savedAt' | 'intents'>,
    run: RecordedRun,
    sessionOf: (script: ScriptEntry[]) => SessionState,
    savedAt: number,
  ): Promise<SessionSummary> {
    const { at, step } = run.position();
    const key = JSON.stringify([meta.id, meta.name, meta.sandbox, run.recordedCount(), at, step]);
    const last = this.#last?.run === run ? this.#last : undefined;
    if (last?.key === key) return last.summary;
    const script = last?.script ?? [];
    for (const entry of run.recordedScript(script.length)) script.push(entry);
    const summary: SessionSummary = { ...meta, savedAt, intents: script.length };
    await this.#store().save(summary, sessionOf(script));
    this.#last = { run, key, summary, script };
    return summary;
  }
}
