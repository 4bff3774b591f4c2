// @ts-check
import { defineConfig } from 'astro/config';
import svelte from '@astrojs/svelte';
import mdx from '@astrojs/mdx';

export default defineConfig({
  // Static output: `astro build` writes dist/, which any file server can host.
  output: 'static',
  trailingSlash: 'ignore',
  integrations: [svelte(), mdx()],
  markdown: {
    // Mermaid fences are drawn in the browser (theme-aware), so Shiki leaves them as text.
    syntaxHighlight: { type: 'shiki', excludeLangs: ['mermaid'] },
    shikiConfig: { themes: { light: 'github-light-high-contrast', dark: 'github-dark-high-contrast' } },
  },
  vite: {
    worker: { format: 'es' },
  },
});
