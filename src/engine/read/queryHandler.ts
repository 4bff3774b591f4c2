// Queries read only their projection's read store, never the event store,
// and hand back the read model's watermark with the data so the caller can
// see how far behind the answer may be.
import type { QuerySpec } from '../domain.ts';
import type { ProjectionRunner } from './projectionRunner.ts';

export interface QueryAnswer {
  data: unknown;
  /** Watermark of the read model that answered. */
  position: number;
}

export function runQuery(spec: QuerySpec, runner: ProjectionRunner, params: Record<string, unknown>): QueryAnswer {
  const data = spec.run(runner.sql, params);
  return { data: data === undefined ? null : data, position: runner.watermark };
}
