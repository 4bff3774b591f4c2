// The write side as one object with a plain-data interface: the browser
// hosts it in its own worker, Node calls it directly. It owns the event store
// (a sql.js database) and the domain's deciders; it knows nothing of time
// except the `at` it is handed.
import type { DomainDefinition } from './domain.ts';
import { UnknownStreamError } from './errors.ts';
import { runReadOnlySql, type SqlResult } from './readOnlySql.ts';
import { SqlDb, type SqlJsStatic } from './sqlite.ts';
import type { EventEnvelope } from './write/envelope.ts';
import { CommandHandler, type AppendOutcome, type AppendRequest, type LoadOutcome, type LoadRequest } from './write/commandHandler.ts';
import { EventStore, type StreamInfo } from './write/eventStore.ts';

type MaybePromise<T> = T | Promise<T>;

/** What the coordinator needs from the write side (sync here, async over a worker). */
export interface WriteSidePort {
  load(req: LoadRequest): MaybePromise<LoadOutcome>;
  append(req: AppendRequest): MaybePromise<AppendOutcome>;
  readStream(streamId: string): MaybePromise<EventEnvelope[]>;
  readAll(fromPosition: number, limit: number): MaybePromise<EventEnvelope[]>;
  head(): MaybePromise<number>;
  listStreams(): MaybePromise<StreamInfo[]>;
  readOnlySql(sql: string): MaybePromise<SqlResult>;
}

export class WriteSide implements WriteSidePort {
  readonly db: SqlDb;
  readonly store: EventStore;
  readonly handler: CommandHandler;

  constructor(sql: SqlJsStatic, domain: DomainDefinition) {
    this.db = SqlDb.create(sql);
    this.store = new EventStore(this.db);
    this.handler = new CommandHandler(this.store, domain);
  }

  load(req: LoadRequest): LoadOutcome {
    return this.handler.load(req);
  }
  append(req: AppendRequest): AppendOutcome {
    return this.handler.append(req);
  }
  readStream(streamId: string): EventEnvelope[] {
    const events = this.store.readStream(streamId);
    if (events.length === 0) throw new UnknownStreamError(streamId);
    return events;
  }
  readAll(fromPosition: number, limit: number): EventEnvelope[] {
    return this.store.readAll(fromPosition, limit);
  }
  head(): number {
    return this.store.head;
  }
  listStreams(): StreamInfo[] {
    return this.store.listStreams();
  }
  readOnlySql(sql: string): SqlResult {
    return runReadOnlySql(this.db.db, 'write', sql);
  }
  close(): void {
    this.db.close();
  }
}
