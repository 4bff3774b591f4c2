// Trace addition 1 of the architecture picture (src/worker/views/architecture.ts),
// emulated until the engine emits it: `bus.published.deliverAt`, the arrival
// time of each first delivery in the order of `subscribers`, read off the
// scheduler as the bus schedules it. The bus schedules a record's first
// deliveries right after emitting `bus.published`, one per subscriber; a
// duplicate's delivery right after its `bus.duplicated`, a redelivery's right
// after its `bus.dropped` (those records carry their own times).
import type { Engine, TraceRecord } from '../../src/engine/index.ts';

/** Record every trace record of `engine`, with `deliverAt` on `bus.published`. */
export function recordWithDeliverAt(engine: Engine): TraceRecord[] {
  const records: TraceRecord[] = [];
  let published: { subscribers: string[]; deliverAt: number[] } | undefined;
  let ownTime = false;
  engine.onTrace((r) => {
    records.push(r);
    if (r.type === 'bus.published') published = Object.assign(r, { deliverAt: [] as number[] });
    if (r.type === 'bus.duplicated' || r.type === 'bus.dropped') ownTime = true;
  });
  const scheduler = engine.scheduler;
  const schedule = scheduler.schedule.bind(scheduler);
  scheduler.schedule = ((at: number, label: string, ...rest: unknown[]) => {
    if (label === 'deliver') {
      if (ownTime) ownTime = false;
      else if (published && published.deliverAt.length < published.subscribers.length) published.deliverAt.push(at);
    }
    return (schedule as (...a: unknown[]) => number)(at, label, ...rest);
  }) as typeof scheduler.schedule;
  return records;
}
