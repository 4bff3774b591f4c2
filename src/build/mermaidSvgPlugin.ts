import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createMermaidRenderer, type MermaidRenderer, type RenderResult } from 'mermaid-isomorphic';
import { fileURLToPath } from 'node:url';
import type { MdastPluginDefinition } from 'satteri';
import type { Code, Root } from 'mdast';
import { systemChromium } from './systemChromium.ts';

// Mermaid fences become inline SVG at build time, drawn once per theme, so a lesson page ships
// no mermaid and no layout engine. Mermaid needs a DOM to measure text, so the drawing happens in
// the system's Chromium (never downloaded). Without one the fences are left as they are and the
// page draws them in the browser (src/scripts/mermaidDiagrams.ts), after a clear warning. A diagram
// mermaid cannot parse fails the build, naming the file.

const THEMES = [
  { name: 'light', mermaidTheme: 'default' },
  { name: 'dark', mermaidTheme: 'dark' },
] as const;

const FONT_FAMILY = 'system-ui, sans-serif';

let renderer: MermaidRenderer | undefined | null;
let warned = false;

function warnOnce(reason: string): void {
  if (warned) return;
  warned = true;
  console.warn(
    `\n[cqrs-lab] Diagrams are NOT drawn at build time: ${reason}\n` +
      '[cqrs-lab] Mermaid fences are left for the browser to draw, so pages with diagrams load mermaid (hundreds of KB).\n' +
      '[cqrs-lab] Install Chromium (Debian/Ubuntu: `sudo apt-get install -y chromium`) or set CHROME_PATH; CI builds with it.\n',
  );
}

function getRenderer(): MermaidRenderer | null {
  if (renderer !== undefined) return renderer;
  const executablePath = systemChromium();
  if (!executablePath) {
    warnOnce('no Chromium found (CHROME_PATH, /usr/bin/chromium, …).');
    renderer = null;
  } else {
    renderer = createMermaidRenderer({ launchOptions: { executablePath, args: ['--no-sandbox', '--disable-gpu'] } });
  }
  return renderer;
}

function childrenOf(node: unknown): readonly unknown[] {
  const children = (node as { children?: unknown }).children;
  return Array.isArray(children) ? children : [];
}

function isMermaidFence(node: Code): boolean {
  return node.lang === 'mermaid';
}

function textOf(node: unknown): string {
  const value = (node as { value?: unknown }).value;
  if (typeof value === 'string') return value;
  return childrenOf(node).map(textOf).join('');
}

/** The words a diagram shows, in drawing order: its text alternative when the author wrote no accDescr. */
function visibleText(svg: string): string {
  return svg
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<br\s*\/?>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const KIND_NAMES: Record<string, string> = {
  sequenceDiagram: 'Sequence diagram',
  flowchart: 'Flowchart',
  graph: 'Flowchart',
  stateDiagram: 'State diagram',
  'stateDiagram-v2': 'State diagram',
  classDiagram: 'Class diagram',
  erDiagram: 'Entity-relationship diagram',
  gantt: 'Timeline',
  timeline: 'Timeline',
};

function kindOf(source: string): string {
  const first =
    source
      .replace(/^\s*%%\{[\s\S]*?\}%%\s*/, '')
      .trim()
      .split(/\s+/)[0] ?? '';
  return KIND_NAMES[first] ?? 'Diagram';
}

/**
 * Gives the SVG a <title> and <desc> (the author's accTitle/accDescr when written, else the diagram's
 * kind with the section it illustrates, and the words it shows), role="img", and the class that shows it
 * in its theme only.
 */
function accessibleSvg(result: RenderResult, title: string, description: string, themeClass: string): string {
  const titleId = `${result.id}-title`;
  const descId = `${result.id}-desc`;
  return result.svg
    .replace(/<svg\b([^>]*)>/, (_match, attributes: string) => {
      const stripped = attributes.replace(/\s(role|aria-labelledby|aria-describedby|aria-roledescription)="[^"]*"/g, '');
      const kept = /\sclass="/.test(stripped)
        ? stripped.replace(/\sclass="([^"]*)"/, ` class="$1 ${themeClass}"`)
        : `${stripped} class="${themeClass}"`;
      return (
        `<svg${kept} role="img" aria-labelledby="${titleId}" aria-describedby="${descId}">` +
        `<title id="${titleId}">${escapeXml(title)}</title><desc id="${descId}">${escapeXml(description)}</desc>`
      );
    })
    .replace(/<title id="chart-title-[^"]*"[^>]*>[\s\S]*?<\/title>/, '')
    .replace(/<desc id="chart-desc-[^"]*"[^>]*>[\s\S]*?<\/desc>/, '');
}

// Drawing a page's diagrams in Chromium takes seconds; unchanged diagrams are taken from a disk cache
// keyed by everything that shapes the SVG (mermaid's version, the themes, the sources and their ids), so a
// rebuild that changes no diagram starts no browser.
const CACHE_DIR = resolve(process.env['MERMAID_SVG_CACHE'] ?? 'node_modules/.cache/cqrs-lab-mermaid');

