// A worker that dies (its script did not load, or an uncaught error) never answers the comlink
// calls waiting on it. Racing each call against this promise turns that silence into an error
// the page can show.
import { WorkerFaultError, type WorkerName } from './protocol/reply.ts';

/** Rejects with a WorkerFaultError, worded by `say`, when `worker` reports an error. */
export function crashOf(worker: Worker, name: WorkerName, say: (detail: string) => string): Promise<never> {
  const crashed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      reject(new WorkerFaultError(name, say(event.message || 'its script did not load or it failed')));
    });
  });
  crashed.catch(() => {}); // no call may be waiting when it dies
  return crashed;
}
