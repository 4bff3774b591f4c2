import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteIfNeeded, splitRaw, tokenize, TokenizeError } from '../../../src/terminal/tokenize.ts';

const values = (line: string) => tokenize(line).map((t) => t.value);

describe('tokenize', () => {
  it('splits on whitespace of any kind and length', () => {
    expect(values('  PlaceOrder   o1\talice  tea 2 ')).toEqual(['PlaceOrder', 'o1', 'alice', 'tea', '2']);
    expect(values('')).toEqual([]);
    expect(values('   ')).toEqual([]);
  });

  it('keeps positions of each token', () => {
    const [a, b] = tokenize('ab  "c d"');
    expect(a).toMatchObject({ start: 0, end: 2, raw: 'ab', quoted: false });
    expect(b).toMatchObject({ start: 4, end: 9, raw: '"c d"', value: 'c d', quoted: true });
  });

  it('reads double quotes with escapes', () => {
    expect(values('"Ada \\"the\\" Lovelace"')).toEqual(['Ada "the" Lovelace']);
    expect(values('"a\\\\b"')).toEqual(['a\\b']);
    expect(values('"line\\nnext\\ttab"')).toEqual(['line\nnext\ttab']);
    expect(values('"\\x"')).toEqual(['\\x']);
  });

  it('reads single quotes with escapes for the quote and the backslash', () => {
    expect(values("'it\\'s'")).toEqual(["it's"]);
    expect(values('\'a "b" c\'')).toEqual(['a "b" c']);
    expect(values("'\\n'")).toEqual(['\\n']);
  });

  it('glues quoted and unquoted parts into one token', () => {
    expect(values('name="Ada Lovelace" x')).toEqual(['name=Ada Lovelace', 'x']);
    expect(values("ab'c d'ef")).toEqual(['abc def']);
    expect(values('""')).toEqual(['']);
  });

  it('escapes a character outside quotes with a backslash', () => {
    expect(values('a\\ b c')).toEqual(['a b', 'c']);
  });

  it('recognises key=value pairs', () => {
    const [t] = tokenize('quantity=2');
    expect(t).toMatchObject({ key: 'quantity', keyValue: '2', value: 'quantity=2' });
    expect(tokenize('name="Ada Lovelace"')[0]).toMatchObject({ key: 'name', keyValue: 'Ada Lovelace' });
    expect(tokenize('--consistency=token')[0]).toMatchObject({ key: '--consistency', keyValue: 'token' });
    expect(tokenize('expr=a=b')[0]).toMatchObject({ key: 'expr', keyValue: 'a=b' });
    expect(tokenize('empty=')[0]).toMatchObject({ key: 'empty', keyValue: '' });
  });

  it('does not treat a quoted = or a bad key as a pair', () => {
    expect(tokenize('"a=b"')[0]!.key).toBeUndefined();
    expect(tokenize('"a"=b')[0]!.key).toBeUndefined();
    expect(tokenize('=b')[0]!.key).toBeUndefined();
    expect(tokenize('1x=b')[0]!.key).toBeUndefined();
    expect(tokenize('a b=c')[0]!.key).toBeUndefined();
  });

  it('refuses an unterminated quote, saying where it starts', () => {
    expect(() => tokenize('PlaceOrder "o1')).toThrow(TokenizeError);
    expect(() => tokenize("x 'abc")).toThrow(/single quote starting at column 3/);
  });

  it('accepts an unterminated quote in lenient mode (completion)', () => {
    const tokens = tokenize('AddProduct "Mech', { lenient: true });
    expect(tokens[1]).toMatchObject({ value: 'Mech', unterminated: true, end: 16 });
  });

  it('round-trips any text through quoteIfNeeded', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        const t = tokenize(quoteIfNeeded(s));
        expect(t).toHaveLength(1);
        expect(t[0]!.value).toBe(s);
      }),
      { numRuns: 300 },
    );
  });
});

describe('splitRaw', () => {
  it('keeps the rest of the line untouched', () => {
    const line = "sql write SELECT 'a;b'; PRAGMA query_only=0";
    const { head, rest } = splitRaw(line, 1);
    expect(head.map((t) => t.value)).toEqual(['sql']);
    expect(rest).toBe("write SELECT 'a;b'; PRAGMA query_only=0");
    expect(splitRaw(line, 2).rest).toBe("SELECT 'a;b'; PRAGMA query_only=0");
  });

  it('keeps quotes, backslashes, inner spacing and trailing text', () => {
    const { rest } = splitRaw("sql   SELECT \"x\\y\",  'it''s'   -- note  ", 1);
    expect(rest).toBe("SELECT \"x\\y\",  'it''s'   -- note  ");
  });

  it('gives an empty rest when there is nothing after the words', () => {
    expect(splitRaw('sql', 1)).toMatchObject({ rest: '' });
    expect(splitRaw('  sql   ', 1)).toMatchObject({ rest: '' });
    expect(splitRaw('', 1).head).toEqual([]);
  });
});
