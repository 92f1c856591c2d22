/**
 * Fixed-format sense data (response code 70h) and the sense codes of the copy path
 * (docs/scsi.md#sense-codes). One builder and one decoder so that the bytes the wire sends
 * and the fields the UI shows can never disagree.
 *
 * Layout (SPC-4 4.5.3): 0 = 70h (F0h when INFORMATION is valid); 2 = sense key;
 * 3–6 INFORMATION; 7 = 0Ah additional length; 8–11 COMMAND-SPECIFIC INFORMATION (for
 * COPY ABORTED the failing segment number in 10–11); 12 ASC; 13 ASCQ;
 * 15–17 sense-key specific: bit 7 SKSV, bit 6 C/D (1 = the field is in the CDB, 0 = in
 * the parameter list), bit 3 BPV, bits 2–0 bit pointer, 16–17 field pointer.
 */
import { get16, get32, put16, put32 } from './bytes.ts';

export interface SenseCode {
  readonly key: number;
  readonly asc: number;
  readonly ascq: number;
}

export const SENSE_KEY = {
  NO_SENSE: 0x0,
  NOT_READY: 0x2,
  MEDIUM_ERROR: 0x3,
  HARDWARE_ERROR: 0x4,
  ILLEGAL_REQUEST: 0x5,
  UNIT_ATTENTION: 0x6,
  COPY_ABORTED: 0xa,
  ABORTED_COMMAND: 0xb,
} as const;

const code = (key: number, asc: number, ascq: number): SenseCode => ({ key, asc, ascq });

/** The codes of docs/scsi.md#sense-codes, plus the few generic ones every target needs. */
export const SENSE = {
  NONE: code(0x0, 0x00, 0x00),
  INVALID_OPCODE: code(0x5, 0x20, 0x00),
  LBA_OUT_OF_RANGE: code(0x5, 0x21, 0x00),
  INVALID_FIELD_IN_CDB: code(0x5, 0x24, 0x00),
  LU_NOT_SUPPORTED: code(0x5, 0x25, 0x00),
  PARAM_LIST_LENGTH: code(0x5, 0x1a, 0x00),
  INVALID_FIELD_IN_PARAM: code(0x5, 0x26, 0x00),
  TOO_MANY_CSCD: code(0x5, 0x26, 0x06),
  UNSUPPORTED_CSCD_TYPE: code(0x5, 0x26, 0x07),
  TOO_MANY_SEGMENTS: code(0x5, 0x26, 0x08),
  UNSUPPORTED_SEGMENT_TYPE: code(0x5, 0x26, 0x09),
  INLINE_DATA_EXCEEDED: code(0x5, 0x26, 0x0b),
  OPERATION_IN_PROGRESS: code(0x5, 0x00, 0x16),
  TARGET_NOT_REACHABLE: code(0xa, 0x0d, 0x02),
  THIRD_PARTY_DEVICE_FAILURE: code(0xa, 0x0d, 0x01),
  /**
   * 2F/02 COMMANDS CLEARED BY DEVICE SERVER (SPC-4): the device server itself ended the
   * command, here a copy whose S-VOL stopped being a frozen image (a pair command changed it).
   */
  COMMANDS_CLEARED_BY_DEVICE_SERVER: code(0xa, 0x2f, 0x02),
  /**
   * 29/04 DEVICE INTERNAL RESET under COPY ABORTED: the array restarted (a reload, a killed
   * browser) under a running copy; the live runtime's recovery reports it so
   * (src/runtime/live/recovery-tape.ts).
   */
  DEVICE_INTERNAL_RESET: code(0xa, 0x29, 0x04),
  INTERNAL_TARGET_FAILURE: code(0x4, 0x44, 0x00),
  UNRECOVERED_READ_ERROR: code(0x3, 0x11, 0x00),
  WRITE_ERROR: code(0x3, 0x0c, 0x00),
  /** A tape with no room left: VOLUME OVERFLOW, END-OF-PARTITION/MEDIUM DETECTED (SSC-3). */
  END_OF_MEDIUM: code(0xd, 0x00, 0x02),
  /** More concurrent copies than OPERATING PARAMETERS allow (SPC-4 6.4.1). */
  INSUFFICIENT_RESOURCES: code(0x5, 0x55, 0x03),
  /** Vendor pair operation refused by the pair state machine (state conflict). */
  COMMAND_SEQUENCE_ERROR: code(0x5, 0x2c, 0x00),
  /** The tape LU (SSC-3): a filemark read or spaced over, and the end of the data written. */
  FILEMARK_DETECTED: code(0x0, 0x00, 0x01),
  END_OF_DATA: code(0x8, 0x00, 0x05),
} as const;

