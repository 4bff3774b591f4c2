import * as Comlink from 'comlink';
import type { SqlLab } from './sqlLab.worker.ts';

export interface SqlLabConnection {
  lab: Comlink.Remote<SqlLab>;
  close(): void;
}

/** Starts the sql.js worker and returns its comlink proxy. */
export function connectSqlLab(): SqlLabConnection {
  const worker = new Worker(new URL('./sqlLab.worker.ts', import.meta.url), { type: 'module', name: 'sql-lab' });
  const lab = Comlink.wrap<SqlLab>(worker);
  return {
    lab,
    close() {
      lab[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
