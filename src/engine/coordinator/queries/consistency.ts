// Consistency options as they arrive in an intent: checked before anything is scheduled.
import { InvalidIntentError, InvalidPayloadError } from '../../errors.ts';
import { CONSISTENCY_STRATEGIES, type ConsistencyOptions } from '../../vocabulary/intent.ts';

/** A query's or a session's consistency options, checked field by field; a copy. */
export function validateConsistency(c: unknown): ConsistencyOptions | undefined {
  if (c === undefined) return undefined;
  if (c === null || typeof c !== 'object')
    throw new InvalidIntentError('consistency must be an object such as { strategy: "readYourWrites" }.');
  const o = c as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['strategy', 'token', 'timeoutMs', 'pollIntervalMs', 'via'].includes(key)) {
      throw new InvalidIntentError(`consistency has no option '${key}' (options: strategy, token, timeoutMs, pollIntervalMs, via).`);
    }
  }
  if (!CONSISTENCY_STRATEGIES.includes(o['strategy'] as never)) {
    throw new InvalidIntentError(
      `Unknown consistency strategy ${JSON.stringify(o['strategy'] ?? null)}. Use one of: ${CONSISTENCY_STRATEGIES.join(', ')}.`,
    );
  }
  const int = (key: string, min: number, max: number): void => {
    const v = o[key];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new InvalidPayloadError('consistency', key, v, `a whole number from ${min} to ${max}`);
    }
  };
  int('token', 0, Number.MAX_SAFE_INTEGER);
  int('timeoutMs', 0, 600_000);
  int('pollIntervalMs', 1, 60_000);
  if (o['via'] !== undefined && o['via'] !== 'wait' && o['via'] !== 'writeSide') {
    throw new InvalidPayloadError('consistency', 'via', o['via'], "'wait' or 'writeSide'");
  }
  return JSON.parse(JSON.stringify(o)) as ConsistencyOptions;
}
