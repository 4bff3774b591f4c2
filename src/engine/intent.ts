// The one vocabulary that drives the engine: sandbox controls, terminal,
// lessons, scenarios and drills all dispatch intents. Plain JSON, so a run
// can be recorded, shared in a URL and replayed.
import type { SettingsPatch } from './settings.ts';

export interface CommandInput {
  type: string;
  data: Record<string, unknown>;
  /** Idempotency key. When omitted the engine assigns `cmd-<n>`. */
  commandId?: string;
  /** Defaults to the commandId. */
  correlationId?: string;
}

export interface QueryInput {
  type: string;
  params?: Record<string, unknown>;
}

export type ProjectionAction = 'pause' | 'resume' | 'crash' | 'rebuild';

export type Intent =
  | { kind: 'command'; command: CommandInput; sessionId?: string }
  | { kind: 'query'; query: QueryInput; sessionId?: string }
  | { kind: 'configure'; settings: SettingsPatch }
  | { kind: 'projection'; action: ProjectionAction; name: string };

/**
 * One recorded intent. `step` is the number of scheduler steps that had run
 * when it was dispatched, which pins it exactly between two tasks of the same
 * virtual instant; hand-written scripts may omit it and give only `at`.
 */
export interface ScriptEntry {
  at: number;
  step?: number;
  intent: Intent;
}
