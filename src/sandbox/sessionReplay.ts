// A saved sandbox session replayed on a fresh engine, to where it stood (or
// to quiescence when it records no stopping point): the start of every check
// that judges a learner's run after the fact (challenges, predictions, the
// shortest failing run).
import { getDomain } from '../domain/index.ts';
import { replayScript, type Engine, type SqlJsStatic } from '../engine/index.ts';
import type { SessionState } from './sessionState.ts';

export function replaySession(sql: SqlJsStatic, session: SessionState): Promise<Engine> {
  return replayScript(sql, getDomain(session.domain), session.seed, session.settings, session.script, session.until ?? 'idle');
}
