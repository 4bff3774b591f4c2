import { describe, expect, it } from 'vitest';
import { InvalidPayloadError } from '../../../src/engine/errors.ts';
import { describeField, parseFieldValue, validatePayload, type FieldSpec } from '../../../src/engine/validation.ts';

const fields: FieldSpec[] = [
  { name: 'sku', kind: 'string', description: 'id', example: 'A', max: 5, pattern: '[A-Z]+', patternHint: 'capital letters' },
  { name: 'qty', kind: 'integer', description: 'n', example: 1, min: 1, max: 10 },
  { name: 'ratio', kind: 'number', description: 'r', example: 0.5, min: 0, max: 1, required: false },
  { name: 'gift', kind: 'boolean', description: 'g', example: true, required: false },
  { name: 'speed', kind: 'enum', description: 's', example: 'fast', values: ['fast', 'slow'], required: false },
];

function error(data: unknown): InvalidPayloadError {
  try {
    validatePayload('Thing', fields, data);
  } catch (e) {
    if (e instanceof InvalidPayloadError) return e;
    throw e;
  }
  throw new Error('expected an InvalidPayloadError');
}

describe('payload validation', () => {
  it('accepts a valid payload and drops omitted optional fields', () => {
    expect(validatePayload('Thing', fields, { sku: 'AB', qty: 3 })).toEqual({ sku: 'AB', qty: 3 });
    expect(validatePayload('Thing', fields, { sku: 'AB', qty: 3, ratio: 0.2, gift: false, speed: 'slow' })).toEqual({
      sku: 'AB',
      qty: 3,
      ratio: 0.2,
      gift: false,
      speed: 'slow',
    });
  });
  it('names the field, what was received and what was expected', () => {
    const e = error({ sku: 'AB', qty: 0 });
    expect(e.code).toBe('INVALID_PAYLOAD');
    expect(e.field).toBe('qty');
    expect(e.message).toContain("field 'qty' got 0");
    expect(e.message).toContain('a whole number from 1 to 10');
  });
  it('reports missing, mistyped, too long, pattern, enum, non-integer and unknown fields', () => {
    expect(error({ qty: 1 }).message).toContain("'sku' is missing");
    expect(error({ sku: 5, qty: 1 }).field).toBe('sku');
    expect(error({ sku: 'ABCDEF', qty: 1 }).message).toContain('1 to 5 characters');
    expect(error({ sku: 'ab', qty: 1 }).message).toContain('capital letters');
    expect(error({ sku: 'A', qty: 1, speed: 'warp' }).message).toContain('one of: fast, slow');
    expect(error({ sku: 'A', qty: 1.5 }).field).toBe('qty');
    expect(error({ sku: 'A', qty: Number.NaN }).field).toBe('qty');
    expect(error({ sku: 'A', qty: 1, colour: 'red' }).message).toContain('no such field');
    expect(error('nope').field).toBe('(payload)');
    expect(error([1]).field).toBe('(payload)');
  });
  it('describes fields for help text', () => {
    expect(describeField(fields[0]!)).toBe('a text of 1 to 5 characters (capital letters)');
    expect(describeField(fields[3]!)).toBe('true or false');
  });
  it('parses terminal text into field values without judging them', () => {
    expect(parseFieldValue(fields[1]!, '3')).toBe(3);
    expect(parseFieldValue(fields[1]!, 'three')).toBe('three');
    expect(parseFieldValue(fields[3]!, 'true')).toBe(true);
    expect(parseFieldValue(fields[0]!, 'AB')).toBe('AB');
  });
});
