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
  return {
    name,
    kind: 'string',
    description,
    example,
    max: 40,
    pattern: '[A-Za-z0-9][A-Za-z0-9_-]*',
    patternHint: 'letters, digits, - and _',
  };
}

/**
 * Check `data` against `fields`. Returns a fresh object holding only the
 * declared fields (optional ones that were omitted are left out).
 * Throws InvalidPayloadError naming the first bad field.
 */
export function validatePayload(owner: string, fields: readonly FieldSpec[], data: unknown): Payload {
  return validatorFor(fields)(owner, data);
}

type Validator = (owner: string, data: unknown) => Payload;
/** One test per field: true when the (present) value is acceptable. */
type FieldTest = (value: unknown) => boolean;

/**
 * Validation runs on every command, so each list of field specs is turned
 * once into a validator: a test per field with its bounds and pattern bound
 * in, instead of reading the specs again on every call. Specs are data that
 * do not change once a domain is defined.
 */
const validators = new WeakMap<readonly FieldSpec[], Validator>();
function validatorFor(fields: readonly FieldSpec[]): Validator {
  let v = validators.get(fields);
  if (!v) {
    v = compile(fields);
    validators.set(fields, v);
  }
  return v;
}

function compile(fields: readonly FieldSpec[]): Validator {
  const names = fields.map((f) => f.name);
  const tests = fields.map(testOf);
  const required = fields.map((f) => f.required !== false);
  const n = fields.length;
  return (owner, data) => {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new InvalidPayloadError(owner, '(payload)', data, `an object with fields ${names.join(', ') || '(none)'}`);
    }
    const input = data as Record<string, unknown>;
    for (const key of Object.keys(input)) {
      if (!names.includes(key)) {
        throw new InvalidPayloadError(owner, key, input[key], `no such field (${owner} takes: ${names.join(', ') || 'nothing'})`);
      }
    }
    const out: Payload = {};
    for (let i = 0; i < n; i++) {
      const name = names[i]!;
      const value = input[name];
      if (value === undefined || value === null) {
        if (!required[i]) continue;
        throw new InvalidPayloadError(owner, name, undefined, describeField(fields[i]!));
      }
      if (!tests[i]!(value)) throw new InvalidPayloadError(owner, name, value, describeField(fields[i]!));
      out[name] = value;
    }
    return out;
  };
}

function testOf(field: FieldSpec): FieldTest {
  const { min, max } = field;
  switch (field.kind) {
    case 'string': {
      const shortest = min ?? 1;
      const longest = max ?? Number.POSITIVE_INFINITY;
      const pattern = field.pattern === undefined ? undefined : new RegExp(`^(?:${field.pattern})$`);
      return (v) => typeof v === 'string' && v.length >= shortest && v.length <= longest && (pattern === undefined || pattern.test(v));
    }
    case 'integer':
    case 'number': {
      const whole = field.kind === 'integer';
      const low = min ?? Number.NEGATIVE_INFINITY;
      const high = max ?? Number.POSITIVE_INFINITY;
      return (v) => typeof v === 'number' && Number.isFinite(v) && (!whole || Number.isSafeInteger(v)) && v >= low && v <= high;
    }
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'enum': {
      const values = field.values ?? [];
      return (v) => typeof v === 'string' && values.includes(v);
    }
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
