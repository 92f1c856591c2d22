/**
 * The bytes a script command is on the wire, for the hex view,
 * built only with the SCSI layer's encoders (src/scsi/*) and its fixed LU layout
 * (src/scsi/lu-layout.ts, docs/scsi.md "Logical units"): pair operations are the vendor
 * PAIR OPERATION CDB to the pair operation volume 603; a backup is EXTENDED COPY (LID1)
 * to the backup processing volume 604 with E4h CSCDs naming the S-VOL and the tape by
 * their NAA designators and one 00h block→stream segment per ≤ 65535 blocks and ≤ the copy
 * manager's MAXIMUM SEGMENT LENGTH (docs/scsi.md#receive-copy-results, 03h);
 * embodiment 4 prepends the C0h split-and-copy segment (§0038–0043). A poll is RECEIVE
 * COPY RESULTS 00h COPY STATUS.
 */
import { encodePairCdb, type PairAction } from '../../src/scsi/pair-cdb.ts';
import { extendedCopyCdb, receiveCopyResultsCdb, RCR_SA } from '../../src/scsi/cdb.ts';
import { encodeXcopyParams, type SegmentInput } from '../../src/scsi/xcopy-encode.ts';
import { parseXcopyParams } from '../../src/scsi/xcopy-params.ts';
import { DEFAULT_COPY_LIMITS } from '../../src/scsi/copy-limits.ts';
import { naa6 } from '../../src/scsi/inquiry.ts';
import { DEFAULT_ARRAY_SERIAL, LUN } from '../../src/scsi/lu-layout.ts';
import type { SplitMode } from '../../src/scsi/xcopy-types.ts';
import type { BackupCmd, Scenario } from '../../src/scenario/schema.ts';

/** The list identifier the backup server 102 uses for its one copy at a time. */
export const LIST_ID = 1;

export function pairCdb(op: PairAction): Uint8Array {
  return encodePairCdb(op, 0);
}

const VIA: Record<Scenario['e4Via'], SplitMode> = { E1: 'priority', E2: 'wait', E3: 'staging' };

/** EXTENDED COPY parameter list for a backup command of `s`'s script. */
export function backupParams(s: Scenario, cmd: BackupCmd): Uint8Array {
  const { blocks: volBlocks, blockBytes } = s.geometry;
  const total = cmd.blocks === 0 ? volBlocks - cmd.lba : cmd.blocks;
  const disk = (lun: number) => ({ peripheralType: 0 as const, designator: naa6(DEFAULT_ARRAY_SERIAL, lun), blockLength: blockBytes });
  const cscds = [
    disk(LUN.SVOL),
    // Variable-length tape records (FIXED = 0, length 0), docs/scsi.md#cscd-descriptor-e4h.
    { peripheralType: 1 as const, designator: naa6(DEFAULT_ARRAY_SERIAL, LUN.TAPE), blockLength: 0, fixed: false },
    disk(LUN.PVOL),
  ];
  const segments: SegmentInput[] = [];
  if (s.mode === 'E4') {
    segments.push({ type: 0xc0, src: 2, dst: 0, mode: VIA[s.e4Via], early: true, pair: 0 });
  }
  // NUMBER OF BLOCKS is 16 bits, and one segment moves at most MAXIMUM SEGMENT LENGTH bytes
  // (copy-limits.ts, enforced 05/26/00): split the range there, rounded down to whole records.
  const maxBlocks = Math.min(0xffff, Math.floor(DEFAULT_COPY_LIMITS.maxSegmentLength / blockBytes));
  const perSeg = Math.max(cmd.transferBlocks, Math.floor(maxBlocks / cmd.transferBlocks) * cmd.transferBlocks);
  for (let lba = cmd.lba, left = total; left > 0; ) {
    const n = Math.min(left, perSeg);
    segments.push({ type: 0x00, src: 0, dst: 1, streamTransferLength: cmd.transferBlocks * blockBytes, blocks: n, lba: BigInt(lba) });
    lba += n;
    left -= n;
  }
  return encodeXcopyParams({ listId: LIST_ID, listIdUsage: 'hold', cscds: s.mode === 'E4' ? cscds : cscds.slice(0, 2), segments });
}

/** A parameter list that the SCSI layer would refuse is shown with why, not hidden. */
export function checkParams(list: Uint8Array): string | null {
  try {
    parseXcopyParams(list, DEFAULT_COPY_LIMITS);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export function xcopyCdb(list: Uint8Array): Uint8Array {
  return extendedCopyCdb(list.length);
}

export function pollCdb(): Uint8Array {
  return receiveCopyResultsCdb(RCR_SA.COPY_STATUS, LIST_ID, 12);
}
