// A learner's projection on a running engine, the blue/green way: registered
// as a variant ('yours') of a reference projection, shadow-built beside the
// live one while the workload keeps running under the chosen faults,
// compared row by row, flipped live and rolled back. Every step is an engine
// intent, so the run is recorded and replays to the same trace.
import { domains } from '../../domain/index.ts';
import {
  createEngine,
  recordsOf,
  type CommandInput,
  type Comparison,
  type DomainDefinition,
  type Engine,
  type ProjectionInfo,
  type SettingsPatch,
  type TraceRecord,
} from '../../engine/index.ts';
import { learnerProjectionCode } from '../adapters/learnerProjection.ts';
import type { CodeEnvironment } from '../checks/environment.ts';
import { LearnerSandbox } from '../sandbox/sandbox.ts';

export const LEARNER_VARIANT = 'yours';

export interface ProjectionLabConfig {
  domain: string;
  projection: string;
  seed: number;
  settings?: SettingsPatch;
  /** Sent one at a time before the lab opens (the history a shadow build replays). */
  history: CommandInput[];
  /** Sent, a batch at a time, by `send` (the log keeps growing while the shadow builds). */
  workload: CommandInput[];
}

export type LabAction = 'shadowRebuild' | 'compare' | 'flip' | 'rollback' | 'dropShadow';

export interface LabState {
  info: ProjectionInfo;
  comparison: Comparison | null;
  /** The latest projection.* records of the lab's projection, as lines. */
  log: string[];
  headPosition: number;
  sent: number;
}

const LOG_LINES = 12;

export class ProjectionLab {
  readonly #engine: Engine;
  readonly #sandbox: LearnerSandbox;
  readonly #config: ProjectionLabConfig;
  #comparison: Comparison | null = null;
  #sent = 0;

  private constructor(engine: Engine, sandbox: LearnerSandbox, config: ProjectionLabConfig) {
    this.#engine = engine;
    this.#sandbox = sandbox;
    this.#config = config;
  }

  /** Loads the learner's code as variant 'yours' of `config.projection` and plays the history. Throws LearnerCodeError when the code does not load. */
  static async open(env: CodeEnvironment, source: string, config: ProjectionLabConfig): Promise<ProjectionLab> {
    const base = domains[config.domain];
    if (!base) throw new Error(`unknown domain ${config.domain}`);
    const reference = base.projections.find((p) => p.name === config.projection);
    if (!reference) throw new Error(`${config.domain} has no projection ${config.projection}`);
    let engine: Engine | undefined;
    const sandbox = LearnerSandbox.load(env.quickjs, source, { seed: config.seed, now: () => engine?.now ?? 0 });
    try {
      const yours = learnerProjectionCode(sandbox, { description: 'Your version', eventTypes: base.events.map((e) => e.type) });
      const domain: DomainDefinition = {
        ...base,
        projections: base.projections.map((p) => (p === reference ? { ...p, variants: { ...p.variants, [LEARNER_VARIANT]: yours } } : p)),
      };
      engine = createEngine({ sql: env.sql, domain, seed: config.seed, ...(config.settings ? { settings: config.settings } : {}) });
      // One at a time: an account must exist before money moves on it.
      for (const command of config.history) await engine.execute(command);
      await engine.runUntilIdle();
      return new ProjectionLab(engine, sandbox, config);
    } catch (e) {
      engine?.close();
      sandbox.dispose();
      throw e;
    }
  }

  get engine(): Engine {
    return this.#engine;
  }

  /** One projection action on the lab's projection (shadowRebuild builds 'yours'), then the engine runs until idle. */
  async act(action: LabAction): Promise<LabState> {
    const name = this.#config.projection;
    if (action === 'compare') {
      this.#comparison = await this.#engine.compareShadow(name);
    } else {
      this.#engine.controlProjection(action, name, action === 'shadowRebuild' ? LEARNER_VARIANT : undefined);
      if (action !== 'flip' && action !== 'rollback') this.#comparison = null;
    }
    await this.#engine.runUntilIdle();
    return this.state();
  }

  /** Sends the next `count` commands of the workload (the log grows; the live and the other version both follow it). */
  async send(count: number): Promise<LabState> {
    const next = this.#config.workload.slice(this.#sent, this.#sent + count);
    for (const command of next) this.#engine.submit({ kind: 'command', command });
    this.#sent += next.length;
    await this.#engine.runUntilIdle();
    return this.state();
  }

  state(): LabState {
    const name = this.#config.projection;
    const records = this.#engine.trace.filter(
      (r): r is TraceRecord & { projection: string } => r.type.startsWith('projection.') && 'projection' in r && r.projection === name,
    );
    const crashed = recordsOf(this.#engine.trace, 'projection.crashed').filter((r) => r.projection === name);
    const log = records
      .filter((r) => r.type !== 'projection.applied' && r.type !== 'projection.checkpointed')
      .slice(-LOG_LINES)
      .map(
        (r) =>
          `t=${r.at} ms ${r.type.slice('projection.'.length)}${r.type === 'projection.crashed' ? `: ${crashed.at(-1)?.reason ?? ''}` : ''}`,
      );
    return {
      info: this.#engine.projectionInfo(name),
      comparison: this.#comparison,
      log,
      headPosition: this.#engine.headPosition,
      sent: this.#sent,
    };
  }

  close(): void {
    this.#engine.close();
    this.#sandbox.dispose();
  }
}
