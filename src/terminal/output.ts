// What a terminal command prints: structured lines with semantic styles and
// tables, not ANSI. `ansi.ts` renders it for xterm.js with the site's theme;
// `renderPlain` gives the text for copying and for tests.

export type Style = 'plain' | 'ok' | 'error' | 'warn' | 'dim' | 'heading' | 'accent' | 'code';

export interface Span {
  text: string;
  style?: Style;
}

export type CellValue = string | number | boolean | null | undefined;
export interface StyledCell {
  text: CellValue;
  style?: Style;
}
export type Cell = CellValue | StyledCell;

export interface TableBlock {
  kind: 'table';
  columns: string[];
  rows: Cell[][];
  /** Per column; numbers default to right, everything else to left. */
  align?: ('left' | 'right')[];
  /** Printed under the table, e.g. "(3 rows)". */
  caption?: string;
  /** Wrap the last column onto more lines instead of cutting it (prose such as descriptions). */
  wrap?: boolean;
}

export interface LineBlock {
  kind: 'line';
  spans: Span[];
}

export type Block = LineBlock | TableBlock;

export interface Output {
  blocks: Block[];
  /** The screen should be cleared before (or instead of) printing. */
  clear?: boolean;
  /** False when the command failed (bad input, an error from the engine). */
  ok: boolean;
}

/** Collects the output of one command. */
export class OutputBuilder {
  readonly blocks: Block[] = [];
  ok = true;
  clear = false;

  line(...spans: (Span | string)[]): this {
    this.blocks.push({ kind: 'line', spans: spans.map((s) => (typeof s === 'string' ? { text: s } : s)) });
    return this;
  }
  styled(style: Style, text: string): this {
    return this.line({ text, style });
  }
  text(text: string): this {
    return this.line({ text });
  }
  heading(text: string): this {
    return this.styled('heading', text);
  }
  success(text: string): this {
    return this.styled('ok', text);
  }
  warn(text: string): this {
    return this.styled('warn', text);
  }
  dim(text: string): this {
    return this.styled('dim', text);
  }
  /** An error line; marks the whole output as failed. */
  error(text: string): this {
    this.ok = false;
    return this.styled('error', text);
  }
  blank(): this {
    return this.line();
  }
  table(columns: string[], rows: Cell[][], options: { align?: ('left' | 'right')[]; caption?: string; wrap?: boolean } = {}): this {
    const block: TableBlock = { kind: 'table', columns, rows };
    if (options.align) block.align = options.align;
    if (options.caption !== undefined) block.caption = options.caption;
    if (options.wrap) block.wrap = true;
    this.blocks.push(block);
    return this;
  }
  /** Two-column key/value listing. */
  pairs(entries: [string, Cell][]): this {
    this.blocks.push({
      kind: 'table',
      columns: [],
      rows: entries.map(([k, v]) => [{ text: k, style: 'dim' }, v]),
      align: ['left', 'left'],
      wrap: true,
    });
    return this;
  }
  build(): Output {
    const out: Output = { blocks: this.blocks, ok: this.ok };
    if (this.clear) out.clear = true;
    return out;
  }
}

export function span(text: string, style?: Style): Span {
  return style === undefined ? { text } : { text, style };
}

export function cellText(cell: Cell): CellValue {
  return cell !== null && typeof cell === 'object' ? cell.text : cell;
}
export function cellStyle(cell: Cell): Style | undefined {
  return cell !== null && typeof cell === 'object' ? cell.style : undefined;
}
