// The learner's code kept with a sandbox session: carried by the session file
// (version 2) and the link, validated like every other field, and absent from
// older files, which still load.
import { describe, expect, it } from 'vitest';
import { banking } from '../../../src/domain/index.ts';
import { codeForDomain, MAX_SESSION_CODE_CHARS } from '../../../src/sandbox/sessionCode.ts';
import { SessionFormatError, parseSessionFile, toSessionFile } from '../../../src/sandbox/sessionFormat.ts';
import type { SessionState } from '../../../src/sandbox/sessionState.ts';
import { decodeSession, encodeSession } from '../../../src/sandbox/urlCodec.ts';

const SESSION: SessionState = {
  domain: 'banking',
  seed: 5,
  settings: { bus: { duplicateProbability: 0.3 } },
  script: [
    {
      at: 0,
      step: 0,
      intent: { kind: 'command', command: { type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } } },
    },
  ],
  until: { at: 10, step: 4 },
};

const CODE = {
  projection: { reference: 'balance', source: "export const schema = ['CREATE TABLE t (k TEXT PRIMARY KEY)'];\n" },
  decider: { aggregate: 'Account', source: 'export const initialState = {};\n' },
};

const file = (session: unknown, version = 2) => JSON.stringify({ format: 'cqrs-lab-session', version, session });

describe('code in the session file', () => {
  it('round-trips through the file, as version 2', () => {
    const f = toSessionFile({ ...SESSION, code: CODE }, 'With code', '2026-01-01T00:00:00.000Z');
    expect(f.version).toBe(2);
    expect(parseSessionFile(JSON.stringify(f))).toEqual(f);
  });

  it('round-trips through a link', async () => {
    const withCode = { ...SESSION, code: { projection: CODE.projection } };
    expect(await decodeSession(await encodeSession(withCode))).toEqual(withCode);
  });

  it('a session without code is still written as version 1, and an old version 1 file loads', () => {
    expect(toSessionFile(SESSION).version).toBe(1);
    // Written by the site before code was kept: no "code" field.
    const old = JSON.stringify({ format: 'cqrs-lab-session', version: 1, name: 'Old run', session: SESSION });
    const parsed = parseSessionFile(old);
    expect(parsed.session).toEqual(SESSION);
    expect(parsed.session.code).toBeUndefined();
  });

  it.each([
    [file({ ...SESSION, code: CODE }, 1), /version 1 session file has no "code"/],
    [file({ ...SESSION, code: 'alert(1)' }), /"code" must be an object/],
    [file({ ...SESSION, code: { projection: CODE.projection, script: 'x' } }), /"code" has an unexpected field "script"/],
    [file({ ...SESSION, code: { projection: { ...CODE.projection, run: true } } }), /"code.projection" has an unexpected field "run"/],
    [
      file({ ...SESSION, code: { projection: { reference: 'catalogue', source: '' } } }),
      /"code.projection.reference" must be one of the banking projections/,
    ],
    [
      file({ ...SESSION, code: { projection: { reference: 'balance', source: { toString: 'x' } } } }),
      /"code.projection.source" must be the module's text/,
    ],
    [
      file({ ...SESSION, code: { decider: { aggregate: 'Product', source: '' } } }),
      /"code.decider.aggregate" must be one of the banking aggregates/,
    ],
    [
      file({ ...SESSION, code: { projection: { reference: 'balance', source: 'x'.repeat(MAX_SESSION_CODE_CHARS + 1) } } }),
      /"code.projection.source" is 100,001 characters long; the sandbox takes at most 100,000/,
    ],
  ])('refuses hostile or broken code fields (%#)', (text, message) => {
    expect(() => parseSessionFile(text)).toThrow(SessionFormatError);
    expect(() => parseSessionFile(text)).toThrow(message);
    expect(() => parseSessionFile(text)).toThrow(/The session's code was refused|version 1/);
  });

  it('code kept across a reset to another domain points at that domain’s own projection and aggregate', () => {
    const commerceCode = { projection: { reference: 'catalogue', source: 's' }, decider: { aggregate: 'Product', source: 'd' } };
    expect(codeForDomain(commerceCode, banking)).toEqual({
      projection: { reference: banking.projections[0]!.name, source: 's' },
      decider: { aggregate: banking.aggregates[0]!.name, source: 'd' },
    });
    expect(codeForDomain(CODE, banking)).toEqual(CODE);
    expect(codeForDomain(null, banking)).toBeUndefined();
  });
});
