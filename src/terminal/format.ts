// Text layout for the terminal: display width (ASCII, common symbols, CJK
// and emoji), control-character scrubbing (a product called "\x1b[2J" must
// not clear the learner's screen), truncation, aligned tables, and one-line
// descriptions of events and trace records.
import type { EventEnvelope, TraceRecord } from '../engine/index.ts';
import { cellStyle, cellText, type Span, type TableBlock } from './output.ts';

// ── width ────────────────────────────────────────────────────────────────

const COMBINING = /\p{M}/u;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;

/** Columns one code point takes in a terminal: 0, 1 or 2. */
export function charWidth(cp: number): 0 | 1 | 2 {
  if (cp === 0) return 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp === 0x200b || cp === 0x200c || cp === 0x200d || cp === 0x2060 || cp === 0xfeff) return 0;
  if (cp >= 0xfe00 && cp <= 0xfe0f) return 0;
  if (cp >= 0x300 && COMBINING.test(String.fromCodePoint(cp))) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd) ||
    (cp >= 0x1f000 && PICTOGRAPHIC.test(String.fromCodePoint(cp)))
  ) {
    return 2;
  }
  return 1;
}

export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** Cut `text` to at most `width` columns, ending with … when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const ch of text) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const gap = Math.max(0, width - displayWidth(text));
  return align === 'right' ? ' '.repeat(gap) + text : text + ' '.repeat(gap);
}

// ── scrubbing ───────────────────────────────────────────────────────────

// C0 controls but \n, DEL, C1 controls, and bidi overrides.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Make text safe to write to a terminal: no escape sequences, no carriage
 * returns, tabs as spaces. Newlines are kept (renderers split on them).
 */
export function scrub(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROL, (c) => (c === '\t' ? '  ' : c === '\u001b' ? '␛' : '\ufffd'));
}

/** Single-line form for a table cell. */
export function scrubCell(text: string): string {
  return scrub(text).replaceAll('\n', '↵');
}

// ── values ──────────────────────────────────────────────────────────────

/** Compact text for any JSON value. */
export function formatValue(value: unknown): string {
  if (value === null) return 'NULL';
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (Math.abs(ms) < 1000) return `${round(ms)} ms`;
  if (Math.abs(ms) < 60_000) return `${round(ms / 1000)} s`;
  return `${round(ms / 60_000)} min`;
}

export function formatPercent(p: number): string {
  return `${round(p * 100)}%`;
}

