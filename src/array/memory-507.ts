/**
 * Shared memory 507 (docs/patent.md#parts), laid out by this one module above the core's
 * reserved page (src/core/memory.ts). Everything the processors share lives here: the
 * backup management area 510 (control words with 512/513/516/517 and the counters, the
 * backup parameters 511, the two bitmaps: 514 and the post-split changes), the staging
 * area 515, the cache slots and the queues between processors. In the sim it is the Core's
 * memory used from one thread; the live runtime puts the same layout in the shared WASM
 * memory every worker sees, so every word is an Int32 reachable by Atomics.
 */
import type { Core } from '../core/core-api.ts';
import { bitmapBytes, initBitmap } from '../core/bitmap-layout.ts';
import { CORE_RESERVED_BYTES, ensureBytes } from '../core/memory.ts';

/**
 * The controller's own bounds, which the scenario format's caps repeat (src/scenario/schema.ts
 * LIMITS): one tape transfer unit is one AWSTAPE record, which the format's readers take up
 * to 65535 bytes (docs/architecture.md#the-tape); one client write spans at most 64 blocks.
 */
export const ARRAY_LIMITS = { maxTransferBytes: 65535, maxWriteBlocks: 64 } as const;

/** Control words of 510 (Int32 indices). */
export const W = {
  P_STATE: 0, // 516 pair state seen on the P-VOL side
  S_STATE: 1, // 517 pair state seen on the S-VOL side
  PVOL_NO: 2, // 512
  SVOL_NO: 3, // 513
  DIFF_ROLE: 4, // 0: bitmap A is 514 and B the post-split one; 1: swapped
  PENDING: 5, // bits set in 514
  POST: 6, // bits set in the post-split bitmap
  DIRTY: 7, // dirty cache slots
  CACHE_WAIT: 8, // 501 waits for a free slot: 508 destages first
  CLOCK: 9, // eviction hand over the slots
  DESTAGE_HAND: 10,
  COPY_CURSOR: 11, // where 508's background copy resumes
  SPLIT_REQ: 12, // 502 → 501: combined split of embodiment 4 requested
  SPLIT_DONE: 13, // 501 → 502: 1 split done, 2 refused
  COW_STATE: 14, // 501 ↔ 508: 0 none, 1 requested, 2 done
  PENDING_AT_SPLIT: 15,
  COW_COPIES: 16,
  PRIORITY_COPIES: 17,
  STAGED_FROM_PVOL: 18,
  SVOL_WRITES_FOR_BACKUP: 19,
  BG_COPIES: 20,
  DESTAGED: 21,
  SPLIT_SEQ: 22, // splits done, so a snapshot can tell a new split from an old one
  // The incremental chain (differential-514.ts "changes since the base"; docs/scenario.md
  // "Incremental backups"): bits set in the changed-since-base bitmap, the split number of
  // the chain's last catalogued backup (0: no chain, the next catalogued backup is a full)
  // and the range its full covered.
  CHANGED: 23,
  BASE_SEQ: 24,
  BASE_LBA: 25,
  BASE_BLOCKS: 26,
  RESTORED: 27, // bits set in the restored-while-split bitmap (S-VOL blocks a restore wrote)
  SPLIT_AT: 28, // words 28–29: the last split's instant (501's ack, ms), a float64
  BASE_POINT: 30, // the catalog point of the chain's last backup (its incrementals' base)
  SUSPEND_CAUSE: 32, // why 508 suspended the pair (PSUE): index into SUSPEND_CAUSES (pair-state.ts)
  SUSPEND_LBA: 33, // the block whose I/O failed
} as const;
const CONTROL_WORDS = 40;

/** 511: backup parameter info and the backup's progress (Int32 indices within 511). */
export const B = {
  STATE: 0, // BackupState below
  METHOD: 1, // 0 priority (E1), 1 wait (E2), 2 staging (E3)
  UNIT: 2, // transfer unit in blocks
  CHECK_RANGE: 3, // 1: check 514 over the whole range first
  NSEG: 4,
  PREP_SEG: 5, // next unit to prepare: segment and offset
  PREP_OFF: 6,
  PREP_SEQ: 7, // units handed to buffers so far
  STREAM_SEQ: 8, // units written to the destination so far
  UNITS: 9,
  PRIO_OUT: 10, // whole-range priority copies still outstanding
  BLOCKS_DONE: 11,
  SEGS_DONE: 12,
  FAILED_SEG: 13,
  REPORTED: 14, // 502 has answered the backup server about the end
  ID: 15,
  FAILURE: 16, // why it failed: index into FAILURE_REASONS (channel-503.ts)
  SENT_SEQ: 17, // units handed to their destination (streamed to tape, or disk write asked)
  KIND: 18, // JobKind below: a plain, full or incremental backup, or a restore
  TOTAL_BLOCKS: 19, // blocks the job moves in all (503 sets it when it starts)
  POINT: 20, // a restore's catalog point, -1 for explicit extents; a catalogued backup's, once written
  TAPE_FILE: 21, // the tape file a backup's data went to (1-based), 0 if none
  ABORT: 22, // 1: its issuer aborted it (SCSI ABORT TASK); 503 ends it at its next step
  FAIL_IO: 23, // the I/O that failed the backup: device (FAIL_DEVICES, device-errors.ts) × 4 + 0 read, 1 write, 2 no room
  FAIL_LBA: 24, // its block (on the tape: the tape block number)
  SEG0: 28, // then 4 words per segment: lba, blocks, dest kind (0 tape, 1 disk), dest lba;
  //           a restore's extents: tape file, first record, blocks, destination lba
} as const;
export const MAX_SEGMENTS = 256;
const B_WORDS = B.SEG0 + 4 * MAX_SEGMENTS;

