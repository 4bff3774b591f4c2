import * as Comlink from 'comlink';
import type { ConsistencyOptions } from '../engine/index.ts';
import type { Design, Drill } from '../drills/types.ts';
import type { SessionState } from '../sandbox/sessionState.ts';
import type { Scenario } from '../scenarios/types.ts';
import type { ShrinkReport } from '../shrink/report.ts';
import type { ShrinkProgress } from '../shrink/shrink.ts';
import { unwrap, type Reply } from './protocol/reply.ts';
import type { ShrinkApi, ShrinkLimits } from './protocol/shrink.ts';

/** What a shrink may spend by default: enough for a lesson's run, short enough to wait for. */
export const DEFAULT_SHRINK_LIMITS: ShrinkLimits = { maxReplays: 300, maxMs: 20_000 };

/**
 * Shrink a challenge's failure in a fresh worker (a clean engine every time),
 * reporting progress; the worker ends with the run, or at once when `signal`
 * aborts (the promise then rejects with the abort reason).
 */
export async function shrinkChallengeInWorker(
  session: SessionState,
  scenario: Scenario,
  learner: { consistency?: ConsistencyOptions },
  onProgress: (p: ShrinkProgress) => void,
  options: { limits?: ShrinkLimits; signal?: AbortSignal } = {},
): Promise<ShrinkReport | null> {
  return inShrinkWorker(
    (shrinker, limits, progress) => shrinker.shrinkChallenge(session, scenario, learner, limits, progress),
    onProgress,
    options,
  );
}

/** Shrink a design drill's failure (the drill played with `design`) the same way. */
export async function shrinkDrillInWorker(
  drill: Drill,
  design: Design,
  onProgress: (p: ShrinkProgress) => void,
  options: { limits?: ShrinkLimits; signal?: AbortSignal } = {},
): Promise<ShrinkReport | null> {
  return inShrinkWorker((shrinker, limits, progress) => shrinker.shrinkDrill(drill, design, limits, progress), onProgress, options);
}

async function inShrinkWorker(
  call: (
    shrinker: Comlink.Remote<ShrinkApi>,
    limits: ShrinkLimits,
    onProgress: (p: ShrinkProgress) => void,
  ) => Promise<Reply<ShrinkReport | null>>,
  onProgress: (p: ShrinkProgress) => void,
  options: { limits?: ShrinkLimits; signal?: AbortSignal },
): Promise<ShrinkReport | null> {
  const worker = new Worker(new URL('./shrink.worker.ts', import.meta.url), { type: 'module', name: 'shrink' });
  const shrinker = Comlink.wrap<ShrinkApi>(worker);
  const aborted = new Promise<never>((_, reject) => {
    options.signal?.addEventListener('abort', () => reject(options.signal!.reason), { once: true });
  });
  try {
    const run = call(shrinker, options.limits ?? DEFAULT_SHRINK_LIMITS, Comlink.proxy(onProgress));
    return unwrap(await Promise.race([run, aborted]));
  } finally {
    shrinker[Comlink.releaseProxy]();
    worker.terminate();
  }
}
