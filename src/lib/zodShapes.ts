// Zod shapes shared by the declarative files the site validates (scenarios in
// simulations/, design drills in content/drills): one definition of what a
// consistency choice or a payload looks like, so both files read the same way.
import { z } from 'zod';
import { CONSISTENCY_STRATEGIES } from '../engine/index.ts';

export const nonEmptyText = z.string().trim().min(1);
export const jsonRecord = z.record(z.string(), z.unknown());
/** ConsistencyOptions (src/engine/vocabulary/intent.ts) as JSON. */
export const consistencyOptions = z
  .object({
    strategy: z.enum(CONSISTENCY_STRATEGIES as [string, ...string[]]),
    token: z.number().int().min(0).optional(),
    timeoutMs: z.number().int().min(0).optional(),
    pollIntervalMs: z.number().int().min(1).optional(),
    via: z.enum(['wait', 'writeSide']).optional(),
  })
  .strict();
