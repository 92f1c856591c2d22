/**
 * iSCSI PDUs (RFC 7143 §11): the 48-byte Basic Header Segment, additional header
 * segments, and the data segment padded to a multiple of 4 bytes. No digests: this target
 * negotiates HeaderDigest=None and DataDigest=None only (docs/iscsi.md).
 *
 * PduReader frames a TCP byte stream into PDUs whatever the reads' boundaries (a PDU split
 * over many reads, or many PDUs in one), and refuses a header that announces more than the
 * receiver takes (MaxRecvDataSegmentLength), so a hostile length cannot make it buffer
 * without bound: the connection then closes (RFC 7143 §7.14: a format error).
 */
import { get16, get24, get32, put16, put24, put32 } from '../scsi/bytes.ts';

export const BHS_LENGTH = 48;

/** Opcodes (RFC 7143 §11.2.1.2): initiator → target, then target → initiator. */
export const OP = {
  NOP_OUT: 0x00, SCSI_COMMAND: 0x01, TASK_MGMT_REQUEST: 0x02, LOGIN_REQUEST: 0x03, TEXT_REQUEST: 0x04,
  DATA_OUT: 0x05, LOGOUT_REQUEST: 0x06, SNACK_REQUEST: 0x10,
  NOP_IN: 0x20, SCSI_RESPONSE: 0x21, TASK_MGMT_RESPONSE: 0x22, LOGIN_RESPONSE: 0x23, TEXT_RESPONSE: 0x24,
  DATA_IN: 0x25, LOGOUT_RESPONSE: 0x26, R2T: 0x31, ASYNC_MESSAGE: 0x32, REJECT: 0x3f,
} as const;

/** Reject reasons (RFC 7143 §11.17.1). */
export const REJECT = {
  DATA_DIGEST: 0x02, SNACK: 0x03, PROTOCOL_ERROR: 0x04, COMMAND_NOT_SUPPORTED: 0x05,
  IMMEDIATE_COMMAND: 0x06, TASK_IN_PROGRESS: 0x07, INVALID_DATA_ACK: 0x08, INVALID_PDU_FIELD: 0x09,
  LONG_OPERATION: 0x0a, WAITING_FOR_LOGOUT: 0x0c,
} as const;

/** "No tag": an ITT or TTT of FFFFFFFFh (RFC 7143 §11.18, §11.19). */
export const RESERVED_TAG = 0xffffffff;

/** A whole PDU: its header (BHS), its additional header segments, its data (unpadded). */
export interface Pdu {
  readonly bhs: Uint8Array;
  readonly ahs: Uint8Array;
  readonly data: Uint8Array;
}

export const opcodeOf = (bhs: Uint8Array): number => bhs[0]! & 0x3f;
export const isImmediate = (bhs: Uint8Array): boolean => (bhs[0]! & 0x40) !== 0;
/** The F (final) bit, bit 7 of byte 1, in every PDU that has one. */
export const isFinal = (bhs: Uint8Array): boolean => (bhs[1]! & 0x80) !== 0;
export const dataSegmentLength = (bhs: Uint8Array): number => get24(bhs, 5);
export const u32 = get32;
export const u16 = get16;
export const set32 = put32;
export const set16 = put16;

/** A fresh BHS with opcode, byte 1 flags and the ITT set. */
export function newBhs(opcode: number, flags: number, itt: number): Uint8Array {
  const b = new Uint8Array(BHS_LENGTH);
  b[0] = opcode;
  b[1] = flags;
  put32(b, 16, itt >>> 0);
  return b;
}

/** Bytes of padding after a segment of n bytes. */
export const pad4 = (n: number): number => (4 - (n & 3)) & 3;

/**
 * The PDU as the chunks a socket writes in order (header, data, padding): the data is
 * not copied, so a 256 KiB Data-In costs one header allocation. Sets DataSegmentLength.
 */
export function encodePdu(bhs: Uint8Array, data?: Uint8Array): Uint8Array[] {
  const n = data?.length ?? 0;
  if (n > 0xffffff) throw new RangeError(`data segment of ${n} bytes exceeds 24 bits`);
  bhs[4] = 0; // no AHS from the target
  put24(bhs, 5, n);
  if (!data || n === 0) return [bhs];
  const p = pad4(n);
  return p === 0 ? [bhs, data] : [bhs, data, new Uint8Array(p)];
}

