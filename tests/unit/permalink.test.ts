// The permalink codec (src/scenario/permalink.ts): round trip, and
// hostile links (malformed, truncated, oversized, future version) never throw and always
// come back with a message.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deflateSync } from 'fflate';
import {
  decodePermalink, encodePermalink, fromBase64Url, toBase64Url,
  MAX_INFLATED_BYTES, PERMALINK_KEY,
} from '../../src/scenario/permalink.ts';

// A strict stand-in validator with the same contract as validateScenario (throws, naming
// the field): the codec must pass its verdict through unchanged.
type Toy = { seed: number; name: string };
const FALLBACK: Toy = { seed: 0, name: 'default' };
function validateToy(json: unknown): Toy {
  const o = json as Record<string, unknown>;
  if (typeof o !== 'object' || o === null) throw new Error('scenario: not an object');
  if (!Number.isInteger(o.seed)) throw new Error('seed: not an integer');
  if (typeof o.name !== 'string') throw new Error('name: not a string');
  return { seed: o.seed as number, name: o.name };
}
const hashOf = (payload: unknown) =>
  `#${PERMALINK_KEY}=${toBase64Url(deflateSync(new TextEncoder().encode(JSON.stringify(payload))))}`;

describe('base64url', () => {
  it('round-trips any bytes and uses only URL-safe characters', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
      const text = toBase64Url(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(Array.from(fromBase64Url(text)!)).toEqual(Array.from(bytes));
    }));
  });
  it('rejects characters outside the alphabet', () => {
    expect(fromBase64Url('ab+c')).toBeNull();
    expect(fromBase64Url('ab c')).toBeNull();
    expect(fromBase64Url('abcde')).toBeNull(); // length ≡ 1 (mod 4) is never valid
  });
});

describe('permalink codec', () => {
  it('round-trips every JSON scenario the validator accepts', () => {
    fc.assert(fc.property(fc.integer(), fc.string({ maxLength: 200 }), (seed, name) => {
      const r = decodePermalink('#' + encodePermalink({ seed, name }), validateToy, FALLBACK);
      expect(r).toEqual({ ok: true, scenario: { seed, name }, empty: false });
    }));
  });

  it('is deterministic: the same scenario gives the same link', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(encodePermalink(v)).toBe(encodePermalink(JSON.parse(JSON.stringify(v))));
    }));
  });

  it('treats an absent key as the default without a message', () => {
    for (const h of ['', '#', '#other=1']) {
      expect(decodePermalink(h, validateToy, FALLBACK)).toEqual({ ok: true, scenario: FALLBACK, empty: true });
    }
  });

  it('never throws on arbitrary text or bytes after the key', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.uint8Array({ maxLength: 400 }).map(toBase64Url)), (junk) => {
      const r = decodePermalink(`#${PERMALINK_KEY}=${junk}`, validateToy, FALLBACK);
      if (!r.ok) expect(r.message).toMatch(/could not be opened.*default scenario/);
    }));
  });

  it('rejects every truncation of a valid link with a message', () => {
    const full = encodePermalink({ seed: 42, name: 'x'.repeat(50) + 'quick split' });
    const body = full.slice(PERMALINK_KEY.length + 1);
    fc.assert(fc.property(fc.integer({ min: 1, max: body.length - 1 }), (cut) => {
      const r = decodePermalink(`#${PERMALINK_KEY}=${body.slice(0, cut)}`, validateToy, FALLBACK);
      expect(r.ok).toBe(false);
    }));
  });

  it('rejects an over-long link before decoding it', () => {
    const r = decodePermalink(`#${PERMALINK_KEY}=${'A'.repeat(200_000)}`, validateToy, FALLBACK);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/too long/);
  });

  it('rejects a deflate bomb that inflates past the cap', () => {
    const bomb = deflateSync(new Uint8Array(MAX_INFLATED_BYTES * 4).fill(32), { level: 9 });
    const r = decodePermalink(`#${PERMALINK_KEY}=${toBase64Url(bomb)}`, validateToy, FALLBACK);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/expands to more than/);
  });

  it('rejects a future version, a missing version and a non-object payload', () => {
    const future = decodePermalink(hashOf({ v: 2, scenario: { seed: 1, name: 'a' } }), validateToy, FALLBACK);
    expect(future.ok).toBe(false);
    if (!future.ok) expect(future.message).toMatch(/newer version/);
    for (const p of [{ scenario: {} }, { v: '1', scenario: {} }, [1], 7, null]) {
      expect(decodePermalink(hashOf(p), validateToy, FALLBACK).ok).toBe(false);
    }
  });

  it("passes the validator's complaint through, naming the field", () => {
    const r = decodePermalink(hashOf({ v: 1, scenario: { seed: 1.5, name: 'a' } }), validateToy, FALLBACK);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/seed: not an integer/);
  });

  it('reads the key among other hash parameters', () => {
    const h = `#x=1&${encodePermalink({ seed: 3, name: 'b' })}&y`;
    expect(decodePermalink(h, validateToy, FALLBACK)).toMatchObject({ ok: true, scenario: { seed: 3, name: 'b' } });
  });
});
