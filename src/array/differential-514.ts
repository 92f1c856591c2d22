/**
 * The inter-pair differential 514 and the post-split change bitmap
 * (docs/patent.md#the-point-in-time-rule), both in 507 and both driven only through the
 * Core, so their scans are the WASM core's (docs/architecture.md#the-wasm-core). Word
 * DIFF_ROLE says which of the two bitmaps is 514 now: the quick split only redirects new
 * writes to the other one (O(1), no walk of the pending bits), and a resync after a
 * complete split swaps the roles back. Counts of set bits are kept in control words so the
 * split reads them without a scan.
 */
import type { Core } from '../core/core-api.ts';
import { W, type Mem507 } from './memory-507.ts';

export class Differential {
  constructor(private readonly core: Core, private readonly m: Mem507) {}

  /** Pointer of 514. */
  get diff(): number { return this.m.w(W.DIFF_ROLE) === 0 ? this.m.L.bmA : this.m.L.bmB; }
  /** Pointer of the post-split change bitmap. */
  get post(): number { return this.m.w(W.DIFF_ROLE) === 0 ? this.m.L.bmB : this.m.L.bmA; }
  get blocks(): number { return this.m.L.blocks; }

  pending(): number { return this.m.w(W.PENDING); }
  postCount(): number { return this.m.w(W.POST); }

  /** Blocks of [lba, lba+n) still pending in 514. */
  pendingIn(lba: number, n: number): number { return this.core.count(this.diff, lba, lba + n); }
  isPending(lba: number): boolean { return this.core.test(this.diff, lba) === 1; }
  nextPending(from: number, limit: number): number { return this.core.nextSet(this.diff, from, limit); }
  nextClean(from: number, limit: number): number { return this.core.nextClear(this.diff, from, limit); }

  /** A write before the split (or during a copy phase): the S-VOL needs an update copy. */
  markDiff(lba: number, n: number): void { this.mark(this.diff, W.PENDING, lba, n); }
  /** A write after the split: remembered for the next resync. */
  markPost(lba: number, n: number): void { this.mark(this.post, W.POST, lba, n); }

  private mark(bm: number, word: number, lba: number, n: number): void {
    const before = this.core.count(bm, lba, lba + n);
    this.core.atomicSetRange(bm, lba, lba + n);
    this.m.addW(word, n - before);
  }

  /** [lba, lba+n) reached the S-VOL: clear it in 514; returns how many bits were set. */
  clearDiff(lba: number, n: number): number {
    const had = this.core.count(this.diff, lba, lba + n);
    if (had > 0) {
      this.core.atomicClearRange(this.diff, lba, lba + n);
      this.m.addW(W.PENDING, -had);
    }
    return had;
  }

  /**
   * Resync (split → duplex copying only what changed): 514 := 514 ∪ post, post := ∅.
   * After a complete split 514 is empty, so this is a swap of roles; otherwise the set
   * runs of the post bitmap are added run by run (nextSet / nextClear, no bit loop).
   */
  resync(): void {
    if (this.pending() === 0) {
      this.m.setW(W.DIFF_ROLE, this.m.w(W.DIFF_ROLE) ^ 1);
      this.m.setW(W.PENDING, this.postCount());
      this.m.setW(W.POST, 0);
      return;
    }
    const n = this.blocks;
    for (let s = this.core.nextSet(this.post, 0, n); s >= 0; ) {
      let e = this.core.nextClear(this.post, s, n);
      if (e < 0) e = n;
      this.markDiff(s, e - s);
      s = e < n ? this.core.nextSet(this.post, e, n) : -1;
    }
    this.core.clearRange(this.post, 0, n);
    this.m.setW(W.POST, 0);
  }

  /** Everything must be copied (pair creation, resync after a failure: never trust less). */
  setAll(): void {
    this.core.setRange(this.diff, 0, this.blocks);
    this.m.setW(W.PENDING, this.blocks);
    this.core.clearRange(this.post, 0, this.blocks);
    this.m.setW(W.POST, 0);
  }

  clearAll(): void {
    this.core.clearRange(this.diff, 0, this.blocks);
    this.core.clearRange(this.post, 0, this.blocks);
    this.m.setW(W.PENDING, 0);
    this.m.setW(W.POST, 0);
  }

  /** The bitmap's bits as bytes (1 bit per block, LSB first), for snapshots. */
  bytesOf(bm: number): Uint8Array {
    const words = new Uint32Array(this.core.memory.buffer, bm, 4)[1];
    return this.m.u8.slice(words, words + Math.ceil(this.blocks / 8));
  }
}
