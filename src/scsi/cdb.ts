/**
 * Decoding and field validation of every CDB the target accepts (docs/scsi.md).
 * Each decoder checks the fields it does not implement are zero and throws ScsiError
 * 05/24/00 with a field pointer at the first bad one (docs/scsi.md#sense-codes); an opcode
 * we do not implement is 05/20/00, as is an unsupported service action (EXTENDED COPY LID4,
 * docs/scsi.md#extended-copy-lid1).
 * Encoders for the same CDBs are here too: tests, the UI's hex view and scripted
 * initiators build their bytes with them.
 */
import { get16, get32, get64, put16, put32, put64 } from './bytes.ts';
import { SENSE, fail } from './sense.ts';
import { PAIR_OPCODE, type PairCdb, decodePairCdb } from './pair-cdb.ts';

export const OP = {
  TEST_UNIT_READY: 0x00,
  REWIND: 0x01,
  REQUEST_SENSE: 0x03,
  READ_6: 0x08,
  SPACE_6: 0x11,
  INQUIRY: 0x12,
  MODE_SENSE_6: 0x1a,
  READ_CAPACITY_10: 0x25,
  SYNCHRONIZE_CACHE_10: 0x35,
  MODE_SENSE_10: 0x5a,
  PERSISTENT_RESERVE_IN: 0x5e,
  SYNCHRONIZE_CACHE_16: 0x91,
  READ_10: 0x28,
  WRITE_10: 0x2a,
  EXTENDED_COPY: 0x83,
  RECEIVE_COPY_RESULTS: 0x84,
  READ_16: 0x88,
  READ_12: 0xa8,
  WRITE_12: 0xaa,
  WRITE_16: 0x8a,
  SERVICE_ACTION_IN_16: 0x9e,
  REPORT_LUNS: 0xa0,
  PAIR_OPERATION: PAIR_OPCODE,
} as const;

/** SERVICE ACTION IN(16) 10h: READ CAPACITY(16) (SBC-3 5.16). */
export const SA_READ_CAPACITY_16 = 0x10;
/** RECEIVE COPY RESULTS service actions we implement (docs/scsi.md#receive-copy-results). */
export const RCR_SA = { COPY_STATUS: 0x00, OPERATING_PARAMETERS: 0x03, FAILED_SEGMENT: 0x04 } as const;

export type Cdb =
  | { op: 'TEST UNIT READY' }
  | { op: 'REQUEST SENSE'; allocationLength: number }
  | { op: 'INQUIRY'; evpd: boolean; pageCode: number; allocationLength: number }
  | { op: 'READ CAPACITY(10)' }
  | { op: 'READ CAPACITY(16)'; allocationLength: number }
  | { op: 'READ' | 'WRITE'; lba: bigint; blocks: number; size: 10 | 12 | 16 }
  | { op: 'MODE SENSE'; ten: boolean; dbd: boolean; pageControl: number; pageCode: number; subpage: number; allocationLength: number }
  | { op: 'SYNCHRONIZE CACHE'; lba: bigint; blocks: number; size: 10 | 16 }
  | { op: 'PERSISTENT RESERVE IN'; serviceAction: number; allocationLength: number }
  | { op: 'REPORT LUNS'; selectReport: number; allocationLength: number }
  | { op: 'EXTENDED COPY'; parameterListLength: number }
  | { op: 'RECEIVE COPY RESULTS'; serviceAction: number; listId: number; allocationLength: number }
  | { op: 'REWIND' }
  | { op: 'SPACE(6)'; code: 'blocks' | 'filemarks'; count: number }
  | { op: 'READ(6)'; sili: boolean; transferLength: number }
  | PairCdb;

/** CDB length by opcode group (SPC-4 4.3.5.1); vendor groups 6–7 are ours: 16 bytes. */
export function cdbLength(opcode: number): number {
  const group = opcode >> 5;
  return [6, 10, 10, 0, 16, 12, 16, 16][group]!;
}

const bad = (byte: number, bit?: number): never =>
  fail(SENSE.INVALID_FIELD_IN_CDB, bit === undefined ? { cdb: true, byte } : { cdb: true, byte, bit });

