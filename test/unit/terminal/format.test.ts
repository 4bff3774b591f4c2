import { describe, expect, it } from 'vitest';
import { PALETTES, renderAnsi, renderPlain } from '../../../src/terminal/ansi.ts';
import { displayWidth, scrub, tableLines, truncate, wrapText } from '../../../src/terminal/format.ts';
import { OutputBuilder, type TableBlock } from '../../../src/terminal/output.ts';

const plain = (block: TableBlock, width?: number): string[] =>
  tableLines(block, width === undefined ? {} : { width }).map((l) => l.map((s) => s.text).join(''));

describe('display width', () => {
  it('counts ASCII, symbols, combining marks, CJK and emoji', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('✓ → … ─')).toBe(7);
    expect(displayWidth('é')).toBe(1); // e + combining acute
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('🚀')).toBe(2);
    expect(displayWidth('')).toBe(0);
  });

  it('truncates by columns, never splitting a wide character', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('日本語', 4)).toBe('日…');
    expect(displayWidth(truncate('日本語テキスト', 7))).toBeLessThanOrEqual(7);
  });

  it('wraps prose at spaces and breaks words longer than the line', () => {
    expect(wrapText('one two three', 7)).toEqual(['one two', 'three']);
    expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapText('short', 10)).toEqual(['short']);
  });
});

describe('scrubbing', () => {
  it('removes escape sequences and control characters a value could carry', () => {
    expect(scrub('\x1b[2Jboom')).toBe('␛[2Jboom');
    expect(scrub('a\rb\r\nc')).toBe('a\nb\nc');
    expect(scrub('tab\there')).toBe('tab  here');
    expect(scrub('bell\x07')).toBe('bell\ufffd');
    expect(scrub('\u202Eevil')).toBe('\ufffdevil');
  });

  it('never lets a cell or a line write raw control characters', () => {
    const out = new OutputBuilder();
    out.text('x\x1b]0;title\x07y');
    out.table(['name'], [['\x1b[31mred\x1b[0m\nnext']]);

    const stripped = renderAnsi(out.build())
      .replace(/\x1b\[[0-9;]*m/g, '')
      .replaceAll('\r\n', '\n');

    expect(stripped).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(renderPlain(out.build())).toContain('␛[31mred␛[0m↵next');
  });
});

describe('tables', () => {
  const block: TableBlock = {
    kind: 'table',
    columns: ['pos', 'stream', 'type'],
    rows: [
      [1, 'product-KB', 'ProductAdded'],
      [12, 'product-日本', 'OrderPlaced'],
      [3, null, 'x'],
    ],
    caption: '(3 rows)',
  };

  it('aligns columns by display width, numbers to the right', () => {
    expect(plain(block)).toEqual([
      'pos  stream        type',
      '───  ────────────  ────────────',
      '  1  product-KB    ProductAdded',
      ' 12  product-日本  OrderPlaced',
      '  3  NULL          x',
      '(3 rows)',
    ]);
    for (const line of plain(block).slice(0, 5)) expect(displayWidth(line)).toBeLessThanOrEqual(31);
  });

  it('cuts long cells and shrinks to the terminal width', () => {
    const wide: TableBlock = { kind: 'table', columns: ['a', 'b'], rows: [['x'.repeat(100), 'y'.repeat(100)]] };
    const lines = plain(wide);
    expect(lines[2]).toBe(`${'x'.repeat(59)}…  ${'y'.repeat(59)}…`);
    for (const line of plain(wide, 40)) expect(displayWidth(line)).toBeLessThanOrEqual(40);
  });

  it('wraps the last column of prose tables under itself', () => {
    const help: TableBlock = { kind: 'table', columns: [], rows: [['bus', 'Show or change the event bus settings']], wrap: true };
    expect(plain(help, 24)).toEqual(['bus  Show or change the', '     event bus settings']);
  });

  it('prints key/value pairs without a header', () => {
    const out = new OutputBuilder().pairs([
      ['status', 'live'],
      ['position', 3],
    ]);
    expect(renderPlain(out.build())).toBe('status    live\nposition  3');
  });
});

describe('ANSI rendering', () => {
  it('colours styles with the theme palette and ends lines with \\r\\n', () => {
    const out = new OutputBuilder().success('done').error('bad').dim('quiet').text('plain').build();
    const dark = renderAnsi(out, { theme: 'dark' });
    const light = renderAnsi(out, { theme: 'light' });
    const rgb = (hex: string) => {
      const n = Number.parseInt(hex.slice(1), 16);
      return `38;2;${(n >> 16) & 255};${(n >> 8) & 255};${n & 255}m`;
    };
    expect(dark).toContain(`${rgb(PALETTES.dark.ok)}done\x1b[0m\r\n`);
    expect(dark).toContain(rgb(PALETTES.dark.error));
    expect(light).toContain(rgb(PALETTES.light.error));
    expect(light).toContain(rgb(PALETTES.light.muted));
    expect(dark.endsWith('plain\r\n')).toBe(true);
    expect(out.ok).toBe(false);
  });

  it('splits text with newlines into lines', () => {
    const out = new OutputBuilder().text('a\nb').build();
    expect(renderAnsi(out)).toBe('a\r\nb\r\n');
    expect(renderPlain(out)).toBe('a\nb');
  });
});
