// A throwaway copy of the site for the content-schema tests: the real config, schema, pages and
// dependencies (linked), with content files the test writes. Its `astro` runs `astro sync` or
// `astro build` there and returns the exit status and what was printed; the runs of one site share
// one Astro process (astroRunner.ts) instead of starting Node and Astro for each.
import { fork, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { AstroReply, AstroRequest } from './astroRunner.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ScratchSite {
  /** The site's folder. */
  root: string;
  /** Writes `source` to `path` (relative to the site), creating folders. */
  write(path: string, source: string): void;
  /** Empties the folder `path` (relative to the site), then writes `name` there. */
  replaceFolder(path: string, name: string, source: string): void;
  astro(command: 'sync' | 'build', options?: { outDir?: string }): Promise<AstroReply>;
  /** Stops the Astro process and removes the folder. */
  close(): Promise<void>;
}

export function scratchSite(prefix: string): ScratchSite {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const file of ['astro.config.mjs', 'package.json', 'tsconfig.json', 'svelte.config.js']) {
    cpSync(join(ROOT, file), join(root, file));
  }
  symlinkSync(join(ROOT, 'src'), join(root, 'src'));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));

  let runner: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const start = (): ChildProcess => {
    const child = fork(join(import.meta.dirname, 'astroRunner.ts'), [], {
      cwd: root,
      execArgv: [],
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    exited = new Promise((done) => child.once('exit', () => done()));
    return child;
  };

  const write = (path: string, source: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), source);
  };

  return {
    root,
    write,
    replaceFolder(path, name, source) {
      rmSync(join(root, path), { recursive: true, force: true });
      write(join(path, name), source);
    },
    astro(command, { outDir } = {}) {
      runner ??= start();
      const child = runner;
      return new Promise((done, fail) => {
        const onExit = (code: number | null) => fail(new Error(`the Astro runner exited (${code}) before answering ${command}`));
        child.once('exit', onExit);
        child.once('message', (reply: AstroReply) => {
          child.off('exit', onExit);
          done(reply);
        });
        child.send({ command, outDir } satisfies AstroRequest);
      });
    },
    async close() {
      runner?.kill();
      await exited;
      rmSync(root, { recursive: true, force: true });
    },
  };
}
