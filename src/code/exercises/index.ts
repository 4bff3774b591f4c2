// The exercises, in the order the practice page lists them. Light data only:
// the checks (which need the engine and QuickJS) are in check.ts, loaded by
// the worker.
import { idempotentBalance } from './idempotentBalance/exercise.ts';
import { joinLines } from './joinLines/exercise.ts';
import { neverOversell } from './neverOversell/exercise.ts';
import { sagaCompensation } from './sagaCompensation/exercise.ts';
import type { ExerciseInfo } from './types.ts';
import { upcastProduct } from './upcastProduct/exercise.ts';

export type { ApiEntry, ExerciseInfo } from './types.ts';

export const EXERCISES: readonly ExerciseInfo[] = [idempotentBalance, neverOversell, upcastProduct, sagaCompensation, joinLines];

export function exerciseById(id: string): ExerciseInfo | undefined {
  return EXERCISES.find((e) => e.id === id);
}
