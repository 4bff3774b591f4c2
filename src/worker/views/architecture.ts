// The live architecture picture, folded from the trace one record at a time
// (in the coordinator worker, beside the observer): who sends what, the
// command handler and the event store, every delivery in flight on the bus,
// each projection and read store, the queries coming back and the consistency
// window of one command. O(1) amortised per record and bounded memory: it
// keeps what is in flight (as the engine's scheduler does) and short rings of
// the recent past, never the whole trace.
//
// Two trace fields exist for this picture (the engine emits both; a trace
// recorded before them still draws, with the fallback noted):
//   1. `bus.published.deliverAt: number[]`: the scheduled arrival time of each
//      first delivery, in the order of `subscribers` (the `at` the bus hands to
//      the scheduler, after latency, jitter and the FIFO clamps). Without it a
//      token's arrival is estimated as publishedAt + latencyMs
//      (`BusToken.estimated: true`) and `reordered` cannot be detected.
//   2. `bus.dropped.duplicate: boolean`: whether the lost delivery was the
//      duplicate copy (a redelivery keeps the flag). Without it the model
//      assumes the original copy was lost when it is still in flight.
// Everything else comes from records the engine already emits.
import { applySettingsPatch } from '../../engine/index.ts';
import { Inbox, RateMeter, Ring } from './architectureBuffers.ts';
import type { ConsistencyStrategy, DomainDefinition, EngineSettings, ProjectionStatus, TraceRecord } from '../../engine/index.ts';

/** How a delivery on the bus differs from a plain one. */
export type TokenKind =
  /** A first delivery, on time and in order. */
  | 'normal'
  /** The bus's second copy of an event (at-least-once). */
  | 'duplicate'
  /** Sent again after the bus lost it (`attempt` > 1). */
  | 'redelivery'
  /** Will arrive before an earlier event that is still in flight to the same subscriber. */
  | 'reordered'
  /** Delivered, but the projection holds it until its predecessor in the stream arrives. */
  | 'held';

export interface BusToken {
  /** Stable across frames: `subscriber#position#copy`. */
  key: string;
  position: number;
  streamId: string;
  eventType: string;
  subscriber: string;
  /** When the event was published. */
  publishedAt: number;
  /** When this leg started: the publish, or the drop a redelivery follows. Draw from here. */
  sentAt: number;
  /** When it is scheduled to arrive (held tokens: when they arrived). */
  arriveAt: number;
  /** The arrival is an estimate (the trace lacks `bus.published.deliverAt`). */
  estimated: boolean;
  kind: TokenKind;
  attempt: number;
}

/** Too many deliveries to draw one by one: how many, and how fast. */
export interface BusFlow {
  /** In flight to this subscriber right now (all of them). */
  count: number;
  /** Tokens still drawn individually (the unusual ones first). */
  shown: number;
  /** Deliveries published to this subscriber per virtual second, lately. */
  ratePerSecond: number;
}

export interface BusLane {
  subscriber: string;
  /** A projection, or a saga (`saga:<name>`). */
  role: 'projection' | 'saga';
  /** Scheduled but not yet delivered. */
  inFlight: number;
  /** Delivered but waiting for a predecessor (kind `held`). */
  waiting: number;
  /** In-flight tokens (all of them, or the unusual ones when `flow` is set) and waiting ones. */
  tokens: BusToken[];
  /** Set when in-flight tokens exceed the cap: the picture draws a flow instead. */
  flow: BusFlow | null;
  /** Held by the bus while the subscriber is paused (an outage). */
  pausedQueue: number;
  /** Deliveries the bus gave up on because the subscriber was down. */
  discarded: number;
}

export type CommandState = 'pending' | 'completed' | 'rejected' | 'duplicate' | 'failed';

export interface CommandView {
  /** Unique among the views: a command sent again with the same id is a second view (the seq of its first receipt). */
  key: string;
  commandId: string;
  commandType: string;
  sessionId: string | null;
  at: number;
  state: CommandState;
  /** Rejection or failure code, or "token <n>". */
  detail: string | null;
}

export type Freshness = 'pending' | 'fresh' | 'stale' | 'diverged';

export interface QueryView {
  queryId: string;
  queryType: string;
  projection: string;
  sessionId: string | null;
  at: number;
  strategy: ConsistencyStrategy | null;
  /** Where the answer came from (read model, write side, cache, prediction). */
  source: string | null;
  /** Fresh: the read model was at the head when it answered; stale: behind it; diverged: its data disagrees with the events. */
  freshness: Freshness;
  /** The answer did not reflect what the session required (its own last write, or a token): the engine's `stale`. */
  missesOwnWrite: boolean;
  /** Position the answer reflects, and the head when it was given. */
  position: number | null;
  headPosition: number | null;
  lagEvents: number | null;
  lagMs: number | null;
  waitedMs: number | null;
}