function mermaidVersion(): string {
  try {
    return (JSON.parse(readFileSync(resolve('node_modules/mermaid/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function cacheKey(prefix: string, sources: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify({ v: 1, mermaid: mermaidVersion(), themes: THEMES, font: FONT_FAMILY, prefix, sources }))
    .digest('hex');
}

function readCache(key: string): RenderResult[][] | undefined {
  try {
    return JSON.parse(readFileSync(join(CACHE_DIR, `${key}.json`), 'utf8')) as RenderResult[][];
  } catch {
    return undefined;
  }
}

function writeCache(key: string, drawn: RenderResult[][]): void {
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    // Written aside then renamed, so a build running in parallel never reads half a file.
    const file = join(CACHE_DIR, `${key}.json`);
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(drawn));
    renameSync(`${file}.${process.pid}.tmp`, file);
  } catch {
    // A cache that cannot be written only costs the next build its time.
  }
}

interface Drawing {
  light: RenderResult;
  dark: RenderResult;
  title: string;
  description: string;
}

/** The fences of one document in reading order, each with the heading of the section it sits in. */
function collectFences(root: Root): { source: string; heading: string | undefined }[] {
  const fences: { source: string; heading: string | undefined }[] = [];
  let heading: string | undefined;
  const walk = (node: unknown): void => {
    const typed = node as { type: string; depth?: number };
    if (typed.type === 'heading' && (typed.depth ?? 9) <= 4) heading = textOf(node).trim();
    else if (typed.type === 'code' && isMermaidFence(node as Code)) fences.push({ source: (node as Code).value.trim(), heading });
    else childrenOf(node).forEach(walk);
  };
  walk(root);
  return fences;
}

async function drawAll(root: Root, where: string): Promise<Map<string, Drawing>> {
  const drawings = new Map<string, Drawing>();
  const fences = collectFences(root);
  if (fences.length === 0) return drawings;
  const prefix =
    'mm' +
    createHash('sha256')
      .update(where + '\n' + fences.map((f) => f.source).join('\n'))
      .digest('hex')
      .slice(0, 8);
  const sources = fences.map((fence) => fence.source);
  const key = cacheKey(prefix, sources);
  const cached = readCache(key);
  let drawn: PromiseSettledResult<RenderResult>[][];
  if (cached) {
    drawn = cached.map((results) => results.map((value) => ({ status: 'fulfilled', value }) as const));
  } else {
    const render = getRenderer();
    if (!render) return drawings;
    try {
      drawn = await Promise.all(
        THEMES.map((theme) =>
          render(sources, {
            prefix: `${prefix}-${theme.name}`,
            mermaidConfig: { theme: theme.mermaidTheme, fontFamily: FONT_FAMILY, securityLevel: 'strict' },
          }),
        ),
      );
    } catch (error) {
      // A Chromium was found but would not start: fail loudly rather than ship pages that load mermaid.
      throw new Error(
        `${where}: drawing mermaid diagrams at build time failed in ${systemChromium()}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    if (drawn.every((results) => results.every((r) => r.status === 'fulfilled'))) {
      writeCache(
        key,
        drawn.map((results) => results.map((r) => (r as PromiseFulfilledResult<RenderResult>).value)),
      );
    }
  }
  fences.forEach((fence, index) => {
    const [light, dark] = [drawn[0]![index]!, drawn[1]![index]!];
    if (light.status === 'rejected' || dark.status === 'rejected') {
      const failed = light.status === 'rejected' ? light : (dark as PromiseRejectedResult);
      const reason = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
      throw new Error(`${where}: mermaid diagram ${index + 1} could not be drawn:\n${reason}\n\n${fence.source}`);
    }
    const kind = kindOf(fence.source);
    drawings.set(fence.source, {
      light: light.value,
      dark: dark.value,
      title: light.value.title ?? (fence.heading ? `${kind}: ${fence.heading}` : kind),
      description: light.value.description ?? visibleText(light.value.svg),
    });
  });
  return drawings;
}

/** One line of HTML: a blank line would end a Markdown HTML block, and MDX parses it as JSX. */
function figureHtml(drawing: Drawing): string {
  return (
    '<figure class="mermaid-diagram" data-state="rendered" data-drawn="build">' +
    accessibleSvg(drawing.light, drawing.title, drawing.description, 'mermaid-theme-light') +
    accessibleSvg(drawing.dark, drawing.title, drawing.description, 'mermaid-theme-dark') +
    '</figure>'
  ).replace(/\s*\n\s*/g, ' ');
}

const DRAWINGS = 'cqrsLabMermaidDrawings';

/**
 * A Sätteri mdast plugin (Astro's Markdown and MDX processor): the whole document's diagrams are drawn in
 * one browser visit, then each fence becomes the figure's HTML (braces in the SVG's CSS stay literal in MDX).
 */
export const mermaidSvgPlugin: MdastPluginDefinition = {
  name: 'cqrs-lab-mermaid-svg',
  async before(root, ctx) {
    const where = ctx.fileURL ? fileURLToPath(ctx.fileURL) : '';
    ctx.data[DRAWINGS] = await drawAll(root as Root, where);
  },
  code(node, ctx) {
    if (!isMermaidFence(node)) return;
    const drawing = (ctx.data[DRAWINGS] as Map<string, Drawing> | undefined)?.get(node.value.trim());
    if (drawing) return { raw: figureHtml(drawing), mdxExpressions: false };
  },
};
