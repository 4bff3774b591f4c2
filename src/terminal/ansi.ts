// Render structured output for xterm.js: semantic styles become truecolor
// ANSI with the site's palette (the same tokens as src/styles/global.css),
// lines end with \r\n, and every piece of text is scrubbed of control
// characters first. `renderPlain` gives the same layout without colour.
import { scrub, tableLines, type TableLayout } from './format.ts';
import type { Output, Span, Style } from './output.ts';
import { wrapSpans } from './wrap.ts';

export type ThemeName = 'light' | 'dark';

export interface Palette {
  background: string;
  foreground: string;
  muted: string;
  accent: string;
  ok: string;
  warn: string;
  error: string;
  selection: string;
  cursor: string;
}

/** The site's design tokens (src/styles/global.css), per theme. */
export const PALETTES: Record<ThemeName, Palette> = {
  light: {
    background: '#f5f7fa',
    foreground: '#1b1f24',
    muted: '#4a5562',
    accent: '#0b5cad',
    ok: '#1a7f37',
    warn: '#8a5a00',
    error: '#b42318',
    selection: '#c7dcf3',
    cursor: '#c2410c',
  },
  dark: {
    background: '#161c23',
    foreground: '#e6e9ed',
    muted: '#a9b4c0',
    accent: '#6cb6ff',
    ok: '#4ac26b',
    warn: '#e3b341',
    error: '#ff7b72',
    selection: '#2a4a6b',
    cursor: '#ffa657',
  },
};

/** An xterm.js `ITheme` built from the palette. */
export function xtermTheme(theme: ThemeName): Record<string, string> {
  const p = PALETTES[theme];
  return {
    background: p.background,
    foreground: p.foreground,
    cursor: p.cursor,
    cursorAccent: p.background,
    selectionBackground: p.selection,
    black: theme === 'dark' ? '#0f1419' : '#1b1f24',
    red: p.error,
    green: p.ok,
    yellow: p.warn,
    blue: p.accent,
    magenta: theme === 'dark' ? '#d2a8ff' : '#8250df',
    cyan: theme === 'dark' ? '#76e3ea' : '#1b7c83',
    white: theme === 'dark' ? '#e6e9ed' : '#f5f7fa',
    brightBlack: p.muted,
  };
}

const RESET = '\x1b[0m';

function rgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `${(n >> 16) & 255};${(n >> 8) & 255};${n & 255}`;
}

function sgr(style: Style | undefined, p: Palette): string {
  switch (style) {
    case undefined:
    case 'plain':
      return '';
    case 'ok':
      return `\x1b[38;2;${rgb(p.ok)}m`;
    case 'error':
      return `\x1b[38;2;${rgb(p.error)}m`;
    case 'warn':
      return `\x1b[38;2;${rgb(p.warn)}m`;
    case 'dim':
      return `\x1b[38;2;${rgb(p.muted)}m`;
    case 'heading':
      return `\x1b[1m`;
    case 'accent':
      return `\x1b[38;2;${rgb(p.accent)}m`;
    case 'code':
      return `\x1b[38;2;${rgb(p.accent)}m`;
  }
}

export interface RenderOptions extends TableLayout {
  theme?: ThemeName;
}

/**
 * Output as lines of spans, shared by both renderers. With a `width`, tables
 * are laid out to fit it and every other line is wrapped at spaces.
 */
export function outputLines(output: Output, layout: TableLayout = {}): Span[][] {
  const lines = unwrappedLines(output, layout);
  const width = layout.width;
  if (width === undefined || width <= 0) return lines;
  return lines.flatMap((line) => wrapSpans(line, width));
}

function unwrappedLines(output: Output, layout: TableLayout): Span[][] {
  const lines: Span[][] = [];
  for (const block of output.blocks) {
    if (block.kind === 'table') {
      lines.push(...tableLines(block, layout));
      continue;
    }
    // A span may contain newlines: split the line there.
    let current: Span[] = [];
    for (const s of block.spans) {
      const parts = scrub(s.text).split('\n');
      parts.forEach((part, i) => {
        if (i > 0) {
          lines.push(current);
          current = [];
        }
        if (part !== '') current.push(s.style === undefined ? { text: part } : { text: part, style: s.style });
      });
    }
    lines.push(current);
  }
  return lines;
}

/** ANSI text for xterm.js: each line ends with \r\n. */
export function renderAnsi(output: Output, options: RenderOptions = {}): string {
  const p = PALETTES[options.theme ?? 'light'];
  return outputLines(output, options)
    .map((line) =>
      line
        .map((s) => {
          const code = sgr(s.style, p);
          return code === '' ? s.text : `${code}${s.text}${RESET}`;
        })
        .join(''),
    )
    .map((l) => `${l}\r\n`)
    .join('');
}

/** The same text without colour, lines joined with \n (for copying and tests). */
export function renderPlain(output: Output, layout: TableLayout = {}): string {
  return outputLines(output, layout)
    .map((line) => line.map((s) => s.text).join(''))
    .join('\n');
}
