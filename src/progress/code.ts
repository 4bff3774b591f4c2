// The short form of a progress export: the JSON compressed (deflate-raw) and written in
// base64url, so it fits in a copyable text or a link (/progress/#p=<code>).
export const CODE_PREFIX = 'cqrs1.';

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

export async function encodeProgressCode(json: string): Promise<string> {
  return CODE_PREFIX + toBase64Url(await pipe(new TextEncoder().encode(json), new CompressionStream('deflate-raw')));
}

export type DecodeResult = { ok: true; json: string } | { ok: false; message: string };

/** A code, or a whole link carrying one (`…#p=<code>`), back to the export's JSON. Never throws. */
export async function decodeProgressCode(input: string): Promise<DecodeResult> {
  const trimmed = input.trim();
  const code = /[#&]p=([^&\s]+)/.exec(trimmed)?.[1] ?? trimmed;
  const unchanged = 'Nothing was imported; your progress is unchanged.';
  if (code === '') return { ok: false, message: `The code is empty. ${unchanged}` };
  if (!code.startsWith(CODE_PREFIX))
    return { ok: false, message: `This is not a CQRS Lab progress code (codes start with "${CODE_PREFIX}"). ${unchanged}` };
  const body = code.slice(CODE_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body))
    return {
      ok: false,
      message: `The code contains characters a progress code never has (was it cut or changed when copied?). ${unchanged}`,
    };
  try {
    const bytes = await pipe(fromBase64Url(body), new DecompressionStream('deflate-raw'));
    return { ok: true, json: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, message: `The code is damaged or incomplete (was it cut short when copied?). ${unchanged}` };
  }
}
