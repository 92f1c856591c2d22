/**
 * Binds a validated CopyPlan to this target's LUs before any data moves (so a refused
 * copy changes nothing): each CSCD ID is matched to an LU by its NAA designator from VPD
 * 83h and its peripheral type (docs/scsi.md#cscd-descriptor-e4h), then every range is
 * checked. Errors: a CSCD that names no LU here (or a NUL device, or an index past the
 * list), and a range past the end of a volume, are COPY ABORTED 0A/0D/02 with the segment
 * number in bytes 10–11, as libiscsi's ValidTgtDescr/ValidSegDescr expect and LIO
 * answers; a block length that disagrees with the LU is 05/26/00 (docs/scsi.md#sense-codes).
 * Every segment is resolved before the first moves any data, so a refused copy has
 * changed nothing.
 */
import type { ResolvedSegment } from './copy-engine.ts';
import { CSCD_ID_RECEIVING_LU, type CopyLimits } from './copy-limits.ts';
import type { Lu } from './lu.ts';
import { SENSE, ScsiError, fail } from './sense.ts';
import { CSCD_LENGTH, HEADER_LENGTH, type CopyPlan, type SegmentDescriptor } from './xcopy-types.ts';

export function resolvePlan(
  plan: CopyPlan, lus: readonly Lu[], receiving: Lu, limits: CopyLimits, supportsSplit: boolean,
): ResolvedSegment[] {
  const out: ResolvedSegment[] = [];
  plan.segments.forEach((seg, index) => {
    if (seg.type === 0xc0 && !supportsSplit) fail(SENSE.UNSUPPORTED_SEGMENT_TYPE, { cdb: false, byte: seg.offset });
    const src = lookup(plan, seg.src, lus, receiving, index);
    const dst = lookup(plan, seg.dst, lus, receiving, index);
    out.push(check(plan, seg, index, src, dst, limits));
  });
  return out;
}

function unreachable(index: number, why = 'CSCD names no LU here'): never {
  throw new ScsiError({ ...SENSE.TARGET_NOT_REACHABLE, commandSpecific: index & 0xffff }, why);
}

function lookup(plan: CopyPlan, id: number, lus: readonly Lu[], receiving: Lu, index: number): Lu {
  if (id === CSCD_ID_RECEIVING_LU) return receiving;
  const c = plan.cscds[id];
  if (!c || c.nul) unreachable(index);
  const lu = lus.find((l) => l.id.peripheralType === c.peripheralType && sameBytes(l.id.naa, c.designator));
  if (!lu) unreachable(index);
  if (lu.kind === 'disk' && c.blockLength !== lu.device.blockBytes) {
    fail(SENSE.INVALID_FIELD_IN_PARAM, { cdb: false, byte: HEADER_LENGTH + id * CSCD_LENGTH + 29 }, 'DISK BLOCK LENGTH');
  }
  return lu;
}

function check(
  plan: CopyPlan, seg: SegmentDescriptor, index: number, src: Lu, dst: Lu, limits: CopyLimits,
): ResolvedSegment {
  const field = (rel: number) => ({ cdb: false, byte: seg.offset + rel });
  if (seg.type === 0xc0) {
    if (src.kind !== 'disk' || src.role !== 'pvol-601') fail(SENSE.INVALID_FIELD_IN_PARAM, field(4), 'not the P-VOL');
    if (dst.kind !== 'disk' || dst.role !== 'svol-602') fail(SENSE.INVALID_FIELD_IN_PARAM, field(6), 'not the S-VOL');
    return { index, seg, src, dst };
  }
  if (seg.type === 0x01) return checkStreamToBlock(plan, seg, index, src, dst, limits);
  // A command device or the tape cannot be a block source (FFFFh may name one).
  if (src.kind !== 'disk') unreachable(index);
  const bb = src.device.blockBytes;
  if (seg.blocks * bb > limits.maxSegmentLength) fail(SENSE.INVALID_FIELD_IN_PARAM, field(seg.type === 0x02 ? 10 : 14));
  if (seg.type === 0x02) {
    if (dst.kind !== 'disk') unreachable(index);
    if (dst.device.blockBytes !== bb) fail(SENSE.INVALID_FIELD_IN_PARAM, field(6), 'block sizes differ');
    if (!fits(seg.srcLba, seg.blocks, src.device.blocks) || !fits(seg.dstLba, seg.blocks, dst.device.blocks)) {
      unreachable(index, 'range past the end of a volume');
    }
    return { index, seg, src, dst };
  }
  if (dst.kind !== 'tape') unreachable(index);
  if (!fits(seg.lba, seg.blocks, src.device.blocks)) unreachable(index, 'range past the end of a volume');
  const c = seg.dst === CSCD_ID_RECEIVING_LU ? undefined : plan.cscds[seg.dst];
  const fixed = c?.fixed ?? false;
  // Variable blocks: each tape record is one stream transfer. Fixed: each record is one
  // STREAM BLOCK LENGTH block, STREAM DEVICE TRANSFER LENGTH of them per transfer.
  const transfer = fixed ? seg.streamTransferLength * c!.blockLength : seg.streamTransferLength;
  if (transfer === 0 && seg.blocks > 0) fail(SENSE.INVALID_FIELD_IN_PARAM, field(9));
  if (transfer > limits.maxStreamTransferSize) fail(SENSE.INVALID_FIELD_IN_PARAM, field(9));
  const recordBytes = fixed ? c!.blockLength : seg.streamTransferLength;
  return { index, seg, src, dst, recordBytes, padLastRecord: fixed && (c?.pad ?? false) };
}

/**
 * 01h stream → block (a restore, docs/scsi.md): the tape LU to a disk, under the rules of
 * 00h the other way round. Records are read as they are on the tape, so only variable
 * blocks (FIXED = 0) are taken: FIXED = 1 is 05/26/00 at the tape CSCD's byte 28.
 */
function checkStreamToBlock(
  plan: CopyPlan, seg: Extract<SegmentDescriptor, { type: 0x01 }>, index: number, src: Lu, dst: Lu, limits: CopyLimits,
): ResolvedSegment {
  const field = (rel: number) => ({ cdb: false, byte: seg.offset + rel });
  if (src.kind !== 'tape' || dst.kind !== 'disk') unreachable(index);
  const c = seg.src === CSCD_ID_RECEIVING_LU ? undefined : plan.cscds[seg.src];
  if (c?.fixed) fail(SENSE.INVALID_FIELD_IN_PARAM, { cdb: false, byte: HEADER_LENGTH + seg.src * CSCD_LENGTH + 28, bit: 0 }, 'a restore reads variable blocks');
  if (seg.blocks * dst.device.blockBytes > limits.maxSegmentLength) fail(SENSE.INVALID_FIELD_IN_PARAM, field(14));
  if (seg.streamTransferLength === 0 && seg.blocks > 0) fail(SENSE.INVALID_FIELD_IN_PARAM, field(9));
  if (seg.streamTransferLength > limits.maxStreamTransferSize) fail(SENSE.INVALID_FIELD_IN_PARAM, field(9));
  if (!fits(seg.lba, seg.blocks, dst.device.blocks)) unreachable(index, 'range past the end of a volume');
  return { index, seg, src, dst, recordBytes: seg.streamTransferLength };
}

function fits(lba: bigint, blocks: number, capacity: number): boolean {
  return lba + BigInt(blocks) <= BigInt(capacity);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
