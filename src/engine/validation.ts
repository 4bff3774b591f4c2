// Payload checks driven by plain field specs. The same specs generate the
// sandbox forms, the terminal's parser, completion and help, so they stay
// introspectable data rather than opaque schema objects.
import { InvalidPayloadError } from './errors.ts';

export type FieldKind = 'string' | 'integer' | 'number' | 'boolean' | 'enum';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  description: string;
  /** A realistic value, used by help text and as a form placeholder. */
  example: string | number | boolean;
  /** Defaults to true. An optional field may be omitted (or null). */
  required?: boolean;
  /** Numbers: inclusive bounds. Strings: bounds on length. */
  min?: number;
  max?: number;
  /** Strings: a regular expression source the whole value must match. */
  pattern?: string;
  /** Human wording of `pattern`, used in error messages. */
  patternHint?: string;
  /** Enums: the allowed values. */
  values?: readonly string[];
}

export type Payload = Record<string, unknown>;

/** An identifier chosen by the client: 1–40 letters, digits, - and _ (every domain's ids look alike). */
export function idField(name: string, description: string, example: string): FieldSpec {
  return { name, kind: 'string', description, example, max: 40, pattern: '[A-Za-z0-9][A-Za-z0-9_-]*', patternHint: 'letters, digits, - and _' };
}

/**
 * Check `data` against `fields`. Returns a fresh object holding only the
 * declared fields (optional ones that were omitted are left out).
 * Throws InvalidPayloadError naming the first bad field.
 */
export function validatePayload(owner: string, fields: readonly FieldSpec[], data: unknown): Payload {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidPayloadError(owner, '(payload)', data, `an object with fields ${fields.map((f) => f.name).join(', ') || '(none)'}`);
  }
  const input = data as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!fields.some((f) => f.name === key)) {
      throw new InvalidPayloadError(
        owner,
        key,
        input[key],
        `no such field (${owner} takes: ${fields.map((f) => f.name).join(', ') || 'nothing'})`,
      );
    }
  }
  const out: Payload = {};
  for (const field of fields) {
    const value = input[field.name];
    if (value === undefined || value === null) {
      if (field.required === false) continue;
      throw new InvalidPayloadError(owner, field.name, undefined, describeField(field));
    }
    checkField(owner, field, value);
    out[field.name] = value;
  }
  return out;
}

/** Field patterns compiled once: validation runs on every command. */
const compiled = new Map<string, RegExp>();
function patternOf(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) {
    re = new RegExp(`^(?:${source})$`);
    compiled.set(source, re);
  }
  return re;
}

function checkField(owner: string, field: FieldSpec, value: unknown): void {
  const fail = (): never => {
    throw new InvalidPayloadError(owner, field.name, value, describeField(field));
  };
  switch (field.kind) {
    case 'string': {
      if (typeof value !== 'string') fail();
      const s = value as string;
      if (s.length < (field.min ?? 1)) fail();
      if (field.max !== undefined && s.length > field.max) fail();
      if (field.pattern !== undefined && !patternOf(field.pattern).test(s)) fail();
      return;
    }
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) fail();
      const n = value as number;
      if (field.kind === 'integer' && !Number.isSafeInteger(n)) fail();
      if (field.min !== undefined && n < field.min) fail();
      if (field.max !== undefined && n > field.max) fail();
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') fail();
      return;
    case 'enum':
      if (typeof value !== 'string' || !(field.values ?? []).includes(value)) fail();
      return;
  }
}

/** "an integer from 1 to 1000", "one of: a, b"… Used by errors and help text. */
export function describeField(field: FieldSpec): string {
  switch (field.kind) {
    case 'string': {
      const min = field.min ?? 1;
      let s = field.max !== undefined ? `a text of ${min} to ${field.max} characters` : `a non-empty text`;
      if (field.pattern !== undefined) s += ` (${field.patternHint ?? `matching ${field.pattern}`})`;
      return s;
    }
    case 'integer':
    case 'number': {
      const what = field.kind === 'integer' ? 'a whole number' : 'a number';
      if (field.min !== undefined && field.max !== undefined) return `${what} from ${field.min} to ${field.max}`;
      if (field.min !== undefined) return `${what} of at least ${field.min}`;
      if (field.max !== undefined) return `${what} of at most ${field.max}`;
      return what;
    }
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of: ${(field.values ?? []).join(', ')}`;
  }
}

/**
 * Turn text typed in a terminal or a form into the field's type, without
 * judging it (validatePayload does that). Unparseable numbers stay strings so
 * the error message shows what the learner typed.
 */
export function parseFieldValue(field: FieldSpec, raw: string): unknown {
  switch (field.kind) {
    case 'integer':
    case 'number': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
    }
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    default:
      return raw;
  }
}
