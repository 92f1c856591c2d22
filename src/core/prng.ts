/**
 * Seeded randomness for the deterministic sim
 * (docs/architecture.md#one-controller-two-runtimes: same seed, same timeline on any
 * machine). Nothing in the sim may call Math.random.
 */

/** Mixes up to three 32-bit values into one (a murmur3-style finaliser). */
export function hash32(a: number, b = 0, c = 0): number {
  let h = (a ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (b >>> 0), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ (c >>> 0), 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

/** mulberry32: small, fast, and good enough for workload generation. */
export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = hash32(seed) || 1;
  }
  /** Uniform u32. */
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
  /** Exponential with the given mean (Poisson arrivals). */
  exp(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }
}

/**
 * The content of one block as written by write `gen` (0 = the initial P-VOL content,
 * negative = older S-VOL content): word 0 = lba, word 1 = gen, then xorshift32 words from
 * hash(seed, gen, lba). Both the client (101) and the oracle call it, so the oracle can
 * rebuild the point-in-time image without reading anything the controller produced.
 */
export function fillBlock(into: Uint8Array, seed: number, gen: number, lba: number): void {
  const n = into.byteLength >>> 2;
  const words = (into.byteOffset & 3) === 0
    ? new Uint32Array(into.buffer, into.byteOffset, n)
    : null;
  let x = hash32(seed, gen, lba) || 0x1234567;
  const put = (i: number, v: number) => {
    if (words) words[i] = v;
    else new DataView(into.buffer, into.byteOffset).setUint32(i * 4, v, true);
  };
  put(0, lba >>> 0);
  put(1, gen >>> 0);
  for (let i = 2; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    put(i, x >>> 0);
  }
}
