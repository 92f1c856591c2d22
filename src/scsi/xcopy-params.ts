/**
 * Parse and validate an EXTENDED COPY (LID1) parameter list into a CopyPlan
 * (docs/scsi.md#extended-copy-lid1; SPC-4 6.4). Every malformed input throws ScsiError with
 * the sense listed in docs/scsi.md#sense-codes and a field pointer into the parameter list
 * (C/D = 0); nothing is touched before this returns, so a refused list changes nothing.
 *
 * Order of checks follows LIO (target_core_xcopy.c) and the libiscsi ExtendedCopy suite:
 * truncation (05/1A/00) first, then the descriptor-list maximum (05/1A/00, libiscsi
 * DescrLimits expects it even when the CSCD count is also over), inline data (05/26/0B),
 * counts (05/26/06, 05/26/08), then each descriptor's type (05/26/07, 05/26/09) before
 * its fields (05/26/00).
 */
import { get16, get24, get32, get64 } from './bytes.ts';
import type { CopyLimits } from './copy-limits.ts';
import {
  CSCD_ID_MAX_INDEX, CSCD_ID_RECEIVING_LU, CSCD_IDENTIFICATION,
  SEG_BLOCK_TO_BLOCK, SEG_BLOCK_TO_STREAM, SEG_SPLIT_AND_COPY, SEG_STREAM_TO_BLOCK,
} from './copy-limits.ts';
import { SENSE, fail } from './sense.ts';
import {
  CSCD_LENGTH, HEADER_LENGTH, SEGMENT_BODY_LENGTH, SPLIT_MODES,
  type CopyPlan, type CscdDescriptor, type ListIdUsage, type SegmentDescriptor,
} from './xcopy-types.ts';

const at = (byte: number, bit?: number) => (bit === undefined ? { cdb: false, byte } : { cdb: false, byte, bit });
const invalid = (byte: number, bit?: number, why = ''): never => fail(SENSE.INVALID_FIELD_IN_PARAM, at(byte, bit), why);

export function parseXcopyParams(list: Uint8Array, limits: CopyLimits): CopyPlan {
  if (list.length < HEADER_LENGTH) fail(SENSE.PARAM_LIST_LENGTH, undefined, 'shorter than the header');
  const cscdLen = get16(list, 2);
  const segLen = get32(list, 8);
  const inlineLen = get32(list, 12);
  if (HEADER_LENGTH + cscdLen + segLen + inlineLen > list.length) {
    fail(SENSE.PARAM_LIST_LENGTH, undefined, 'stated descriptor lengths exceed the list');
  }
  if (cscdLen + segLen > limits.maxDescriptorListLength) {
    fail(SENSE.PARAM_LIST_LENGTH, undefined, 'descriptor lists exceed the maximum');
  }
  if (inlineLen > limits.maxInlineDataLength) fail(SENSE.INLINE_DATA_EXCEEDED, at(12));

  const b1 = list[1]!;
  if (b1 & 0xc0) invalid(1, 7, 'reserved');
  const usageBits = (b1 >> 3) & 3;
  if (usageBits === 1) invalid(1, 4, 'LIST ID USAGE 01b is reserved');
  const listIdUsage: ListIdUsage = usageBits === 0 ? 'hold' : usageBits === 2 ? 'discard' : 'none';
  if (listIdUsage === 'none' && list[0] !== 0) invalid(0, undefined, 'LIST ID USAGE 11b needs id 0');
  for (let i = 4; i <= 7; i++) if (list[i] !== 0) invalid(i);

  if (Math.ceil(cscdLen / CSCD_LENGTH) > limits.maxCscdCount) fail(SENSE.TOO_MANY_CSCD, at(2));
  const cscds: CscdDescriptor[] = [];
  for (let off = HEADER_LENGTH; off < HEADER_LENGTH + cscdLen; off += CSCD_LENGTH) {
    if (list[off] !== CSCD_IDENTIFICATION) fail(SENSE.UNSUPPORTED_CSCD_TYPE, at(off));
    if (off + CSCD_LENGTH > HEADER_LENGTH + cscdLen) fail(SENSE.PARAM_LIST_LENGTH, undefined, 'truncated CSCD');
    cscds.push(parseCscd(list, off));
  }

  const segStart = HEADER_LENGTH + cscdLen;
  const segEnd = segStart + segLen;
  const segments: SegmentDescriptor[] = [];
  for (let off = segStart; off < segEnd;) {
    if (segments.length === limits.maxSegmentCount) fail(SENSE.TOO_MANY_SEGMENTS, at(8));
    const type = list[off]!;
    if (!(type in SEGMENT_BODY_LENGTH)) fail(SENSE.UNSUPPORTED_SEGMENT_TYPE, at(off));
    if (off + 4 > segEnd) fail(SENSE.PARAM_LIST_LENGTH, undefined, 'truncated segment header');
    const bodyLen = get16(list, off + 2);
    if (bodyLen !== SEGMENT_BODY_LENGTH[type]) invalid(off + 2, undefined, 'descriptor length');
    if (off + 4 + bodyLen > segEnd) fail(SENSE.PARAM_LIST_LENGTH, undefined, 'truncated segment');
    segments.push(parseSegment(list, off, segments.length, cscds, limits));
    off += 4 + bodyLen;
  }
  return { listId: list[0]!, str: (b1 & 0x20) !== 0, listIdUsage, priority: b1 & 7, cscds, segments };
}

