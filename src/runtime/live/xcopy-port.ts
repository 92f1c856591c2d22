/**
 * The backup server 102 speaks real EXTENDED COPY bytes to 502 in the live runtime
 * (docs/scsi.md#extended-copy-lid1): the backup parameters become an SPC-4
 * parameter list (E4h CSCDs for the S-VOL and the tape, 00h block → stream segments of at
 * most 65535 blocks each) and 502's worker parses the bytes back with the SCSI engineer's
 * strict parser before anything reaches 511. Embodiment 4's combined command adds the
 * C0h split-and-copy vendor segment (docs/scsi.md) with EARLY set (§0038).
 */
import type { BackupParams, Method } from '../../array/backup.ts';
import { DEFAULT_COPY_LIMITS } from '../../scsi/copy-limits.ts';
import { encodeXcopyParams, type SegmentInput } from '../../scsi/xcopy-encode.ts';
import { parseXcopyParams } from '../../scsi/xcopy-params.ts';
import type { SplitMode } from '../../scsi/xcopy-types.ts';

/** NAA-6 designators of our LUs, as VPD 83h reports them (fixed per playground). */
const NAA = (lun: number) => Uint8Array.from([0x60, 0x0e, 0x0a, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x60, lun]);
const CSCD_PVOL = 0, CSCD_SVOL = 1, CSCD_TAPE = 2;
const MAX_SEGMENT_BLOCKS = 0xffff;

const MODE_OF: Record<Method, SplitMode> = { priority: 'priority', wait: 'wait', staging: 'staging' };

/** BackupParams (tape segments only) → EXTENDED COPY parameter list bytes. */
export function encodeBackup(p: BackupParams, blockBytes: number, listId: number): Uint8Array {
  const segments: SegmentInput[] = [];
  if (p.combinedSplit) {
    segments.push({ type: 0xc0, src: CSCD_PVOL, dst: CSCD_SVOL, mode: MODE_OF[p.method], early: true, pair: 0 });
  }
  // A segment holds at most 65535 blocks (a u16) and MAXIMUM SEGMENT LENGTH bytes (the copy
  // manager's limit, reported by RECEIVE COPY RESULTS 03h); longer ranges become consecutive
  // segments, which decodeBackup joins back into one range.
  const perSegment = Math.min(MAX_SEGMENT_BLOCKS, Math.floor(DEFAULT_COPY_LIMITS.maxSegmentLength / blockBytes));
  for (const s of p.segments) {
    if (s.dest.kind !== 'tape') throw new RangeError('the live runtime backs up to the tape only');
    for (let off = 0; off < s.blocks || (s.blocks === 0 && off === 0); off += perSegment) {
      segments.push({
        type: 0x00, src: CSCD_SVOL, dst: CSCD_TAPE,
        streamTransferLength: p.transferBlocks * blockBytes,
        blocks: Math.min(perSegment, s.blocks - off), lba: BigInt(s.lba + off),
      });
      if (s.blocks === 0) break;
    }
  }
  return encodeXcopyParams({
    listId,
    cscds: [
      { peripheralType: 0, designator: NAA(0), blockLength: blockBytes },
      { peripheralType: 0, designator: NAA(1), blockLength: blockBytes },
      { peripheralType: 1, designator: NAA(4), blockLength: 0, fixed: false },
    ],
    segments,
  });
}

/**
 * Parameter list bytes → BackupParams for 502. Throws the SCSI parser's error (with its
 * sense code) on a malformed list; a list the live array cannot serve is refused in words.
 */
export function decodeBackup(
  list: Uint8Array, blockBytes: number, method: Method, checkWholeRange: boolean, maxRecordBytes = DEFAULT_COPY_LIMITS.maxStreamTransferSize,
): BackupParams {
  // The record limit follows the array (the scenario's transfer unit, as the sim allows),
  // not only Hercules' 65535-byte block limit that the default copy limits carry.
  const limits = { ...DEFAULT_COPY_LIMITS, maxStreamTransferSize: Math.max(DEFAULT_COPY_LIMITS.maxStreamTransferSize, maxRecordBytes) };
  const plan = parseXcopyParams(list, limits);
  let combinedSplit = false;
  let transferBlocks = 0;
  let m = method;
  const segments: BackupParams['segments'] = [];
  for (const s of plan.segments) {
    if (s.type === 0xc0) {
      combinedSplit = true;
      if (s.mode !== 'pair') m = s.mode;
      continue;
    }
    if (s.type !== 0x00) throw new RangeError(`segment type ${s.type.toString(16)}h: the live tape backup takes 00h only`);
    if (plan.cscds[s.dst]?.peripheralType !== 1 || plan.cscds[s.src]?.peripheralType !== 0) {
      throw new RangeError('a 00h segment must copy from a disk CSCD to a tape CSCD');
    }
    if (s.streamTransferLength % blockBytes !== 0) throw new RangeError('stream transfer length is not whole blocks');
    transferBlocks = s.streamTransferLength / blockBytes;
    const lba = Number(s.lba);
    // Consecutive 00h segments that continue one range are one range of the image.
    const last = segments[segments.length - 1];
    if (last && last.lba + last.blocks === lba) last.blocks += s.blocks;
    else segments.push({ lba, blocks: s.blocks, dest: { kind: 'tape' } });
  }
  return { method: m, segments, transferBlocks: transferBlocks || 1, checkWholeRange, combinedSplit };
}
