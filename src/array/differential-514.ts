/**
 * The inter-pair differential 514 and the post-split change bitmap
 * (docs/patent.md#the-point-in-time-rule), both in 507 and both driven only through the
 * Core, so their scans are the WASM core's (docs/architecture.md#the-wasm-core). Word
 * DIFF_ROLE says which of the two bitmaps is 514 now: the quick split only redirects new
 * writes to the other one (O(1), no walk of the pending bits), and a resync after a
 * complete split swaps the roles back. Counts of set bits are kept in control words so the
 * split reads them without a scan.
 *
 * Two more bitmaps serve the incremental backup and the restore (docs/scenario.md
 * "Incremental backups and restore"):
 * - changed since the base (`changed`): every block a client wrote since the split of the
 *   chain's last catalogued backup, up to the current split. Writes before a split mark it
 *   with 514; writes after one go to the post-split bitmap only, so while the pair is split
 *   it is frozen: exactly the blocks that changed between the two split instants. A resync
 *   folds the post-split bitmap in (or starts from it, when this split was backed up: the
 *   base moved here), before 514 takes it. No scan of the data, only of bitmaps.
 * - restored (`restored`): S-VOL blocks a restore wrote while split. They differ from the
 *   P-VOL the way a post-split write does, so the resync copies them too; they never join
 *   `changed` (the client did not write them).
 */
import type { Core } from '../core/core-api.ts';
import { bitmapBytes } from '../core/bitmap-layout.ts';
import { W, type Mem507 } from './memory-507.ts';

export class Differential {
  constructor(private readonly core: Core, private readonly m: Mem507) {}

  /** Pointer of 514. */
  get diff(): number { return this.m.w(W.DIFF_ROLE) === 0 ? this.m.L.bmA : this.m.L.bmB; }
  /** Pointer of the post-split change bitmap. */
  get post(): number { return this.m.w(W.DIFF_ROLE) === 0 ? this.m.L.bmB : this.m.L.bmA; }
  get blocks(): number { return this.m.L.blocks; }

  /** Pointer of the changed-since-base bitmap. */
  get changed(): number { return this.m.L.bmC; }
  /** Pointer of the restored-while-split bitmap. */
  get restored(): number { return this.m.L.bmR; }

  pending(): number { return this.m.w(W.PENDING); }
  postCount(): number { return this.m.w(W.POST); }
  changedCount(): number { return this.m.w(W.CHANGED); }
  restoredCount(): number { return this.m.w(W.RESTORED); }
  /** Blocks of [lba, lba+n) changed since the chain's base split. */
  changedIn(lba: number, n: number): number { return this.core.count(this.changed, lba, lba + n); }
  nextChanged(from: number, limit: number): number { return this.core.nextSet(this.changed, from, limit); }
  nextUnchanged(from: number, limit: number): number { return this.core.nextClear(this.changed, from, limit); }

  /** Blocks of [lba, lba+n) still pending in 514. */
  pendingIn(lba: number, n: number): number { return this.core.count(this.diff, lba, lba + n); }
  isPending(lba: number): boolean { return this.core.test(this.diff, lba) === 1; }
  nextPending(from: number, limit: number): number { return this.core.nextSet(this.diff, from, limit); }
  nextClean(from: number, limit: number): number { return this.core.nextClear(this.diff, from, limit); }

  /** A write before the split (or during a copy phase): the S-VOL needs an update copy. */
  markDiff(lba: number, n: number): void { this.mark(this.diff, W.PENDING, lba, n); }
  /** A client write before the split: it changed the next split's image since the base. */
  markChanged(lba: number, n: number): void { this.mark(this.changed, W.CHANGED, lba, n); }
  /** A restore wrote [lba, lba+n) of the S-VOL while split. */
  markRestored(lba: number, n: number): void { this.mark(this.restored, W.RESTORED, lba, n); }
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
   * Resync (split → duplex copying only what changed): 514 := 514 ∪ post ∪ restored,
   * post := ∅. After a complete split 514 is empty, so this is a swap of roles; otherwise
   * the set runs of the post bitmap are added run by run (nextSet / nextClear, no bit
   * loop). First the chain: changed := post when this split is its base (the blocks
   * written since it), else changed ∪= post.
   */
  resync(baseIsThisSplit: boolean): void {
    const n = this.blocks;
    if (baseIsThisSplit) {
      this.core.copy(this.changed + 16, this.post + 16, bitmapBytes(n) - 16);
      this.m.setW(W.CHANGED, this.postCount());
    } else {
      this.orRuns(this.post, (s, len) => this.markChanged(s, len));
    }
    this.orRuns(this.restored, (s, len) => this.markPost(s, len));
    this.core.clearRange(this.restored, 0, n);
    this.m.setW(W.RESTORED, 0);
    if (this.pending() === 0) {
      this.m.setW(W.DIFF_ROLE, this.m.w(W.DIFF_ROLE) ^ 1);
      this.m.setW(W.PENDING, this.postCount());
      this.m.setW(W.POST, 0);
      return;
    }
    this.orRuns(this.post, (s, len) => this.markDiff(s, len));
    this.core.clearRange(this.post, 0, n);
    this.m.setW(W.POST, 0);
  }

  /** Calls f for each run of set bits of bitmap bm, in order. */
  orRuns(bm: number, f: (lba: number, n: number) => void): void {
    const n = this.blocks;
    for (let s = this.core.nextSet(bm, 0, n); s >= 0; ) {
      let e = this.core.nextClear(bm, s, n);
      if (e < 0) e = n;
      f(s, e - s);
      s = e < n ? this.core.nextSet(bm, e, n) : -1;
    }
  }

  /** The chain is gone (a new pair, a suspension): forget the changes since its base. */
  clearChanged(): void {
    this.core.clearRange(this.changed, 0, this.blocks);
    this.m.setW(W.CHANGED, 0);
    this.core.clearRange(this.restored, 0, this.blocks);
    this.m.setW(W.RESTORED, 0);
  }

  /** Everything must be copied (pair creation, resync after a failure: never trust less). */
  setAll(): void {
    this.core.setRange(this.diff, 0, this.blocks);
    this.m.setW(W.PENDING, this.blocks);
    this.core.clearRange(this.post, 0, this.blocks);
    this.m.setW(W.POST, 0);
    this.clearChanged();
  }

  clearAll(): void {
    this.core.clearRange(this.diff, 0, this.blocks);
    this.core.clearRange(this.post, 0, this.blocks);
    this.m.setW(W.PENDING, 0);
    this.m.setW(W.POST, 0);
    this.clearChanged();
  }

  /** The bitmap's bits as bytes (1 bit per block, LSB first), for snapshots. */
  bytesOf(bm: number): Uint8Array {
    const words = new Uint32Array(this.core.memory.buffer, bm, 4)[1];
    return this.m.u8.slice(words, words + Math.ceil(this.blocks / 8));
  }
}
