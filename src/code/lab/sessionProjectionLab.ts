// A learner's projection beside one of the sandbox's projections, on the
// sandbox's own run: the session's script is replayed in a fresh engine
// (same domain, seed and settings, so the same bus draws) whose projection
// runs the learner's code live. It therefore gets the deliveries the
// sandbox's bus made (duplicates, reordering, drops and crashes as configured
// there) under the sandbox's guards. The reference is then shadow-built from
// the event store beside it and compared row by row; a flip makes the
// reference answer, a rollback brings the learner's version back, so "flip
// live" and "roll back" in the panel are those two engine actions the other
// way round (the learner's code is the definition, 'current', in this engine).
import { domains } from '../../domain/index.ts';
import {
  DEAD_LETTER_TABLE,
  createEngine,
  type Comparison,
  InvalidIntentError,
  type DomainDefinition,
  type Engine,
  type ProjectionDefinition,
  type ProjectionInfo,
  type SqlValue,
  type TraceRecord,
} from '../../engine/index.ts';
import type { ProjectionCodeText } from '../../sandbox/sessionCode.ts';
import type { SessionState } from '../../sandbox/sessionState.ts';
import { learnerProjectionCode } from '../adapters/learnerProjection.ts';
import type { CodeEnvironment } from '../checks/environment.ts';
import { LearnerSandbox } from '../sandbox/sandbox.ts';

/** The reference's name in the lab engine (the learner's code is the definition itself, 'current'). */
export const REFERENCE_VARIANT = 'reference';
const LOG_LINES = 12;
/** The engine's own tables in every read store (not the read model). */
const ENGINE_TABLES = new Set(['checkpoint', 'stream_checkpoints', DEAD_LETTER_TABLE]);
const VIEW_ROWS = 20;
/** Records kept in memory; the delivery counts come from a listener, so they cover the whole run. */
const TRACE_LIMIT = 20_000;

/** What the sandbox's run did to the deliveries the learner's projection received. */
export interface DeliveryFacts {
  delivered: number;
  duplicates: number;
  /** Deliveries of a position lower than one delivered before it. */
  outOfOrder: number;
  /** Duplicate deliveries the sandbox's dedupe guard kept from apply. */
  skippedByGuard: number;
  crashes: number;
}

export interface ReadView {
  table: string;
  columns: string[];
  rows: SqlValue[][];
  total: number;
}

export interface SessionLabState {
  reference: string;
  /** Which version answers queries and the read view. */
  answering: 'reference' | 'yours';
  info: ProjectionInfo;
  headPosition: number;
  replayed: number;
  deliveries: DeliveryFacts;
  /** Yours got the very deliveries the sandbox's projection got, one for one (false when your code changed the run's course, e.g. by crashing). */
  exact: boolean;
  /** Yours (live while it was built) against the reference's clean build; variants named 'yours' and 'reference'. */
  comparison: Comparison | null;
  /** Tables of the reference that your schema lacks (they cannot be compared). */
  missingTables: string[];
  /** Why your projection crashed last, if it did. */
  crash: string | null;
  log: string[];
}

export type SessionLabAction = 'flipLive' | 'rollback' | 'compare';

const named = (variant: string): string => (variant === 'current' ? 'yours' : variant);

export class SessionProjectionLab {
  readonly #engine: Engine;
  readonly #sandbox: LearnerSandbox;
  readonly #reference: string;
  readonly #replayed: number;
  readonly #facts: DeliveryFacts;
  readonly #missing: string[];
  readonly #exact: boolean;
  #comparison: Comparison | null = null;
  #crash: string | null = null;

  private constructor(
    engine: Engine,
    sandbox: LearnerSandbox,
    reference: string,
    replayed: number,
    facts: DeliveryFacts,
    missing: string[],
    exact: boolean,
  ) {
    this.#exact = exact;
    this.#engine = engine;
    this.#sandbox = sandbox;
    this.#reference = reference;
    this.#replayed = replayed;
    this.#facts = facts;
    this.#missing = missing;
  }

