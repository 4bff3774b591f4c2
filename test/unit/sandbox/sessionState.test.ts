// What a sandbox run is as data, and how it travels: URL, file, IndexedDB.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SETTING_RULES, applySettingsPatch } from '../../../src/engine/settings.ts';
import { SETTING_CONTROLS, displayValue, patchFor } from '../../../src/sandbox/controls.ts';
import { initialValues, payloadFrom } from '../../../src/sandbox/forms.ts';
import { dueAt, dueBy, loadPlan } from '../../../src/sandbox/loadGenerator.ts';
import { SessionFormatError, parseSessionFile, toSessionFile } from '../../../src/sandbox/sessionFormat.ts';
import { settingsPatchFrom, type SessionState } from '../../../src/sandbox/sessionState.ts';
import { decodeSession, encodeSession, fromBase64Url, sessionParam, toBase64Url } from '../../../src/sandbox/urlCodec.ts';
import { commerce, banking } from '../../../src/domain/index.ts';
import { validatePayload } from '../../../src/engine/validation.ts';
import { createEngine } from '../../../src/engine/index.ts';
import initSqlJs from 'sql.js';

const SESSION: SessionState = {
  domain: 'commerce',
  seed: 42,
  settings: { bus: { latencyMs: 300 } },
  script: [
    {
      at: 0,
      step: 0,
      intent: {
        kind: 'command',
        command: { type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 5 } },
        sessionId: 'client-A',
      },
    },
    { at: 12, step: 9, intent: { kind: 'configure', settings: { bus: { dropProbability: 0.2 } } } },
    { at: 12, step: 9, intent: { kind: 'projection', action: 'pause', name: 'catalogue' } },
    { at: 40, step: 20, intent: { kind: 'query', query: { type: 'GetProduct', params: { sku: 'KB' } }, sessionId: 'client-B' } },
  ],
  until: { at: 55, step: 31 },
};

describe('URL codec', () => {
  it('round-trips a session through deflate-raw and base64url', async () => {
    const encoded = await encodeSession(SESSION);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(sessionParam(`#s=${encoded}`)).toBe(encoded);
    expect(await decodeSession(encoded)).toEqual(SESSION);
  });
  it('refuses a damaged link with a clear message', async () => {
    await expect(decodeSession('not base64!')).rejects.toThrow(/damaged.*base64url/);
    await expect(decodeSession(toBase64Url(new Uint8Array([1, 2, 3])))).rejects.toThrow(/damaged.*decompressed/);
    const bytes = fromBase64Url(await encodeSession(SESSION));
    expect(toBase64Url(bytes)).toBe(await encodeSession(SESSION));
  });
});

