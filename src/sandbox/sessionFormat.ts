// The session file format (export/import and the URL share the envelope) and
// its strict validation. Anything unexpected is refused with a message that
// says what was wrong, before the current session is touched.
import { domains as registry } from '../domain/index.ts';
import type { DomainDefinition } from '../engine/index.ts';
import { CONSISTENCY_STRATEGIES, PROJECTION_ACTIONS, type Intent, type ScriptEntry } from '../engine/index.ts';
import { applySettingsPatch, DEFAULT_SETTINGS } from '../engine/index.ts';
import { validatePayload } from '../engine/index.ts';
import { SessionCodeError, validateSessionCode } from './sessionCode.ts';
import type { SessionState } from './sessionState.ts';

export const SESSION_FORMAT = 'cqrs-lab-session';
/** Version 2 added the learner's code ("code"); a session without code is still written as version 1, which older sites read. */
export const SESSION_VERSION = 2;
const READABLE_VERSIONS: readonly unknown[] = [1, 2];

export interface SessionFile {
  format: typeof SESSION_FORMAT;
  version: 1 | typeof SESSION_VERSION;
  name?: string;
  exportedAt?: string;
  session: SessionState;
}

export class SessionFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionFormatError';
  }
}

const fail = (message: string): never => {
  throw new SessionFormatError(message);
};

export function toSessionFile(session: SessionState, name?: string, exportedAt?: string): SessionFile {
  return {
    format: SESSION_FORMAT,
    version: session.code ? SESSION_VERSION : 1,
    ...(name !== undefined ? { name } : {}),
    ...(exportedAt !== undefined ? { exportedAt } : {}),
    session,
  };
}

/** Parse and validate a session file's text. Throws SessionFormatError. */
export function parseSessionFile(text: string, domains: Record<string, DomainDefinition> = registry): SessionFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return fail(`This is not a CQRS Lab session file: it is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  return validateSessionFile(value, domains);
}

export function validateSessionFile(value: unknown, domains: Record<string, DomainDefinition> = registry): SessionFile {
  if (!isObject(value)) return fail('This is not a CQRS Lab session file: expected a JSON object.');
  if (value['format'] !== SESSION_FORMAT) {
    return fail(
      `This is not a CQRS Lab session file: "format" is ${JSON.stringify(value['format'] ?? null)}, expected "${SESSION_FORMAT}".`,
    );
  }
  if (!READABLE_VERSIONS.includes(value['version'])) {
    return fail(
      `This session file has version ${JSON.stringify(value['version'] ?? null)}; this site reads versions ${READABLE_VERSIONS.join(' and ')}.`,
    );
  }
  onlyKeys(value, ['format', 'version', 'name', 'exportedAt', 'session'], 'the file');
  if (value['name'] !== undefined && typeof value['name'] !== 'string') fail('"name" must be a text.');
  if (value['exportedAt'] !== undefined && typeof value['exportedAt'] !== 'string') fail('"exportedAt" must be a text.');
  const session = validateSessionState(value['session'], domains);
  if (session.code && value['version'] === 1) fail('A version 1 session file has no "code"; code came with version 2.');
  return {
    format: SESSION_FORMAT,
    version: value['version'] as SessionFile['version'],
    ...(typeof value['name'] === 'string' ? { name: value['name'] } : {}),
    ...(typeof value['exportedAt'] === 'string' ? { exportedAt: value['exportedAt'] } : {}),
    session,
  };
}

export function validateSessionState(value: unknown, domains: Record<string, DomainDefinition> = registry): SessionState {
  if (!isObject(value)) return fail('"session" must be an object with domain, seed, settings and script.');
  onlyKeys(value, ['domain', 'seed', 'settings', 'script', 'until', 'code'], 'the session');
  const domainName = value['domain'];
  if (typeof domainName !== 'string' || !Object.hasOwn(domains, domainName)) {
    return fail(`Unknown domain ${JSON.stringify(domainName ?? null)}; this site has: ${Object.keys(domains).join(', ')}.`);
  }
  const domain = domains[domainName]!;
  const seed = value['seed'];
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) fail(`"seed" must be a whole number, got ${JSON.stringify(seed ?? null)}.`);
  const names = domain.projections.map((p) => p.name);
  const settings = value['settings'];
  try {
    applySettingsPatch(DEFAULT_SETTINGS, settings, names);
  } catch (e) {
    fail(`The session's settings are invalid: ${e instanceof Error ? e.message : String(e)}`);
  }
  const script = value['script'];
  if (!Array.isArray(script)) return fail('"script" must be a list of recorded intents.');
  let lastAt = 0;
  let lastStep = 0;
  const entries: ScriptEntry[] = script.map((entry: unknown, i) => {
    const where = `script entry ${i + 1}`;
    if (!isObject(entry)) return fail(`${where} must be an object with at, step and intent.`);
    onlyKeys(entry, ['at', 'step', 'intent'], where);
    const at = entry['at'];
    const step = entry['step'];
    if (typeof at !== 'number' || !Number.isFinite(at) || at < lastAt)
      fail(`${where}: "at" must be a time in ms, not earlier than the entry before (${lastAt}).`);
    if (step !== undefined && (typeof step !== 'number' || !Number.isSafeInteger(step) || step < lastStep)) {
      fail(`${where}: "step" must be a whole number, not below the entry before (${lastStep}).`);
    }
    lastAt = at as number;
    if (typeof step === 'number') lastStep = step;
    const intent = validateIntent(entry['intent'], domain, where);
    return step === undefined ? { at: at as number, intent } : { at: at as number, step: step as number, intent };
  });
  const until = value['until'];
  let stop: SessionState['until'];
  if (until !== undefined) {
    if (!isObject(until)) return fail('"until" must be { at, step }.');
    onlyKeys(until, ['at', 'step'], '"until"');
    const at = until['at'];
    const step = until['step'];
    if (typeof at !== 'number' || !Number.isFinite(at) || at < lastAt)
      fail(`"until.at" must be a time not before the last intent (${lastAt}).`);
    if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < lastStep)
      fail(`"until.step" must be a whole number not below the last intent's step (${lastStep}).`);
    stop = { at: at as number, step: step as number };
  }
  let code: SessionState['code'];
  try {
    if (value['code'] !== undefined) code = validateSessionCode(value['code'], domain);
  } catch (e) {
    if (e instanceof SessionCodeError) fail(`The session's code was refused: ${e.message}`);
    throw e;
  }
  return {
    domain: domainName,
    seed: seed as number,
    settings: settings as SessionState['settings'],
    script: entries,
    ...(stop ? { until: stop } : {}),
    ...(code ? { code } : {}),
  };
}

