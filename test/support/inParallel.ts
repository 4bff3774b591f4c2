// Runs shell commands side by side and fails if any of them fails: `npm test` lints while it
// type-checks and builds. Each is mostly one busy thread (ESLint and Prettier; astro check; the
// build), so on a 2-core machine two lanes finish in about the time of the longer one instead of
// the sum. A lane's output is printed in one piece when it ends, so lanes do not interleave.
//
//   node test/support/inParallel.ts 'npm run lint' 'astro check && npm run build'
import { spawn } from 'node:child_process';

const commands = process.argv.slice(2);
if (commands.length === 0) {
  console.error('usage: node test/support/inParallel.ts <command> [<command> …]');
  process.exit(2);
}

const started = Date.now();
const results = await Promise.all(
  commands.map(
    (command) =>
      new Promise<{ command: string; code: number }>((done) => {
        console.log(`[started] ${command}`);
        const chunks: Buffer[] = [];
        const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
        child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
        child.on('close', (code, signal) => {
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          process.stdout.write(Buffer.concat(chunks));
          console.log(`[${code === 0 ? 'passed' : 'FAILED'}] ${command} (${seconds} s${signal ? `, ${signal}` : ''})\n`);
          done({ command, code: code ?? 1 });
        });
      }),
  ),
);

const failed = results.filter((r) => r.code !== 0);
if (failed.length > 0) {
  console.error(`Failed: ${failed.map((r) => r.command).join('; ')}`);
  process.exit(1);
}
