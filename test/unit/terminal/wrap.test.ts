// Output wraps at word boundaries to the terminal's width (xterm.js itself
// would break words at the last column), and tables never spill a row over
// several lines.
import { describe, expect, it } from 'vitest';
import { renderAnsi, renderPlain } from '../../../src/terminal/ansi.ts';
import { displayWidth } from '../../../src/terminal/format.ts';
import { OutputBuilder } from '../../../src/terminal/output.ts';
import { wrapSpans } from '../../../src/terminal/wrap.ts';
import { harness } from './helpers.ts';

const text = (line: { text: string }[]): string => line.map((s) => s.text).join('');
/** What the learner sees: the ANSI text without its escape codes. */
const visibleLines = (ansi: string): string[] =>
  ansi
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\r\n')
    .slice(0, -1);

describe('wrapSpans', () => {
  it('breaks at spaces, never inside a word', () => {
    const lines = wrapSpans([{ text: 'The projection applied the event after the query had already answered.' }], 24).map(text);
    expect(lines).toEqual(['The projection applied', 'the event after the', 'query had already', 'answered.']);
  });

  it('leaves a line that fits alone', () => {
    expect(wrapSpans([{ text: 'short', style: 'ok' }], 10)).toEqual([[{ text: 'short', style: 'ok' }]]);
  });

  it('keeps each span’s style on both sides of a break', () => {
    const lines = wrapSpans([{ text: 'error: ', style: 'error' }, { text: 'stream order-1 was not found' }], 16);
    expect(lines.map(text)).toEqual(['error: stream', 'order-1 was not', 'found']);
    expect(lines[0]).toEqual([{ text: 'error: ', style: 'error' }, { text: 'stream' }]);
  });

  it('cuts a word longer than the whole line', () => {
    expect(wrapSpans([{ text: 'see 0123456789abcdef' }], 8).map(text)).toEqual(['see', '01234567', '89abcdef']);
  });

  it('hangs continuation lines under an indented line’s indent', () => {
    expect(wrapSpans([{ text: '  bus latency sets the delay of every delivery' }], 22).map(text)).toEqual([
      '  bus latency sets the',
      '  delay of every',
      '  delivery',
    ]);
  });

  it('counts wide characters as two columns', () => {
    const lines = wrapSpans([{ text: '日本 日本 日本' }], 10).map(text);
    expect(lines).toEqual(['日本 日本', '日本']);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(10);
  });
});

describe('rendering to a width', () => {
  const prose = 'State changes only through commands such as PlaceOrder — try `help commands` to list them.';

  it('wraps coloured lines by their visible width: colour codes take no columns', () => {
    const out = new OutputBuilder().warn(prose).error(prose).build();
    const ansi = renderAnsi(out, { theme: 'dark', width: 30 });
    const lines = visibleLines(ansi);
    expect(lines.length).toBeGreaterThan(4);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(30);
    // Every wrapped piece is coloured on its own line (a reset ends each line).
    for (const l of ansi.split('\r\n').slice(0, -1)) expect(l.endsWith('\x1b[0m')).toBe(true);
    expect(lines.join(' ')).toBe(`${prose} ${prose}`);
  });

  it('re-flows for a new width', () => {
    const out = new OutputBuilder().text(prose).build();
    expect(renderPlain(out, { width: 60 }).split('\n')).toHaveLength(2);
    expect(renderPlain(out, { width: 40 }).split('\n')).toHaveLength(3);
    expect(renderPlain(out)).toBe(prose);
  });

  it('prints a table too wide for the terminal one record at a time', () => {
    const out = new OutputBuilder()
      .table(
        ['position', 'stream_id', 'event_type', 'payload', 'command_id'],
        [
          [1, 'product-KB', 'ProductAdded', '{"sku":"KB","name":"Mechanical keyboard"}', 'cmd-1'],
          [2, 'order-o1', 'OrderPlaced', '{"orderId":"o1"}', 'cmd-2'],
        ],
        { caption: '(2 rows)' },
      )
      .build();
    const wide = renderPlain(out, { width: 120 }).split('\n');
    expect(wide[0]).toMatch(/^position\s+stream_id\s+event_type\s+payload\s+command_id$/);
    const narrow = renderPlain(out, { width: 36 }).split('\n');
    for (const l of narrow) expect(displayWidth(l)).toBeLessThanOrEqual(36);
    expect(narrow.slice(0, 4)).toEqual(['── row 1 ──', 'position    1', 'stream_id   product-KB', 'event_type  ProductAdded']);
    expect(narrow).toContain('── row 2 ──');
    expect(narrow).toContain('stream_id   order-o1');
    expect(narrow[narrow.length - 1]).toBe('(2 rows)');
  });

  it('keeps narrow tables as aligned rows', () => {
    const out = new OutputBuilder()
      .table(
        ['sku', 'stock'],
        [
          ['KB', 8],
          ['MS', 12],
        ],
      )
      .build();
    expect(renderPlain(out, { width: 36 })).toBe(['sku  stock', '───  ─────', 'KB       8', 'MS      12'].join('\n'));
  });

  it('fits help to a phone-sized terminal without breaking words', async () => {
    const h = await harness();
    const words = new Set((await h.run('help')).split(/\s+/));
    for (const topic of ['help', 'help sql', 'help bus', 'PlaceOrder']) {
      const out = await h.out(topic);
      for (const line of renderPlain(out, { width: 40 }).split('\n')) {
        expect(displayWidth(line)).toBeLessThanOrEqual(40);
      }
    }
    // Every word of the unwrapped help is still whole in the wrapped one.
    const wrapped = new Set(renderPlain(await h.out('help'), { width: 40 }).split(/\s+/));
    const lost = [...words].filter((w) => displayWidth(w) <= 20 && !wrapped.has(w));
    expect(lost).toEqual([]);
  });
});
