/**
 * A restore on the wire (docs/scsi.md "01h stream → block"): what a SCSI host sends to put
 * restore point `point` back. For each tape file of the point's chain (its full, then each
 * incremental, tape-catalog.ts chainOf) the host positions the tape at the file (SPACE(6)
 * over filemarks on the tape LU) and sends EXTENDED COPY lists of 01h segments, one per
 * run of blocks the catalog names, at most the copy manager's MAXIMUM SEGMENT DESCRIPTOR
 * COUNT per list. What an initiator builds (tests, the page's hex view of a restore,
 * web/ui/exchange.ts), from the catalog it read off the tape (READ(6) on the tape LU).
 */
import { chainOf, type Catalog } from '../devices/tape-catalog.ts';
import { DEFAULT_COPY_LIMITS } from './copy-limits.ts';
import { naa6 } from './inquiry.ts';
import { DEFAULT_ARRAY_SERIAL, LUN } from './lu-layout.ts';
import { encodeXcopyParams, type SegmentInput } from './xcopy-encode.ts';

export interface RestoreList {
  /** The tape file the host positions the tape at before this list (1-based). */
  file: number;
  /** Restore point of that file, and which of its lists this is (0-based) of how many. */
  point: number;
  part: number;
  parts: number;
  segments: number;
  list: Uint8Array;
}

/**
 * The lists for restore point `point` to `to`. Each file's whole record (the catalog's
 * recordBlocks) is the segments' STREAM DEVICE TRANSFER LENGTH (variable blocks: each record
 * read is at most that long). Throws RangeError when the catalog has no such point.
 */
export function restoreLists(catalog: Catalog, point: number, to: 'disk' | 'svol', listId = 1, serial = DEFAULT_ARRAY_SERIAL): RestoreList[] {
  const out: RestoreList[] = [];
  const limits = DEFAULT_COPY_LIMITS;
  for (const e of chainOf(catalog, point)) {
    const bb = e.blockBytes;
    const unit = e.recordBlocks;
    const stl = unit * bb;
    // NUMBER OF BLOCKS is 16 bits and a segment moves at most MAXIMUM SEGMENT LENGTH bytes; a
    // piece of a run ends on a record boundary (records hold `unit` blocks from the run's start).
    const most = Math.min(0xffff, Math.floor(limits.maxSegmentLength / bb));
    const piece = Math.max(unit, Math.floor(most / unit) * unit);
    const segs: SegmentInput[] = [];
    for (const [lba, n] of e.runs) {
      for (let off = 0; off < n; off += piece) {
        segs.push({ type: 0x01, src: 0, dst: 1, streamTransferLength: stl, blocks: Math.min(piece, n - off), lba: BigInt(lba + off) });
      }
    }
    const cscds = [
      { peripheralType: 1 as const, designator: naa6(serial, LUN.TAPE), blockLength: 0, fixed: false },
      { peripheralType: 0 as const, designator: naa6(serial, to === 'disk' ? LUN.BACKUP_DISK : LUN.SVOL), blockLength: bb },
    ];
    const per = limits.maxSegmentCount;
    const parts = Math.max(1, Math.ceil(segs.length / per));
    for (let p = 0; p < parts; p++) {
      const chunk = segs.slice(p * per, (p + 1) * per);
      out.push({
        file: e.file, point: e.point, part: p, parts, segments: chunk.length,
        list: encodeXcopyParams({ listId, listIdUsage: 'hold', cscds, segments: chunk }),
      });
    }
  }
  return out;
}