function parseCscd(b: Uint8Array, off: number): CscdDescriptor {
  const luIdType = b[off + 1]! >> 6;
  // libiscsi 1.19's ExtendedCopy.ValidTgtDescr accepts only INVALID FIELD IN CDB here
  // (later versions take 05/26/00 too): the suite wins (docs/scsi.md#check-order).
  if (luIdType !== 0) fail(SENSE.INVALID_FIELD_IN_CDB, undefined, 'only LU ID TYPE 00b (LUN) is supported');
  const pdt = b[off + 1]! & 0x1f;
  if (pdt !== 0 && pdt !== 1) invalid(off + 1, 4, 'peripheral type must be 00h or 01h');
  if (b[off + 4]! & 0xf0 || (b[off + 4]! & 0x0f) !== 1) invalid(off + 4, 3, 'code set must be binary');
  if (b[off + 5]! & 0xc0) invalid(off + 5, 7);
  const association = (b[off + 5]! >> 4) & 3;
  if (association !== 0) invalid(off + 5, 5, 'association must be the LU');
  const designatorType = b[off + 5]! & 0x0f;
  if (designatorType !== 3) invalid(off + 5, 3, 'designator type must be NAA');
  if (b[off + 6] !== 0) invalid(off + 6);
  const dlen = b[off + 7]!;
  if (dlen > 20) invalid(off + 7, undefined, 'designator longer than 20 bytes');
  for (let i = off + 8 + dlen; i < off + 28; i++) if (b[i] !== 0) invalid(i, undefined, 'designator padding');
  const d28 = b[off + 28]!;
  const blockLength = get24(b, off + 29);
  let fixed = false;
  if (pdt === 0) {
    if (d28 & ~0x04) invalid(off + 28, 7);
  } else {
    if (d28 & ~0x05) invalid(off + 28, 7);
    fixed = (d28 & 1) !== 0;
    // SPC-4 (docs/scsi.md#cscd-descriptor-e4h): FIXED=0 needs length 0 (variable), FIXED=1
    // needs length ≠ 0.
    if (fixed !== (blockLength !== 0)) invalid(off + 28, 0, 'FIXED and STREAM BLOCK LENGTH disagree');
  }
  return {
    type: 0xe4, luIdType, nul: (b[off + 1]! & 0x20) !== 0, peripheralType: pdt as 0 | 1,
    relativePortId: get16(b, off + 2), codeSet: 1, association, designatorType,
    designator: b.slice(off + 8, off + 8 + dlen), pad: (d28 & 0x04) !== 0, blockLength, fixed,
  };
}

function checkId(b: Uint8Array, at16: number): number {
  const id = get16(b, at16);
  if (id > CSCD_ID_MAX_INDEX && id !== CSCD_ID_RECEIVING_LU) invalid(at16, undefined, 'reserved CSCD ID');
  return id;
}

/** The CSCD an ID names, when the list holds it (an index past the list is 0A/0D/02 later). */
function cscdOf(cscds: readonly CscdDescriptor[], id: number): CscdDescriptor | undefined {
  return id === CSCD_ID_RECEIVING_LU ? undefined : cscds[id];
}

