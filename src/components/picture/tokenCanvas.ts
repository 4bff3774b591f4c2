// The bus's tokens drawn on one canvas per lane, all lanes in one animation
// frame: one element per token (an SVG each, re-created by every frame and
// restyled by every animation frame) cost the main thread a style
// recalculation per token. Each kind keeps its own shape (readable without
// colour), the same shapes TokenGlyph draws in the legend.
import type { BusToken, TokenKind } from '../../worker/views/architecture.ts';
import { progress } from './tokenMotion.ts';

/** The shape each kind is drawn with (the legend's glyphs). */
export const TOKEN_SHAPES: Record<TokenKind, string> = {
  normal: 'dot',
  duplicate: 'double dot',
  redelivery: 'dashed ring',
  reordered: 'arrow head',
  held: 'square',
};

/** One token as last drawn: where the virtual clock puts it (0 at departure, 1 at arrival). */
export interface DrawnToken {
  token: BusToken;
  p: number;
  shape: string;
  /** Centre, in CSS pixels from the canvas's top left. */
  x: number;
  y: number;
}

export type TokenColours = Record<TokenKind, string> & { edge: string; label: string; font: string };

export const TOKEN_SIZE = 14;
/** Three sub-tracks (by position) so tokens close in time stay apart. */
const SLOT_OFFSET = [0, -12, 12];

/** Where a token sits at virtual time `now`, in a lane `width` × `height` CSS pixels. */
export function tokenPlace(t: BusToken, now: number, width: number, height: number): { p: number; x: number; y: number } {
  const p = t.kind === 'held' ? 1 : progress(t.sentAt, t.arriveAt, now);
  const half = TOKEN_SIZE / 2;
  return { p, x: half + p * Math.max(0, width - TOKEN_SIZE), y: height / 2 + SLOT_OFFSET[t.position % 3]! };
}

function glyph(ctx: CanvasRenderingContext2D, kind: TokenKind, x: number, y: number, c: TokenColours): void {
  ctx.fillStyle = c[kind];
  ctx.strokeStyle = c.edge;
  ctx.lineWidth = 1;
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  const circle = (cx: number, cy: number, r: number) => {
    ctx.beginPath();
    ctx.arc(cx, cy, r, 0, 2 * Math.PI);
  };
  // The glyphs' 14 × 14 box, centred on (x, y).
  const ox = x - 7;
  const oy = y - 7;
  switch (kind) {
    case 'normal':
      circle(x, y, 5);
      ctx.fill();
      ctx.stroke();
      break;
    case 'duplicate':
      circle(ox + 5, y, 4);
      ctx.fill();
      ctx.stroke();
      circle(ox + 9.5, y, 4);
      ctx.globalAlpha = 0.55;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.stroke();
      break;
    case 'redelivery':
      circle(x, y, 5);
      ctx.strokeStyle = c[kind];
      ctx.lineWidth = 1.8;
      ctx.setLineDash([2.4, 1.6]);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.lineWidth = 1;
      ctx.strokeStyle = c.edge;
      circle(x, y, 2);
      ctx.fill();
      ctx.stroke();
      break;
    case 'reordered':
      ctx.beginPath();
      ctx.moveTo(ox + 2, oy + 2);
      ctx.lineTo(ox + 12.5, oy + 7);
      ctx.lineTo(ox + 2, oy + 12);
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
      break;
    case 'held':
      ctx.beginPath();
      ctx.roundRect(ox + 2, oy + 2, 10, 10, 1.5);
      ctx.fill();
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(ox + 5.5, oy + 4.5);
      ctx.lineTo(ox + 5.5, oy + 9.5);
      ctx.moveTo(ox + 8.5, oy + 4.5);
      ctx.lineTo(ox + 8.5, oy + 9.5);
      ctx.lineWidth = 1.6;
      ctx.stroke();
      break;
  }
}

/** Each kind's glyph rasterised once per colour set and pixel ratio, so a token costs one image copy rather than a path fill. */
const sprites = new WeakMap<TokenColours, Map<number, Map<TokenKind, HTMLCanvasElement>>>();
/** The sprite's margin around the glyph's 14 × 14 box (its stroke reaches past it). */
const SPRITE_PAD = 2;
function sprite(kind: TokenKind, colours: TokenColours, ratio: number): HTMLCanvasElement {
  let byRatio = sprites.get(colours);
  if (!byRatio) sprites.set(colours, (byRatio = new Map()));
  let byKind = byRatio.get(ratio);
  if (!byKind) byRatio.set(ratio, (byKind = new Map()));
  let c = byKind.get(kind);
  if (!c) {
    c = document.createElement('canvas');
    c.width = c.height = Math.ceil((TOKEN_SIZE + 2 * SPRITE_PAD) * ratio);
    const ctx = c.getContext('2d')!;
    ctx.scale(ratio, ratio);
    glyph(ctx, kind, TOKEN_SIZE / 2 + SPRITE_PAD, TOKEN_SIZE / 2 + SPRITE_PAD, colours);
    byKind.set(kind, c);
  }
  return c;
}

/**
 * Draw `tokens` at virtual time `now` on a lane of `width` × `height` CSS pixels
 * (`ratio` device pixels each); `from` gives a token's drawn progress while a
 * paused step glides (default: where the clock puts it). Labels their
 * positions when there are few enough to read. Returns what it drew.
 */
export function drawLane(
  ctx: CanvasRenderingContext2D,
  tokens: readonly BusToken[],
  now: number,
  size: { width: number; height: number; ratio: number },
  colours: TokenColours,
  shownAt: (t: BusToken, p: number) => number = (_t, p) => p,
): DrawnToken[] {
  const { width, height, ratio } = size;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const box = TOKEN_SIZE + 2 * SPRITE_PAD;
  const half = box / 2;
  const labelled = tokens.length <= 8;
  if (labelled) {
    ctx.font = colours.font;
    ctx.textAlign = 'center';
  }
  const drawn: DrawnToken[] = [];
  for (const t of tokens) {
    const at = tokenPlace(t, now, width, height);
    const shown = shownAt(t, at.p);
    const x = TOKEN_SIZE / 2 + shown * Math.max(0, width - TOKEN_SIZE);
    ctx.drawImage(sprite(t.kind, colours, ratio), x - half, at.y - half, box, box);
    if (labelled) {
      ctx.fillStyle = colours.label;
      ctx.textBaseline = t.kind === 'duplicate' ? 'top' : 'bottom';
      ctx.fillText(String(t.position), x, t.kind === 'duplicate' ? at.y + 8 : at.y - 8);
    }
    drawn.push({ token: t, p: at.p, shape: TOKEN_SHAPES[t.kind], x, y: at.y });
  }
  return drawn;
}

/** The drawn token under a pointer (within a token's size), if any. */
export function tokenAt(drawn: readonly DrawnToken[], x: number, y: number): DrawnToken | undefined {
  let best: DrawnToken | undefined;
  let bestD = (TOKEN_SIZE / 2 + 2) ** 2;
  for (const d of drawn) {
    const dist = (d.x - x) ** 2 + (d.y - y) ** 2;
    if (dist <= bestD) {
      best = d;
      bestD = dist;
    }
  }
  return best;
}