export interface SessionView {
  sessionId: string;
  lastAt: number;
  commands: number;
  queries: number;
  /** Newest first. */
  recentCommands: CommandView[];
  recentQueries: QueryView[];
}

/**
 * A read model that disagrees with its events, e.g. "stock 72, the events say
 * 61". Computed by the worker (phase 2: it folds the events and compares), fed
 * in with `setDivergences`.
 */
export interface Divergence {
  projection: string;
  /** What disagrees, as a learner reads it: "product KB", "account a1". */
  subject: string;
  /** The field: "stock", "balance". */
  field: string;
  /** What the read model holds. */
  readModel: string | number | null;
  /** What folding the events gives. */
  events: string | number | null;
  /** The likely cause, when known: "duplicate applied", "event lost", "faulty code". */
  cause?: string;
  /** The position at which the comparison was made. */
  checkedAt: number;
}

export interface ProjectionView {
  name: string;
  status: ProjectionStatus;
  /** Why it crashed (status crashed), else null. */
  reason: string | null;
  /** Checkpoint: every event up to here is reflected. */
  position: number;
  headPosition: number;
  lagEvents: number;
  /** Age of the oldest event it has not applied yet (virtual ms); null when that append left the model's memory. */
  lagMs: number | null;
  /** Delivered, not yet applied. */
  queue: number;
  /** Held by the bus during a pause. */
  heldByBus: number;
  /** Delivered but waiting for a predecessor. */
  waiting: number;
  rebuild: { position: number; headPosition: number } | null;
  catchUp: { fromPosition: number; headPosition: number } | null;
  shadow: { variant: string; role: 'candidate' | 'previous'; position: number; headPosition: number; caughtUp: boolean } | null;
  /** The version of its code answering queries. */
  variant: string;
  /** Fed through the bus, or inside every command. */
  mode: 'async' | 'sync';
  divergences: Divergence[];
}

export interface ReadStoreView {
  /** "write" (level 1), "read" (level 2) or the projection's own store (level 3). */
  name: string;
  projections: string[];
}

export interface WindowLeg {
  projection: string;
  /** When the projection applied the last of the command's events, or null while open. */
  closedAt: number | null;
  /** Measured (closed) or elapsed so far (open), virtual ms. */
  ms: number;
}

export interface ConsistencyWindowView {
  commandId: string;
  commandType: string;
  appendedAt: number;
  positions: number[];
  /** Picked by the learner (else the latest command that appended). */
  chosen: boolean;
  legs: WindowLeg[];
  open: boolean;
}

export interface ArchitectureFrame {
  /** The last record folded. */
  seq: number;
  /** Virtual time the frame is drawn at (≥ the last record's time). */
  at: number;
  sessions: SessionView[];
  /** Sessions not shown (least recently active). */
  moreSessions: number;
  commandHandler: { inProgress: number; recent: CommandView[]; separationLevel: 1 | 2 | 3; delivery: 'dualWrite' | 'outbox' };
  eventStore: {
    head: number;
    appendsPerSecond: number;
    /** Streams appended to in the last `recentMs`, newest first. */
    recentStreams: { streamId: string; version: number; at: number }[];
    /** Positions whose publication was lost (dual write under a fault). */
    lostPositions: number;
  };
  bus: {
    latencyMs: number;
    jitterMs: number;
    duplicateProbability: number;
    dropProbability: number;
    reorder: boolean;
    /** Sum over lanes of deliveries scheduled but not delivered. */
    inFlight: number;
    lanes: BusLane[];
    /** Arrival times are estimates (see the trace additions above). */
    estimated: boolean;
  };
  projections: ProjectionView[];
  readStores: ReadStoreView[];
  /** Newest first. */
  queries: QueryView[];
  window: ConsistencyWindowView | null;
}

export interface ArchitectureOptions {
  domain: Pick<DomainDefinition, 'projections'> & { sagas?: readonly { name: string }[] };
  /** The engine's settings when the run started (settings.changed records patch them). */
  settings: EngineSettings;
  /** In-flight tokens drawn per subscriber before they become a flow (default 60). */
  tokenCap?: number;
  /** What counts as "recent" for streams being written (virtual ms, default 2000). */
  recentMs?: number;
}