/** B.KIND: what the job in 511 is (catalogued backups also append the tape's catalog). */
export const JobKind = { PLAIN: 0, FULL: 1, INCREMENTAL: 2, RESTORE_DISK: 3, RESTORE_SVOL: 4 } as const;

export const BackupState = { IDLE: 0, ACCEPTED: 1, HOLDING: 2, RUNNING: 3, DONE: 4, FAILED: 5 } as const;

/**
 * Staging buffers of 515: 508 fills some while 503 streams others. More than two, so that
 * in the live runtime, where 503 and 508 are separate workers that each wake up late now
 * and then, 508 can stage several units ahead and 503 stream several in one go: the handoff
 * latency is paid per burst, not per unit. A buffer is one unit of unitMax blocks (under
 * 64 KiB, ARRAY_LIMITS.maxTransferBytes), so eight cost under 512 KiB of 507.
 */
export const NBUF = 8;
/** Words per staging buffer: state, seq, lba, blocks, segment, dest lba. */
export const SB = { STATE: 0, SEQ: 1, LBA: 2, N: 3, SEG: 4, DEST: 5 } as const;
const SB_WORDS = 8;
export const BufState = { FREE: 0, COPY_REQ: 1, COPIED: 2, STAGE_REQ: 3, READY: 4, WRITE_REQ: 5, FAILED: 6, WRITTEN: 7 } as const;

/** SpscQueue records (queues.ts): 4 words each. */
export const RING_RECORD = 4;
export const RING_CAP = 64;

export const SlotState = { FREE: 0, CLEAN: 1, DIRTY: 2 } as const;

/**
 * Largest run 508 moves in one background step (every step is bounded,
 * docs/architecture.md#one-controller-two-runtimes).
 */
export const COPY_CHUNK = 64;

export interface Layout507 {
  blocks: number;
  blockBytes: number;
  slots: number;
  unitMax: number;
  control: number;
  p511: number;
  bmA: number;
  bmB: number;
  /** The blocks written since the incremental chain's base split (differential-514.ts). */
  bmC: number;
  /** S-VOL blocks a restore wrote while split: the next resync copies them back. */
  bmR: number;
  blockToSlot: number;
  slotLba: number;
  slotState: number;
  slotData: number;
  stagingWords: number;
  /**
   * 515: per buffer one unit of unitMax blocks, as it goes to the destination. Embodiment
   * 3 reads its P-VOL and S-VOL sides into scratch508 and merges them into it (disk-508.ts).
   */
  staging: number;
  cowRing: number;
  reqRing: number;
  /**
   * 508's private work area (memory 506 in the patent's Fig. 2): two regions of
   * scratchBlocks blocks, the P-VOL side at scratch508, the S-VOL side right after it.
   */
  scratch508: number;
  /** Two blocks for the verifier's checksums. */
  verify: number;
  scratchBlocks: number;
  end: number;
}

const align = (x: number, a = 64) => Math.ceil(x / a) * a;

