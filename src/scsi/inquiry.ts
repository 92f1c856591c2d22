/**
 * INQUIRY data (SPC-4 6.6, 7.8): the standard page, and VPD pages 00h (supported pages),
 * 80h (unit serial number), 83h (device identification: one NAA-6 designator, association
 * logical unit, which E4h CSCDs are matched against, docs/scsi.md#cscd-descriptor-e4h) and
 * 8Fh (third-party copy: supported commands and descriptor types, limits taken from
 * CopyLimits so they are the enforced ones). Decoders are included for tests and the UI's
 * field view.
 */
import { get16, get32, put16, put32, putAscii } from './bytes.ts';
import { RCR_SA, OP } from './cdb.ts';
import { type CopyLimits, CSCD_ID_RECEIVING_LU, IMPLEMENTED_DESCRIPTORS } from './copy-limits.ts';

export const VENDOR = 'SPLITSTR';
export const REVISION = '0001';

export interface LuIdentity {
  /** 00h disk, 01h tape, 0Ch storage array controller (the command devices, SCC-2). */
  readonly peripheralType: 0x00 | 0x01 | 0x0c;
  /** 16-byte NAA-6 designator. */
  readonly naa: Uint8Array;
  /** Product identification, ≤ 16 ASCII characters (e.g. 'PVOL-601'). */
  readonly product: string;
  readonly serial: string;
}

/**
 * NAA-6 (IEEE Registered Extended, SPC-4 7.8.6.6.6): NAA 6h, 24-bit company ID, 36-bit
 * vendor specific identifier, 64-bit extension. The company ID is a placeholder for a
 * playground array (no IEEE assignment); the rest is derived from the array serial and
 * the LU number so designators are stable across runs and permalinks.
 */
export const PLAYGROUND_COMPANY_ID = 0x5a5353;

export function naa6(arraySerial: string, lun: number): Uint8Array {
  let h = 0x811c9dc5; // FNV-1a over the serial: stable, dependency-free
  for (let i = 0; i < arraySerial.length; i++) h = Math.imul(h ^ arraySerial.charCodeAt(i), 0x01000193) >>> 0;
  const b = new Uint8Array(16);
  b[0] = 0x60 | (PLAYGROUND_COMPANY_ID >>> 20);
  b[1] = (PLAYGROUND_COMPANY_ID >>> 12) & 0xff;
  b[2] = (PLAYGROUND_COMPANY_ID >>> 4) & 0xff;
  b[3] = ((PLAYGROUND_COMPANY_ID & 0xf) << 4) | ((h >>> 28) & 0xf);
  put32(b, 4, (h << 4) >>> 0);
  put32(b, 12, lun >>> 0);
  return b;
}

/** With the version descriptors at 58–73 (SPC-4 6.6.2). */
export const STANDARD_INQUIRY_LENGTH = 96;

/** SAM-4, SPC-3, and for disks SBC-3 (SPC-4 table 138). */
const VERSION_SAM4 = 0x0080, VERSION_SPC3 = 0x0300, VERSION_SBC3 = 0x04c0;

export function standardInquiry(lu: LuIdentity | null): Uint8Array {
  const b = new Uint8Array(STANDARD_INQUIRY_LENGTH);
  // No LU at this LUN: qualifier 011b, type 1Fh (SPC-4 6.6.2).
  b[0] = lu ? lu.peripheralType : 0x7f;
  b[1] = lu?.peripheralType === 1 ? 0x80 : 0; // tape media are removable (RMB)
  // VERSION 05h, SPC-3: the copy manager is SPC-3's EXTENDED COPY (LID1 in SPC-4) with its
  // LU ID TYPE and NUL fields, which SPC-4 made obsolete; libiscsi's ValidTgtDescr tests
  // them only on an SPC-3 target (docs/scsi.md#where-this-target-differs-from-libiscsi-and-lio).
  b[2] = 0x05;
  b[3] = 0x12; // HISUP, response data format 2
  b[4] = STANDARD_INQUIRY_LENGTH - 5;
  b[5] = 0x08; // 3PC: the copy manager is reachable through every LU
  b[7] = 0x02; // CMDQUE: tagged commands are queued (the wire's "tag", docs/scsi.md#the-wire)
  putAscii(b, 8, 8, VENDOR);
  putAscii(b, 16, 16, lu?.product ?? '');
  putAscii(b, 32, 4, REVISION);
  put16(b, 58, VERSION_SAM4);
  put16(b, 60, VERSION_SPC3);
  if (lu?.peripheralType === 0) put16(b, 62, VERSION_SBC3);
  return b;
}

export const SUPPORTED_VPD_PAGES: readonly number[] = [0x00, 0x80, 0x83, 0x8f];
/** Disks add Block Limits and Block Device Characteristics (SBC-3 6.6; target.ts answers them). */
export const DISK_VPD_PAGES: readonly number[] = [...SUPPORTED_VPD_PAGES, 0xb0, 0xb1];

function vpd(lu: LuIdentity, page: number, body: Uint8Array): Uint8Array {
  const b = new Uint8Array(4 + body.length);
  b[0] = lu.peripheralType;
  b[1] = page;
  put16(b, 2, body.length);
  b.set(body, 4);
  return b;
}

