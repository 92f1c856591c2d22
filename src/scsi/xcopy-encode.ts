/**
 * Builds EXTENDED COPY (LID1) parameter lists from typed descriptors (the layouts of
 * docs/scsi.md#parameter-list-header, #cscd-descriptor-e4h and #segment-descriptors):
 * used by tests, the UI's hex view, the wire's scripted initiators, and the backup server
 * role 102. parseXcopyParams(encodeXcopyParams(p)) returns p (round-trip tested).
 */
import { put16, put24, put32, put64 } from './bytes.ts';
import { CSCD_IDENTIFICATION } from './copy-limits.ts';
import {
  CSCD_LENGTH, HEADER_LENGTH, SEGMENT_BODY_LENGTH, SPLIT_MODES,
  type CscdDescriptor, type ListIdUsage, type SegmentDescriptor, type SplitMode,
} from './xcopy-types.ts';

type Omit2<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type SegmentInput = Omit2<SegmentDescriptor, 'offset' | 'dc' | 'cat'> & { dc?: boolean; cat?: boolean };

export interface CscdInput {
  peripheralType: 0 | 1;
  designator: Uint8Array;
  /** Disk block length, or tape stream block length (fixed mode). */
  blockLength?: number;
  fixed?: boolean;
  pad?: boolean;
  nul?: boolean;
  luIdType?: number;
  relativePortId?: number;
  /** Raw overrides for negative tests: code set, association, designator type. */
  codeSet?: number;
  association?: number;
  designatorType?: number;
}

export interface PlanInput {
  listId: number;
  listIdUsage?: ListIdUsage;
  str?: boolean;
  priority?: number;
  cscds: readonly (CscdInput | CscdDescriptor)[];
  segments: readonly SegmentInput[];
  inlineData?: Uint8Array;
}

const USAGE_BITS: Record<ListIdUsage, number> = { hold: 0, discard: 2, none: 3 };

export function encodeCscd(c: CscdInput): Uint8Array {
  const b = new Uint8Array(CSCD_LENGTH);
  b[0] = CSCD_IDENTIFICATION;
  b[1] = ((c.luIdType ?? 0) << 6) | (c.nul ? 0x20 : 0) | c.peripheralType;
  put16(b, 2, c.relativePortId ?? 0);
  b[4] = c.codeSet ?? 1;
  b[5] = ((c.association ?? 0) << 4) | (c.designatorType ?? 3);
  b[7] = c.designator.length;
  b.set(c.designator.subarray(0, 20), 8);
  b[28] = (c.pad ? 0x04 : 0) | (c.fixed ? 0x01 : 0);
  put24(b, 29, c.blockLength ?? 0);
  return b;
}

export function encodeSegment(s: SegmentInput): Uint8Array {
  const body = SEGMENT_BODY_LENGTH[s.type]!;
  const b = new Uint8Array(4 + body);
  b[0] = s.type;
  b[1] = (s.dc ? 2 : 0) | (s.cat ? 1 : 0);
  put16(b, 2, body);
  put16(b, 4, s.src);
  put16(b, 6, s.dst);
  switch (s.type) {
    case 0x00:
    case 0x01:
      put24(b, 9, s.streamTransferLength);
      put16(b, 14, s.blocks);
      put64(b, 16, s.lba);
      break;
    case 0x02:
      put16(b, 10, s.blocks);
      put64(b, 12, s.srcLba);
      put64(b, 20, s.dstLba);
      break;
    case 0xc0:
      b[8] = SPLIT_MODES.indexOf(s.mode as SplitMode);
      b[9] = s.early ? 1 : 0;
      b[10] = s.pair;
      break;
  }
  return b;
}

export function encodeXcopyParams(p: PlanInput): Uint8Array {
  const cscds = p.cscds.map(encodeCscd);
  const segs = p.segments.map(encodeSegment);
  const inline = p.inlineData ?? new Uint8Array(0);
  const cscdLen = cscds.length * CSCD_LENGTH;
  const segLen = segs.reduce((a, s) => a + s.length, 0);
  const out = new Uint8Array(HEADER_LENGTH + cscdLen + segLen + inline.length);
  out[0] = p.listId;
  out[1] = (p.str ? 0x20 : 0) | (USAGE_BITS[p.listIdUsage ?? 'hold'] << 3) | ((p.priority ?? 0) & 7);
  put16(out, 2, cscdLen);
  put32(out, 8, segLen);
  put32(out, 12, inline.length);
  let off = HEADER_LENGTH;
  for (const c of cscds) { out.set(c, off); off += c.length; }
  for (const s of segs) { out.set(s, off); off += s.length; }
  out.set(inline, off);
  return out;
}
