import { createServer, type Server } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';

// Serves a built site the way a static host would: files, a folder's index.html,
// and 404.html with status 404 for anything else. No Astro code runs here.
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

function resolveFile(root: string, urlPath: string): string | undefined {
  const candidate = join(root, normalize(decodeURIComponent(urlPath)));
  if (!candidate.startsWith(root)) return undefined;
  if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  const index = join(candidate, 'index.html');
  return existsSync(index) ? index : undefined;
}

export interface StaticSite {
  url: string;
  close(): Promise<void>;
}

/** `prefix` serves the site under a sub-path (as a project page of a static host would); anything outside it is a 404. */
export async function serveStatic(root: string, prefix = '/'): Promise<StaticSite> {
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(`${root} has no index.html: run \`npm run build\` first (\`npm test\` does).`);
  }
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = path.startsWith(prefix) ? resolveFile(root, '/' + path.slice(prefix.length)) : undefined;
    const body = file ?? join(root, '404.html');
    response.writeHead(file ? 200 : 404, { 'content-type': TYPES[extname(body)] ?? 'application/octet-stream' });
    createReadStream(body).pipe(response);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}
