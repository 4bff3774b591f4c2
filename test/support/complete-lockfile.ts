// `npm run lock:complete`: after `npm install` changes dependencies, run this so `npm ci` accepts the lock.
//
// Why: the registry mirror this project's machines use does not serve every platform build of
// packages with native binaries (pagefind, the Astro compiler binding for macOS or Windows). npm then
// leaves those optional packages out of package-lock.json, and `npm ci` refuses the lock as "out of
// sync". This adds an entry for each missing one, tagged with its os/cpu/libc, so npm skips it here
// and fetches it on the platform it is for. Safe to run any number of times.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  optionalDependencies?: Record<string, string>;
}

function platformOf(name: string): Pick<LockEntry, 'os' | 'cpu' | 'libc'> {
  const base = name.split('/').pop() ?? name;
  const pick = (pairs: [RegExp, string][]) => pairs.find(([pattern]) => pattern.test(base))?.[1];
  const os = pick([
    [/darwin/, 'darwin'],
    [/win32|windows/, 'win32'],
    [/freebsd/, 'freebsd'],
    [/android/, 'android'],
    [/linux/, 'linux'],
  ]);
  const cpu = pick([
    [/arm64|aarch64/, 'arm64'],
    [/x64|x86_64/, 'x64'],
    [/wasm32/, 'wasm32'],
  ]);
  const libc = pick([
    [/musl/, 'musl'],
    [/gnu/, 'glibc'],
  ]);
  return { ...(cpu && { cpu: [cpu] }), ...(libc && { libc: [libc] }), ...(os && { os: [os] }) };
}

const path = resolve(import.meta.dirname, '../../package-lock.json');
const lock = JSON.parse(readFileSync(path, 'utf8')) as { packages: Record<string, LockEntry> };
const added: string[] = [];
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [dependency, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const hoisted = `node_modules/${dependency}`;
    const nested = key ? `${key}/node_modules/${dependency}` : hoisted;
    if (lock.packages[hoisted] || lock.packages[nested]) continue;
    lock.packages[hoisted] = { version, ...platformOf(dependency), ...(entry.dev && { dev: true }), optional: true };
    added.push(`${dependency}@${version}`);
  }
}
const sorted = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync(path, `${JSON.stringify({ ...lock, packages: sorted }, null, 2)}\n`);
console.log(
  added.length > 0
    ? `Added to package-lock.json:\n  ${added.join('\n  ')}`
    : 'package-lock.json already lists every optional platform package.',
);
