/**
 * The inter-pair differential 514 of a split-pending pair made durable (docs/live.md
 * "What survives what"), so that after a reload, a crashed tab or a killed browser the pair
 * comes back split-pending and 508 finishes its copy instead of a resync from scratch.
 *
 * After a split 514 only loses bits (508's background, copy-before-write and priority
 * copies clear a block once it is on the S-VOL; writes go to the post-split bitmap), so a
 * snapshot of it taken at any moment since the split is a superset of the blocks still
 * pending. The host writes one after every step that cleared bits, before the step's
 * answers go out (metadata-persister.ts): a client write acknowledged over a block that a
 * copy before write moved to the S-VOL is acknowledged only after a snapshot without that
 * block was written, and a block is cleared only once its S-VOL write has returned. So after
 * a stop in which every completed write survives:
 *   - a block clear in the snapshot holds its split-instant data on the S-VOL;
 *   - a block set in it has had no acknowledged post-split write: its split-instant data is
 *     on the P-VOL side (the P-VOL, or a pre-split record of the cache journal), provided
 *     the recovery does not replay the journal's unacknowledged post-split records over it
 *     (recovery-514.ts, which needs the split's place in the write stream: the boundary).
 *
 * File layout (little-endian), one small file laid out at the start of a run:
 *   0     the boundary, written once per split by the worker hosting port 401, before the
 *         split is answered: u32 magic 'SSDB', u32 version, u32 split sequence (507 word
 *         SPLIT_SEQ), i32 the last write id journaled before the split, u32 n, n × i32 the
 *         ids of writes journaled but not yet taken by 501 at the split, u32 CRC-32C
 *   4096  the snapshot, overwritten in place: u32 magic 'SSDS', u32 version, u32 split
 *         sequence, u32 blocks, u32 bits set, ceil(blocks/8) bytes of 514 (LSB first), u32 CRC
 * Any doubt (a checksum, a sequence that is not the split's, a size) makes the recovery
 * distrust the pair (recovery-honesty.ts): suspended, never split-pending on a guess.
 */
import type { Ctx } from '../../array/context.ts';
import { W } from '../../array/memory-507.ts';
import { PS } from '../../array/pair-state.ts';
import type { JournalFile } from './cache-journal.ts';
import { crc32c } from './metadata-record.ts';

export const BOUNDARY_MAGIC = 0x42445353; // 'SSDB'
export const SNAPSHOT_MAGIC = 0x53445353; // 'SSDS'
const VERSION = 1;
export const SNAPSHOT_AT = 4096;
const SNAP_HEAD = 20;
/** Ids of untaken writes a boundary holds at most (Port401 lets 501 hold UNAPPLIED_WRITES). */
const MAX_UNTAKEN = (SNAPSHOT_AT - 24) >> 2;

/** Where the record lives: an OPFS file in the browser, memory in tests (the journal's subset of a sync access handle). */
export type DiffFile = JournalFile;

/** The split's place in port 401's stream: which journaled writes are post-split. */
export interface SplitBoundary {
  splitSeq: number;
  /** Every write journaled after the split has an id above this (ids rise in port order). */
  lastJournaledId: number;
  /** Writes journaled before the split but not yet taken by 501: post-split too. */
  untaken: number[];
}

export function diffFileBytes(blocks: number): number {
  return SNAPSHOT_AT + SNAP_HEAD + Math.ceil(blocks / 8) + 4;
}

export function encodeBoundary(b: SplitBoundary): Uint8Array {
  if (b.untaken.length > MAX_UNTAKEN) throw new RangeError(`split boundary: ${b.untaken.length} untaken writes`);
  const out = new Uint8Array(24 + 4 * b.untaken.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, BOUNDARY_MAGIC, true);
  dv.setUint32(4, VERSION, true);
  dv.setUint32(8, b.splitSeq >>> 0, true);
  dv.setInt32(12, b.lastJournaledId | 0, true);
  dv.setUint32(16, b.untaken.length, true);
  b.untaken.forEach((id, i) => dv.setInt32(20 + 4 * i, id | 0, true));
  dv.setUint32(out.length - 4, crc32c(out.subarray(0, out.length - 4)), true);
  return out;
}

