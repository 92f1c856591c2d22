/**
 * The point-in-time oracle (docs/patent.md#the-point-in-time-rule: every write acknowledged
 * before the split ack is in the image, none after). It is independent of the controller:
 * it rebuilds the split-instant image from the initial content (seeded, or the uploaded
 * image's bytes it is handed) and the client's own log of acknowledged writes (defined by
 * fillBlock and the seed), and compares the tape's blocks with it block by block using the
 * core's checksums. It never reads 507, the volumes or the controller's counters.
 */
import type { Core } from '../core/core-api.ts';
import { fillBlock } from '../core/prng.ts';
import { Sha256 } from './sha256.ts';

export interface AckedWrite {
  id: number;
  lba: number;
  blocks: number;
  /** Acknowledgement time seen by the client, or -1 if never acknowledged. */
  ack: number;
  /**
   * The bytes written, when they are not the seeded generation id + 1 (fillBlock): a copy
   * onto the P-VOL (EXTENDED COPY 02h) writes another volume's blocks. Given by whoever
   * knows them independently of the controller (the test that wrote the source).
   */
  data?: Uint8Array;
}

export interface OracleInput {
  core: Core;
  /** Two blocks of scratch in core memory for checksumming. */
  scratch: number;
  seed: number;
  /**
   * Generation 0 (the content at t = 0) when it is not the seeded one: an uploaded volume
   * image of blocks × blockBytes bytes, the same bytes the run started from (given, not read
   * from the controller or the volumes).
   */
  initial?: Uint8Array;
  blocks: number;
  blockBytes: number;
  writes: readonly AckedWrite[];
  /** When the server received the split's acknowledgement. */
  splitAckAt: number;
  /** The backed-up S-VOL ranges, in the order they were streamed. */
  ranges: readonly { lba: number; blocks: number }[];
  /** The tape file the backup wrote (its blocks, as the strict AWSTAPE reader returned them). */
  tapeFile: readonly Uint8Array[];
}

export interface Mismatch {
  /** The S-VOL block whose tape copy differs. */
  block: number;
  /** Write generation the image holds (0 = initial content, n = client write id n-1). */
  expectedGen: number;
  /** Generation stamped in the tape block (word 1), whatever wrote it. */
  tapeGen: number;
  expectedChecksum: number;
  tapeChecksum: number;
}

export interface Verdict {
  verified: boolean;
  blocksCompared: number;
  firstMismatch?: Mismatch;
  reason?: string;
  pitSha256: string;
  tapeDataSha256: string;
}

/** Generation of each block at the split instant. */
export function imageGenerations(blocks: number, writes: readonly AckedWrite[], splitAckAt: number): Int32Array {
  return lastWrites(blocks, writes, splitAckAt).gen;
}

/** Per block, the last write acknowledged before the split: its generation and the write. */
function lastWrites(blocks: number, writes: readonly AckedWrite[], splitAckAt: number): { gen: Int32Array; by: (AckedWrite | undefined)[] } {
  const gen = new Int32Array(blocks);
  const by: (AckedWrite | undefined)[] = new Array(blocks);
  const before = writes.filter((w) => w.ack >= 0 && w.ack < splitAckAt).sort((a, b) => a.ack - b.ack);
  for (const w of before) for (let b = w.lba; b < w.lba + w.blocks; b++) { gen[b] = w.id + 1; by[b] = w; }
  return { gen, by };
}

export function verifyBackup(i: OracleInput): Verdict {
  const bb = i.blockBytes;
  const { gen, by } = lastWrites(i.blocks, i.writes, i.splitAckAt);
  const tapeData = new Uint8Array(i.tapeFile.reduce((n, b) => n + b.byteLength, 0));
  let off = 0;
  for (const b of i.tapeFile) { tapeData.set(b, off); off += b.byteLength; }
  const tapeSha = new Sha256().update(tapeData).hex();
  const pit = new Sha256();
  const total = i.ranges.reduce((n, r) => n + r.blocks, 0);
  const mem = () => new Uint8Array(i.core.memory.buffer);
  const exp = i.scratch, act = i.scratch + bb;
  let first: Mismatch | undefined;
  let k = 0;
  for (const r of i.ranges) {
    for (let b = r.lba; b < r.lba + r.blocks; b++, k++) {
      const e = mem().subarray(exp, exp + bb);
      const w = by[b];
      if (w?.data) e.set(w.data.subarray((b - w.lba) * bb, (b - w.lba + 1) * bb));
      else if (gen[b] === 0 && i.initial) e.set(i.initial.subarray(b * bb, (b + 1) * bb));
      else fillBlock(e, i.seed, gen[b], b);
      pit.update(e);
      if (first || (k + 1) * bb > tapeData.byteLength) continue;
      const t = tapeData.subarray(k * bb, (k + 1) * bb);
      mem().set(t, act);
      const ce = i.core.checksum(exp, bb), ct = i.core.checksum(act, bb);
      if (ce !== ct) {
        const tapeGen = new DataView(t.buffer, t.byteOffset).getInt32(4, true);
        first = { block: b, expectedGen: gen[b], tapeGen, expectedChecksum: ce, tapeChecksum: ct };
      }
    }
  }
  const pitSha256 = pit.hex();
  const base = { blocksCompared: Math.min(total, Math.floor(tapeData.byteLength / bb)), pitSha256, tapeDataSha256: tapeSha };
  if (first) {
    return { ...base, verified: false, firstMismatch: first, reason: `block ${first.block}: tape holds generation ${first.tapeGen}, the split-instant image ${first.expectedGen}` };
  }
  if (tapeData.byteLength !== total * bb) {
    return { ...base, verified: false, reason: `tape file holds ${tapeData.byteLength} bytes, the range ${total * bb}` };
  }
  // Checksums compare block by block; the digests rule out a collision over the whole image.
  if (pitSha256 !== tapeSha) return { ...base, verified: false, reason: 'image and tape digests differ' };
  return { ...base, verified: true };
}
