// A learner's decider standing in for one aggregate of the sandbox's domain:
// the sandbox's event store (its run replayed) is imported as history, so
// evolve folds the streams the sandbox wrote, and every command sent from the
// Code panel is decided by the learner's code on the real command handler.
import { domains } from '../../domain/index.ts';
import {
  createEngine,
  replayScript,
  type CommandInput,
  type CommandResult,
  type DomainDefinition,
  type Engine,
  type EventEnvelope,
} from '../../engine/index.ts';
import type { DeciderCodeText } from '../../sandbox/sessionCode.ts';
import type { SessionState } from '../../sandbox/sessionState.ts';
import { learnerDecider } from '../adapters/learnerDecider.ts';
import type { CodeEnvironment } from '../checks/environment.ts';
import { LearnerCodeError, type LearnerDiagnostic } from '../sandbox/errors.ts';
import { LearnerSandbox } from '../sandbox/sandbox.ts';
import { commandsOf } from './sandboxStarters.ts';

const STREAM_TAIL = 8;
const READ_BATCH = 1000;

export interface SessionDeciderOpened {
  aggregate: string;
  /** Events imported from the sandbox's store as history. */
  imported: number;
  /** The domain's commands that reach this aggregate (checked on their example payloads). */
  commands: string[];
}

export interface SessionDeciderAnswer {
  result?: CommandResult;
  /** The learner's code failed while deciding (or folding). */
  error?: LearnerDiagnostic;
  /** The command itself was refused before any decider ran (unknown type, a field missing…). */
  invalid?: string;
  /** The aggregate's streams the command was routed to, their last events after it. */
  streams: { streamId: string; version: number; events: { version: number; type: string; data: Record<string, unknown> }[] }[];
}

export class SessionDeciderLab {
  readonly #engine: Engine;
  readonly #sandbox: LearnerSandbox;
  readonly #domain: DomainDefinition;
  readonly #aggregate: string;
  readonly opened: SessionDeciderOpened;

  private constructor(engine: Engine, sandbox: LearnerSandbox, domain: DomainDefinition, opened: SessionDeciderOpened) {
    this.#engine = engine;
    this.#sandbox = sandbox;
    this.#domain = domain;
    this.#aggregate = opened.aggregate;
    this.opened = opened;
  }

  /** Throws LearnerCodeError when the code does not load, breaks the API, or cannot fold the imported history. */
  static async open(env: CodeEnvironment, session: SessionState, code: DeciderCodeText): Promise<SessionDeciderLab> {
    const base = domains[session.domain];
    if (!base) throw new Error(`unknown domain ${session.domain}`);
    const aggregate = base.aggregates.find((a) => a.name === code.aggregate);
    if (!aggregate) throw new Error(`${session.domain} has no aggregate ${code.aggregate}`);
    const history = await storedEvents(env, session, base);
    let engine: Engine | undefined;
    const sandbox = LearnerSandbox.load(env.quickjs, code.source, { seed: session.seed, now: () => engine?.now ?? 0 });
    try {
      const decider = learnerDecider(sandbox, {
        eventTypes: base.events.filter((e) => e.aggregate === aggregate.name).map((e) => e.type),
        rejectionCodes: 'any',
      });
      const domain: DomainDefinition = { ...base, aggregates: base.aggregates.map((a) => (a === aggregate ? { ...a, decider } : a)) };
      engine = createEngine({ sql: env.sql, domain, seed: session.seed, settings: session.settings });
      if (history.length > 0) {
        await engine.importEvents(
          history.map((e) => ({ streamId: e.streamId, type: e.type, schemaVersion: e.schemaVersion, data: e.data })),
        );
      }
      await engine.runUntilIdle();
      const commands = commandsOf(base, aggregate.name);
      return new SessionDeciderLab(engine, sandbox, domain, { aggregate: aggregate.name, imported: history.length, commands });
    } catch (e) {
      engine?.close();
      sandbox.dispose();
      throw e;
    }
  }

  get engine(): Engine {
    return this.#engine;
  }

  async send(command: CommandInput): Promise<SessionDeciderAnswer> {
    const spec = this.#domain.commands.find((c) => c.type === command.type);
    if (!spec) return { invalid: `The ${this.#domain.name} domain has no command ${command.type}.`, streams: [] };
    let streamIds: string[];
    try {
      streamIds = spec
        .route(command.data)
        .filter((r) => r.aggregate === this.#aggregate)
        .map((r) => r.streamId);
    } catch (e) {
      return { invalid: e instanceof Error ? e.message : String(e), streams: [] };
    }
    let result: CommandResult | undefined;
    let error: LearnerDiagnostic | undefined;
    let invalid: string | undefined;
    try {
      result = await this.#engine.execute(command);
    } catch (e) {
      if (e instanceof LearnerCodeError) error = e.diagnostic;
      else invalid = e instanceof Error ? e.message : String(e);
      await this.#engine.runUntilIdle().catch(() => undefined);
    }
    const known = new Set((await this.#engine.listStreams()).map((s) => s.streamId));
    const streams = [];
    for (const streamId of streamIds) {
      const events: EventEnvelope[] = known.has(streamId) ? await this.#engine.readStream(streamId) : [];
      streams.push({
        streamId,
        version: events.at(-1)?.version ?? 0,
        events: events.slice(-STREAM_TAIL).map((e) => ({ version: e.version, type: e.type, data: e.data })),
      });
    }
    return { ...(result ? { result } : {}), ...(error ? { error } : {}), ...(invalid ? { invalid } : {}), streams };
  }

  close(): void {
    this.#engine.close();
    this.#sandbox.dispose();
  }
}

/** Every event of the sandbox's store, its run replayed to where it stood. */
async function storedEvents(env: CodeEnvironment, session: SessionState, domain: DomainDefinition): Promise<EventEnvelope[]> {
  const engine = await replayScript(env.sql, domain, session.seed, session.settings, session.script, session.until ?? 'idle');
  try {
    const out: EventEnvelope[] = [];
    for (;;) {
      const batch = await engine.readAll(out.length + 1, READ_BATCH);
      out.push(...batch);
      if (batch.length < READ_BATCH) return out;
    }
  } finally {
    engine.close();
  }
}
