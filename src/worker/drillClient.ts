import * as Comlink from 'comlink';
import type { Design, Drill, DrillReport } from '../drills/types.ts';
import type { DrillApi } from './protocol/drill.ts';
import { unwrap } from './protocol/reply.ts';

/** Runs one drill in a fresh worker (a clean engine every time), reporting progress; the worker ends with the run. */
export async function runDrillInWorker(drill: Drill, design: Design, onProgress: (fraction: number) => void): Promise<DrillReport> {
  const worker = new Worker(new URL('./drill.worker.ts', import.meta.url), { type: 'module', name: 'drill' });
  const runner = Comlink.wrap<DrillApi>(worker);
  try {
    return unwrap(await runner.run(drill, design, Comlink.proxy(onProgress)));
  } finally {
    runner[Comlink.releaseProxy]();
    worker.terminate();
  }
}