interface Lane {
  subscriber: string;
  role: 'projection' | 'saga';
  /** In flight, in publish order (a Map keeps insertion order: the oldest first). */
  flying: Map<string, BusToken>;
  /** In flight and not `normal`, so an aggregated lane still shows them. */
  unusual: Set<string>;
  /** Delivered, waiting for a predecessor. */
  waiting: Map<number, BusToken>;
  pausedQueue: number;
  discarded: number;
  /** Latest scheduled arrival of a first delivery (reorder detection). */
  lastArrive: number;
  rate: RateMeter;
}

interface Projection {
  name: string;
  status: ProjectionStatus;
  reason: string | null;
  position: number;
  inbox: Inbox;
  rebuild: { position: number; headPosition: number } | null;
  catchUp: { fromPosition: number; headPosition: number } | null;
  shadow: ProjectionView['shadow'];
  variant: string;
}

interface OpenWindow {
  commandId: string;
  commandType: string;
  appendedAt: number;
  positions: number[];
  legs: Map<string, { pending: Set<number>; closedAt: number | null }>;
}

const SAGA_PREFIX = 'saga:';
const SESSION_LIMIT = 6;
const RECENT_COMMANDS = 6;
const RECENT_QUERIES = 8;
const SESSION_RECENT = 3;
const WINDOW_LIMIT = 32;
/** Append batches remembered for lag in ms (beyond this the lag is unknown, shown as such). */
const APPEND_LIMIT = 200_000;

export class ArchitectureModel {
  readonly tokenCap: number;
  readonly recentMs: number;
  #settings: EngineSettings;
  readonly #projectionNames: string[];
  readonly #handles: Map<string, Set<string>>;
  readonly #lanes = new Map<string, Lane>();
  readonly #projections = new Map<string, Projection>();
  readonly #sessions = new Map<string, SessionView>();
  readonly #commands = new Map<string, CommandView>();
  readonly #recentCommands = new Ring<CommandView>(RECENT_COMMANDS);
  readonly #queries = new Map<string, QueryView>();
  readonly #recentQueries = new Ring<QueryView>(RECENT_QUERIES);
  readonly #streams = new Map<string, { streamId: string; version: number; at: number }>();
  /** Append times: parallel arrays of (first position of a batch, time), oldest first. */
  #appendPos: number[] = [];
  #appendAt: number[] = [];
  readonly #appendRate = new RateMeter();
  readonly #windows = new Map<string, OpenWindow>();
  readonly #windowByPosition = new Map<number, OpenWindow>();
  #latestWindow: string | null = null;
  #focus: string | null = null;
  #divergences = new Map<string, Divergence[]>();
  #inProgress = 0;
  #lost = 0;
  #head = 0;
  #seq = 0;
  #at = 0;
  #estimated = false;

