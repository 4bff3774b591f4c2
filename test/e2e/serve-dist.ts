import { createServer, type Server } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

// Serves the built site (dist/) the way a static host would: files, folder index.html,
// and 404.html with status 404 for anything else. No Astro code runs here.
const DIST = resolve(import.meta.dirname, '../../dist');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function resolveFile(urlPath: string): string | undefined {
  const safe = normalize(decodeURIComponent(urlPath)).replace(/^(\.\.[/\\])+/, '');
  const candidate = join(DIST, safe);
  if (!candidate.startsWith(DIST)) return undefined;
  if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  const index = join(candidate, 'index.html');
  if (existsSync(index)) return index;
  return undefined;
}

export default async function setup(project: TestProject) {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error('dist/ has no index.html: run `npm run build` first (`npm test` does).');
  }
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = resolveFile(path);
    const status = file ? 200 : 404;
    const body = file ?? join(DIST, '404.html');
    response.writeHead(status, { 'content-type': TYPES[extname(body)] ?? 'application/octet-stream' });
    createReadStream(body).pipe(response);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  project.provide('baseUrl', `http://127.0.0.1:${port}`);
  return () => new Promise<void>((closed) => server.close(() => closed()));
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