function zero(cdb: Uint8Array, from: number, to: number): void {
  for (let i = from; i <= to; i++) if (cdb[i] !== 0) bad(i);
}

export function decodeCdb(cdb: Uint8Array): Cdb {
  if (cdb.length === 0) fail(SENSE.INVALID_OPCODE, { cdb: true, byte: 0 }, 'empty CDB');
  const opcode = cdb[0]!;
  if (!(Object.values(OP) as number[]).includes(opcode)) {
    fail(SENSE.INVALID_OPCODE, { cdb: true, byte: 0 });
  }
  const len = cdbLength(opcode);
  if (cdb.length < len) bad(cdb.length, undefined);
  // CONTROL: NACA (bit 2) and LINK (bit 0) are not supported (SAM-5 5.2).
  const control = cdb[len - 1]!;
  if (control & 0x04) bad(len - 1, 2);
  if (control & 0x01) bad(len - 1, 0);
  switch (opcode) {
    case OP.TEST_UNIT_READY:
      zero(cdb, 1, 4);
      return { op: 'TEST UNIT READY' };
    // The tape LU's SSC-3 subset (docs/scsi.md "The tape LU"): positioning and variable-block reads.
    case OP.REWIND:
      if (cdb[1]! & 0x01) bad(1, 0); // IMMED: we answer when the tape is rewound anyway
      zero(cdb, 2, 4);
      return { op: 'REWIND' };
    case OP.SPACE_6: {
      const code = cdb[1]! & 0x0f;
      if (cdb[1]! & 0xf0) bad(1, 7);
      if (code > 1) bad(1, 3); // sequential filemarks, end of data, setmarks: not here
      // COUNT is a signed 24-bit number; spacing backwards is not supported.
      const count = (cdb[2]! << 16) | (cdb[3]! << 8) | cdb[4]!;
      if (count & 0x800000) bad(2);
      return { op: 'SPACE(6)', code: code === 0 ? 'blocks' : 'filemarks', count };
    }
    case OP.READ_6:
      if (cdb[1]! & 0x01) bad(1, 0); // FIXED: this tape reads variable blocks only
      if (cdb[1]! & 0xfc) bad(1, 7);
      return { op: 'READ(6)', sili: (cdb[1]! & 0x02) !== 0, transferLength: (cdb[2]! << 16) | (cdb[3]! << 8) | cdb[4]! };
    case OP.REQUEST_SENSE:
      // DESC = 1 asks for descriptor-format sense; we only produce fixed format 70h.
      if (cdb[1]! & 0x01) bad(1, 0);
      zero(cdb, 2, 3);
      return { op: 'REQUEST SENSE', allocationLength: cdb[4]! };
    case OP.INQUIRY: {
      if (cdb[1]! & 0xfe) bad(1, 1); // CMDDT (obsolete) and reserved bits
      const evpd = (cdb[1]! & 1) === 1;
      if (!evpd && cdb[2] !== 0) bad(2);
      return { op: 'INQUIRY', evpd, pageCode: cdb[2]!, allocationLength: get16(cdb, 3) };
    }
    case OP.MODE_SENSE_6: case OP.MODE_SENSE_10: {
      const ten = opcode === OP.MODE_SENSE_10;
      if (cdb[1]! & (ten ? 0xe7 : 0xf7)) bad(1, 7); // only DBD (and LLBAA in the 10-byte form)
      if (ten) zero(cdb, 4, 6);
      return {
        op: 'MODE SENSE', ten, dbd: (cdb[1]! & 0x08) !== 0, pageControl: cdb[2]! >> 6, pageCode: cdb[2]! & 0x3f,
        subpage: cdb[3]!, allocationLength: ten ? get16(cdb, 7) : cdb[4]!,
      };
    }
    case OP.SYNCHRONIZE_CACHE_10: case OP.SYNCHRONIZE_CACHE_16: {
      // IMMED (bit 1) is allowed: we answer when done either way (SBC-3 5.22).
      if (cdb[1]! & 0xf9) bad(1, 7);
      return opcode === OP.SYNCHRONIZE_CACHE_10
        ? { op: 'SYNCHRONIZE CACHE', lba: BigInt(get32(cdb, 2)), blocks: get16(cdb, 7), size: 10 }
        : { op: 'SYNCHRONIZE CACHE', lba: get64(cdb, 2), blocks: get32(cdb, 10), size: 16 };
    }
    case OP.PERSISTENT_RESERVE_IN: {
      // READ KEYS and READ RESERVATION only: nothing is ever registered (no PERSISTENT
      // RESERVE OUT), which is what an initiator asks before it cleans up (libiscsi's setup).
      const sa = cdb[1]! & 0x1f;
      if (sa > 1) bad(1, 4);
      zero(cdb, 2, 6);
      return { op: 'PERSISTENT RESERVE IN', serviceAction: sa, allocationLength: get16(cdb, 7) };
    }
    case OP.READ_CAPACITY_10:
      zero(cdb, 1, 1);
      // SBC-3: with PMI = 0 the LOGICAL BLOCK ADDRESS shall be zero.
      if ((cdb[8]! & 1) === 0) zero(cdb, 2, 5);
      zero(cdb, 6, 7);
      if (cdb[8]! & 0xfe) bad(8, 1);
      return { op: 'READ CAPACITY(10)' };
    case OP.SERVICE_ACTION_IN_16:
      if ((cdb[1]! & 0x1f) !== SA_READ_CAPACITY_16) fail(SENSE.INVALID_OPCODE, { cdb: true, byte: 1, bit: 4 });
      if (cdb[1]! & 0xe0) bad(1, 7);
      if ((cdb[14]! & 1) === 0) zero(cdb, 2, 9);
      return { op: 'READ CAPACITY(16)', allocationLength: get32(cdb, 10) };
    case OP.READ_10: case OP.WRITE_10: case OP.READ_12: case OP.WRITE_12: case OP.READ_16: case OP.WRITE_16: {
      // RDPROTECT/WRPROTECT need protection information, which these LUs do not have.
      if (cdb[1]! & 0xe0) bad(1, 7);
      const op = opcode === OP.READ_10 || opcode === OP.READ_12 || opcode === OP.READ_16 ? 'READ' : 'WRITE';
      if (opcode === OP.READ_10 || opcode === OP.WRITE_10) return { op, lba: BigInt(get32(cdb, 2)), blocks: get16(cdb, 7), size: 10 };
      if (opcode === OP.READ_12 || opcode === OP.WRITE_12) return { op, lba: BigInt(get32(cdb, 2)), blocks: get32(cdb, 6), size: 12 };
      return { op, lba: get64(cdb, 2), blocks: get32(cdb, 10), size: 16 };
    }
    case OP.REPORT_LUNS: {
      if (cdb[2]! > 0x02) bad(2);
      const allocationLength = get32(cdb, 6);
      // SPC-4 6.33: an allocation length under 16 is an invalid field.
      if (allocationLength < 16) bad(6);
      return { op: 'REPORT LUNS', selectReport: cdb[2]!, allocationLength };
    }
    case OP.EXTENDED_COPY:
      if ((cdb[1]! & 0x1f) !== 0x00) fail(SENSE.INVALID_OPCODE, { cdb: true, byte: 1, bit: 4 }, 'only LID1');
      zero(cdb, 2, 9);
      return { op: 'EXTENDED COPY', parameterListLength: get32(cdb, 10) };
    case OP.RECEIVE_COPY_RESULTS: {
      const sa = cdb[1]! & 0x1f;
      if (sa !== RCR_SA.COPY_STATUS && sa !== RCR_SA.OPERATING_PARAMETERS && sa !== RCR_SA.FAILED_SEGMENT) {
        fail(SENSE.INVALID_OPCODE, { cdb: true, byte: 1, bit: 4 });
      }
      zero(cdb, 3, 9);
      return { op: 'RECEIVE COPY RESULTS', serviceAction: sa, listId: cdb[2]!, allocationLength: get32(cdb, 10) };
    }
    default:
      return decodePairCdb(cdb);
  }
}

