// How the player words what happened: narration with `code` spans, and one
// line per intent a step dispatched. Pure, so it is tested in Node.
import type { Intent } from '../engine/index.ts';
import type { IntentOutcome } from './types.ts';

export interface NarrationPart {
  code: boolean;
  text: string;
}

/** Split narration on backticks: odd pieces are code. An unpaired backtick stays as text. */
export function narrationParts(text: string): NarrationPart[] {
  const pieces = text.split('`');
  if (pieces.length % 2 === 0) {
    // Unbalanced: the last backtick opens nothing; glue it back onto the text after it.
    const tail = pieces.pop()!;
    pieces[pieces.length - 1] += '`' + tail;
  }
  return pieces.map((piece, i) => ({ code: i % 2 === 1, text: piece })).filter((p) => p.text.length > 0);
}

/** A short name for an intent, as the terminal and the log would say it. */
export function intentLabel(intent: Intent): string {
  switch (intent.kind) {
    case 'command':
      return intent.command.type;
    case 'query':
      return `query ${intent.query.type}${intent.consistency ? ` (${intent.consistency.strategy})` : ''}`;
    case 'configure':
      return `set ${settingPaths(intent.settings).join(', ')}`;
    case 'projection':
      return `${intent.action} ${intent.name}`;
    case 'session':
      return `session ${intent.sessionId}: ${intent.consistency?.strategy ?? 'eventual'}`;
    case 'subscribe':
      return `subscribe to ${intent.projection} at ${intent.position}`;
    case 'aggregateAt':
      return `${intent.streamId} as of ${JSON.stringify(intent.asOf).replace(/[{}"]/g, '').replace(':', ' ')}`;
    case 'projectionAt':
      return `${intent.projection} as of ${JSON.stringify(intent.asOf).replace(/[{}"]/g, '').replace(':', ' ')}`;
    case 'import':
      return `import ${intent.events.length} old event${intent.events.length === 1 ? '' : 's'}`;
    case 'fault':
      return `arm a publish crash${intent.count && intent.count > 1 ? ` ×${intent.count}` : ''}`;
  }
}

/** One line for what the engine answered to an intent. */
export function outcomeLine(o: IntentOutcome): string {
  const label = intentLabel(o.intent);
  if (!o.ok) return `${label}: ${o.error ? `${o.error.code}, ${o.error.message}` : 'refused'}`;
  const r = o.result as Record<string, unknown> | undefined;
  if (o.intent.kind === 'command' && r && typeof r.consistencyToken === 'number') {
    return `${label}: accepted${r.duplicate ? ' (a duplicate: the first result was returned)' : ''}, position ${r.consistencyToken}`;
  }
  if (o.intent.kind === 'query' && r && typeof r.position === 'number' && typeof r.lagEvents === 'number') {
    return `${label}: answered at position ${r.position}${r.lagEvents > 0 ? `, ${r.lagEvents} behind the write side` : ', up to date'}`;
  }
  return `${label}: done`;
}

/** Dotted paths of a settings patch (`bus.latencyMs`, `idempotency`). */
export function settingPaths(patch: object): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && key !== 'projections') {
      for (const sub of Object.keys(value)) out.push(`${key}.${sub}`);
    } else out.push(key);
  }
  return out;
}
