// @ts-check
import { defineConfig } from 'astro/config';
import svelte from '@astrojs/svelte';
import mdx from '@astrojs/mdx';
import { satteri } from '@astrojs/markdown-satteri';
import { mermaidSvgPlugin } from './src/build/mermaidSvgPlugin.ts';
import { MERGED_LESSONS } from './src/checkpoints/moved.ts';

const base = process.env.BASE_PATH ?? '/';

export default defineConfig({
  // Static output: `astro build` writes dist/, which any file server can host.
  output: 'static',
  // Deployable under a sub-path (project pages of static hosts): BASE_PATH=/cqrs-lab/ npm run build.
  // SITE_DIST picks another output folder, so such a build can sit beside dist/.
  base,
  outDir: process.env.SITE_DIST ?? './dist',
  trailingSlash: 'ignore',
  integrations: [svelte(), mdx()],
  // A lesson merged into another keeps its address: a page that sends the reader on to the text.
  redirects: Object.fromEntries(
    Object.entries(MERGED_LESSONS).map(([from, { into, anchor }]) => [
      `/lessons/${from}`,
      `${base.replace(/\/?$/, '/')}lessons/${into}/#${anchor}`,
    ]),
  ),
  markdown: {
    // Shiki leaves mermaid fences alone: mermaidSvgPlugin draws them as inline SVG at build time, one
    // per theme (or, on a machine with no Chromium, leaves them for the browser to draw).
    processor: satteri({ mdastPlugins: [mermaidSvgPlugin] }),
    syntaxHighlight: { type: 'shiki', excludeLangs: ['mermaid'] },
    shikiConfig: { themes: { light: 'github-light-high-contrast', dark: 'github-dark-high-contrast' } },
  },
  vite: {
    worker: { format: 'es' },
  },
});
