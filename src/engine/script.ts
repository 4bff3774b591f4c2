// Record and replay. An engine records every intent with the virtual time and
// the scheduler step at which it took effect; replaying those entries on a
// fresh engine with the same seed and settings reproduces the trace byte for
// byte. This is what URL sharing, session export, scenarios and the
// Node-versus-browser determinism check rely on.
import type { DomainDefinition } from './domain.ts';
import { createEngine, type Engine } from './engine.ts';
import type { ScriptEntry } from './vocabulary/intent.ts';
import type { SettingsPatch } from './settings.ts';
import type { SqlJsStatic } from './sqlite.ts';

export type ReplayUntil = 'idle' | { at: number; step: number };

/**
 * Build a fresh engine and replay `script` on it. By default the simulation
 * then runs to quiescence; pass the original's `engine.position()` to stop
 * at exactly the same point instead.
 */
export async function replayScript(
  sql: SqlJsStatic,
  domain: DomainDefinition,
  seed: number,
  settings: SettingsPatch,
  script: readonly ScriptEntry[],
  until: ReplayUntil = 'idle',
): Promise<Engine> {
  const engine = createEngine({ sql, domain, seed, settings });
  await engine.replay(script);
  if (until === 'idle') await engine.runUntilIdle();
  else {
    await engine.runToStep(until.step);
    // Set the clock without running tasks due at that instant: the original had not run them either.
    if (until.at > engine.now) engine.clock.set(until.at);
  }
  return engine;
}
