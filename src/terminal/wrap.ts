// Word wrapping for styled lines. xterm.js wraps at the last column, in the
// middle of a word; the renderers wrap first, at spaces, to the terminal's
// width when they write (so output written after a resize uses the new
// width). Widths are measured on the text of the spans, never on ANSI codes,
// which are only added afterwards.
import { charWidth, displayWidth } from './format.ts';
import type { Span, Style } from './output.ts';

interface Cell {
  ch: string;
  width: number;
  style: Style | undefined;
}

/** Continuation lines hang under the first line's leading spaces, unless that leaves too little room. */
function hangingIndent(cells: readonly Cell[], width: number): number {
  let n = 0;
  while (n < cells.length && cells[n]!.ch === ' ') n++;
  return n <= width / 2 ? n : 0;
}

function toSpans(cells: readonly Cell[]): Span[] {
  const spans: Span[] = [];
  for (const c of cells) {
    const last = spans[spans.length - 1];
    if (last && last.style === c.style) last.text += c.ch;
    else spans.push(c.style === undefined ? { text: c.ch } : { text: c.ch, style: c.style });
  }
  return spans;
}

function trimEnd(cells: Cell[]): Cell[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1]!.ch === ' ') end--;
  return cells.slice(0, end);
}

/**
 * Break one line of spans into lines of at most `width` columns, at spaces
 * where possible; a word longer than a whole line is cut. Styles carry over
 * the break. A line that fits is returned as it is.
 */
export function wrapSpans(line: readonly Span[], width: number): Span[][] {
  const text = line.map((s) => s.text).join('');
  if (!(width > 0) || displayWidth(text) <= width) return [[...line]];
  const cells: Cell[] = [];
  for (const s of line) for (const ch of s.text) cells.push({ ch, width: charWidth(ch.codePointAt(0)!), style: s.style });
  const indent = hangingIndent(cells, width);
  const indentCells = (): Cell[] => Array.from({ length: indent }, () => ({ ch: ' ', width: 1, style: undefined }));

  const out: Span[][] = [];
  let current: Cell[] = [];
  let used = 0;
  /** Index in `current` just after the last space that is a break opportunity. */
  let breakAt = -1;
  const startLine = (carry: Cell[]): void => {
    current = [...indentCells(), ...carry];
    used = current.reduce((w, c) => w + c.width, 0);
    breakAt = -1;
  };

  for (const cell of cells) {
    if (used + cell.width > width) {
      if (cell.ch === ' ') {
        // The break falls on a space: end the line here and drop the space.
        out.push(toSpans(trimEnd(current)));
        startLine([]);
        continue;
      }
      if (breakAt > indent) {
        out.push(toSpans(trimEnd(current.slice(0, breakAt))));
        startLine(current.slice(breakAt));
      } else {
        // No space to break at: cut the word.
        out.push(toSpans(current));
        startLine([]);
      }
    }
    if (cell.ch === ' ' && used === indent && out.length > 0) continue; // no leading spaces after a break
    current.push(cell);
    used += cell.width;
    if (cell.ch === ' ') breakAt = current.length;
  }
  const last = trimEnd(current);
  if (last.length > indent || out.length === 0) out.push(toSpans(last));
  return out;
}
