// Sandbox state in the URL: the session file, deflate-compressed
// (CompressionStream 'deflate-raw', built into browsers and Node) and
// base64url-encoded in the hash: #s=<data>. Opening the link replays it.
import type { DomainDefinition } from '../engine/index.ts';
import { SessionFormatError, toSessionFile, validateSessionFile } from './sessionFormat.ts';
import type { SessionState } from './sessionState.ts';

export const HASH_KEY = 's';
/** Longer links are refused: export the session to a file instead. */
export const MAX_LINK_CHARS = 64_000;

export async function encodeSession(session: SessionState): Promise<string> {
  const json = JSON.stringify(toSessionFile(session));
  const packed = await pipe(new TextEncoder().encode(json), new CompressionStream('deflate-raw'));
  return toBase64Url(packed);
}

export async function decodeSession(data: string, domains?: Record<string, DomainDefinition>): Promise<SessionState> {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(data);
  } catch {
    throw new SessionFormatError('This link is damaged: its sandbox data is not valid base64url.');
  }
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(await pipe(bytes, new DecompressionStream('deflate-raw')));
  } catch {
    throw new SessionFormatError('This link is damaged: its sandbox data could not be decompressed.');
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new SessionFormatError('This link is damaged: its sandbox data is not JSON.');
  }
  return validateSessionFile(value, domains).session;
}

/** The `s` parameter of a location hash (`#s=…`), or null. */
export function sessionParam(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get(HASH_KEY);
}

export function hashFor(encoded: string): string {
  return `#${HASH_KEY}=${encoded}`;
}

async function pipe(bytes: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(b64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
