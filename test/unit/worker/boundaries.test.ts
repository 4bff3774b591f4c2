// The worker host is an adapter: its clients (the terminal, the Svelte
// components) depend on it, never the other way round. Checked on the source
// so a new import that crosses the line fails here, not in review.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(path);
    return /\.(ts|svelte)$/.test(d.name) ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports, resolved to a path under src/ when relative. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const spec = m[1] ?? m[2]!;
    out.push(spec.startsWith('.') ? relative(root, resolve(file, '..', spec)) : spec);
  }
  return out;
}

describe('src/worker', () => {
  const files = sourceFiles(join(root, 'src/worker'));

  it('has files to check (the walk found the folder)', () => {
    expect(files.some((f) => f.endsWith('engineHost.ts'))).toBe(true);
    expect(importsOf(join(root, 'src/worker/engineHost.ts'))).toContain('src/worker/views/traceFilter.ts');
  });

  it('imports nothing from its clients: the terminal and the components', () => {
    const crossings = files.flatMap((f) =>
      importsOf(f)
        .filter((spec) => spec.startsWith('src/terminal/') || spec.startsWith('src/components/'))
        .map((spec) => `${relative(root, f)} → ${spec}`),
    );
    expect(crossings).toEqual([]);
  });
});
