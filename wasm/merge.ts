// The staging merge of embodiment 3 (docs/patent.md#embodiment-3-staging-merge, Figs. 8–9;
// claims 4, 8, 13, 17): 503 builds
// the staging area 515 from the P-VOL where the differential 514 still has a pending bit
// (the split-instant data has not reached the S-VOL) and from the S-VOL elsewhere. Runs of
// equal bits are found with the SIMD scans and moved with one memory.copy each.
import { scanSet, scanClear } from './bits';
import { hBits, hWords } from './summary';

export function stagingMerge(
  bm: usize, firstBit: i32, nBlocks: i32, blockBytes: i32,
  pvol: usize, svol: usize, dst: usize,
): void {
  if (nBlocks <= 0 || firstBit < 0) return;
  const words = hWords(bm);
  const first = <u32>firstBit, end = first + <u32>nBlocks;
  // Bits at or past nbits read as clear: those blocks come from the S-VOL.
  const n = hBits(bm);
  const inMap = end < n ? end : n;
  const bb = <usize>blockBytes;
  let pos = first;
  while (pos < end) {
    let runEnd: u32;
    let src: usize;
    const pending = pos < inMap && ((load<u32>(words + (<usize>(pos >>> 5) << 2)) >>> (pos & 31)) & 1) != 0;
    if (pending) {
      const r = scanClear(words, pos, inMap);
      runEnd = r < 0 ? inMap : <u32>r;
      src = pvol;
    } else {
      const r = pos < inMap ? scanSet(words, pos, inMap) : -1;
      runEnd = r < 0 ? end : <u32>r;
      src = svol;
    }
    const off = <usize>(pos - first) * bb;
    memory.copy(dst + off, src + off, <usize>(runEnd - pos) * bb);
    pos = runEnd;
  }
}