/** Returns the page, or null for a page we do not have (the target answers 05/24/00). */
export function vpdPage(lu: LuIdentity, page: number, limits: CopyLimits): Uint8Array | null {
  switch (page) {
    case 0x00: return vpd(lu, 0x00, Uint8Array.from(lu.peripheralType === 0 ? DISK_VPD_PAGES : SUPPORTED_VPD_PAGES));
    case 0x80: {
      const s = new Uint8Array(lu.serial.length);
      putAscii(s, 0, s.length, lu.serial);
      return vpd(lu, 0x80, s);
    }
    case 0x83: {
      const d = new Uint8Array(4 + lu.naa.length);
      d[0] = 0x01; // protocol identifier 0, code set 1 (binary)
      d[1] = 0x03; // PIV 0, association 00b (logical unit), designator type 3 (NAA)
      d[3] = lu.naa.length;
      d.set(lu.naa, 4);
      return vpd(lu, 0x83, d);
    }
    case 0x8f: return vpd(lu, 0x8f, thirdPartyCopyDescriptors(limits));
    default: return null;
  }
}

/** A third-party copy descriptor: 2-byte type, 2-byte length, body padded to 4 bytes. */
function tpcDescriptor(type: number, body: Uint8Array): Uint8Array {
  const padded = Math.ceil(body.length / 4) * 4;
  const b = new Uint8Array(4 + padded);
  put16(b, 0, type);
  put16(b, 2, padded);
  b.set(body, 4);
  return b;
}

/** SPC-4 7.8.17: the descriptors a LID1 copy manager reports. */
function thirdPartyCopyDescriptors(limits: CopyLimits): Uint8Array {
  // 0001h Supported Commands: EXTENDED COPY(LID1) and RECEIVE COPY RESULTS 00h/03h/04h.
  const cmds = [OP.EXTENDED_COPY, 1, 0x00,
    OP.RECEIVE_COPY_RESULTS, 3, RCR_SA.COPY_STATUS, RCR_SA.OPERATING_PARAMETERS, RCR_SA.FAILED_SEGMENT];
  const supported = Uint8Array.from([cmds.length, ...cmds]);
  // 0004h Parameter Data: the same limits RECEIVE COPY RESULTS 03h reports.
  const params = new Uint8Array(28);
  put16(params, 4, limits.maxCscdCount);
  put16(params, 6, limits.maxSegmentCount);
  put32(params, 8, limits.maxDescriptorListLength);
  put32(params, 12, limits.maxInlineDataLength);
  // 0008h Supported Descriptors; 000Ch Supported CSCD IDs (FFFFh only).
  const descs = Uint8Array.from([IMPLEMENTED_DESCRIPTORS.length, ...IMPLEMENTED_DESCRIPTORS]);
  const ids = new Uint8Array(4);
  put16(ids, 0, 2);
  put16(ids, 2, CSCD_ID_RECEIVING_LU);
  // 8001h General Copy Operations.
  const general = new Uint8Array(28);
  put32(general, 0, limits.totalConcurrentCopies);
  put32(general, 4, limits.maxConcurrentCopies);
  put32(general, 8, limits.maxSegmentLength);
  general[12] = limits.dataSegmentGranularity;
  general[13] = limits.inlineDataGranularity;
  // 9101h Stream Copy Operations; C001h Held Data.
  const stream = new Uint8Array(28);
  put32(stream, 0, limits.maxStreamTransferSize);
  const held = new Uint8Array(28);
  put32(held, 0, limits.heldDataLimit);
  held[4] = limits.heldDataGranularity;
  const parts = [
    tpcDescriptor(0x0001, supported), tpcDescriptor(0x0004, params), tpcDescriptor(0x0008, descs),
    tpcDescriptor(0x000c, ids), tpcDescriptor(0x8001, general), tpcDescriptor(0x9101, stream),
    tpcDescriptor(0xc001, held),
  ];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

// ---- decoders ----

export interface ThirdPartyCopyPage {
  /** opcode → service actions. */
  commands: Map<number, number[]>;
  maxCscdCount: number;
  maxSegmentCount: number;
  maxDescriptorListLength: number;
  maxInlineDataLength: number;
  descriptorTypes: number[];
  maxStreamTransferSize: number;
}

export function decodeThirdPartyCopy(page: Uint8Array): ThirdPartyCopyPage {
  const out: ThirdPartyCopyPage = {
    commands: new Map(), maxCscdCount: 0, maxSegmentCount: 0, maxDescriptorListLength: 0,
    maxInlineDataLength: 0, descriptorTypes: [], maxStreamTransferSize: 0,
  };
  const end = Math.min(page.length, 4 + get16(page, 2));
  for (let o = 4; o + 4 <= end; o += 4 + get16(page, o + 2)) {
    const type = get16(page, o);
    const body = page.subarray(o + 4, o + 4 + get16(page, o + 2));
    if (type === 0x0001) {
      for (let i = 1; i < 1 + body[0]!; i += 2 + body[i + 1]!) {
        out.commands.set(body[i]!, Array.from(body.subarray(i + 2, i + 2 + body[i + 1]!)));
      }
    } else if (type === 0x0004) {
      out.maxCscdCount = get16(body, 4);
      out.maxSegmentCount = get16(body, 6);
      out.maxDescriptorListLength = get32(body, 8);
      out.maxInlineDataLength = get32(body, 12);
    } else if (type === 0x0008) {
      out.descriptorTypes = Array.from(body.subarray(1, 1 + body[0]!));
    } else if (type === 0x9101) {
      out.maxStreamTransferSize = get32(body, 0);
    }
  }
  return out;
}

/** VPD 83h: the NAA designators with association LU. */
export function decodeDeviceIdentification(page: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const end = Math.min(page.length, 4 + get16(page, 2));
  for (let o = 4; o + 4 <= end; o += 4 + page[o + 3]!) {
    if ((page[o + 1]! & 0x3f) === 0x03) out.push(page.slice(o + 4, o + 4 + page[o + 3]!));
  }
  return out;
}