function round(n: number): string {
  return String(Math.round(n * 100) / 100);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

// ── tables ──────────────────────────────────────────────────────────────

export interface TableLayout {
  /** Widest a cell may be before it is cut (default 60). */
  maxCellWidth?: number;
  /** Terminal width: wide tables shrink their widest columns to fit. */
  width?: number;
}

const GAP = '  ';
/** Width wrapped prose aims for when the terminal's width is not known. */
const DEFAULT_WRAP_WIDTH = 100;

/** Break text into lines of at most `width` columns, at spaces where possible. */
export function wrapText(text: string, width: number): string[] {
  if (displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  let line = '';
  const flush = (): void => {
    lines.push(line.replace(/\s+$/, ''));
    line = '';
  };
  for (const word of text.split(/(\s+)/)) {
    if (word === '') continue;
    if (/^\s+$/.test(word)) {
      if (line !== '') line += ' ';
      continue;
    }
    if (displayWidth(line) + displayWidth(word) > width && line.trim() !== '') flush();
    let rest = word;
    while (displayWidth(rest) > width) {
      let cut = '';
      for (const ch of rest) {
        if (displayWidth(cut + ch) > width) break;
        cut += ch;
      }
      if (line.trim() !== '') flush();
      lines.push(cut);
      rest = rest.slice(cut.length);
    }
    line += rest;
  }
  if (line.trim() !== '') flush();
  return lines.length > 0 ? lines : [''];
}

/**
 * Lay a table out as lines of spans: header, rule, rows, caption. A table
 * too wide for the terminal even with its columns cut is printed one record
 * at a time instead (column name, then value), so no row is broken across
 * lines by the terminal.
 */
export function tableLines(block: TableBlock, layout: TableLayout = {}): Span[][] {
  const lines = gridLines(block, layout);
  const width = layout.width;
  if (width === undefined || width <= 0 || block.columns.length === 0) return lines;
  const fits = lines.every((line) => displayWidth(line.map((s) => s.text).join('')) <= width);
  return fits ? lines : recordLines(block, layout);
}

/** One record per row: `── row n ──`, then a `column  value` line per column, values wrapped. */
function recordLines(block: TableBlock, layout: TableLayout): Span[][] {
  const lines: Span[][] = [];
  block.rows.forEach((row, r) => {
    lines.push([{ text: `── row ${r + 1} ──`, style: 'dim' }]);
    const pairs: TableBlock = {
      kind: 'table',
      columns: [],
      rows: block.columns.map((name, i) => [{ text: name, style: 'heading' }, row[i] ?? '']),
      align: ['left', 'left'],
      wrap: true,
    };
    lines.push(...gridLines(pairs, { ...layout, maxCellWidth: Math.max(4, Math.floor((layout.width ?? DEFAULT_WRAP_WIDTH) / 3)) }));
  });
  if (block.caption !== undefined) lines.push([{ text: scrub(block.caption), style: 'dim' }]);
  return lines;
}

function gridLines(block: TableBlock, layout: TableLayout): Span[][] {
  const maxCell = Math.max(4, layout.maxCellWidth ?? 60);
  const ncols = Math.max(block.columns.length, ...block.rows.map((r) => r.length));
  const texts = block.rows.map((row) =>
    Array.from({ length: ncols }, (_, i) => {
      const cell = row[i];
      const v = cellText(cell);
      return scrubCell(v === undefined ? '' : formatValue(v));
    }),
  );
  const headers = Array.from({ length: ncols }, (_, i) => scrubCell(block.columns[i] ?? ''));
  const align = Array.from({ length: ncols }, (_, i) => {
    const given = block.align?.[i];
    if (given) return given;
    const values = block.rows.map((r) => cellText(r[i])).filter((v) => v !== null && v !== undefined && v !== '');
    return values.length > 0 && values.every((v) => typeof v === 'number') ? 'right' : 'left';
  });
  const wrapLast = block.wrap === true && ncols > 1;
  const widths = Array.from({ length: ncols }, (_, i) =>
    Math.min(
      wrapLast && i === ncols - 1 ? Number.POSITIVE_INFINITY : maxCell,
      Math.max(displayWidth(headers[i]!), ...texts.map((r) => displayWidth(r[i]!)), 0),
    ),
  );
  const gaps = GAP.length * Math.max(0, ncols - 1);
  if (wrapLast) {
    // The last column takes what the others leave (at least 20 columns, or half a narrow terminal).
    const total = layout.width !== undefined && layout.width > 0 ? layout.width : DEFAULT_WRAP_WIDTH;
    const others = widths.slice(0, -1).reduce((a, b) => a + b, 0) + gaps;
    widths[ncols - 1] = Math.min(widths[ncols - 1]!, Math.max(Math.min(20, Math.floor(total / 2)), total - others));
  } else if (layout.width !== undefined && layout.width > 0) {
    const total = (): number => widths.reduce((a, b) => a + b, 0) + gaps;
    while (total() > layout.width) {
      let widest = 0;
      for (let i = 1; i < ncols; i++) if (widths[i]! > widths[widest]!) widest = i;
      if (widths[widest]! <= 8) break;
      widths[widest]!--;
    }
  }
  const lines: Span[][] = [];
  const hasHeader = block.columns.length > 0;
  if (hasHeader) {
    lines.push(joinCells(headers.map((h, i) => ({ text: pad(truncate(h, widths[i]!), widths[i]!, align[i]), style: 'heading' as const }))));
    lines.push([{ text: widths.map((w) => '─'.repeat(w)).join(GAP), style: 'dim' }]);
  }
  block.rows.forEach((row, r) => {
    const styleOf = (i: number): Span['style'] => {
      const cell = row[i];
      return cellStyle(cell) ?? (cellText(cell) === null ? 'dim' : undefined);
    };
    const spanOf = (text: string, i: number): Span => {
      const style = styleOf(i);
      return style === undefined ? { text } : { text, style };
    };
    const cells = texts[r]!;
    if (!wrapLast) {
      lines.push(joinCells(cells.map((t, i) => spanOf(pad(truncate(t, widths[i]!), widths[i]!, align[i]), i))));
      return;
    }
    const wrapped = wrapText(cells[ncols - 1]!, widths[ncols - 1]!);
    lines.push(
      joinCells([
        ...cells.slice(0, -1).map((t, i) => spanOf(pad(truncate(t, widths[i]!), widths[i]!, align[i]), i)),
        spanOf(wrapped[0] ?? '', ncols - 1),
      ]),
    );
    const indent = ' '.repeat(widths.slice(0, -1).reduce((a, b) => a + b, 0) + gaps);
    for (const more of wrapped.slice(1)) lines.push([{ text: indent }, spanOf(more, ncols - 1)]);
  });
  if (block.caption !== undefined) lines.push([{ text: scrub(block.caption), style: 'dim' }]);
  return lines;
}

function joinCells(cells: Span[]): Span[] {
  const out: Span[] = [];
  cells.forEach((c, i) => {
    if (i > 0) out.push({ text: GAP });
    out.push(c);
  });
  // Trailing spaces make copied text ragged: trim the last cell.
  const last = out[out.length - 1];
  if (last) last.text = last.text.replace(/\s+$/, '');
  return out;
}

export function rowCount(n: number, truncated = false): string {
  return `(${plural(n, 'row')}${truncated ? ', cut at this many: add a WHERE or LIMIT' : ''})`;
}

// ── events and trace ─────────────────────────────────────────────────────

export function eventRow(e: EventEnvelope): (string | number)[] {
  return [e.position, e.streamId, e.version, e.type, formatValue(e.data), e.metadata.commandId, e.metadata.recordedAt];
}
export const EVENT_COLUMNS = ['pos', 'stream', 'v', 'type', 'data', 'command', 'at'];

/** One line saying what a trace record means. */
export function describeTrace(r: TraceRecord): string {
  switch (r.type) {
    case 'command.received':
      return `${r.commandType} ${r.commandId} received (attempt ${r.attempt})`;
    case 'command.loaded':
      return `${r.commandId} loaded ${r.streams.map((s) => `${s.streamId}@${s.version}`).join(', ') || 'no stream'}`;
    case 'command.duplicate':
      return `${r.commandType} ${r.commandId} is a duplicate: first result returned, nothing appended`;
    case 'command.decided':
      return `${r.commandId} decided ${r.events.map((e) => `${e.eventType} on ${e.streamId}`).join(', ')}`;
    case 'command.rejected':
      return `${r.commandType} ${r.commandId} rejected: ${r.rejection.code} (${r.rejection.message})`;
    case 'command.conflict':
      return `${r.commandId} conflict on ${r.streamId}: loaded v${r.expectedVersion}, now v${r.actualVersion}`;
    case 'command.retried':
      return `${r.commandId} retried (attempt ${r.attempt}) at ${r.retryAt}`;
    case 'command.staleVersion':
      return `${r.commandId} expected ${r.streamId}@${r.expectedVersion}, found @${r.actualVersion} at ${r.stage}: stale, not retried`;
    case 'command.failed':
      return `${r.commandId} failed after ${r.attempts} attempts: ${r.message}`;
    case 'events.appended':
      return `appended ${r.events.map((e) => `#${e.position} ${e.eventType} ${e.streamId}@${e.version}`).join(', ')} (token ${r.consistencyToken})`;
    case 'command.completed':
      return `${r.commandType} ${r.commandId} completed in ${formatMs(r.durationMs)} (token ${r.consistencyToken})`;
    case 'bus.published':
      return `published #${r.position} ${r.eventType} to ${r.subscribers.join(', ')}`;
    case 'bus.duplicated':
      return `#${r.position} duplicated for ${r.projection}, second copy at ${r.deliverAt}`;
    case 'bus.dropped':
      return `#${r.position} to ${r.projection} dropped (attempt ${r.attempt}), redelivery at ${r.redeliverAt}`;
    case 'bus.delivered':
      return `#${r.position} ${r.eventType} delivered to ${r.projection}${r.duplicate ? ' (duplicate copy)' : ''}${r.attempt > 1 ? ` on attempt ${r.attempt}` : ''}`;
    case 'bus.held':
      return `#${r.position} held for paused ${r.projection}`;
    case 'bus.released':
      return `${plural(r.count, 'held delivery', 'held deliveries')} released to ${r.projection}`;
    case 'bus.discarded':
      return `#${r.position} to ${r.projection} discarded (${r.reason})`;
    case 'projection.applied':
      return `${r.projection} applied #${r.position} ${r.eventType} ${r.streamId}@${r.version}${r.mode === 'catchUp' ? ' (catch-up)' : ''}`;
    case 'projection.duplicateSkipped':
      return `${r.projection} skipped #${r.position} ${r.streamId}@${r.version}: already at v${r.appliedVersion}`;
    case 'projection.gapDetected':
      return `${r.projection} gap on ${r.streamId}: expected v${r.expectedVersion}, got v${r.receivedVersion}`;
    case 'projection.held':
      return `${r.projection} holds #${r.position} ${r.streamId}@${r.version} until its predecessor arrives`;
    case 'projection.deadLettered':
      return `${r.projection} parked #${r.position} ${r.eventType} ${r.streamId}@${r.version} in its dead-letter table (${r.reason})`;
    case 'projection.checkpointed':
      return `${r.projection} checkpoint at ${r.watermark} (head ${r.headPosition}, ${plural(r.lagEvents, 'event')} behind)`;
    case 'projection.paused':
      return `${r.projection} paused`;
    case 'projection.resumed':
      return `${r.projection} resumed from ${r.from}`;
    case 'projection.crashRequested':
      return `${r.projection} crash requested`;
    case 'projection.crashed':
      return `${r.projection} crashed (${r.reason}): ${r.rolledBack} rolled back, ${r.lostInbox} lost from inbox, watermark ${r.watermark}`;
    case 'projection.catchUpStarted':
      return `${r.projection} catching up from ${r.fromPosition} (head ${r.headPosition})`;
    case 'projection.caughtUp':
      return `${r.projection} caught up at ${r.watermark}`;
    case 'projection.rebuildStarted':
      return `${r.projection} rebuild started (head ${r.headPosition})`;
    case 'projection.rebuildProgress':
      return `${r.projection} rebuilt up to ${r.position} of ${r.headPosition}`;
    case 'projection.rebuildFinished':
      return `${r.projection} rebuild finished at ${r.watermark} (${plural(r.events, 'event')})`;
    case 'query.received':
      return `${r.queryType} ${r.queryId} received by ${r.projection}`;
    case 'query.executed':
      return `${r.queryType} ${r.queryId} answered at position ${r.position} of ${r.headPosition}${r.lagEvents > 0 ? ` (${plural(r.lagEvents, 'event')} behind)` : ''}`;
    case 'settings.changed':
      return `settings changed: ${formatValue(r.changes)}`;
    default: {
      // Record types added later still show something useful.
      const { seq: _seq, at: _at, type: _type, ...rest } = r as unknown as Record<string, unknown>;
      return formatValue(rest);
    }
  }
}

/** Style of a trace line by what it says. */
export function traceStyle(r: TraceRecord): 'error' | 'warn' | 'ok' | undefined {
  const t: string = r.type;
  if (t === 'command.rejected' || t === 'command.failed' || t === 'projection.crashed') return 'error';
  if (
    t === 'command.conflict' ||
    t === 'command.staleVersion' ||
    t === 'command.duplicate' ||
    t.startsWith('bus.dropped') ||
    t === 'bus.duplicated' ||
    t === 'projection.gapDetected' ||
    t === 'projection.deadLettered' ||
    t === 'bus.discarded'
  )
    return 'warn';
  if (t === 'command.completed' || t === 'projection.caughtUp' || t === 'projection.rebuildFinished') return 'ok';
  return undefined;
}
