// A learner's decider as the aggregate of a running engine: the learner sends
// commands and sees the events appended or the refusal, and the stream after it.
import { createEngine, type CommandInput, type CommandResult, type Engine, type EventEnvelope } from '../../engine/index.ts';
import { learnerDecider } from '../adapters/learnerDecider.ts';
import type { CodeEnvironment } from '../checks/environment.ts';
import { STOCK_EVENT_TYPES, STOCK_REJECTIONS, stockDomain } from '../exercises/neverOversell/domain.ts';
import { LearnerCodeError, type LearnerDiagnostic } from '../sandbox/errors.ts';
import { LearnerSandbox } from '../sandbox/sandbox.ts';

export interface DeciderAnswer {
  result?: CommandResult;
  /** The learner's code failed while deciding (or folding). */
  error?: LearnerDiagnostic;
  /** The command's stream after it. */
  stream: { version: number; type: string; data: Record<string, unknown> }[];
}

export class DeciderLab {
  readonly #engine: Engine;
  readonly #sandbox: LearnerSandbox;

  private constructor(engine: Engine, sandbox: LearnerSandbox) {
    this.#engine = engine;
    this.#sandbox = sandbox;
  }

  /** Throws LearnerCodeError when the code does not load or breaks the API. */
  static open(env: CodeEnvironment, source: string, seed: number): DeciderLab {
    let engine: Engine | undefined;
    const sandbox = LearnerSandbox.load(env.quickjs, source, { seed, now: () => engine?.now ?? 0 });
    try {
      const decider = learnerDecider(sandbox, { eventTypes: STOCK_EVENT_TYPES, rejectionCodes: STOCK_REJECTIONS });
      engine = createEngine({ sql: env.sql, domain: stockDomain(decider), seed });
      return new DeciderLab(engine, sandbox);
    } catch (e) {
      sandbox.dispose();
      throw e;
    }
  }

  get engine(): Engine {
    return this.#engine;
  }

  async send(command: CommandInput): Promise<DeciderAnswer> {
    const streamId = `stock-${String(command.data['sku'])}`;
    let result: CommandResult | undefined;
    let error: LearnerDiagnostic | undefined;
    try {
      result = await this.#engine.execute(command);
    } catch (e) {
      if (!(e instanceof LearnerCodeError)) throw e;
      error = e.diagnostic;
      await this.#engine.runUntilIdle().catch(() => undefined);
    }
    const streams = await this.#engine.listStreams();
    const events: EventEnvelope[] = streams.some((s) => s.streamId === streamId) ? await this.#engine.readStream(streamId) : [];
    return {
      ...(result ? { result } : {}),
      ...(error ? { error } : {}),
      stream: events.map((e) => ({ version: e.version, type: e.type, data: e.data })),
    };
  }

  close(): void {
    this.#engine.close();
    this.#sandbox.dispose();
  }
}