/** The same, as one buffer (tests, fuzzing). */
export function encodePduBytes(bhs: Uint8Array, data?: Uint8Array): Uint8Array {
  const parts = encodePdu(bhs, data);
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/**
 * LUN field (SAM-5 4.7, the 8 bytes at BHS 8–15) → LUN, or -1 for an addressing method
 * this target has no LU for. Peripheral device addressing for 0–255, flat space beyond.
 */
export function decodeLun(bhs: Uint8Array): number {
  const method = bhs[8]! >> 6;
  for (let i = 10; i < 16; i++) if (bhs[i] !== 0) return -1;
  if (method === 0) return bhs[8] === 0 ? bhs[9]! : -1;
  if (method === 1) return ((bhs[8]! & 0x3f) << 8) | bhs[9]!;
  return -1;
}

export function encodeLun(bhs: Uint8Array, lun: number): void {
  bhs.fill(0, 8, 16);
  if (lun < 256) { bhs[9] = lun; return; }
  bhs[8] = 0x40 | ((lun >> 8) & 0x3f);
  bhs[9] = lun & 0xff;
}

/** A stream that is not a valid sequence of PDUs; the connection cannot continue. */
export class PduFormatError extends Error {
  constructor(why: string) { super(why); this.name = 'PduFormatError'; }
}

export class PduReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;

  /** maxData: the largest data segment accepted (our MaxRecvDataSegmentLength). */
  constructor(public maxData: number) {}

  /** Bytes received but not yet part of a whole PDU. */
  get pending(): number { return this.buffered; }

  /** Adds bytes from the socket; returns the PDUs they complete, in order. */
  push(chunk: Uint8Array): Pdu[] {
    if (chunk.length > 0) { this.chunks.push(chunk); this.buffered += chunk.length; }
    const out: Pdu[] = [];
    for (;;) {
      if (this.buffered < BHS_LENGTH) return out;
      const bhs = this.peek(BHS_LENGTH);
      const ahsLen = bhs[4]! * 4;
      const dsl = get24(bhs, 5);
      if (dsl > this.maxData) {
        throw new PduFormatError(`data segment of ${dsl} bytes, more than the ${this.maxData} this side receives`);
      }
      const total = BHS_LENGTH + ahsLen + dsl + pad4(dsl);
      if (this.buffered < total) return out;
      const all = this.take(total);
      out.push({
        bhs: all.subarray(0, BHS_LENGTH),
        ahs: all.subarray(BHS_LENGTH, BHS_LENGTH + ahsLen),
        data: all.subarray(BHS_LENGTH + ahsLen, BHS_LENGTH + ahsLen + dsl),
      });
    }
  }

  /** The first n buffered bytes, joined (a copy only when they span chunks). */
  private peek(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    const b = new Uint8Array(n);
    let o = 0;
    for (const c of this.chunks) {
      const k = Math.min(c.length, n - o);
      b.set(c.subarray(0, k), o);
      o += k;
      if (o === n) break;
    }
    return b;
  }

  private take(n: number): Uint8Array {
    const first = this.chunks[0]!;
    let out: Uint8Array;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift(); else this.chunks[0] = first.subarray(n);
    } else {
      out = new Uint8Array(n);
      let o = 0;
      while (o < n) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length, n - o);
        out.set(c.subarray(0, k), o);
        o += k;
        if (k === c.length) this.chunks.shift(); else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= n;
    return out;
  }
}

/** Serial number arithmetic on 32 bits (RFC 1982, RFC 7143 §4.2.2.1): a < b. */
export function snLess(a: number, b: number): boolean {
  const d = (b - a) >>> 0;
  return d !== 0 && d < 0x80000000;
}

/** a ≤ b in serial arithmetic. */
export const snLessEq = (a: number, b: number): boolean => (a >>> 0) === (b >>> 0) || snLess(a, b);

/** a + n modulo 2^32. */
export const snAdd = (a: number, n: number): number => (a + n) >>> 0;