  /**
   * Replays `session` with the learner's code live for `code.reference`, shadow-builds the reference, compares, and
   * flips the reference in (it answers until the learner flips theirs live). Throws LearnerCodeError when the code does not load.
   */
  static async open(env: CodeEnvironment, session: SessionState, code: ProjectionCodeText): Promise<SessionProjectionLab> {
    const base = domains[session.domain];
    if (!base) throw new Error(`unknown domain ${session.domain}`);
    const reference = base.projections.find((p) => p.name === code.reference);
    if (!reference) throw new Error(`${session.domain} has no projection ${code.reference}`);
    // The sandbox's own run, replayed as it is: the deliveries its bus made to the reference.
    const mirror = createEngine({ sql: env.sql, domain: base, seed: session.seed, settings: session.settings, traceLimit: TRACE_LIMIT });
    let sandboxDeliveries: string[];
    try {
      const watched = watchDeliveries(mirror, reference.name);
      await play(mirror, session, 'step');
      sandboxDeliveries = watched.deliveries;
    } finally {
      mirror.close();
    }
    try {
      return await SessionProjectionLab.#build(env, session, base, reference, code.source, 'step', sandboxDeliveries);
    } catch (e) {
      // Your projection changed the run's course (a crash stops its deliveries, so fewer tasks ran): the script's
      // steps no longer line up. Replayed by virtual time instead, it runs; the lab says its deliveries are not exact.
      if (!(e instanceof InvalidIntentError)) throw e;
      return SessionProjectionLab.#build(env, session, base, reference, code.source, 'time', sandboxDeliveries);
    }
  }

