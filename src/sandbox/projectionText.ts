// One wording for a projection's crash and for a shadow comparison, shared by
// the sandbox's Projections panel and the terminal, so both say the same.
import type { ProjectionInfo, ShadowComparison } from '../engine/index.ts';
import { plural } from '../lib/plural.ts';
import type { CrashInfo } from '../worker/views/observer.ts';

/** Why it crashed and what it lost, in a sentence ("crashed on request: …"). */
export function crashText(c: Pick<CrashInfo, 'reason' | 'rolledBack' | 'lostInbox'>): string {
  const why = c.reason === 'requested' ? 'crashed on request (a simulated crash)' : `crashed because ${c.reason}`;
  const lost: string[] = [];
  if (c.rolledBack > 0) lost.push(`${plural(c.rolledBack, 'event')} of the batch in flight rolled back`);
  if (c.lostInbox > 0) lost.push(`${plural(c.lostInbox, 'delivered event')} lost from its inbox`);
  return lost.length === 0 ? `${why}.` : `${why}: ${lost.join(', ')}.`;
}

/** The other store's name in a comparison: the shadow being built, or the version a flip replaced. */
function otherStore(role: 'candidate' | 'previous' | undefined): string {
  return role === 'previous' ? 'the previous version' : role === 'candidate' ? 'the shadow' : 'the other store';
}

/**
 * "byProduct: the live store (version current, at position 4) and the shadow
 * (version fixed, at position 4) hold the same rows." or "… differ in 3 rows."
 */
export function comparisonText(c: ShadowComparison, role?: 'candidate' | 'previous'): string {
  const stores = `the live store (version ${c.liveVariant}, at position ${c.livePosition}) and ${otherStore(role)} (version ${c.otherVariant}, at position ${c.otherPosition})`;
  return `${c.projection}: ${stores} ${c.differingRows === 0 ? 'hold the same rows' : `differ in ${plural(c.differingRows, 'row')}`}.`;
}

/**
 * Whether a comparison still describes the stores on screen: the same live
 * version with the same other store beside it. A drop, a flip, a rollback or
 * a reset makes it stale.
 */
export function comparisonIsCurrent(c: ShadowComparison, projections: readonly ProjectionInfo[]): boolean {
  const p = projections.find((x) => x.name === c.projection);
  return p !== undefined && p.variant === c.liveVariant && p.shadow !== null && p.shadow.variant === c.otherVariant;
}
