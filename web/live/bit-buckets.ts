/**
 * Bits per bucket of a bitmap (LSB first, the core's layout), for drawing a live run's
 * maps without copying the bitmap: a byte-wise popcount over a view into shared memory.
 * A 4 GiB volume of 4 KiB blocks has a 128 KiB bitmap: a few times a second is cheap.
 */
const POP = new Uint8Array(256).map((_, i) => {
  let c = 0;
  for (let v = i; v; v >>= 1) c += v & 1;
  return c;
});

/** Set bits per bucket of `per` blocks over the first `nBits` bits; `per` is rounded up to a multiple of 8. */
export function bucketCounts(bits: Uint8Array, nBits: number, maxBuckets: number): { blocksPerBucket: number; counts: Uint32Array; total: number } {
  const per = Math.max(8, Math.ceil(Math.ceil(nBits / Math.max(1, maxBuckets)) / 8) * 8);
  const buckets = Math.max(1, Math.ceil(nBits / per));
  const counts = new Uint32Array(buckets);
  const bytes = Math.ceil(nBits / 8);
  const bytesPer = per / 8;
  let total = 0;
  for (let i = 0; i < bytes; i++) {
    let b = bits[i];
    // Padding past nBits is zero in the core's layout; mask it anyway for any caller.
    if (i === bytes - 1 && nBits % 8) b &= (1 << (nBits % 8)) - 1;
    if (b) { const c = POP[b]; counts[(i / bytesPer) | 0] += c; total += c; }
  }
  return { blocksPerBucket: per, counts, total };
}
