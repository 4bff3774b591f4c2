// Counting what a projection's code reads and writes (feed fan-out metering).
import type { ReadStoreDb } from '../domain.ts';
import type { SqlDb, SqlParams, SqlRow } from '../sqlite.ts';

/** A ReadStoreDb that counts rows written (as SQLite reports them) and rows returned. */
export class MeteredDb implements ReadStoreDb {
  rowsRead = 0;
  rowsWritten = 0;
  readonly inner: SqlDb;
  constructor(inner: SqlDb) {
    this.inner = inner;
  }
  run(sql: string, params?: SqlParams): void {
    this.inner.run(sql, params);
    this.rowsWritten += this.inner.db.getRowsModified();
  }
  get(sql: string, params?: SqlParams): SqlRow | undefined {
    const row = this.inner.get(sql, params);
    if (row) this.rowsRead++;
    return row;
  }
  all(sql: string, params?: SqlParams): SqlRow[] {
    const rows = this.inner.all(sql, params);
    this.rowsRead += rows.length;
    return rows;
  }
}