  constructor(options: ArchitectureOptions) {
    this.tokenCap = options.tokenCap ?? 60;
    this.recentMs = options.recentMs ?? 2000;
    this.#settings = options.settings;
    this.#projectionNames = options.domain.projections.map((p) => p.name);
    this.#handles = new Map(options.domain.projections.map((p) => [p.name, new Set(p.handles)]));
    for (const name of this.#projectionNames) {
      this.#projections.set(name, {
        name,
        status: 'live',
        reason: null,
        position: 0,
        inbox: new Inbox(),
        rebuild: null,
        catchUp: null,
        shadow: null,
        variant: 'current',
      });
      this.#lane(name);
    }
    for (const s of options.domain.sagas ?? []) this.#lane(`${SAGA_PREFIX}${s.name}`);
  }

  get seq(): number {
    return this.#seq;
  }

  /** Draw the window of this command instead of the latest (null: back to the latest). */
  focus(commandId: string | null): void {
    this.#focus = commandId;
  }

  /** The read models that disagree with their events, as the worker last measured them (replaces the previous list). */
  setDivergences(list: readonly Divergence[]): void {
    this.#divergences = new Map();
    for (const d of list) {
      const l = this.#divergences.get(d.projection) ?? [];
      l.push(d);
      this.#divergences.set(d.projection, l);
    }
  }

  add(r: TraceRecord): void {
    this.#seq = r.seq;
    this.#at = r.at;
    switch (r.type) {
      case 'command.received': {
        if (r.attempt !== 1 || this.#commands.has(r.commandId)) return;
        const c: CommandView = {
          key: `${r.commandId}@${r.seq}`,
          commandId: r.commandId,
          commandType: r.commandType,
          sessionId: r.sessionId ?? null,
          at: r.at,
          state: 'pending',
          detail: null,
        };
        this.#commands.set(r.commandId, c);
        this.#recentCommands.push(c);
        this.#inProgress++;
        const s = this.#session(r.sessionId, r.at);
        if (s) {
          s.commands++;
          s.recentCommands.unshift(c);
          if (s.recentCommands.length > SESSION_RECENT) s.recentCommands.pop();
        }
        return;
      }
      case 'command.completed':
        return this.#settle(r.commandId, 'completed', `token ${r.consistencyToken}`);
      case 'command.rejected':
        return this.#settle(r.commandId, 'rejected', r.rejection.code);
      case 'command.duplicate':
        return this.#settle(r.commandId, 'duplicate', r.consistencyToken === null ? null : `token ${r.consistencyToken}`);
      case 'command.failed':
        return this.#settle(r.commandId, 'failed', r.code);
      case 'events.appended':
      case 'events.imported':
        return this.#appended(r.at, r.commandId, r.events);
      case 'publish.lost':
        this.#lost += r.positions.length;
        return;
      case 'bus.published':
        return this.#published(r);
      case 'bus.duplicated': {
        const lane = this.#lane(r.projection);
        const original = lane.flying.get(`${r.projection}#${r.position}#0`);
        this.#fly(lane, {
          key: `${r.projection}#${r.position}#1`,
          position: r.position,
          streamId: original?.streamId ?? '',
          eventType: original?.eventType ?? '',
          subscriber: r.projection,
          publishedAt: r.at,
          sentAt: r.at,
          arriveAt: r.deliverAt,
          estimated: false,
          kind: 'duplicate',
          attempt: 1,
        });
        return;
      }
      case 'bus.dropped': {
        const lane = this.#lane(r.projection);
        const flagged = (r as { duplicate?: boolean }).duplicate;
        const copy = flagged === undefined ? (lane.flying.has(`${r.projection}#${r.position}#0`) ? 0 : 1) : flagged ? 1 : 0;
        const key = `${r.projection}#${r.position}#${copy}`;
        const t = lane.flying.get(key);
        if (!t) return;
        // The same delivery travels again: from the drop to the redelivery.
        this.#land(lane, key);
        this.#fly(lane, {
          ...t,
          sentAt: r.at,
          arriveAt: r.redeliverAt,
          estimated: false,
          attempt: r.attempt + 1,
          kind: copy === 1 ? 'duplicate' : 'redelivery',
        });
        return;
      }
      case 'bus.delivered': {
        const lane = this.#lane(r.projection);
        this.#land(lane, `${r.projection}#${r.position}#${r.duplicate ? 1 : 0}`);
        this.#projections.get(r.projection)?.inbox.push(r.position);
        return;
      }
      case 'bus.held': {
        const lane = this.#lane(r.projection);
        this.#landAny(lane, r.position);
        lane.pausedQueue++;
        return;
      }
      case 'bus.released': {
        const lane = this.#lane(r.projection);
        lane.pausedQueue = Math.max(0, lane.pausedQueue - r.count);
        return;
      }
      case 'bus.discarded': {
        const lane = this.#lane(r.projection);
        // Either an arrival while down, or what the bus held when it went down.
        if (!this.#landAny(lane, r.position) && lane.pausedQueue > 0) lane.pausedQueue--;
        lane.discarded++;
        return;
      }
      case 'projection.applied':
        return this.#applied(r.projection, r.position, r.at, r.mode);
      case 'projection.duplicateSkipped':
        this.#projections.get(r.projection)?.inbox.remove(r.position);
        return;
      case 'projection.held': {
        this.#projections.get(r.projection)?.inbox.remove(r.position);
        this.#lane(r.projection).waiting.set(r.position, {
          key: `${r.projection}#${r.position}#held`,
          position: r.position,
          streamId: r.streamId,
          eventType: '',
          subscriber: r.projection,
          publishedAt: r.at,
          sentAt: r.at,
          arriveAt: r.at,
          estimated: false,
          kind: 'held',
          attempt: 1,
        });
        return;
      }
      case 'projection.checkpointed':
        this.#passed(r.projection, r.watermark);
        return this.#trimAppends();
      case 'projection.paused':
        this.#projection(r.projection).status = 'paused';
        return;
      case 'projection.resumed': {
        const p = this.#projection(r.projection);
        p.status = r.from === 'paused' ? 'live' : 'catchingUp';
        p.reason = null;
        return;
      }
      case 'projection.crashed': {
        const p = this.#projection(r.projection);
        Object.assign(p, { status: 'crashed', reason: r.reason, position: r.watermark, rebuild: null, catchUp: null });
        p.inbox.clear();
        // What it held in memory is lost with it; catch-up reads the store.
        this.#lane(r.projection).waiting.clear();
        return;
      }
      case 'projection.catchUpStarted':
        Object.assign(this.#projection(r.projection), {
          status: 'catchingUp',
          catchUp: { fromPosition: r.fromPosition, headPosition: r.headPosition },
        });
        return;
      case 'projection.caughtUp':
        Object.assign(this.#projection(r.projection), { status: 'live', catchUp: null });
        this.#passed(r.projection, r.watermark);
        return this.#trimAppends();
      case 'projection.rebuildStarted':
        Object.assign(this.#projection(r.projection), {
          status: 'rebuilding',
          reason: null,
          rebuild: { position: 0, headPosition: r.headPosition },
        });
        return;
      case 'projection.rebuildProgress':
        this.#projection(r.projection).rebuild = { position: r.position, headPosition: r.headPosition };
        return;
      case 'projection.rebuildFinished':
        Object.assign(this.#projection(r.projection), { status: 'live', rebuild: null });
        this.#passed(r.projection, r.watermark);
        this.#closeUpTo(r.projection, r.watermark, r.at);
        return this.#trimAppends();
      case 'projection.shadowStarted':
        this.#projection(r.projection).shadow = {
          variant: r.variant,
          role: 'candidate',
          position: 0,
          headPosition: r.headPosition,
          caughtUp: false,
        };
        return;
      case 'projection.shadowProgress':
        this.#projection(r.projection).shadow = {
          variant: r.variant,
          role: r.role,
          position: r.position,
          headPosition: r.headPosition,
          caughtUp: false,
        };
        return;
      case 'projection.shadowCaughtUp': {
        const s = this.#projection(r.projection).shadow;
        if (s) Object.assign(s, { caughtUp: true, position: r.watermark });
        return;
      }
      case 'projection.flipped':
      case 'projection.rolledBack': {
        const p = this.#projection(r.projection);
        p.variant = r.to;
        p.position = r.watermark;
        p.shadow = { variant: r.from, role: 'previous', position: r.watermark, headPosition: r.watermark, caughtUp: true };
        return;
      }
      case 'projection.shadowDropped':
        this.#projection(r.projection).shadow = null;
        return;
      case 'query.received': {
        const q: QueryView = {
          queryId: r.queryId,
          queryType: r.queryType,
          projection: r.projection,
          sessionId: r.sessionId ?? null,
          at: r.at,
          strategy: r.strategy ?? null,
          source: null,
          freshness: 'pending',
          missesOwnWrite: false,
          position: null,
          headPosition: null,
          lagEvents: null,
          lagMs: null,
          waitedMs: null,
        };
        this.#queries.set(r.queryId, q);
        if (this.#queries.size > RECENT_QUERIES * 8) this.#queries.delete(this.#queries.keys().next().value!);
        this.#recentQueries.push(q);
        const s = this.#session(r.sessionId, r.at);
        if (s) {
          s.queries++;
          s.recentQueries.unshift(q);
          if (s.recentQueries.length > SESSION_RECENT) s.recentQueries.pop();
        }
        return;
      }
      case 'query.executed': {
        const q = this.#queries.get(r.queryId);
        if (!q) return;
        this.#queries.delete(r.queryId);
        Object.assign(q, {
          missesOwnWrite: r.stale ?? false,
          strategy: r.strategy ?? q.strategy,
          source: r.source ?? 'readModel',
          freshness: r.lagEvents > 0 ? 'stale' : 'fresh',
          position: r.position,
          headPosition: r.headPosition,
          lagEvents: r.lagEvents,
          lagMs: r.lagMs,
          waitedMs: r.waitedMs ?? null,
        });
        return;
      }
      case 'settings.changed':
        this.#settings = applySettingsPatch(this.#settings, r.changes, this.#projectionNames);
        return;
      default:
        return;
    }
  }

  /** The picture at virtual time `now` (default: the last record's time). */
  frame(now = this.#at): ArchitectureFrame {
    const at = Math.max(now, this.#at);
    const lanes: BusLane[] = [];
    let inFlight = 0;
    for (const lane of this.#lanes.values()) {
      inFlight += lane.flying.size;
      lanes.push(this.#laneView(lane, at));
    }
    const sessions = [...this.#sessions.values()].reverse();
    const syncSet = this.#syncProjections();
    const projections: ProjectionView[] = [...this.#projections.values()].map((p) => {
      const lane = this.#lanes.get(p.name)!;
      const lagEvents = Math.max(0, this.#head - p.position);
      return {
        name: p.name,
        status: p.status,
        reason: p.reason,
        position: p.position,
        headPosition: this.#head,
        lagEvents,
        lagMs: lagEvents === 0 ? 0 : this.#lagMs(p.position, at),
        queue: p.inbox.size,
        heldByBus: lane.pausedQueue,
        waiting: lane.waiting.size,
        rebuild: p.rebuild && { ...p.rebuild },
        catchUp: p.catchUp && { ...p.catchUp },
        shadow: p.shadow && { ...p.shadow },
        variant: p.variant,
        mode: syncSet.has(p.name) ? 'sync' : 'async',
        divergences: [...(this.#divergences.get(p.name) ?? [])],
      };
    });
    const diverged = new Set([...this.#divergences].filter(([, l]) => l.length > 0).map(([name]) => name));
    const queryView = (q: QueryView): QueryView => ({
      ...q,
      freshness: q.freshness !== 'pending' && diverged.has(q.projection) ? 'diverged' : q.freshness,
    });
    const b = this.#settings.bus;
    return {
      seq: this.#seq,
      at,
      sessions: sessions
        .slice(0, SESSION_LIMIT)
        .map((s) => ({ ...s, recentCommands: s.recentCommands.map((c) => ({ ...c })), recentQueries: s.recentQueries.map(queryView) })),
      moreSessions: Math.max(0, sessions.length - SESSION_LIMIT),
      commandHandler: {
        inProgress: this.#inProgress,
        recent: this.#recentCommands.newest().map((c) => ({ ...c })),
        separationLevel: this.#settings.separationLevel,
        delivery: this.#settings.delivery,
      },
      eventStore: {
        head: this.#head,
        appendsPerSecond: this.#appendRate.at(at),
        recentStreams: [...this.#streams.values()]
          .filter((s) => at - s.at <= this.recentMs)
          .reverse()
          .slice(0, 6)
          .map((s) => ({ ...s })),
        lostPositions: this.#lost,
      },
      bus: {
        latencyMs: b.latencyMs,
        jitterMs: b.jitterMs,
        duplicateProbability: b.duplicateProbability,
        dropProbability: b.dropProbability,
        reorder: b.reorder,
        inFlight,
        lanes,
        estimated: this.#estimated,
      },
      projections,
      readStores: this.#readStores(),
      queries: this.#recentQueries.newest().map(queryView),
      window: this.#windowView(at),
    };
  }

  // ── bus ────────────────────────────────────────────────────────────────

  #lane(subscriber: string): Lane {
    let lane = this.#lanes.get(subscriber);
    if (!lane) {
      lane = {
        subscriber,
        role: subscriber.startsWith(SAGA_PREFIX) ? 'saga' : 'projection',
        flying: new Map(),
        unusual: new Set(),
        waiting: new Map(),
        pausedQueue: 0,
        discarded: 0,
        lastArrive: Number.NEGATIVE_INFINITY,
        rate: new RateMeter(),
      };
      this.#lanes.set(subscriber, lane);
    }
    return lane;
  }

  #published(r: Extract<TraceRecord, { type: 'bus.published' }>): void {
    const deliverAt = (r as { deliverAt?: readonly number[] }).deliverAt;
    if (!deliverAt) this.#estimated = true;
    for (let i = 0; i < r.subscribers.length; i++) {
      const subscriber = r.subscribers[i]!;
      const lane = this.#lane(subscriber);
      lane.rate.add(r.at);
      const arriveAt = deliverAt?.[i] ?? r.at + this.#settings.bus.latencyMs;
      // It overtakes an earlier event still in flight to the same subscriber.
      const reordered = deliverAt !== undefined && arriveAt < lane.lastArrive;
      lane.lastArrive = Math.max(lane.lastArrive, arriveAt);
      this.#fly(lane, {
        key: `${subscriber}#${r.position}#0`,
        position: r.position,
        streamId: r.streamId,
        eventType: r.eventType,
        subscriber,
        publishedAt: r.at,
        sentAt: r.at,
        arriveAt,
        estimated: deliverAt === undefined,
        kind: reordered ? 'reordered' : 'normal',
        attempt: 1,
      });
    }
  }

  #fly(lane: Lane, t: BusToken): void {
    lane.flying.set(t.key, t);
    if (t.kind !== 'normal') lane.unusual.add(t.key);
  }

  #land(lane: Lane, key: string): boolean {
    lane.unusual.delete(key);
    return lane.flying.delete(key);
  }

  /** The bus does not say which copy arrived (held, discarded): the original if it is in flight, else the copy. */
  #landAny(lane: Lane, position: number): boolean {
    return this.#land(lane, `${lane.subscriber}#${position}#0`) || this.#land(lane, `${lane.subscriber}#${position}#1`);
  }

  #laneView(lane: Lane, at: number): BusLane {
    const cap = this.tokenCap;
    const n = lane.flying.size;
    const tokens: BusToken[] = [];
    let flow: BusFlow | null = null;
    if (n <= cap) {
      for (const t of lane.flying.values()) tokens.push({ ...t });
    } else {
      // Too many to draw: the unusual ones (up to the cap) stay visible, the rest is a flow with its count.
      for (const key of lane.unusual) {
        if (tokens.length >= cap) break;
        tokens.push({ ...lane.flying.get(key)! });
      }
      flow = { count: n, shown: tokens.length, ratePerSecond: lane.rate.at(at) };
    }
    let waiting = 0;
    for (const t of lane.waiting.values()) {
      if (waiting++ >= cap) break;
      tokens.push({ ...t });
    }
    return {
      subscriber: lane.subscriber,
      role: lane.role,
      inFlight: n,
      waiting: lane.waiting.size,
      tokens,
      flow,
      pausedQueue: lane.pausedQueue,
      discarded: lane.discarded,
    };
  }

  // ── write side ─────────────────────────────────────────────────────────

  #session(sessionId: string | undefined, at: number): SessionView | null {
    if (sessionId === undefined) return null;
    let s = this.#sessions.get(sessionId);
    if (s) this.#sessions.delete(sessionId);
    else s = { sessionId, lastAt: at, commands: 0, queries: 0, recentCommands: [], recentQueries: [] };
    s.lastAt = at;
    // Most recently active last (a Map keeps insertion order).
    this.#sessions.set(sessionId, s);
    if (this.#sessions.size > SESSION_LIMIT * 8) this.#sessions.delete(this.#sessions.keys().next().value!);
    return s;
  }

  #settle(commandId: string, state: CommandState, detail: string | null): void {
    const c = this.#commands.get(commandId);
    if (!c) return;
    this.#commands.delete(commandId);
    this.#inProgress = Math.max(0, this.#inProgress - 1);
    c.state = state;
    c.detail = detail;
  }

  #appended(
    at: number,
    commandId: string,
    events: readonly { position: number; streamId: string; version: number; eventType: string }[],
  ): void {
    if (events.length === 0) return;
    this.#appendRate.add(at, events.length);
    this.#appendPos.push(events[0]!.position);
    this.#appendAt.push(at);
    if (this.#appendPos.length > APPEND_LIMIT * 2) this.#dropAppends(this.#appendPos.length - APPEND_LIMIT);
    for (const e of events) {
      this.#head = Math.max(this.#head, e.position);
      this.#streams.delete(e.streamId);
      this.#streams.set(e.streamId, { streamId: e.streamId, version: e.version, at });
    }
    if (this.#streams.size > 64) {
      for (const [id, s] of this.#streams) {
        if (this.#streams.size <= 32) break;
        if (at - s.at > this.recentMs || this.#streams.size > 48) this.#streams.delete(id);
      }
    }
    this.#openWindow(at, commandId, events);
  }

  #syncProjections(): Set<string> {
    const s = this.#settings.sync;
    if (s.mode === 'sync') return new Set(this.#projectionNames);
    if (s.mode === 'hybrid') return new Set(s.projections);
    return new Set();
  }

  #readStores(): ReadStoreView[] {
    const level = this.#settings.separationLevel;
    if (level === 1) return [{ name: 'write', projections: [...this.#projectionNames] }];
    if (level === 2) return [{ name: 'read', projections: [...this.#projectionNames] }];
    return this.#projectionNames.map((name) => ({ name, projections: [name] }));
  }

  // ── lag in ms ──────────────────────────────────────────────────────────

  /** Age of the first event after `position` (the engine's lagMs), or null if that append was forgotten. */
  #lagMs(position: number, now: number): number | null {
    const pos = this.#appendPos;
    if (pos.length === 0 || pos[0]! > position + 1) return null;
    // The last batch starting at or before position + 1 holds it.
    let lo = 0;
    let hi = pos.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pos[mid]! <= position + 1) lo = mid;
      else hi = mid - 1;
    }
    return now - this.#appendAt[lo]!;
  }

  /** Forget append times every projection has passed (amortised: only when there is a lot to drop). */
  #trimAppends(): void {
    if (this.#appendPos.length < 1024) return;
    let min = this.#head;
    for (const p of this.#projections.values()) min = Math.min(min, p.position);
    let keep = 0;
    while (keep + 1 < this.#appendPos.length && this.#appendPos[keep + 1]! <= min + 1) keep++;
    if (keep > this.#appendPos.length / 2) this.#dropAppends(keep);
  }

  #dropAppends(n: number): void {
    this.#appendPos = this.#appendPos.slice(n);
    this.#appendAt = this.#appendAt.slice(n);
  }

  // ── consistency window ─────────────────────────────────────────────────

  #openWindow(at: number, commandId: string, events: readonly { position: number; eventType: string }[]): void {
    const legs = new Map<string, { pending: Set<number>; closedAt: number | null }>();
    for (const [projection, handles] of this.#handles) {
      const pending = new Set(events.filter((e) => handles.has(e.eventType)).map((e) => e.position));
      if (pending.size > 0) legs.set(projection, { pending, closedAt: null });
    }
    if (legs.size === 0) return;
    const w: OpenWindow = {
      commandId,
      commandType: this.#commandType(commandId),
      appendedAt: at,
      positions: events.map((e) => e.position),
      legs,
    };
    this.#windows.set(commandId, w);
    for (const p of w.positions) this.#windowByPosition.set(p, w);
    this.#latestWindow = commandId;
    if (this.#windows.size > WINDOW_LIMIT) {
      for (const [id, old] of this.#windows) {
        if (this.#windows.size <= WINDOW_LIMIT) break;
        if (id === this.#focus) continue;
        this.#windows.delete(id);
        for (const p of old.positions) this.#windowByPosition.delete(p);
      }
    }
  }

  #commandType(commandId: string): string {
    return this.#commands.get(commandId)?.commandType ?? '';
  }

  #applied(projection: string, position: number, at: number, mode: 'live' | 'catchUp' | 'sync'): void {
    const p = this.#projections.get(projection);
    if (p && mode === 'live') {
      // An event it was holding left the inbox when it was held.
      if (!this.#lanes.get(projection)!.waiting.delete(position)) p.inbox.remove(position);
    }
    const w = this.#windowByPosition.get(position);
    const leg = w?.legs.get(projection);
    if (!w || !leg || !leg.pending.delete(position)) return;
    if (leg.pending.size === 0) leg.closedAt = at;
  }

  #closeUpTo(projection: string, watermark: number, at: number): void {
    for (const w of this.#windows.values()) {
      const leg = w.legs.get(projection);
      if (leg && leg.closedAt === null && [...leg.pending].every((pos) => pos <= watermark)) {
        leg.pending.clear();
        leg.closedAt = at;
      }
    }
  }

  #windowView(at: number): ConsistencyWindowView | null {
    const id = this.#focus !== null && this.#windows.has(this.#focus) ? this.#focus : this.#latestWindow;
    const w = id === null ? undefined : this.#windows.get(id);
    if (!w) return null;
    const legs = [...w.legs].map(([projection, l]) => ({ projection, closedAt: l.closedAt, ms: (l.closedAt ?? at) - w.appendedAt }));
    return {
      commandId: w.commandId,
      commandType: w.commandType,
      appendedAt: w.appendedAt,
      positions: [...w.positions],
      chosen: id === this.#focus,
      legs,
      open: legs.some((l) => l.closedAt === null),
    };
  }

  /** The projection reflects everything up to `watermark`: what it held or queued up to there is done. */
  #passed(name: string, watermark: number): void {
    const p = this.#projection(name);
    p.position = watermark;
    p.inbox.passed(watermark);
    const waiting = this.#lanes.get(name)?.waiting;
    if (waiting && waiting.size > 0) for (const pos of waiting.keys()) if (pos <= watermark) waiting.delete(pos);
  }

  #projection(name: string): Projection {
    let p = this.#projections.get(name);
    if (!p) {
      p = {
        name,
        status: 'live',
        reason: null,
        position: 0,
        inbox: new Inbox(),
        rebuild: null,
        catchUp: null,
        shadow: null,
        variant: 'current',
      };
      this.#projections.set(name, p);
    }
    return p;
  }
}

/** The picture at record `seq` (scrubbing the timeline): fold the records up to it. */
export function architectureAt(
  records: readonly TraceRecord[],
  options: ArchitectureOptions,
  seq: number,
  now?: number,
): ArchitectureFrame {
  const model = new ArchitectureModel(options);
  let at = 0;
  for (const r of records) {
    if (r.seq > seq) break;
    model.add(r);
    at = r.at;
  }
  return model.frame(now ?? at);
}
