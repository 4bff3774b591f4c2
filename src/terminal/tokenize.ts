// Shell-like tokens for the terminal's command language.
//
// - Words are separated by whitespace.
// - '…' and "…" quote; inside either, a backslash escapes the quote character
//   and the backslash itself ("\n" and "\t" also work inside double quotes).
//   Outside quotes a backslash escapes the next character.
// - Quoted and unquoted parts glue together: name="Ada Lovelace" is one token.
// - A token whose first unquoted `=` follows a plain name is a key=value pair
//   (`quantity=2`, `--consistency=token`); a quoted `=` is just text.
// - `splitRaw` keeps the rest of a line untouched after its first words, for
//   commands such as `sql` whose argument belongs to another language.

export interface Token {
  /** The text with quotes removed and escapes applied. */
  value: string;
  /** The text as typed. */
  raw: string;
  /** Column of the first character, and one past the last. */
  start: number;
  end: number;
  /** True when any part of the token was quoted (a quoted token is never an option). */
  quoted: boolean;
  /** For key=value tokens: the key, e.g. `quantity` or `--consistency`. */
  key?: string;
  /** For key=value tokens: the value after the first unquoted `=`. */
  keyValue?: string;
  /** True when the line ended inside this token's quotes (only in lenient mode). */
  unterminated?: boolean;
}

export class TokenizeError extends Error {
  readonly column: number;
  constructor(message: string, column: number) {
    super(message);
    this.name = 'TokenizeError';
    this.column = column;
  }
}

const KEY = /^(?:--)?[A-Za-z_][A-Za-z0-9_.-]*$/;
const SPACE = /\s/;

/**
 * Split a line into tokens. Throws TokenizeError on an unterminated quote,
 * unless `lenient` (used by completion, where the line is still being typed).
 */
export function tokenize(line: string, options: { lenient?: boolean } = {}): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && SPACE.test(line[i]!)) i++;
    if (i >= n) break;
    const start = i;
    let value = '';
    let quoted = false;
    let firstQuoteAt = -1;
    // Where the first unquoted '=' sits in `value`, if the text before it was unquoted.
    let eqAt = -1;
    let unterminated = false;
    while (i < n && !SPACE.test(line[i]!)) {
      const c = line[i]!;
      if (c === '"' || c === "'") {
        quoted = true;
        if (firstQuoteAt < 0) firstQuoteAt = value.length;
        const quote = c;
        const open = i;
        i++;
        let closed = false;
        while (i < n) {
          const d = line[i]!;
          if (d === '\\' && i + 1 < n) {
            const e = line[i + 1]!;
            if (e === quote || e === '\\') {
              value += e;
              i += 2;
              continue;
            }
            if (quote === '"' && (e === 'n' || e === 't')) {
              value += e === 'n' ? '\n' : '\t';
              i += 2;
              continue;
            }
          }
          if (d === quote) {
            closed = true;
            i++;
            break;
          }
          value += d;
          i++;
        }
        if (!closed) {
          if (!options.lenient) {
            throw new TokenizeError(
              `Unterminated ${quote === '"' ? 'double' : 'single'} quote starting at column ${open + 1}. Close it with ${quote}.`,
              open,
            );
          }
          unterminated = true;
        }
        continue;
      }
      if (c === '\\' && i + 1 < n) {
        value += line[i + 1]!;
        i += 2;
        continue;
      }
      if (c === '=' && eqAt < 0 && firstQuoteAt < 0) eqAt = value.length;
      value += c;
      i++;
    }
    const token: Token = { value, raw: line.slice(start, i), start, end: i, quoted };
    if (eqAt > 0) {
      const key = value.slice(0, eqAt);
      if (KEY.test(key)) {
        token.key = key;
        token.keyValue = value.slice(eqAt + 1);
      }
    }
    if (unterminated) token.unterminated = true;
    tokens.push(token);
  }
  return tokens;
}

/**
 * The first `words` tokens of a line, then everything after them untouched
 * (only the whitespace that separates it from those words is dropped).
 */
export function splitRaw(line: string, words: number): { head: Token[]; rest: string; restStart: number } {
  const head: Token[] = [];
  let i = 0;
  const n = line.length;
  for (let w = 0; w < words; w++) {
    while (i < n && SPACE.test(line[i]!)) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !SPACE.test(line[i]!)) i++;
    const raw = line.slice(start, i);
    head.push({ value: raw, raw, start, end: i, quoted: false });
  }
  while (i < n && SPACE.test(line[i]!)) i++;
  return { head, rest: line.slice(i), restStart: i };
}

/** Quote a value so that `tokenize` gives it back unchanged (used by examples and completion). */
export function quoteIfNeeded(value: string): string {
  if (value !== '' && !/[\s"'\\]/.test(value)) return value;
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