/** Where a bad field is: SPC-4 sense-key specific "field pointer" (ILLEGAL REQUEST). */
export interface FieldPointer {
  /** true: the byte is in the CDB (C/D = 1); false: in the parameter list. */
  readonly cdb: boolean;
  readonly byte: number;
  /** Bit within the byte, when the field does not start at bit 7 (sets BPV). */
  readonly bit?: number;
}

export interface SenseData extends SenseCode {
  readonly field?: FieldPointer;
  /** INFORMATION (bytes 3–6); sets the VALID bit. */
  readonly information?: number;
  /** COMMAND-SPECIFIC INFORMATION (bytes 8–11). */
  readonly commandSpecific?: number;
  /** Additional sense bytes from byte 18 on (COPY ABORTED: a copy target's status and sense). */
  readonly additional?: Uint8Array;
  /** Byte 2's stream bits (SSC-3 4.2.19): a filemark was read, the end of the medium, a block of another length. */
  readonly filemark?: boolean;
  readonly eom?: boolean;
  readonly ili?: boolean;
}

/**
 * A command failure as a value. Parsers throw it; target.ts catches it at the one place
 * that turns it into CHECK CONDITION, so no exception ever leaves the target.
 */
export class ScsiError extends Error {
  readonly sense: SenseData;
  constructor(sense: SenseData, why = '') {
    super(`${hex2(sense.key)}/${hex2(sense.asc)}/${hex2(sense.ascq)}${why ? `: ${why}` : ''}`);
    this.name = 'ScsiError';
    this.sense = sense;
  }
}

/** Throws ILLEGAL REQUEST with a field pointer: the common case of every validator. */
export function fail(c: SenseCode, field?: FieldPointer, why = ''): never {
  throw new ScsiError({ ...c, ...(field ? { field } : {}) }, why);
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

export const SENSE_LENGTH = 18;

export function encodeSense(s: SenseData): Uint8Array {
  const extra = s.additional?.length ?? 0;
  const b = new Uint8Array(SENSE_LENGTH + extra);
  b[0] = s.information !== undefined ? 0xf0 : 0x70;
  b[2] = (s.key & 0x0f) | (s.filemark ? 0x80 : 0) | (s.eom ? 0x40 : 0) | (s.ili ? 0x20 : 0);
  if (s.information !== undefined) put32(b, 3, s.information >>> 0);
  b[7] = SENSE_LENGTH - 8 + extra;
  if (s.additional) b.set(s.additional, SENSE_LENGTH);
  if (s.commandSpecific !== undefined) put32(b, 8, s.commandSpecific >>> 0);
  b[12] = s.asc & 0xff;
  b[13] = s.ascq & 0xff;
  if (s.field) {
    const bpv = s.field.bit !== undefined;
    b[15] = 0x80 | (s.field.cdb ? 0x40 : 0) | (bpv ? 0x08 | (s.field.bit! & 7) : 0);
    put16(b, 16, s.field.byte & 0xffff);
  }
  return b;
}

/** Decodes fixed-format sense (70h/71h, VALID bit optional); null for anything else. */
export function decodeSense(b: Uint8Array): SenseData | null {
  if (b.length < 14 || (b[0]! & 0x7e) !== 0x70) return null;
  const valid = (b[0]! & 0x80) !== 0;
  const cs = get32(b, 8);
  const sks = b.length >= 18 && (b[15]! & 0x80) !== 0;
  const out: { -readonly [K in keyof SenseData]: SenseData[K] } = {
    key: b[2]! & 0x0f, asc: b[12]!, ascq: b[13]!,
  };
  if (valid) out.information = get32(b, 3);
  if (b[2]! & 0x80) out.filemark = true;
  if (b[2]! & 0x40) out.eom = true;
  if (b[2]! & 0x20) out.ili = true;
  if (cs !== 0) out.commandSpecific = cs;
  const end = Math.min(b.length, 8 + b[7]!);
  if (end > SENSE_LENGTH) out.additional = b.slice(SENSE_LENGTH, end);
  if (sks) {
    const f: { cdb: boolean; byte: number; bit?: number } = {
      cdb: (b[15]! & 0x40) !== 0, byte: get16(b, 16),
    };
    if (b[15]! & 0x08) f.bit = b[15]! & 7;
    out.field = f;
  }
  return out;
}

export function sameCode(a: SenseCode, b: SenseCode): boolean {
  return a.key === b.key && a.asc === b.asc && a.ascq === b.ascq;
}