/**
 * The same READ or WRITE (10 or 16) moving only `blocks` blocks, or null for any other
 * CDB: a transport whose initiator expects less data than the CDB asks for moves only
 * what it expects (iSCSI residual overflow, RFC 7143 §11.4.5.2).
 */
export function withTransferBlocks(cdb: Uint8Array, blocks: number): Uint8Array | null {
  const op = cdb[0];
  const out = cdb.slice();
  if ((op === OP.READ_10 || op === OP.WRITE_10) && cdb.length >= 10) put16(out, 7, blocks);
  else if ((op === OP.READ_12 || op === OP.WRITE_12) && cdb.length >= 12) put32(out, 6, blocks);
  else if ((op === OP.READ_16 || op === OP.WRITE_16) && cdb.length >= 16) put32(out, 10, blocks);
  else return null;
  return out;
}

// ---- encoders (what an initiator sends) ----

export function inquiryCdb(evpd: boolean, pageCode = 0, allocationLength = 255): Uint8Array {
  const b = new Uint8Array(6);
  b[0] = OP.INQUIRY; b[1] = evpd ? 1 : 0; b[2] = pageCode; put16(b, 3, allocationLength);
  return b;
}

export function simpleCdb(op: 'TEST UNIT READY' | 'READ CAPACITY(10)'): Uint8Array {
  const b = new Uint8Array(op === 'TEST UNIT READY' ? 6 : 10);
  b[0] = op === 'TEST UNIT READY' ? OP.TEST_UNIT_READY : OP.READ_CAPACITY_10;
  return b;
}

