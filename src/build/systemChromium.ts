import { existsSync } from 'node:fs';

// The build draws diagrams in a Chromium found on the machine, never downloaded:
// CHROME_PATH when set (a path that does not exist means "no browser"), else a system install.
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export function systemChromium(): string | undefined {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

/**
 * Whether this build draws mermaid diagrams itself (src/build/mermaidSvgPlugin.ts): true whenever a
 * Chromium is found (the plugin then fails the build rather than leave a diagram undrawn), so a page
 * loads the in-browser renderer only from a build made without one.
 */
export function diagramsDrawnAtBuild(): boolean {
  return systemChromium() !== undefined;
}
