// Dispatching a scenario's intents on a real engine: one at a time (each
// answered before the next) or as a generated load over virtual time.
import type { Engine } from '../engine/index.ts';
import { EngineError } from '../engine/index.ts';
import type { ConsistencyOptions, Intent } from '../engine/index.ts';
import type { IntentOutcome, LoadOutcome, LoadSpec } from './types.ts';

/** Replace `{i}` and `{i%N}` in every string of an intent by the tick number. */
export function instantiate<T>(value: T, i: number): T {
  const sub = (s: string) =>
    s.replace(/\{i(?:%(\d+))?\}/g, (_, mod: string | undefined) => String(mod === undefined ? i : i % Number(mod)));
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return sub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** A query intent with the learner's strategy, when one is imposed. */
function withConsistency(intent: Intent, consistency: ConsistencyOptions | undefined): Intent {
  return consistency && intent.kind === 'query' ? { ...intent, consistency } : intent;
}

/** Dispatch one intent and report what the learner would read: the answer, the rejection or the typed error. */
export async function playIntent(engine: Engine, intent: Intent): Promise<IntentOutcome> {
  try {
    if (intent.kind === 'command') {
      const result = await engine.dispatch(intent);
      if (!result.ok) return { intent, ok: false, result, error: { code: result.rejection.code, message: result.rejection.message } };
      return { intent, ok: true, result };
    }
    return { intent, ok: true, result: await engine.dispatch(intent) };
  } catch (e) {
    if (e instanceof EngineError) return { intent, ok: false, error: { code: e.code, message: e.message } };
    return { intent, ok: false, error: { code: 'ERROR', message: e instanceof Error ? e.message : String(e) } };
  }
}

/**
 * Submit generated loads over virtual time without waiting for answers, then
 * count what became of them from the trace (after the caller has let the
 * simulation run).
 */
export async function runLoads(
  engine: Engine,
  loads: readonly LoadSpec[],
  consistency?: ConsistencyOptions,
): Promise<{ commandIds: string[]; queryIds: string[] }> {
  const start = engine.now;
  const ticks: { at: number; load: number; i: number }[] = [];
  loads.forEach((l, load) => {
    for (let i = 0; i < l.count; i++) ticks.push({ at: start + (l.startMs ?? 0) + i * l.everyMs, load, i });
  });
  ticks.sort((a, b) => a.at - b.at || a.load - b.load || a.i - b.i);
  const commandIds: string[] = [];
  const queryIds: string[] = [];
  for (const t of ticks) {
    if (t.at > engine.now) await engine.advanceTo(t.at);
    for (const template of loads[t.load]!.intents) {
      const receipt = engine.submit(withConsistency(instantiate(template, t.i), consistency));
      if (receipt.kind === 'command') commandIds.push(receipt.commandId);
      else if (receipt.kind === 'query') queryIds.push(receipt.queryId);
    }
  }
  return { commandIds, queryIds };
}

/** What became of submitted commands and queries, read from the trace. */
export function loadOutcome(engine: Engine, ids: { commandIds: string[]; queryIds: string[] }, fromSeq: number): LoadOutcome {
  const commands = new Set(ids.commandIds);
  const queries = new Set(ids.queryIds);
  const out: LoadOutcome = {
    commands: { submitted: commands.size, completed: 0, rejected: 0, failed: 0, duplicates: 0 },
    queries: { submitted: queries.size, executed: 0, stale: 0 },
  };
  for (const r of engine.trace) {
    if (r.seq < fromSeq) continue;
    if (r.type === 'command.completed' && commands.has(r.commandId)) out.commands.completed++;
    else if (r.type === 'command.rejected' && commands.has(r.commandId)) out.commands.rejected++;
    else if (r.type === 'command.failed' && commands.has(r.commandId)) out.commands.failed++;
    else if (r.type === 'command.duplicate' && commands.has(r.commandId)) out.commands.duplicates++;
    else if (r.type === 'query.executed' && queries.has(r.queryId)) {
      out.queries.executed++;
      if (r.stale) out.queries.stale++;
    }
  }
  return out;
}