export function requestSenseCdb(allocationLength = 18): Uint8Array {
  return Uint8Array.of(OP.REQUEST_SENSE, 0, 0, 0, allocationLength, 0);
}

export function readCapacity16Cdb(allocationLength = 32): Uint8Array {
  const b = new Uint8Array(16);
  b[0] = OP.SERVICE_ACTION_IN_16; b[1] = SA_READ_CAPACITY_16; put32(b, 10, allocationLength);
  return b;
}

export function rwCdb(op: 'READ' | 'WRITE', lba: number | bigint, blocks: number, size: 10 | 16 = 10): Uint8Array {
  if (size === 10) {
    const b = new Uint8Array(10);
    b[0] = op === 'READ' ? OP.READ_10 : OP.WRITE_10; put32(b, 2, Number(lba)); put16(b, 7, blocks);
    return b;
  }
  const b = new Uint8Array(16);
  b[0] = op === 'READ' ? OP.READ_16 : OP.WRITE_16; put64(b, 2, lba); put32(b, 10, blocks);
  return b;
}

export function reportLunsCdb(allocationLength = 256): Uint8Array {
  const b = new Uint8Array(12);
  b[0] = OP.REPORT_LUNS; put32(b, 6, allocationLength);
  return b;
}

export function extendedCopyCdb(parameterListLength: number): Uint8Array {
  const b = new Uint8Array(16);
  b[0] = OP.EXTENDED_COPY; put32(b, 10, parameterListLength);
  return b;
}

export function receiveCopyResultsCdb(serviceAction: number, listId = 0, allocationLength = 1024): Uint8Array {
  const b = new Uint8Array(16);
  b[0] = OP.RECEIVE_COPY_RESULTS; b[1] = serviceAction & 0x1f; b[2] = listId; put32(b, 10, allocationLength);
  return b;
}

/** REWIND (SSC-3 7.6). */
export function rewindCdb(): Uint8Array {
  return Uint8Array.of(OP.REWIND, 0, 0, 0, 0, 0);
}

/** SPACE(6) over `count` filemarks or blocks, forward (SSC-3 7.8). */
export function space6Cdb(code: 'blocks' | 'filemarks', count: number): Uint8Array {
  return Uint8Array.of(OP.SPACE_6, code === 'blocks' ? 0 : 1, (count >> 16) & 0xff, (count >> 8) & 0xff, count & 0xff, 0);
}

/** READ(6) of one variable-length block of at most `transferLength` bytes (SSC-3 7.4). */
export function read6Cdb(transferLength: number, sili = true): Uint8Array {
  return Uint8Array.of(OP.READ_6, sili ? 0x02 : 0, (transferLength >> 16) & 0xff, (transferLength >> 8) & 0xff, transferLength & 0xff, 0);
}