function parseSegment(
  b: Uint8Array, off: number, index: number, cscds: readonly CscdDescriptor[], limits: CopyLimits,
): SegmentDescriptor {
  const type = b[off]!;
  if (b[off + 1]! & 0xfc) invalid(off + 1, 7);
  const dc = (b[off + 1]! & 2) !== 0;
  const cat = (b[off + 1]! & 1) !== 0;
  // CAT = 1 asks the copy manager to hold residue; our held data limit is 0.
  if (cat) invalid(off + 1, 0, 'CAT needs held data, limit is 0');
  const src = checkId(b, off + 4);
  const dst = checkId(b, off + 6);
  const s = cscdOf(cscds, src);
  const d = cscdOf(cscds, dst);
  const common = { offset: off, dc, cat, src, dst };
  if (type === SEG_BLOCK_TO_STREAM || type === SEG_STREAM_TO_BLOCK) {
    // 00h and 01h have the same fields; 01h reads the stream and writes the disk.
    const toTape = type === SEG_BLOCK_TO_STREAM;
    const disk = toTape ? s : d, tape = toTape ? d : s;
    if (disk && disk.peripheralType !== 0) invalid(off + (toTape ? 4 : 6), undefined, `${toTape ? 'source' : 'destination'} must be a disk`);
    if (tape && tape.peripheralType !== 1) invalid(off + (toTape ? 6 : 4), undefined, `${toTape ? 'destination' : 'source'} must be a tape`);
    if (b[off + 8] !== 0) invalid(off + 8);
    if (b[off + 12] !== 0 || b[off + 13] !== 0) invalid(off + 12);
    const stl = get24(b, off + 9);
    const blocks = get16(b, off + 14);
    if (tape) {
      const record = tape.fixed ? stl * tape.blockLength : stl;
      if (stl === 0 && blocks !== 0) invalid(off + 9, undefined, 'stream transfer length 0');
      if (record > limits.maxStreamTransferSize) invalid(off + 9, undefined, 'record over the maximum');
    }
    if (disk) checkSegmentLength(blocks * disk.blockLength, off + 14, limits);
    if (disk && tape?.fixed && !tape.pad && (blocks * disk.blockLength) % tape.blockLength !== 0) {
      invalid(off + 14, undefined, 'residue in fixed-block mode without PAD');
    }
    return { ...common, type, streamTransferLength: stl, blocks, lba: get64(b, off + 16) };
  }
  if (type === SEG_BLOCK_TO_BLOCK) {
    if (s && s.peripheralType !== 0) invalid(off + 4, undefined, 'source must be a disk');
    if (d && d.peripheralType !== 0) invalid(off + 6, undefined, 'destination must be a disk');
    if (b[off + 8] !== 0 || b[off + 9] !== 0) invalid(off + 8);
    const blocks = get16(b, off + 10);
    const unit = dc ? d?.blockLength : s?.blockLength;
    if (unit !== undefined) checkSegmentLength(blocks * unit, off + 10, limits);
    return { ...common, type: 0x02, blocks, srcLba: get64(b, off + 12), dstLba: get64(b, off + 20) };
  }
  // C0h split-and-copy: must come first and name two disks (docs/scsi.md).
  if (index !== 0) invalid(off, undefined, 'split-and-copy must be the first segment');
  if (dc) invalid(off + 1, 1);
  if (s && s.peripheralType !== 0) invalid(off + 4, undefined, 'P-VOL must be a disk');
  if (d && d.peripheralType !== 0) invalid(off + 6, undefined, 'S-VOL must be a disk');
  if (b[off + 8]! & 0xfc) invalid(off + 8, 7);
  if (b[off + 9]! & 0xfe) invalid(off + 9, 7);
  for (let i = off + 11; i < off + 20; i++) if (b[i] !== 0) invalid(i);
  return { ...common, type: 0xc0, mode: SPLIT_MODES[b[off + 8]! & 3]!, early: (b[off + 9]! & 1) === 1, pair: b[off + 10]! };
}

function checkSegmentLength(bytes: number, field: number, limits: CopyLimits): void {
  if (bytes > limits.maxSegmentLength) invalid(field, undefined, 'segment longer than MAXIMUM SEGMENT LENGTH');
}