export function planLayout(blocks: number, blockBytes: number, slots: number, base = CORE_RESERVED_BYTES): Layout507 {
  const unitMax = Math.max(1, Math.min(blocks, Math.floor(ARRAY_LIMITS.maxTransferBytes / blockBytes)));
  let at = align(base);
  const take = (bytes: number) => { const p = at; at = align(at + bytes); return p; };
  const control = take(CONTROL_WORDS * 4);
  const p511 = take(B_WORDS * 4);
  const bmA = take(bitmapBytes(blocks));
  const bmB = take(bitmapBytes(blocks));
  const bmC = take(bitmapBytes(blocks));
  const bmR = take(bitmapBytes(blocks));
  const blockToSlot = take(blocks * 4);
  const slotLba = take(slots * 4);
  const slotState = take(slots * 4);
  const stagingWords = take(NBUF * SB_WORDS * 4);
  const cowRing = take((4 + RING_CAP * RING_RECORD) * 4);
  const reqRing = take((4 + RING_CAP * RING_RECORD) * 4);
  const slotData = take(slots * blockBytes);
  const staging = take(NBUF * unitMax * blockBytes);
  const scratchBlocks = Math.max(unitMax, COPY_CHUNK, ARRAY_LIMITS.maxWriteBlocks);
  const scratch508 = take(2 * scratchBlocks * blockBytes);
  const verify = take(2 * blockBytes);
  return {
    blocks, blockBytes, slots, unitMax, control, p511, bmA, bmB, bmC, bmR, blockToSlot, slotLba, slotState,
    slotData, stagingWords, staging, cowRing, reqRing, scratch508, verify, scratchBlocks, end: at,
  };
}

/** Typed views over 507; rebuilt when the memory grows (a grown memory has a new buffer). */
export class Mem507 {
  private buf: ArrayBufferLike | null = null;
  private _u8 = new Uint8Array(0);
  private _i32 = new Int32Array(0);
  constructor(readonly core: Core, readonly L: Layout507) {}

  // A view that still covers the layout needs no refresh: 507 lies in [0, L.end), and a
  // grown shared memory's old buffer stays valid over its old length (a grown unshared one
  // is detached: its views read as empty and are rebuilt). Asking memory.buffer on every
  // access cost a builtin call per word in the controller's hottest loops.
  get u8(): Uint8Array { if (this._u8.byteLength < this.L.end) this.refresh(); return this._u8; }
  get i32(): Int32Array { if (this._i32.byteLength < this.L.end) this.refresh(); return this._i32; }

  private refresh(): void {
    const b = this.core.memory.buffer;
    if (b !== this.buf) {
      this.buf = b;
      this._u8 = new Uint8Array(b);
      this._i32 = new Int32Array(b);
    }
  }

  /** Control word of 510. */
  w(i: number): number { return Atomics.load(this.i32, (this.L.control >> 2) + i); }
  setW(i: number, v: number): void { Atomics.store(this.i32, (this.L.control >> 2) + i, v); }
  addW(i: number, v: number): void { Atomics.add(this.i32, (this.L.control >> 2) + i, v); }
  /** A float64 in two control words (i even): written by one processor, read after a handoff. */
  wf(i: number): number { return new DataView(this.u8.buffer, this.L.control + i * 4, 8).getFloat64(0, true); }
  setWf(i: number, v: number): void { new DataView(this.u8.buffer, this.L.control + i * 4, 8).setFloat64(0, v, true); }
  /** Word of 511. */
  b(i: number): number { return Atomics.load(this.i32, (this.L.p511 >> 2) + i); }
  setB(i: number, v: number): void { Atomics.store(this.i32, (this.L.p511 >> 2) + i, v); }
  /** Word of staging buffer k. */
  sb(k: number, i: number): number { return Atomics.load(this.i32, (this.L.stagingWords >> 2) + k * SB_WORDS + i); }
  setSb(k: number, i: number, v: number): void { Atomics.store(this.i32, (this.L.stagingWords >> 2) + k * SB_WORDS + i, v); }
  /** Byte view of `blocks` blocks at pointer p. */
  blocksAt(p: number, blocks: number): Uint8Array { return this.u8.subarray(p, p + blocks * this.L.blockBytes); }
  /** Pointer to staging buffer k. */
  stagingPtr(k: number): number { return this.L.staging + k * this.L.unitMax * this.L.blockBytes; }
  slotPtr(slot: number): number { return this.L.slotData + slot * this.L.blockBytes; }
}

/** Grows the memory, zeroes the layout and initialises the bitmaps and cache directory. */
export function createMem507(core: Core, blocks: number, blockBytes: number, slots: number): Mem507 {
  const L = planLayout(blocks, blockBytes, slots);
  ensureBytes(core.memory, L.end);
  const m = new Mem507(core, L);
  m.u8.fill(0, L.control, L.slotData);
  initBitmap(core.memory, L.bmA, blocks);
  initBitmap(core.memory, L.bmB, blocks);
  initBitmap(core.memory, L.bmC, blocks);
  initBitmap(core.memory, L.bmR, blocks);
  m.i32.fill(-1, L.blockToSlot >> 2, (L.blockToSlot >> 2) + blocks);
  m.i32.fill(-1, L.slotLba >> 2, (L.slotLba >> 2) + slots);
  m.setW(W.PVOL_NO, 601);
  m.setW(W.SVOL_NO, 602);
  return m;
}
