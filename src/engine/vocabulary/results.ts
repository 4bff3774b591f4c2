// What commands and queries give back. A command returns ids, versions and a
// consistency token, never read-model data; a query returns data together
// with the position of the read model that answered, so staleness is visible.
import type { Rejection } from '../domain.ts';
import type { ConsistencyStrategy } from './intent.ts';
import type { StreamVersion } from './envelope.ts';

export interface CommandAccepted {
  ok: true;
  commandId: string;
  commandType: string;
  correlationId: string;
  /** Ids worth keeping (e.g. orderId), as declared by the command spec. */
  ids: Record<string, string>;
  /** Each stream written and its version after the append. */
  streams: StreamVersion[];
  /** Global position after the append: a read model at or past it reflects this command. */
  consistencyToken: number;
  /** True when this commandId had already been handled: nothing was appended this time. */
  duplicate: boolean;
  /** How many load-decide-append attempts it took (conflicts cause retries). */
  attempts: number;
}

export interface CommandRejected {
  ok: false;
  commandId: string;
  commandType: string;
  correlationId: string;
  rejection: Rejection;
  attempts: number;
}

export type CommandResult = CommandAccepted | CommandRejected;

export type ProjectionStatus = 'live' | 'paused' | 'crashed' | 'catchingUp' | 'rebuilding';

export interface QueryResult {
  ok: true;
  queryId: string;
  type: string;
  projection: string;
  data: unknown;
  /** The read model's watermark: every event up to here is reflected. */
  position: number;
  /** Head of the event store when the query ran. */
  headPosition: number;
  lagEvents: number;
  /** Age of the oldest event not yet reflected (0 when caught up). */
  lagMs: number;
  status: ProjectionStatus;
  at: number;
  /** How the answer was obtained and how fresh it is (always set by the engine). */
  consistency?: QueryConsistency;
  /** Optimistic answers: the commands whose outcome was predicted or overlaid. */
  optimistic?: { commandIds: string[]; predictedEvents: number; confirmedEvents: number };
  /** Feed projections: rows the query's statements returned (its read cost). */
  rowsRead?: number;
}

export type AnswerSource = 'readModel' | 'writeSide' | 'cache' | 'predicted';

export interface QueryConsistency {
  strategy: ConsistencyStrategy;
  source: AnswerSource;
  /** The position the answer had to reach: the token, or the session's last write (null: none). */
  requiredPosition: number | null;
  /** Virtual ms between the query's arrival and its answer, service time excluded. */
  waitedMs: number;
  polls: number;
  timedOut: boolean;
  /** The answer is older than requiredPosition. */
  stale: boolean;
  /** Whether the session's own last write is visible in the answer (null: the session wrote nothing). */
  sawOwnWrite: boolean | null;
}
