// A scenario shared by someone else: as a link (/scenarios/play/#s=<data>,
// the scenario JSON deflate-compressed and base64url-encoded, as the sandbox
// shares a run: src/sandbox/urlCodec.ts) or as a simulations/-format file.
// Both are untrusted input: limits first (untrusted.ts), then the same
// schema as simulations/ (parseScenario), so a damaged, oversized or hostile
// scenario is refused with a message and a malformed one names its file and
// field. What passes is plain data the engine plays; nothing in it runs.
import type { DomainDefinition } from '../engine/index.ts';
import { fromBase64Url, MAX_LINK_CHARS, toBase64Url } from '../sandbox/urlCodec.ts';
import { parseScenario } from './schema.ts';
import type { Scenario } from './types.ts';
import { assertWithinLimits, MAX_SCENARIO_BYTES, SharedScenarioError } from './untrusted.ts';

export { MAX_LINK_CHARS };
/** The hash parameter that carries a shared scenario: #s=<data>. */
export const SCENARIO_HASH_KEY = 's';

const TOO_LARGE_FOR_A_LINK = 'download the file instead';

/** The scenario as link data (#s=…). Throws SharedScenarioError when it is too large for a link. */
export async function encodeScenarioLink(scenario: Scenario): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(scenario));
  const packed = toBase64Url(await transform(json, new CompressionStream('deflate-raw')));
  if (packed.length > MAX_LINK_CHARS) {
    throw new SharedScenarioError(
      `This scenario is too large for a link (${packed.length.toLocaleString('en-US')} characters once compressed, the limit is ${MAX_LINK_CHARS.toLocaleString('en-US')}): ${TOO_LARGE_FOR_A_LINK}.`,
    );
  }
  return packed;
}

/** The link's path and hash below the site's base: scenarios/play/#s=… */
export function playPath(encoded: string): string {
  return `scenarios/play/#${SCENARIO_HASH_KEY}=${encoded}`;
}

/** The `s` parameter of a location hash, or null when the hash carries none. */
export function scenarioParam(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get(SCENARIO_HASH_KEY);
}

/**
 * Decode and validate link data. Throws SharedScenarioError (damaged,
 * oversized, hostile) or ScenarioError (a field the schema refuses, named).
 */
export async function decodeScenarioLink(data: string, domains?: Record<string, DomainDefinition>): Promise<Scenario> {
  if (data.length > MAX_LINK_CHARS) {
    throw new SharedScenarioError(
      `This link is too long (${data.length.toLocaleString('en-US')} characters; a scenario link holds at most ${MAX_LINK_CHARS.toLocaleString('en-US')}).`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(data);
  } catch {
    throw new SharedScenarioError('This link is damaged: its scenario data is not valid base64url.');
  }
  let unpacked: Uint8Array;
  try {
    unpacked = await transform(bytes, new DecompressionStream('deflate-raw'), MAX_SCENARIO_BYTES);
  } catch (e) {
    if (e instanceof SharedScenarioError) throw e;
    throw new SharedScenarioError('This link is damaged: its scenario data could not be decompressed.');
  }
  const value = parseJson(unpacked, 'This link');
  const slug = isObject(value) && typeof value['slug'] === 'string' && /^[a-z0-9-]{1,80}$/.test(value['slug']) ? value['slug'] : 'shared';
  return parseScenario(`${slug}.json`, value, domains);
}

/**
 * Validate an imported scenario file (its name and text) exactly as a file in
 * simulations/ is validated: the slug must match the file name.
 */
export function readScenarioFile(fileName: string, text: string, domains?: Record<string, DomainDefinition>): Scenario {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > MAX_SCENARIO_BYTES) {
    throw new SharedScenarioError(
      `${fileName} is too large (${bytes.length.toLocaleString('en-US')} bytes; a scenario file may hold ${MAX_SCENARIO_BYTES.toLocaleString('en-US')}).`,
    );
  }
  return parseScenario(fileName, parseJson(bytes, fileName), domains);
}

function parseJson(bytes: Uint8Array, where: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new SharedScenarioError(`${where} does not hold a scenario: its data is not JSON.`);
  }
  assertWithinLimits(value, where);
  return value;
}

/** Pipe bytes through a (de)compression stream, stopping as soon as the output passes `max` bytes. */
async function transform(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, max = Infinity): Promise<Uint8Array> {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(stream).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel();
      throw new SharedScenarioError(
        `This link unpacks to more than ${max.toLocaleString('en-US')} bytes: too large for a scenario. Refused before reading it.`,
      );
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
