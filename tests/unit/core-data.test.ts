// Block copy, the staging merge of embodiment 3 (Figs. 8–9,
// docs/patent.md#embodiment-3-staging-merge) and the CRC-32C
// checksum: WASM and TypeScript reference against independent expectations.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import type { Core } from '../../src/core/core-api.ts';
import { bitmapBytes } from '../../src/core/bitmap-layout.ts';
import { BM, bothCores, init, nbitsArb } from './core-helpers.ts';

const DATA = BM + bitmapBytes(9000) + 64; // caller data above the bitmap
const REGION = 1 << 18;

/** Index of the first differing byte, or -1 (cheaper than deep-equal on big arrays). */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('core data path', () => {
  let cores: Core[];
  beforeAll(async () => { cores = await bothCores(DATA + 4 * REGION); });
  const bytes = (c: Core, at: number, n: number) => new Uint8Array(c.memory.buffer, at, n);

  it('copy moves bytes like memmove, overlapping or not', () => {
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 4096 }),
      fc.nat(4096), fc.nat(4096), fc.nat(4096),
      (seed, src, dst, len) => {
        const n = Math.min(len, 8192 - Math.max(src, dst));
        const model = new Uint8Array(8192);
        for (let i = 0; i < model.length; i++) model[i] = seed[i % seed.length] ^ (i >> 8);
        const want = model.slice();
        want.set(model.slice(src, src + Math.max(n, 0)), dst);
        for (const c of cores) {
          bytes(c, DATA, 8192).set(model);
          c.copy(DATA + dst, DATA + src, n);
          expect([c.kind, firstDiff(bytes(c, DATA, 8192), want)]).toEqual([c.kind, -1]);
        }
      },
    ), { numRuns: 300 });
  });

  it('stagingMerge takes pending blocks from the P-VOL and the rest from the S-VOL', () => {
    fc.assert(fc.property(
      nbitsArb.chain((n) => fc.record({
        n: fc.constant(n),
        dirty: fc.array(fc.tuple(fc.nat(n), fc.nat(300)), { maxLength: 20 }),
        first: fc.nat(n + 5),
        count: fc.nat(300),
        blockBytes: fc.constantFrom(1, 3, 16, 512),
      })),
      ({ n, dirty, first, count, blockBytes }) => {
        const nBlocks = Math.min(count, Math.floor(REGION / blockBytes));
        const [P, S, D] = [DATA, DATA + REGION, DATA + 2 * REGION];
        const pending = new Set<number>();
        for (const [a, len] of dirty) for (let b = a; b < Math.min(a + len, n); b++) pending.add(b);
        for (const c of cores) {
          init([c], n);
          for (const [a, len] of dirty) c.setRange(BM, a, a + len);
          // Every byte says which volume and which block it came from.
          const len = nBlocks * blockBytes;
          for (let i = 0; i < len; i++) {
            bytes(c, P, REGION)[i] = (i / blockBytes) & 0x7f;
            bytes(c, S, REGION)[i] = 0x80 | ((i / blockBytes) & 0x7f);
          }
          bytes(c, D, len + 1).fill(0xee);
          c.stagingMerge(BM, first, nBlocks, blockBytes, P, S, D);
          const got = bytes(c, D, len + 1);
          for (let b = 0; b < nBlocks; b++) {
            const want = (pending.has(first + b) ? 0 : 0x80) | (b & 0x7f);
            for (let k = 0; k < blockBytes; k++) {
              if (got[b * blockBytes + k] !== want) throw new Error(`${c.kind}: block ${b} byte ${k}`);
            }
          }
          expect(got[len]).toBe(0xee); // nothing written past the staging buffer
        }
      },
    ), { numRuns: 300 });
  });

  it('checksum is CRC-32C: the iSCSI test vectors (RFC 3720 B.4) and "123456789"', () => {
    const vectors: [number[], number][] = [
      [new Array(32).fill(0), 0x8a9136aa],
      [new Array(32).fill(0xff), 0x62a8ab43],
      [Array.from({ length: 32 }, (_, i) => i), 0x46dd794e],
      [Array.from({ length: 32 }, (_, i) => 31 - i), 0x113fdb5c],
      [[...'123456789'].map((ch) => ch.charCodeAt(0)), 0xe3069283],
      [[], 0],
    ];
    for (const c of cores) {
      for (const [data, crc] of vectors) {
        bytes(c, DATA + 3, data.length).set(data); // odd offset: unaligned loads
        expect([c.kind, data.length, c.checksum(DATA + 3, data.length)]).toEqual([c.kind, data.length, crc]);
      }
    }
  });

  it('checksum agrees between WASM and reference on random blocks and offsets', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 5000 }), fc.nat(15), (data, off) => {
      const sums = cores.map((c) => {
        bytes(c, DATA + off, data.length).set(data);
        return c.checksum(DATA + off, data.length);
      });
      expect(sums[0]).toBe(sums[1]);
      expect(sums[0]).toBeGreaterThanOrEqual(0);
    }), { numRuns: 300 });
  });

  it('checksum sees a single flipped bit', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 4096 }), fc.nat(), (data, pick) => {
      for (const c of cores) {
        bytes(c, DATA, data.length).set(data);
        const before = c.checksum(DATA, data.length);
        const bit = pick % (data.length * 8);
        bytes(c, DATA, data.length)[bit >> 3] ^= 1 << (bit & 7);
        expect(c.checksum(DATA, data.length)).not.toBe(before);
      }
    }), { numRuns: 100 });
  });
});