function validateIntent(value: unknown, domain: DomainDefinition, where: string): Intent {
  if (!isObject(value)) return fail(`${where}: "intent" must be an object with a kind.`);
  const sessionId = value['sessionId'];
  if (sessionId !== undefined && (typeof sessionId !== 'string' || sessionId.length === 0))
    fail(`${where}: "sessionId" must be a non-empty text.`);
  const guard = <T>(run: () => T): T => {
    try {
      return run();
    } catch (e) {
      return fail(`${where}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  switch (value['kind']) {
    case 'command': {
      onlyKeys(value, ['kind', 'command', 'sessionId'], where);
      const c = value['command'];
      if (!isObject(c)) return fail(`${where}: "command" must be an object with type and data.`);
      onlyKeys(c, ['type', 'data', 'commandId', 'correlationId', 'expectedVersion'], `${where} command`);
      const spec = domain.commands.find((s) => s.type === c['type']);
      if (!spec) return fail(`${where}: the ${domain.name} domain has no command ${JSON.stringify(c['type'] ?? null)}.`);
      guard(() => validatePayload(spec.type, spec.fields, c['data']));
      for (const k of ['commandId', 'correlationId'] as const) {
        if (c[k] !== undefined && (typeof c[k] !== 'string' || c[k] === '')) fail(`${where}: "${k}" must be a non-empty text.`);
      }
      const expected = c['expectedVersion'];
      if (expected !== undefined && !(typeof expected === 'number' && Number.isInteger(expected) && expected >= 0)) {
        fail(`${where}: "expectedVersion" must be a whole number, 0 or more.`);
      }
      return value as unknown as Intent;
    }
    case 'query': {
      onlyKeys(value, ['kind', 'query', 'sessionId', 'consistency'], where);
      if (value['consistency'] !== undefined) validateConsistency(value['consistency'], where);
      const q = value['query'];
      if (!isObject(q)) return fail(`${where}: "query" must be an object with type and params.`);
      onlyKeys(q, ['type', 'params'], `${where} query`);
      const spec = domain.queries.find((s) => s.type === q['type']);
      if (!spec) return fail(`${where}: the ${domain.name} domain has no query ${JSON.stringify(q['type'] ?? null)}.`);
      guard(() => validatePayload(spec.type, spec.fields, q['params'] ?? {}));
      return value as unknown as Intent;
    }
    case 'configure':
      onlyKeys(value, ['kind', 'settings'], where);
      guard(() =>
        applySettingsPatch(
          DEFAULT_SETTINGS,
          value['settings'],
          domain.projections.map((p) => p.name),
        ),
      );
      return value as unknown as Intent;
    case 'projection': {
      onlyKeys(value, ['kind', 'action', 'name', 'variant'], where);
      if (!(PROJECTION_ACTIONS as readonly unknown[]).includes(value['action']))
        fail(`${where}: "action" must be one of ${PROJECTION_ACTIONS.join(', ')}.`);
      knownProjection(value['name'], domain, where);
      if (value['variant'] !== undefined && typeof value['variant'] !== 'string') fail(`${where}: "variant" must be a text.`);
      return value as unknown as Intent;
    }
    case 'session':
      onlyKeys(value, ['kind', 'sessionId', 'consistency'], where);
      if (typeof sessionId !== 'string') fail(`${where}: "sessionId" is required.`);
      if (value['consistency'] !== null) validateConsistency(value['consistency'], where);
      return value as unknown as Intent;
    case 'subscribe':
      onlyKeys(value, ['kind', 'projection', 'position', 'sessionId'], where);
      knownProjection(value['projection'], domain, where);
      wholeNumber(value['position'], '"position"', where);
      return value as unknown as Intent;
    case 'aggregateAt': {
      onlyKeys(value, ['kind', 'streamId', 'asOf'], where);
      if (typeof value['streamId'] !== 'string' || value['streamId'] === '') fail(`${where}: "streamId" must be a non-empty text.`);
      pointInHistory(value['asOf'], ['position', 'at', 'version'], where);
      return value as unknown as Intent;
    }
    case 'projectionAt': {
      onlyKeys(value, ['kind', 'projection', 'asOf', 'query'], where);
      knownProjection(value['projection'], domain, where);
      pointInHistory(value['asOf'], ['position', 'at'], where);
      return value as unknown as Intent;
    }
    case 'import': {
      onlyKeys(value, ['kind', 'events'], where);
      const events = value['events'];
      if (!Array.isArray(events) || events.length === 0) fail(`${where}: "events" must be a non-empty list.`);
      for (const [i, event] of (events as unknown[]).entries()) {
        if (!isObject(event)) fail(`${where} events[${i}] must be an object.`);
        onlyKeys(event as Record<string, unknown>, ['streamId', 'type', 'schemaVersion', 'data'], `${where} events[${i}]`);
      }
      return value as unknown as Intent;
    }
    case 'fault':
      onlyKeys(value, ['kind', 'fault', 'stage', 'count'], where);
      if (value['fault'] !== 'publishCrash') fail(`${where}: "fault" must be publishCrash.`);
      if (value['stage'] !== undefined && !['beforePublish', 'afterPublish'].includes(value['stage'] as string))
        fail(`${where}: "stage" must be beforePublish or afterPublish.`);
      if (value['count'] !== undefined) wholeNumber(value['count'], '"count"', where);
      return value as unknown as Intent;
    default:
      return fail(`${where}: unknown intent kind ${JSON.stringify(value['kind'] ?? null)}.`);
  }
}

function validateConsistency(value: unknown, where: string): void {
  if (!isObject(value)) fail(`${where}: "consistency" must be an object with a strategy.`);
  const options = value as Record<string, unknown>;
  onlyKeys(options, ['strategy', 'token', 'timeoutMs', 'pollIntervalMs', 'via'], `${where} consistency`);
  if (!(CONSISTENCY_STRATEGIES as readonly unknown[]).includes(options['strategy'])) {
    fail(`${where}: "consistency.strategy" must be one of ${CONSISTENCY_STRATEGIES.join(', ')}.`);
  }
  for (const key of ['token', 'timeoutMs', 'pollIntervalMs'] as const) {
    if (options[key] !== undefined) wholeNumber(options[key], `"consistency.${key}"`, where);
  }
  if (options['via'] !== undefined && !['wait', 'writeSide'].includes(options['via'] as string))
    fail(`${where}: "consistency.via" must be wait or writeSide.`);
}

function knownProjection(name: unknown, domain: DomainDefinition, where: string): void {
  if (!domain.projections.some((p) => p.name === name))
    fail(`${where}: the ${domain.name} domain has no projection ${JSON.stringify(name ?? null)}.`);
}

function wholeNumber(value: unknown, label: string, where: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    fail(`${where}: ${label} must be a whole number, not below 0.`);
}

function pointInHistory(value: unknown, keys: readonly string[], where: string): void {
  if (!isObject(value)) fail(`${where}: "asOf" must be an object with one of ${keys.join(', ')}.`);
  const point = value as Record<string, unknown>;
  const given = Object.keys(point);
  if (given.length !== 1 || !keys.includes(given[0]!)) fail(`${where}: "asOf" must have exactly one of ${keys.join(', ')}.`);
  wholeNumber(point[given[0]!], `"asOf.${given[0]}"`, where);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function onlyKeys(v: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) fail(`${where} has an unexpected field "${k}".`);
}