export function decodeBoundary(bytes: Uint8Array): SplitBoundary | null {
  if (bytes.length < 24) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== BOUNDARY_MAGIC || dv.getUint32(4, true) !== VERSION) return null;
  const n = dv.getUint32(16, true);
  if (n > MAX_UNTAKEN || 24 + 4 * n > bytes.length) return null;
  if (dv.getUint32(20 + 4 * n, true) !== crc32c(bytes.subarray(0, 20 + 4 * n))) return null;
  const untaken = Array.from({ length: n }, (_, i) => dv.getInt32(20 + 4 * i, true));
  return { splitSeq: dv.getUint32(8, true), lastJournaledId: dv.getInt32(12, true), untaken };
}

export interface Snapshot { splitSeq: number; blocks: number; bits: Uint8Array }

/** Encodes into `out` (reused by the host: no allocation per step); returns the bytes used. */
export function encodeSnapshot(out: Uint8Array, splitSeq: number, blocks: number, bits: Uint8Array, pending: number,
  checksum: (bytes: Uint8Array) => number = crc32c): number {
  const nb = Math.ceil(blocks / 8), len = SNAP_HEAD + nb + 4;
  const dv = new DataView(out.buffer, out.byteOffset, len);
  dv.setUint32(0, SNAPSHOT_MAGIC, true);
  dv.setUint32(4, VERSION, true);
  dv.setUint32(8, splitSeq >>> 0, true);
  dv.setUint32(12, blocks, true);
  dv.setUint32(16, pending, true);
  out.set(bits.subarray(0, nb), SNAP_HEAD);
  dv.setUint32(SNAP_HEAD + nb, checksum(out.subarray(0, SNAP_HEAD + nb)) >>> 0, true);
  return len;
}

export function decodeSnapshot(bytes: Uint8Array): Snapshot | null {
  if (bytes.length < SNAP_HEAD + 4) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== SNAPSHOT_MAGIC || dv.getUint32(4, true) !== VERSION) return null;
  const blocks = dv.getUint32(12, true), nb = Math.ceil(blocks / 8);
  if (SNAP_HEAD + nb + 4 > bytes.length) return null;
  if (dv.getUint32(SNAP_HEAD + nb, true) !== crc32c(bytes.subarray(0, SNAP_HEAD + nb))) return null;
  const bits = bytes.slice(SNAP_HEAD, SNAP_HEAD + nb);
  // Padding bits past `blocks` are never set in 514: one that is means the bytes are not 514's.
  if (blocks % 8 && bits[nb - 1] >> (blocks % 8)) return null;
  return { splitSeq: dv.getUint32(8, true), blocks, bits };
}

/** Both parts of the file as a recovery reads them (null where absent or damaged). */
export function readDiffFile(f: DiffFile): { boundary: SplitBoundary | null; snapshot: Snapshot | null } {
  const size = f.getSize();
  if (size < SNAPSHOT_AT) return { boundary: null, snapshot: null };
  const head = new Uint8Array(SNAPSHOT_AT);
  f.read(head, { at: 0 });
  const rest = new Uint8Array(size - SNAPSHOT_AT);
  f.read(rest, { at: SNAPSHOT_AT });
  return { boundary: decodeBoundary(head), snapshot: decodeSnapshot(rest) };
}

/** A new run: nothing of an earlier run's split may be read as this run's (laid out as zeros). */
export function clearDiffFile(f: DiffFile, blocks: number): void {
  f.truncate(0);
  const n = diffFileBytes(blocks);
  if (f.write(new Uint8Array(n), { at: 0 }) !== n) throw new Error('differential 514 file: short write laying it out (quota?)');
  f.flush();
}

