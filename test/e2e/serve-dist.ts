import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { serveStatic } from '../support/staticServer.ts';

// The e2e tests run against the built site in dist/ (or SITE_DIST), served statically.
// The site is crawled once here, over plain HTTP, so every test file gets the same page list.
export default async function setup(project: TestProject) {
  const site = await serveStatic(resolve(process.env.SITE_DIST ?? resolve(import.meta.dirname, '../../dist')));
  project.provide('baseUrl', site.url);
  project.provide('sitePaths', await crawl(site.url));
  return site.close;
}

/** Every page reachable by links from the home page: the pages a visitor can find. */
async function crawl(baseUrl: string): Promise<string[]> {
  const seen = new Set<string>(['/']);
  const queue = ['/'];
  while (queue.length > 0) {
    const path = queue.shift()!;
    const response = await fetch(baseUrl + path);
    if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) continue;
    const html = await response.text();
    for (const match of html.matchAll(/<a\b[^>]*\bhref="([^"#]*)(?:#[^"]*)?"/g)) {
      const url = new URL(match[1]!.replaceAll('&amp;', '&') || path, baseUrl + path);
      if (url.origin !== baseUrl || seen.has(url.pathname)) continue;
      seen.add(url.pathname);
      queue.push(url.pathname);
    }
  }
  return [...seen].sort();
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    sitePaths: string[];
  }
}