describe('session files', () => {
  it('carries every kind of intent the engine records, so any run can be exported and shared', async () => {
    const SQL = await initSqlJs();
    const engine = createEngine({ sql: SQL, domain: commerce, seed: 7 });
    await engine.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 5 } }, { sessionId: 'a' });
    await engine.dispatch({ kind: 'session', sessionId: 'a', consistency: { strategy: 'readYourWrites' } });
    await engine.dispatch({
      kind: 'query',
      query: { type: 'GetProduct', params: { sku: 'KB' } },
      sessionId: 'a',
      consistency: { strategy: 'token', token: 1, timeoutMs: 500 },
    });
    await engine.dispatch({ kind: 'subscribe', projection: 'catalogue', position: 1 });
    await engine.dispatch({ kind: 'aggregateAt', streamId: 'product-KB', asOf: { position: 1 } });
    await engine.dispatch({ kind: 'projectionAt', projection: 'catalogue', asOf: { position: 1 } });
    await engine.dispatch({ kind: 'projection', action: 'shadowRebuild', name: 'catalogue' });
    await engine.runUntilIdle();
    const script = engine.recordedScript();
    expect(new Set(script.map((entry) => entry.intent.kind))).toEqual(
      new Set(['command', 'session', 'query', 'subscribe', 'aggregateAt', 'projectionAt', 'projection']),
    );
    const session: SessionState = { domain: 'commerce', seed: 7, settings: {}, script };
    const file = toSessionFile(session, 'part 2', '2025-01-01T00:00:00.000Z');
    expect(parseSessionFile(JSON.stringify(file)).session).toEqual(session);
    engine.close();
  });

  it('keeps a command’s expected version, a refused one included, and replays the refusal', async () => {
    const SQL = await initSqlJs();
    const engine = createEngine({ sql: SQL, domain: commerce, seed: 7 });
    await engine.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 5 }, expectedVersion: 0 });
    await engine.execute({ type: 'ChangePrice', data: { sku: 'KB', priceCents: 120 }, expectedVersion: 1 });
    await expect(engine.execute({ type: 'ChangePrice', data: { sku: 'KB', priceCents: 130 }, expectedVersion: 1 })).rejects.toThrow(
      /at version 1, but it is now at version 2/,
    );
    await engine.runUntilIdle();
    const session: SessionState = { domain: 'commerce', seed: 7, settings: {}, script: engine.recordedScript() };
    expect(session.script.map((e) => (e.intent.kind === 'command' ? e.intent.command.expectedVersion : null))).toEqual([0, 1, 1]);
    const parsed = parseSessionFile(JSON.stringify(toSessionFile(session, 'stale save', '2025-01-01T00:00:00.000Z'))).session;
    expect(parsed).toEqual(session);
    const replayed = createEngine({ sql: SQL, domain: commerce, seed: 7 });
    await replayed.replay(parsed.script);
    await replayed.runUntilIdle();
    expect(JSON.stringify(replayed.trace)).toBe(JSON.stringify(engine.trace));
    engine.close();
    replayed.close();
  });

  it('round-trips through the export format', () => {
    const file = toSessionFile(SESSION, 'My run', '2025-01-01T00:00:00.000Z');
    expect(parseSessionFile(JSON.stringify(file))).toEqual(file);
  });
  it.each([
    ['{ not json', /not valid JSON/],
    ['[]', /expected a JSON object/],
    [JSON.stringify({ format: 'other-app', version: 1, session: SESSION }), /"format" is "other-app"/],
    [JSON.stringify({ format: 'cqrs-lab-session', version: 3, session: SESSION }), /version 3/],
    [JSON.stringify({ format: 'cqrs-lab-session', version: 1, session: { ...SESSION, domain: 'weather' } }), /Unknown domain "weather"/],
    [JSON.stringify({ format: 'cqrs-lab-session', version: 1, session: { ...SESSION, seed: 1.5 } }), /"seed" must be a whole number/],
    [
      JSON.stringify({ format: 'cqrs-lab-session', version: 1, session: { ...SESSION, settings: { bus: { latencyMs: -1 } } } }),
      /bus\.latencyMs/,
    ],
    [JSON.stringify({ format: 'cqrs-lab-session', version: 1, session: { ...SESSION, extra: 1 } }), /unexpected field "extra"/],
    [
      JSON.stringify({
        format: 'cqrs-lab-session',
        version: 1,
        session: { ...SESSION, script: [{ at: 0, intent: { kind: 'command', command: { type: 'Explode', data: {} } } }] },
      }),
      /no command "Explode"/,
    ],
    [
      JSON.stringify({
        format: 'cqrs-lab-session',
        version: 1,
        session: { ...SESSION, script: [{ at: 0, intent: { kind: 'command', command: { type: 'PlaceOrder', data: { sku: 'KB' } } } }] },
      }),
      /PlaceOrder: field 'orderId' is missing/,
    ],
    [
      JSON.stringify({ format: 'cqrs-lab-session', version: 1, session: { ...SESSION, script: [SESSION.script[1], SESSION.script[0]] } }),
      /"at" must be a time/,
    ],
    [
      JSON.stringify({
        format: 'cqrs-lab-session',
        version: 1,
        session: { ...SESSION, script: [{ at: 0, intent: { kind: 'projection', action: 'explode', name: 'catalogue' } }] },
      }),
      /"action" must be/,
    ],
    [JSON.stringify({ format: 'cqrs-lab-session', version: 1, session: { ...SESSION, until: { at: 1, step: 1 } } }), /"until.at"/],
    [
      JSON.stringify({
        format: 'cqrs-lab-session',
        version: 1,
        session: {
          ...SESSION,
          script: [
            { at: 0, intent: { kind: 'query', query: { type: 'GetProduct', params: { sku: 'KB' } }, consistency: { strategy: 'hope' } } },
          ],
        },
      }),
      /"consistency.strategy" must be one of/,
    ],
    [
      JSON.stringify({
        format: 'cqrs-lab-session',
        version: 1,
        session: { ...SESSION, script: [{ at: 0, intent: { kind: 'aggregateAt', streamId: 'product-KB', asOf: { position: 1, at: 2 } } }] },
      }),
      /"asOf" must have exactly one/,
    ],
    [
      JSON.stringify({
        format: 'cqrs-lab-session',
        version: 1,
        session: { ...SESSION, script: [{ at: 0, intent: { kind: 'teleport' } }] },
      }),
      /unknown intent kind "teleport"/,
    ],
    [
      JSON.stringify({
        format: 'cqrs-lab-session',
        version: 1,
        session: {
          ...SESSION,
          script: [
            {
              at: 0,
              intent: { kind: 'command', command: { type: 'ChangePrice', data: { sku: 'KB', priceCents: 1 }, expectedVersion: -1 } },
            },
          ],
        },
      }),
      /"expectedVersion" must be a whole number, 0 or more/,
    ],
  ])('refuses %s', (text, message) => {
    expect(() => parseSessionFile(text)).toThrow(SessionFormatError);
    expect(() => parseSessionFile(text)).toThrow(message);
  });
});