export function writeBoundary(f: DiffFile, b: SplitBoundary, flush: boolean): void {
  const bytes = encodeBoundary(b);
  if (f.write(bytes, { at: 0 }) !== bytes.length) throw new Error('differential 514 file: short boundary write (quota?)');
  if (flush) f.flush();
}

export function writeSnapshot(f: DiffFile, bytes: Uint8Array, flush: boolean): void {
  if (f.write(bytes, { at: SNAPSHOT_AT }) !== bytes.length) throw new Error('differential 514 file: short snapshot write (quota?)');
  if (flush) f.flush();
}

/** What the keeper reads of 507: the pair's words and 514 itself. */
export interface DiffSource {
  splitPending(): boolean;
  splitSeq(): number;
  pending(): number;
  blocks: number;
  /** 514's bits, LSB first (a view: copied into the record at once). */
  bits(): Uint8Array;
}

/** 507 as the keeper reads it: the pair's words and 514's bytes where they lie. */
export function diffSourceOf(ctx: Ctx): DiffSource {
  const { m, diff, core } = ctx;
  const nb = Math.ceil(m.L.blocks / 8);
  return {
    blocks: m.L.blocks,
    splitPending: () => m.w(W.S_STATE) === PS.SPLIT_PENDING,
    splitSeq: () => m.w(W.SPLIT_SEQ),
    pending: () => m.w(W.PENDING),
    // Word 1 of a bitmap's header is where its bits start (src/core/bitmap-layout.ts).
    bits: () => {
      const at = new Uint32Array(core.memory.buffer, diff.diff, 4)[1];
      return new Uint8Array(core.memory.buffer, at, nb);
    },
  };
}

/**
 * Keeps the file in step with 514 while a pair is split-pending: after every step, before
 * its answers go out (metadata-persister.ts calls it first thing), a new split's boundary
 * and a snapshot whenever 514 lost bits. One write call of ceil(blocks/8) + 24 bytes per
 * step that copied (512 bytes for the preset's 4096 blocks); nothing in any other state.
 * `boundary` only where port 401 is (the worker that runs the split's step writes it).
 * `durableFirst` ('flush' durability): the S-VOL copies a snapshot counts are flushed before
 * it, and it is flushed before the answers, so an OS crash cannot leave it ahead of them.
 */
export class DifferentialKeeper {
  private lastSeq = -1;
  private buf = new Uint8Array(0);
  writes = 0;

  /**
   * `saved`: the bits set in the last snapshot written; a word shared by the workers where
   * each processor has its own (one keeper each), so a snapshot is not written again by a
   * worker whose steps copied nothing.
   */
  constructor(private readonly file: DiffFile, private readonly src: DiffSource,
    private readonly boundary?: () => { lastJournaledId: number; untaken: number[] },
    private readonly durableFirst?: () => void, private readonly checksum: (bytes: Uint8Array) => number = crc32c,
    private readonly saved: { get(): number; set(v: number): void } = local()) {}

  afterStep(): void {
    const s = this.src;
    if (!s.splitPending()) return;
    const seq = s.splitSeq(), pending = s.pending(), flush = this.durableFirst !== undefined;
    if (seq !== this.lastSeq) {
      if (this.boundary) writeBoundary(this.file, { splitSeq: seq, ...this.boundary() }, false);
      this.lastSeq = seq;
      this.saved.set(-1);
    }
    if (pending === this.saved.get()) return;
    const len = diffFileBytes(s.blocks) - SNAPSHOT_AT;
    if (this.buf.length < len) this.buf = new Uint8Array(len);
    encodeSnapshot(this.buf, seq, s.blocks, s.bits(), pending, this.checksum);
    this.durableFirst?.();
    writeSnapshot(this.file, this.buf.subarray(0, len), flush);
    this.saved.set(pending);
    this.writes++;
  }
}

function local(): { get(): number; set(v: number): void } {
  let v = -1;
  return { get: () => v, set: (x) => { v = x; } };
}
