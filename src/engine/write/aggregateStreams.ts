// An aggregate's stream on the write side: which aggregate a stream or a
// command's routes belong to, and folding a stream into state (from the
// latest trusted snapshot when the policy allows), up to a version. What
// loading for a command, predicting, temporal queries and imports share.
import type { AggregateDefinition, CommandSpec, DomainDefinition, Route } from '../domain.ts';
import { InvalidIntentError } from '../errors.ts';
import type { EventStore } from './eventStore.ts';

/** Snapshot policy handed to the write side with each load and append. */
export interface SnapshotPolicy {
  /** Every N events of a stream (0 = snapshots off: none read, none taken). */
  every: number;
  /** State version per aggregate name (default: the aggregate's stateVersion, or 1). */
  stateVersions: Record<string, number>;
}

/** What a load found about snapshots for one stream. */
export interface SnapshotUse {
  /** Stream version the snapshot was taken at. */
  version: number;
  stateVersion: number;
  /** False when it was taken under another state version and therefore ignored. */
  used: boolean;
  /** The state version the current code expects. */
  expectedStateVersion: number;
}

export interface LoadedStream {
  streamId: string;
  aggregate: string;
  /** Version the decision is based on: the expected version at append. */
  version: number;
  /** Aggregate state folded from the stream (plain JSON). */
  state: unknown;
  /** Events folded to get the state (the tail after a snapshot, or the whole stream). */
  eventsFolded?: number;
  /** The snapshot found for the stream, used or ignored. */
  snapshot?: SnapshotUse;
}

export class AggregateStreams {
  readonly store: EventStore;
  readonly domain: DomainDefinition;
  readonly #aggregates: Map<string, AggregateDefinition>;
  readonly #commands: Map<string, CommandSpec>;

  constructor(store: EventStore, domain: DomainDefinition) {
    this.store = store;
    this.domain = domain;
    this.#aggregates = new Map(domain.aggregates.map((a) => [a.name, a]));
    this.#commands = new Map(domain.commands.map((c) => [c.type, c]));
  }

  routes(commandType: string, data: Record<string, unknown>): Route[] {
    return this.routesOf(this.spec(commandType), data);
  }

  spec(commandType: string): CommandSpec {
    const spec = this.#commands.get(commandType);
    if (!spec) throw new Error(`command '${commandType}' reached the write side without validation`);
    return spec;
  }

  routesOf(spec: CommandSpec, data: Record<string, unknown>): Route[] {
    const routes = spec.route(data);
    for (let i = 1; i < routes.length; i++) {
      for (let j = 0; j < i; j++) {
        if (routes[i]!.streamId === routes[j]!.streamId)
          throw new Error(`command '${spec.type}' routes twice to stream '${routes[i]!.streamId}'`);
      }
    }
    return routes;
  }

  /** The aggregate a stream belongs to, by its prefix. */
  aggregateOf(streamId: string): AggregateDefinition {
    let best: AggregateDefinition | undefined;
    for (const a of this.#aggregates.values()) {
      if (streamId.startsWith(a.streamPrefix) && (!best || a.streamPrefix.length > best.streamPrefix.length)) best = a;
    }
    if (!best) {
      throw new InvalidIntentError(
        `Stream '${streamId}' belongs to no aggregate of this domain (streams start with: ${[...this.#aggregates.values()].map((a) => a.streamPrefix).join(', ')}).`,
      );
    }
    return best;
  }

  /** The state version snapshots of `aggregate` must carry to be trusted. */
  stateVersion(aggregate: string, policy: SnapshotPolicy | undefined): number {
    return policy?.stateVersions[aggregate] ?? this.#aggregates.get(aggregate)?.stateVersion ?? 1;
  }

  /** Fold a stream (from its latest trusted snapshot when the policy allows) up to `upTo`. */
  fold(streamId: string, aggregateName: string, policy: SnapshotPolicy | undefined, upTo = Number.MAX_SAFE_INTEGER): LoadedStream {
    const aggregate = this.aggregate(aggregateName);
    let state = aggregate.decider.initialState;
    let version = 0;
    let snapshot: SnapshotUse | undefined;
    if (policy !== undefined && policy.every > 0) {
      const found = this.store.latestSnapshot(streamId, upTo);
      if (found) {
        const expected = this.stateVersion(aggregateName, policy);
        const used = found.stateVersion === expected && found.aggregate === aggregateName;
        snapshot = { version: found.version, stateVersion: found.stateVersion, used, expectedStateVersion: expected };
        if (used) {
          state = found.state;
          version = found.version;
        }
      }
    }
    const tail = this.store.foldStream(streamId, aggregate.decider.evolve, state, version, upTo);
    const loaded: LoadedStream = { streamId, aggregate: aggregateName, version: tail.version, state: tail.state };
    if (policy !== undefined && policy.every > 0) {
      loaded.eventsFolded = tail.folded;
      if (snapshot) loaded.snapshot = snapshot;
    }
    return loaded;
  }

  aggregate(name: string): AggregateDefinition {
    const a = this.#aggregates.get(name);
    if (!a) throw new Error(`route names unknown aggregate '${name}'`);
    return a;
  }
}
