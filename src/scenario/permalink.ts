/**
 * Permalinks: the whole scenario lives in the URL hash
 * (docs/architecture.md#scenarios-and-permalinks, as TensorFlow Playground keeps its
 * model). Format:
 *
 *   #s=<base64url( deflate( UTF-8( JSON {v: 1, scenario} ) ) )>
 *
 * Decoding is hostile-input safe: the encoded text and the inflated JSON are capped
 * (so a link can never make the page do unbounded work or allocate without limit), the
 * version is checked, and the scenario goes through the caller's strict validator
 * (validateScenario). Any failure yields a clear, human message, never an exception.
 * Runs in the browser and in Node (no node:* imports).
 */
import { deflateSync, inflateSync } from 'fflate';

/** The payload version this build writes and reads. */
export const PERMALINK_VERSION = 1;
/** Hash key: `#s=...`. */
export const PERMALINK_KEY = 's';
/** Caps, so a hostile link costs little to refuse: 64 KiB compressed, 1 MiB inflated. */
export const MAX_COMPRESSED_BYTES = 64 * 1024;
export const MAX_INFLATED_BYTES = 1024 * 1024;
/** base64 of MAX_COMPRESSED_BYTES, rounded up: longer text is rejected before decoding. */
const MAX_ENCODED_CHARS = Math.ceil((MAX_COMPRESSED_BYTES * 4) / 3) + 4;

export type PermalinkResult<S> =
  | { ok: true; scenario: S; empty: boolean }
  | { ok: false; message: string };

/** Bytes → base64url without padding (RFC 4648 §5); chunked so big inputs never overflow
 * the argument limit of String.fromCharCode. */
export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url → bytes, or null if the text is not base64url. */
export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    return null;
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Scenario → the hash text (without '#'). Deterministic: same scenario, same link. */
export function encodePermalink(scenario: unknown): string {
  const json = JSON.stringify({ v: PERMALINK_VERSION, scenario });
  const packed = deflateSync(new TextEncoder().encode(json), { level: 9 });
  return `${PERMALINK_KEY}=${toBase64Url(packed)}`;
}

/** One key's value in a location hash ('#s=...&x=y' or 's=...'); null if absent. Other
 * keys may share the hash with the scenario (the page's `tour=N`). */
export function hashParam(hash: string, wanted: string): string | null {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (body === '') return null;
  for (const part of body.split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (key === wanted) return eq < 0 ? '' : part.slice(eq + 1);
  }
  return null;
}

/** Pull our key out of a location hash; null if absent. */
export function permalinkParam(hash: string): string | null {
  return hashParam(hash, PERMALINK_KEY);
}

/** Inflate with a hard output cap: fflate writes into a fixed buffer one byte longer than
 * the cap and never grows it, so a deflate bomb costs at most the cap in memory and work
 * bounded by the (already capped) input. */
function inflateCapped(packed: Uint8Array): Uint8Array | 'too-big' | null {
  const out = new Uint8Array(MAX_INFLATED_BYTES + 1);
  let inflated: Uint8Array;
  try {
    inflated = inflateSync(packed, { out });
  } catch {
    return null;
  }
  return inflated.length > MAX_INFLATED_BYTES ? 'too-big' : inflated;
}

/**
 * Hash → scenario. `validate` is the strict schema check (validateScenario); it may
 * throw, and its message is passed on. An absent key is not an error: `{ok: true,
 * empty: true}` with the fallback, so the page shows the default without a warning.
 */
export function decodePermalink<S>(
  hash: string,
  validate: (json: unknown) => S,
  fallback: S,
): PermalinkResult<S> {
  const param = permalinkParam(hash);
  if (param === null) return { ok: true, scenario: fallback, empty: true };
  const fail = (why: string): PermalinkResult<S> => ({
    ok: false,
    message: `This link could not be opened: ${why}. Showing the default scenario instead.`,
  });
  if (param.length > MAX_ENCODED_CHARS) {
    return fail(`it is too long (${param.length} characters; the limit is ${MAX_ENCODED_CHARS})`);
  }
  const packed = fromBase64Url(param);
  if (packed === null || packed.length === 0) return fail('it is not valid base64url text (was it cut off?)');
  const raw = inflateCapped(packed);
  if (raw === 'too-big') return fail(`it expands to more than ${MAX_INFLATED_BYTES} bytes`);
  if (raw === null) return fail('its compressed data is damaged or truncated');
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    return fail('its contents are not valid JSON');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return fail('it does not hold a scenario');
  }
  const v = (payload as { v?: unknown }).v;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) return fail('it has no valid version number');
  if (v > PERMALINK_VERSION) {
    return fail(`it was made by a newer version of splitstream (link version ${v}, this page reads ${PERMALINK_VERSION})`);
  }
  try {
    return { ok: true, scenario: validate((payload as { scenario?: unknown }).scenario), empty: false };
  } catch (e) {
    return fail(`its scenario is invalid (${e instanceof Error ? e.message : String(e)})`);
  }
}