  static async #build(
    env: CodeEnvironment,
    session: SessionState,
    base: DomainDefinition,
    reference: ProjectionDefinition,
    source: string,
    by: 'step' | 'time',
    sandboxDeliveries: readonly string[],
  ): Promise<SessionProjectionLab> {
    let engine: Engine | undefined;
    const sandbox = LearnerSandbox.load(env.quickjs, source, { seed: session.seed, now: () => engine?.now ?? 0 });
    try {
      const yours = learnerProjectionCode(sandbox, { description: 'Your version', eventTypes: base.events.map((e) => e.type) });
      const { description, schema, handles, apply } = reference;
      const domain: DomainDefinition = {
        ...base,
        projections: base.projections.map((p) =>
          p === reference
            ? { ...p, ...yours, name: p.name, variants: { [REFERENCE_VARIANT]: { description, schema, handles, apply } } }
            : p,
        ),
      };
      engine = createEngine({ sql: env.sql, domain, seed: session.seed, settings: session.settings, traceLimit: TRACE_LIMIT });
      const watched = watchDeliveries(engine, reference.name);
      await play(engine, session, by);
      const exact = by === 'step' && watched.deliveries.join() === sandboxDeliveries.join();
      const missing = SessionProjectionLab.#missingTables(env, reference.schema, yours.schema);
      const lab = new SessionProjectionLab(engine, sandbox, reference.name, session.script.length, watched.facts, missing, exact);
      lab.#crash = watched.crashes.at(-1) ?? null;
      engine.controlProjection('shadowRebuild', reference.name, REFERENCE_VARIANT);
      await engine.runUntilIdle();
      lab.#comparison = await lab.#compare();
      // The reference answers (as in the sandbox) until the learner flips theirs live; a crashed projection cannot be swapped.
      if (lab.#canSwap()) {
        engine.controlProjection('flip', reference.name);
        await engine.runUntilIdle();
      }
      return lab;
    } catch (e) {
      engine?.close();
      sandbox.dispose();
      throw e;
    }
  }

  /** Table names each schema creates, read from a scratch database (the learner's DDL is data here, never run on a store). */
  static #missingTables(env: CodeEnvironment, referenceSchema: readonly string[], yourSchema: readonly string[]): string[] {
    const tables = (ddl: readonly string[]): Set<string> => {
      const db = new env.sql.Database();
      try {
        for (const statement of ddl) db.run(statement);
        return new Set((db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? []).map((v) => String(v[0])));
      } catch {
        return new Set();
      } finally {
        db.close();
      }
    };
    const yours = tables(yourSchema);
    return [...tables(referenceSchema)].filter((t) => !yours.has(t));
  }

  get engine(): Engine {
    return this.#engine;
  }

  #canSwap(): boolean {
    const info = this.#engine.projectionInfo(this.#reference);
    return info.status === 'live' || info.status === 'paused';
  }

  async #compare(): Promise<Comparison> {
    const c = await this.#engine.compareShadow(this.#reference);
    await this.#engine.runUntilIdle();
    return { ...c, liveVariant: named(c.liveVariant), otherVariant: named(c.otherVariant) };
  }

  /** flipLive: your version answers; rollback: the reference answers again; compare: row by row once more. */
  async act(action: SessionLabAction): Promise<SessionLabState> {
    if (action === 'compare') {
      this.#comparison = await this.#compare();
      return this.state();
    }
    const answering = this.#answering();
    if (action === 'flipLive' && answering === 'reference') this.#engine.controlProjection('rollback', this.#reference);
    if (action === 'rollback' && answering === 'yours') this.#engine.controlProjection('flip', this.#reference);
    await this.#engine.runUntilIdle();
    return this.state();
  }

  #answering(): 'reference' | 'yours' {
    return this.#engine.projectionInfo(this.#reference).variant === REFERENCE_VARIANT ? 'reference' : 'yours';
  }

  /** One of the domain's queries, answered by whichever version is live; a failure (your tables, your code) is the answer. */
  async query(
    type: string,
    params: Record<string, unknown>,
  ): Promise<{ answering: 'reference' | 'yours'; data?: unknown; error?: string }> {
    const answering = this.#answering();
    try {
      const r = await this.#engine.query({ type, params });
      return { answering, data: r.data };
    } catch (e) {
      return { answering, error: e instanceof Error ? e.message : String(e) };
    }
  }

  /** The live store's tables, the last rows of each. */
  async readView(): Promise<ReadView[]> {
    const store = this.#reference;
    const names = (await this.#engine.readOnlySql(store, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).rows
      .map((r) => String(r[0]))
      .filter((t) => !ENGINE_TABLES.has(t) && !t.startsWith('sqlite_'));
    const out: ReadView[] = [];
    for (const table of names) {
      const q = `"${table.replace(/"/g, '""')}"`;
      const total = Number((await this.#engine.readOnlySql(store, `SELECT COUNT(*) FROM ${q}`)).rows[0]?.[0] ?? 0);
      const rows = await this.#engine.readOnlySql(store, `SELECT * FROM ${q} LIMIT ${VIEW_ROWS}`);
      out.push({ table, columns: rows.columns, rows: rows.rows, total });
    }
    return out;
  }

  state(): SessionLabState {
    const name = this.#reference;
    const log = this.#engine.trace
      .filter(
        (r): r is TraceRecord & { projection: string } =>
          r.type.startsWith('projection.') &&
          r.type !== 'projection.applied' &&
          r.type !== 'projection.checkpointed' &&
          'projection' in r &&
          r.projection === name,
      )
      .slice(-LOG_LINES)
      .map((r) => `t=${r.at} ms ${r.type.slice('projection.'.length)}${r.type === 'projection.crashed' ? `: ${r.reason}` : ''}`);
    return {
      reference: name,
      answering: this.#answering(),
      info: this.#engine.projectionInfo(name),
      headPosition: this.#engine.headPosition,
      replayed: this.#replayed,
      deliveries: { ...this.#facts },
      exact: this.#exact,
      comparison: this.#comparison,
      missingTables: this.#missing,
      crash: this.#crash,
      log,
    };
  }

  close(): void {
    this.#engine.close();
    this.#sandbox.dispose();
  }
}

/** Counts what happens to one projection's deliveries, and keeps them (position, attempt, duplicate) to compare two runs. */
function watchDeliveries(engine: Engine, projection: string): { facts: DeliveryFacts; crashes: string[]; deliveries: string[] } {
  const facts: DeliveryFacts = { delivered: 0, duplicates: 0, outOfOrder: 0, skippedByGuard: 0, crashes: 0 };
  const crashes: string[] = [];
  const deliveries: string[] = [];
  let highest = 0;
  engine.onTrace((r: TraceRecord) => {
    if (!('projection' in r) || r.projection !== projection) return;
    if (r.type === 'bus.delivered') {
      facts.delivered++;
      deliveries.push(`${r.at}:${r.position}:${r.attempt}:${r.duplicate ? 'd' : ''}`);
      if (r.duplicate) facts.duplicates++;
      if (r.position < highest) facts.outOfOrder++;
      highest = Math.max(highest, r.position);
    } else if (r.type === 'projection.duplicateSkipped') facts.skippedByGuard++;
    else if (r.type === 'projection.crashed') {
      facts.crashes++;
      crashes.push(r.reason);
    }
  });
  return { facts, crashes, deliveries };
}

/**
 * The session on `engine` as replayScript plays it, by step (exactly as it ran) or by virtual time only, then on
 * until idle: what was still on its way reaches the projections too.
 */
async function play(engine: Engine, session: SessionState, by: 'step' | 'time'): Promise<void> {
  await engine.replay(by === 'step' ? session.script : session.script.map(({ at, intent }) => ({ at, intent })));
  if (by === 'step' && session.until) {
    await engine.runToStep(session.until.step);
    if (session.until.at > engine.now) engine.clock.set(session.until.at);
  }
  await engine.runUntilIdle();
}