describe('settings', () => {
  it('keeps only what differs from the defaults', () => {
    const s = applySettingsPatch(
      DEFAULT_SETTINGS,
      { bus: { latencyMs: 300, reorder: true }, idempotency: false, projections: { catalogue: { dedupe: false } } },
      ['catalogue'],
    );
    const patch = settingsPatchFrom(s);
    expect(patch).toEqual({ bus: { latencyMs: 300, reorder: true }, idempotency: false, projections: { catalogue: { dedupe: false } } });
    expect(applySettingsPatch(DEFAULT_SETTINGS, patch, ['catalogue'])).toEqual(s);
    expect(settingsPatchFrom(DEFAULT_SETTINGS)).toEqual({});
  });

  it('builds every control on a real engine setting, within the engine’s range', () => {
    const rules = SETTING_RULES as unknown as Record<string, Record<string, { kind: string; min?: number; max?: number }>>;
    for (const c of SETTING_CONTROLS) {
      const patch = patchFor(c, c.kind === 'range' ? c.max : c.kind === 'toggle' ? true : c.options[0]!.value);
      const next = applySettingsPatch(DEFAULT_SETTINGS, patch, []);
      expect(displayValue(c, next)).toBe(c.kind === 'range' ? c.max : c.kind === 'toggle' ? true : c.options[0]!.value);
      if (c.kind === 'range' && c.path.length === 2) {
        const rule = rules[c.path[0]]![c.path[1]]!;
        expect(c.min * (c.scale ?? 1)).toBeGreaterThanOrEqual(rule.min!);
        expect(c.max * (c.scale ?? 1)).toBeLessThanOrEqual(rule.max!);
      }
    }
    expect(
      patchFor(
        SETTING_CONTROLS.find((c) => c.id === 'drops')!,
        35,
      ),
    ).toEqual({ bus: { dropProbability: 0.35 } });
  });
});

describe('forms and load', () => {
  it('fills forms with the spec examples and turns them back into valid payloads', () => {
    for (const spec of [...commerce.commands, ...banking.commands, ...commerce.queries, ...banking.queries]) {
      const payload = payloadFrom(spec.fields, initialValues(spec.fields));
      expect(validatePayload(spec.type, spec.fields, payload)).toEqual(payload);
    }
    const listCatalogue = commerce.queries.find((q) => q.type === 'ListCatalogue')!;
    expect(payloadFrom(listCatalogue.fields, { inStockOnly: true })).toEqual({ inStockOnly: true });
    expect(payloadFrom(listCatalogue.fields, { inStockOnly: false })).toEqual({});
  });

  it('generates valid commands at an exact rate', () => {
    for (const domain of [commerce, banking]) {
      const plan = loadPlan(domain.name)!;
      for (const c of [...plan.setup, plan.command(0), plan.command(1), plan.command(99)]) {
        const spec = domain.commands.find((s) => s.type === c.type)!;
        expect(() => validatePayload(spec.type, spec.fields, c.data)).not.toThrow();
      }
    }
    expect(dueBy(100, 1000, 100)).toBe(1);
    expect(dueBy(100, 1000, 1099)).toBe(1000);
    expect(dueAt(100, 1000, 999)).toBe(1099);
    expect(dueAt(0, 300, 1)).toBe(4);
    expect(loadPlan('nope')).toBeUndefined();
  });
});
