// The engine's boundaries, checked by reading its imports rather than by
// memory: no import cycles (type-only imports included), read/ and write/
// never import each other, nothing outside the engine's folder, and no file
// grows back into a second coordinator.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../../../src/engine');
const MAX_LINES = 560;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative import specifiers of a file: `import … from`, `export … from` and `import('…')`. */
function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const specs = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
  return specs.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(path), s));
}

const files = sourceFiles(ROOT);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const name = (f: string): string => relative(ROOT, f);

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(name(w));
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const f of files) if (!idx.has(f)) visit(f);
  return out;
}

describe('engine architecture', () => {
  it('every relative import resolves to an engine file (nothing outside src/engine)', () => {
    const outside = [...graph].flatMap(([f, deps]) =>
      deps.filter((d) => !d.startsWith(ROOT + '/') || !graph.has(d)).map((d) => `${name(f)} -> ${relative(ROOT, d)}`),
    );
    expect(outside).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(cycles()).toEqual([]);
  });

  it('read/ and write/ do not import each other', () => {
    const crossing = [...graph].flatMap(([f, deps]) => {
      const from = name(f).split('/')[0];
      return deps
        .map(name)
        .filter((d) => (from === 'read' && d.startsWith('write/')) || (from === 'write' && d.startsWith('read/')))
        .map((d) => `${name(f)} -> ${d}`);
    });
    expect(crossing).toEqual([]);
  });

  it('the shared vocabulary depends on no mechanism', () => {
    const allowed = (d: string): boolean =>
      d.startsWith('vocabulary/') || ['domain.ts', 'settings.ts', 'errors.ts', 'validation.ts', 'sqlite.ts'].includes(d);
    const leaks = [...graph]
      .filter(([f]) => name(f).startsWith('vocabulary/'))
      .flatMap(([f, deps]) =>
        deps
          .map(name)
          .filter((d) => !allowed(d))
          .map((d) => `${name(f)} -> ${d}`),
      );
    expect(leaks).toEqual([]);
  });

  it(`no file is longer than ${MAX_LINES} lines`, () => {
    const long = files
      .map((f) => ({ file: name(f), lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter((x) => x.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('the cycle check finds a cycle when there is one', () => {
    const [a, b] = files;
    const saved = [graph.get(a!)!, graph.get(b!)!];
    graph.set(a!, [b!]);
    graph.set(b!, [a!]);
    try {
      expect(cycles()).toContainEqual([name(a!), name(b!)].sort());
    } finally {
      graph.set(a!, saved[0]!);
      graph.set(b!, saved[1]!);
    }
  });
});
