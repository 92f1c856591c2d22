/**
 * RECEIVE COPY RESULTS (84h) data-in, service actions 00h COPY STATUS, 03h OPERATING
 * PARAMETERS and 04h FAILED SEGMENT DETAILS (docs/scsi.md#receive-copy-results; SPC-3 6.17).
 * Pure encoders and decoders; copy-manager.ts decides what to report.
 */
import { get16, get32, put16, put32 } from './bytes.ts';
import { type CopyLimits, IMPLEMENTED_DESCRIPTORS } from './copy-limits.ts';

export type CopyState = 'in progress' | 'completed' | 'completed with errors';
const STATE_CODE: Record<CopyState, number> = { 'in progress': 0, completed: 1, 'completed with errors': 2 };

export interface CopyStatus {
  state: CopyState;
  /** HDD: held data discarded. */
  heldDataDiscarded: boolean;
  segmentsProcessed: number;
  /** Transfer count in bytes; encoded in the smallest unit that fits 32 bits. */
  bytes: number;
}

/** Units byte 7: 00h bytes, 01h KiB, 02h MiB, 03h GiB, 04h TiB (SPC-3 table 121). */
export function encodeCopyStatus(s: CopyStatus): Uint8Array {
  const b = new Uint8Array(12);
  put32(b, 0, 8);
  b[4] = (s.heldDataDiscarded ? 0x80 : 0) | STATE_CODE[s.state];
  put16(b, 5, Math.min(s.segmentsProcessed, 0xffff));
  let units = 0;
  let count = s.bytes;
  while (count > 0xffffffff && units < 4) { count = Math.floor(count / 1024); units++; }
  b[7] = units;
  put32(b, 8, Math.min(count, 0xffffffff));
  return b;
}

export function decodeCopyStatus(b: Uint8Array): CopyStatus & { units: number; count: number } {
  const code = b[4]! & 0x7f;
  const state = (Object.keys(STATE_CODE) as CopyState[]).find((k) => STATE_CODE[k] === code) ?? 'in progress';
  const units = b[7] ?? 0;
  const count = get32(b, 8);
  return {
    state, heldDataDiscarded: (b[4]! & 0x80) !== 0, segmentsProcessed: get16(b, 5),
    units, count, bytes: units <= 4 ? count * 1024 ** units : count,
  };
}

export interface OperatingParameters {
  snlid: boolean;
  maxCscdCount: number;
  maxSegmentCount: number;
  maxDescriptorListLength: number;
  maxSegmentLength: number;
  maxInlineDataLength: number;
  heldDataLimit: number;
  maxStreamTransferSize: number;
  totalConcurrentCopies: number;
  maxConcurrentCopies: number;
  dataSegmentGranularity: number;
  inlineDataGranularity: number;
  heldDataGranularity: number;
  implementedDescriptors: number[];
}

/** SNLID = 1: the copy manager supports LIST ID USAGE 11b (no list identifier). */
export function encodeOperatingParameters(l: CopyLimits): Uint8Array {
  const n = IMPLEMENTED_DESCRIPTORS.length;
  const b = new Uint8Array(44 + n);
  put32(b, 0, b.length - 4);
  b[4] = 0x01;
  put16(b, 8, l.maxCscdCount);
  put16(b, 10, l.maxSegmentCount);
  put32(b, 12, l.maxDescriptorListLength);
  put32(b, 16, l.maxSegmentLength);
  put32(b, 20, l.maxInlineDataLength);
  put32(b, 24, l.heldDataLimit);
  put32(b, 28, l.maxStreamTransferSize);
  put16(b, 34, l.totalConcurrentCopies);
  b[36] = l.maxConcurrentCopies;
  b[37] = l.dataSegmentGranularity;
  b[38] = l.inlineDataGranularity;
  b[39] = l.heldDataGranularity;
  b[43] = n;
  b.set(IMPLEMENTED_DESCRIPTORS, 44);
  return b;
}

export function decodeOperatingParameters(b: Uint8Array): OperatingParameters {
  return {
    snlid: (b[4]! & 1) === 1,
    maxCscdCount: get16(b, 8),
    maxSegmentCount: get16(b, 10),
    maxDescriptorListLength: get32(b, 12),
    maxSegmentLength: get32(b, 16),
    maxInlineDataLength: get32(b, 20),
    heldDataLimit: get32(b, 24),
    maxStreamTransferSize: get32(b, 28),
    totalConcurrentCopies: get16(b, 34),
    maxConcurrentCopies: b[36] ?? 0,
    dataSegmentGranularity: b[37] ?? 0,
    inlineDataGranularity: b[38] ?? 0,
    heldDataGranularity: b[39] ?? 0,
    implementedDescriptors: Array.from(b.subarray(44, 44 + (b[43] ?? 0))),
  };
}

export interface FailedSegmentDetails {
  /** The EXTENDED COPY's status byte (02h CHECK CONDITION). */
  commandStatus: number;
  sense: Uint8Array;
}

/** 04h: available data 0 when there is nothing to report (docs/scsi.md#receive-copy-results). */
export function encodeFailedSegment(d: FailedSegmentDetails | null): Uint8Array {
  if (!d) return new Uint8Array(4);
  const b = new Uint8Array(60 + d.sense.length);
  put32(b, 0, b.length - 4);
  b[56] = d.commandStatus;
  put16(b, 58, d.sense.length);
  b.set(d.sense, 60);
  return b;
}

export function decodeFailedSegment(b: Uint8Array): FailedSegmentDetails | null {
  if (get32(b, 0) === 0) return null;
  const len = get16(b, 58);
  return { commandStatus: b[56] ?? 0, sense: b.slice(60, 60 + len) };
}
