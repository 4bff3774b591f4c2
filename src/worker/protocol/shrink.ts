// The failing-run shrinker's worker (shrink.worker.ts): a challenge's, a
// lesson goal's or a design drill's failure cut down to the shortest run that still fails. Its
// client is shrinkClient.ts.
import type { ConsistencyOptions } from '../../engine/index.ts';
import type { Design, Drill } from '../../drills/types.ts';
import type { SessionState } from '../../sandbox/sessionState.ts';
import type { Scenario } from '../../scenarios/types.ts';
import type { ShrinkReport } from '../../shrink/report.ts';
import type { ShrinkProgress } from '../../shrink/shrink.ts';
import type { Reply, WorkerApi } from './reply.ts';

/** How long a shrink may go on: candidate replays and wall-clock ms, whichever runs out first. */
export interface ShrinkLimits {
  maxReplays: number;
  maxMs: number;
}

export type ShrinkApi = WorkerApi<{
  /**
   * Replay the learner's session with the challenge's workload, take the first
   * failing criterion, and shrink that run. Null when every criterion passes.
   * `onProgress` (a comlink proxy) hears each candidate tried.
   */
  shrinkChallenge(
    session: SessionState,
    scenario: Scenario,
    learner: { consistency?: ConsistencyOptions },
    limits: ShrinkLimits,
    onProgress?: (p: ShrinkProgress) => void,
  ): Promise<Reply<ShrinkReport | null>>;
  /** Play the drill with the design, take the first failing requirement, and shrink that run. Null when every requirement is met. */
  shrinkDrill(
    drill: Drill,
    design: Design,
    limits: ShrinkLimits,
    onProgress?: (p: ShrinkProgress) => void,
  ): Promise<Reply<ShrinkReport | null>>;
}>;
