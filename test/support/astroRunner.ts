// One Astro process for a test file's many `astro sync` / `astro build` runs (started by
// scratchSite.ts, in the site's folder). Each run used to be a fresh `node astro.mjs sync`: about
// 2.5 s of CPU, most of it starting Node and loading Astro, Vite and the integrations. Here they
// are loaded once and each command is the same programmatic call the CLI makes (`sync`/`build`
// from 'astro'), with the site's config read again every time, so a run costs what the command
// itself does. The reply carries what the CLI would have printed: everything written to stdout
// and stderr during the run, then a failure formatted by Astro's own formatter, as
// `astro <command>` prints it before exiting with status 1.
import { build, sync } from 'astro';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface AstroRequest {
  command: 'sync' | 'build';
  outDir?: string;
}
export interface AstroReply {
  status: number;
  output: string;
}

// The formatter the CLI uses for a failed command (astro/dist/cli/throw-and-exit.js); not part of
// Astro's exports, so loaded by its path.
const astroDist = join(import.meta.dirname, '../../node_modules/astro/dist');
const errors = await import(pathToFileURL(join(astroDist, 'core/errors/index.js')).href);
const devErrors = await import(pathToFileURL(join(astroDist, 'core/errors/dev/index.js')).href);
const messages = await import(pathToFileURL(join(astroDist, 'core/messages/runtime.js')).href);

/** Runs `task` with everything written to stdout and stderr collected instead of printed. */
async function capturing(task: (write: (text: string) => void) => Promise<number>): Promise<AstroReply> {
  let output = '';
  const write = (chunk: string | Uint8Array): boolean => {
    output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  process.stdout.write = write as typeof process.stdout.write;
  process.stderr.write = write as typeof process.stderr.write;
  try {
    const status = await task((text) => write(text + '\n'));
    return { status, output };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
}

async function run({ command, outDir }: AstroRequest): Promise<AstroReply> {
  return capturing(async (write) => {
    try {
      if (command === 'sync') await sync({ root: process.cwd() });
      else await build({ root: process.cwd(), ...(outDir ? { outDir } : {}) });
      return 0;
    } catch (error) {
      write(messages.formatErrorMessage(devErrors.collectErrorMetadata(errors.createSafeError(error)), true));
      return 1;
    }
  });
}

// Requests come one at a time over the IPC channel; each is answered before the next is read.
process.on('message', (request: AstroRequest) => {
  void run(request).then((reply) => process.send!(reply));
});
