/**
 * The cache slots of 507 (docs/patent.md#parts: 501 puts writes in cache and acknowledges
 * at once; 508 destages them later, §0016). One slot holds one P-VOL block. The directory
 * is two arrays in shared memory: block → slot and slot → block, plus a state per slot. A
 * dirty slot holds the newest data of its block, which may be the split-instant version
 * that copy before write and the staging merge must use
 * (docs/patent.md#the-point-in-time-rule), so a dirty slot is never evicted, only destaged.
 */
import { SlotState, W, type Mem507 } from './memory-507.ts';

export class Cache {
  constructor(private readonly m: Mem507) {}

  private get dir(): number { return this.m.L.blockToSlot >> 2; }
  private get lbaOf(): number { return this.m.L.slotLba >> 2; }
  private get st(): number { return this.m.L.slotState >> 2; }

  /** Slot holding block lba, or -1. */
  slotOf(lba: number): number { return this.m.i32[this.dir + lba]; }
  stateOf(slot: number): number { return this.m.i32[this.st + slot]; }
  lbaOfSlot(slot: number): number { return this.m.i32[this.lbaOf + slot]; }
  dirty(): number { return this.m.w(W.DIRTY); }
  get slots(): number { return this.m.L.slots; }

  /**
   * Whether a write of [lba, lba+n) finds slots now: free slots and clean ones of other
   * blocks can be reused (clean slots of the range itself are needed where they are).
   */
  canTake(lba: number, n: number): boolean {
    let missing = 0, cleanHere = 0;
    for (let b = lba; b < lba + n; b++) {
      const s = this.slotOf(b);
      if (s < 0) missing++;
      else if (this.stateOf(s) === SlotState.CLEAN) cleanHere++;
    }
    return missing <= this.slots - this.dirty() - cleanHere;
  }

  /** Puts `data` (n blocks) into slots for [lba, lba+n) and marks them dirty. */
  write(lba: number, n: number, data: Uint8Array): void {
    const bb = this.m.L.blockBytes;
    for (let i = 0; i < n; i++) {
      let s = this.slotOf(lba + i);
      if (s < 0) s = this.allocate(lba + i, lba, lba + n);
      this.m.u8.set(data.subarray(i * bb, (i + 1) * bb), this.m.slotPtr(s));
      if (this.stateOf(s) !== SlotState.DIRTY) {
        this.m.i32[this.st + s] = SlotState.DIRTY;
        this.m.addW(W.DIRTY, 1);
      }
    }
  }

  /** A slot for block lba: a free one, else a clean one outside [lo, hi) by the clock hand. */
  private allocate(lba: number, lo: number, hi: number): number {
    const n = this.slots;
    let hand = this.m.w(W.CLOCK);
    for (let k = 0; k < n; k++, hand = (hand + 1) % n) {
      const s = this.stateOf(hand);
      if (s === SlotState.DIRTY) continue;
      if (s === SlotState.CLEAN) {
        const owner = this.lbaOfSlot(hand);
        if (owner >= lo && owner < hi) continue;
        this.m.i32[this.dir + owner] = -1;
      }
      this.m.i32[this.st + hand] = SlotState.CLEAN;
      this.m.i32[this.lbaOf + hand] = lba;
      this.m.i32[this.dir + lba] = hand;
      this.m.setW(W.CLOCK, (hand + 1) % n);
      return hand;
    }
    throw new Error('cache: no slot free (caller must check canTake first)');
  }

  /**
   * The next run of dirty blocks to destage, contiguous in LBA, at most `max` blocks:
   * found by the destage hand over the slots. Returns [lba, n] or null.
   */
  nextDirtyRun(max: number): [number, number] | null {
    if (this.dirty() === 0) return null;
    const n = this.slots;
    let hand = this.m.w(W.DESTAGE_HAND);
    for (let k = 0; k < n; k++, hand = (hand + 1) % n) {
      if (this.stateOf(hand) !== SlotState.DIRTY) continue;
      let lba = this.lbaOfSlot(hand);
      while (lba > 0 && this.isDirty(lba - 1)) lba--;
      let len = 0;
      while (len < max && lba + len < this.m.L.blocks && this.isDirty(lba + len)) len++;
      return [lba, len];
    }
    return null;
  }

  isDirty(lba: number): boolean {
    const s = this.slotOf(lba);
    return s >= 0 && this.stateOf(s) === SlotState.DIRTY;
  }

  /** After 508 wrote [lba, lba+n) to the P-VOL: the slots are clean (still readable). */
  markClean(lba: number, n: number): void {
    this.m.setW(W.DESTAGE_HAND, (Math.max(0, this.slotOf(lba)) + 1) % this.slots);
    for (let b = lba; b < lba + n; b++) {
      const s = this.slotOf(b);
      if (s >= 0 && this.stateOf(s) === SlotState.DIRTY) {
        this.m.i32[this.st + s] = SlotState.CLEAN;
        this.m.addW(W.DIRTY, -1);
      }
    }
  }
}
