// The oracle's SHA-256 (src/oracle/sha256.ts) against Node's own (OpenSSL's) on random inputs:
// every length around the 64-byte block and its 56-byte padding boundary, and the same bytes
// fed in random pieces, since the oracle hashes volumes block by block.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sha256, sha256Hex } from '../../src/oracle/sha256.ts';

const nodeHex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('SHA-256', () => {
  it('equals node:crypto for every length from 0 to 300 bytes', () => {
    const bytes = new Uint8Array(300).map((_, i) => (i * 151 + 7) & 0xff);
    for (let n = 0; n <= 300; n++) expect(sha256Hex(bytes.subarray(0, n)), `length ${n}`).toBe(nodeHex(bytes.subarray(0, n)));
  });

  it('equals node:crypto on random inputs, whole or fed in random pieces', () => {
    fc.assert(fc.property(
      fc.uint8Array({ maxLength: 5000 }), fc.array(fc.nat({ max: 5000 }), { maxLength: 8 }),
      (data, cuts) => {
        const want = nodeHex(data);
        expect(sha256Hex(data)).toBe(want);
        const at = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
        const h = new Sha256();
        let from = 0;
        for (const c of [...at, data.length]) { h.update(data.subarray(from, c)); from = c; }
        expect(h.hex()).toBe(want);
      },
    ), { numRuns: 300 });
  });

  it('hashes a megabyte as sha256sum does', () => {
    const big = new Uint8Array(1 << 20).map((_, i) => (i ^ (i >>> 8)) & 0xff);
    expect(sha256Hex(big)).toBe(nodeHex(big));
  });
});
