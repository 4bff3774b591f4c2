// The slice of sql.js the engine uses, plus a statement cache. Preparing a
// statement costs more than running it, so hot paths reuse prepared ones.
import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';

export type { Database, SqlJsStatic, SqlValue, Statement };
export type SqlParams = SqlValue[] | Record<string, SqlValue>;
export type SqlRow = Record<string, SqlValue>;

export class SqlDb {
  readonly db: Database;
  #cache = new Map<string, Statement>();

  constructor(db: Database) {
    this.db = db;
  }

  /**
   * A fresh in-memory database, tuned for one connection that owns it:
   * - `journal_mode = MEMORY`: the rollback journal lives in memory instead of
   *   a file of sql.js's in-memory file system, which every transaction would
   *   otherwise create, write and delete (about three times the cost of the
   *   transaction itself); ROLLBACK and savepoints work the same;
   * - `locking_mode = EXCLUSIVE`: the connection keeps its lock, so a read
   *   does not re-check the file and the journal every time (a load before
   *   each append otherwise costs about twice as much).
   */
  static create(sql: SqlJsStatic): SqlDb {
    const db = new sql.Database();
    db.run('PRAGMA journal_mode = MEMORY');
    db.run('PRAGMA locking_mode = EXCLUSIVE');
    return new SqlDb(db);
  }

  prepared(sqlText: string): Statement {
    let st = this.#cache.get(sqlText);
    if (!st) {
      st = this.db.prepare(sqlText);
      this.#cache.set(sqlText, st);
    }
    return st;
  }

  run(sqlText: string, params?: SqlParams): void {
    const st = this.prepared(sqlText);
    try {
      if (params) st.bind(params);
      st.step();
    } finally {
      st.reset();
    }
  }

  get(sqlText: string, params?: SqlParams): SqlRow | undefined {
    const st = this.prepared(sqlText);
    try {
      if (params) st.bind(params);
      return st.step() ? (st.getAsObject() as SqlRow) : undefined;
    } finally {
      st.reset();
    }
  }

  all(sqlText: string, params?: SqlParams): SqlRow[] {
    const st = this.prepared(sqlText);
    const rows: SqlRow[] = [];
    try {
      if (params) st.bind(params);
      while (st.step()) rows.push(st.getAsObject() as SqlRow);
    } finally {
      st.reset();
    }
    return rows;
  }

  /** Rows as arrays, in column order: cheaper than objects on hot paths. */
  rows(sqlText: string, params?: SqlParams): SqlValue[][] {
    const st = this.prepared(sqlText);
    const rows: SqlValue[][] = [];
    try {
      if (params) st.bind(params);
      while (st.step()) rows.push(st.get());
    } finally {
      st.reset();
    }
    return rows;
  }

  /** The first row as an array (or undefined): the hot path's single-row read. */
  first(sqlText: string, params?: SqlParams): SqlValue[] | undefined {
    const st = this.prepared(sqlText);
    try {
      if (params) st.bind(params);
      return st.step() ? st.get() : undefined;
    } finally {
      st.reset();
    }
  }

  /** Run DDL or several statements at once (not cached). */
  exec(sqlText: string): void {
    this.db.exec(sqlText);
  }

  /** BEGIN … COMMIT around `work`; ROLLBACK and rethrow if it throws. */
  transaction<T>(work: () => T): T {
    this.run('BEGIN');
    try {
      const result = work();
      this.run('COMMIT');
      return result;
    } catch (e) {
      this.run('ROLLBACK');
      throw e;
    }
  }

  close(): void {
    for (const st of this.#cache.values()) st.free();
    this.#cache.clear();
    this.db.close();
  }
}
