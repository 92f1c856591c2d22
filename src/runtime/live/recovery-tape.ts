/**
 * The tape after an unclean stop (docs/live.md#recovery), and what an interrupted backup's
 * issuer is told about it through RECEIVE COPY RESULTS (docs/scsi.md#receive-copy-results).
 *
 * The tape file holds the AWSTAPE image up to the last write call that completed, then
 * whatever was there before: the zeros a run lays out ahead of its backups (live-ctx.ts
 * opfsTape), or a block cut off half way. The recovery keeps the image's longest valid
 * prefix and cuts the rest, so the last file of a backup that never wrote its closing
 * tapemark reads as *partial* (`splitstream tape` lists it so, tape-cli-node.ts) and the
 * files before it stay as they were.
 *
 * The backup itself ends as COPY ABORTED at the segment it had reached, with ASC/ASCQ 29/04
 * DEVICE INTERNAL RESET (SPC-4: the device server reset itself, which is what a controller
 * restart is): the metadata record (metadata-persister.ts) kept the backup's list id, its
 * segments and its transfer unit, and the tape says how many units reached it.
 */
import type { TapeSource } from '../../devices/awstape.ts';
import { scanTapeEnd } from '../../devices/awstape-resume.ts';
import { copyAbortedSense } from '../../scsi/copy-failure.ts';
import { encodeCopyStatus, encodeFailedSegment } from '../../scsi/receive-copy-results.ts';
import { SENSE } from '../../scsi/sense.ts';
import type { InFlightOp } from './metadata-record.ts';

export interface TapeEnd {
  /** Bytes of the valid image: where the tape ends. */
  end: number;
  /** Bytes the file held (end < size: the rest is cut). */
  size: number;
  tapemarks: number;
  /** Blocks after the last tapemark (a file without its closing tapemark), and their data bytes. */
  openBlocks: number;
  openBytes: number;
}

/** Where the image's valid part ends (awstape-resume.ts walks it; nothing is changed). */
export function tapeEnd(src: TapeSource): TapeEnd {
  const e = scanTapeEnd((at, into) => src.readAt(at, into), src.bytesWritten);
  return { end: e.bytes, size: src.bytesWritten, tapemarks: e.tapemarks, openBlocks: e.blocks - e.mark.blocks, openBytes: e.data - e.mark.data };
}

/** What the recovery reports about one interrupted backup. */
export interface InterruptedBackup {
  id: string;
  /** The EXTENDED COPY's list identifier (the backup's id in 511, as port 402 sent it: its low byte). */
  listId: number;
  /** The segment it had reached: COPY ABORTED names it (sense bytes 10–11). */
  segment: number;
  /** Units (tape blocks) of its file that reached the tape; the file has no closing tapemark. */
  tapeBlocks: number;
  /** RECEIVE COPY RESULTS 00h COPY STATUS and 04h FAILED SEGMENT DETAILS, as hex. */
  copyStatus: string;
  failedSegment: string;
  /** One line for the report. */
  note: string;
}

/**
 * The backup's outcome from its in-flight record and the tape. A plain backup's units never
 * cross a segment (staging-515.ts): segment s holds ceil(blocks / unit) of them, so the
 * units on the tape say which segment the next one belonged to. A catalogued backup
 * (full or incremental) has one segment.
 */
export function interruptedBackup(op: InFlightOp, tape: TapeEnd | null): InterruptedBackup {
  const d = op.detail;
  const listId = typeof d.listId === 'number' ? d.listId : Number(op.id.replace(/^backup-/, '')) || 0;
  const unit = typeof d.unit === 'number' && d.unit > 0 ? d.unit : 1;
  const segs = typeof d.segments === 'string' && d.segments ? d.segments.split(',').map((x) => Number(x.split('+')[1]) || 0) : [];
  // Only a running backup writes the tape, and a backup writes over the partial file an
  // earlier failure left as it starts (channel-503.ts overwritePartialFile; live-ctx.ts cuts
  // the file there): the blocks after the last tapemark are the interrupted backup's.
  const onTape = tape ? tape.openBlocks : 0;
  let segment = 0;
  for (let k = onTape; segment < segs.length - 1; segment++) {
    const units = Math.ceil(segs[segment] / unit);
    if (k < units) break;
    k -= units;
  }
  const sense = copyAbortedSense({ segment, sense: SENSE.DEVICE_INTERNAL_RESET });
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
  const bytes = onTape && tape ? tape.openBytes : 0;
  return {
    id: op.id, listId, segment, tapeBlocks: onTape,
    copyStatus: hex(encodeCopyStatus({ state: 'completed with errors', heldDataDiscarded: false, segmentsProcessed: segment, bytes })),
    failedSegment: hex(encodeFailedSegment({ commandStatus: 0x02, sense })),
    note: `${op.id} (list id ${listId}) ends COPY ABORTED at segment ${segment}, 0A/29/04 DEVICE INTERNAL RESET, as RECEIVE COPY RESULTS reports it; ` +
      (onTape ? `${onTape} blocks of its tape file reached the tape, which is left partial (no closing tapemark)` : 'none of its data reached the tape'),
  };
}
