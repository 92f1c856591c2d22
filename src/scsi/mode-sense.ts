/**
 * MODE SENSE(6)/(10) data (SPC-4 6.11–6.12, 7.5) and the block-device VPD pages B0h and
 * B1h (SBC-3 6.6): what initiators read before they use a disk (Linux sd, qemu, libiscsi)
 * to learn its write protection, whether DPO/FUA are taken, its transfer limits.
 *
 * Disk LUs report the Caching page (08h: WCE 0, the array's cache is the durable point,
 * docs/scsi.md#commands) and the Control page (0Ah); the device-specific byte has
 * WP for a LU that refuses host writes now (the S-VOL while paired) and DPOFUA (DPO and
 * FUA are accepted). Other LUs report the header only. Saved values do not exist
 * (05/39/00); changeable values are all zero.
 */
import { put16, put32 } from './bytes.ts';
import { SENSE, fail, type SenseCode } from './sense.ts';

export const SAVING_NOT_SUPPORTED: SenseCode = { key: 0x5, asc: 0x39, ascq: 0x00 };

export interface ModeSenseRequest {
  ten: boolean;
  dbd: boolean;
  pageControl: number;
  pageCode: number;
  subpage: number;
}

export interface ModeDevice {
  disk?: { blocks: number; blockBytes: number };
  writeProtected: boolean;
}

const CACHING = 0x08;
const CONTROL = 0x0a;
const ALL = 0x3f;

function page(code: number, length: number, changeable: boolean, fill: (b: Uint8Array) => void): Uint8Array {
  const b = new Uint8Array(2 + length);
  b[0] = code;
  b[1] = length;
  if (!changeable) fill(b);
  return b;
}

export function modeSenseData(r: ModeSenseRequest, d: ModeDevice): Uint8Array {
  if (r.pageControl === 3) fail(SAVING_NOT_SUPPORTED, { cdb: true, byte: 2, bit: 7 });
  if (r.subpage !== 0 && r.subpage !== 0xff) fail(SENSE.INVALID_FIELD_IN_CDB, { cdb: true, byte: 3 });
  const changeable = r.pageControl === 1;
  const pages: Uint8Array[] = [];
  if (d.disk) {
    if (r.pageCode === CACHING || r.pageCode === ALL) pages.push(page(CACHING, 0x12, changeable, () => {}));
    if (r.pageCode === CONTROL || r.pageCode === ALL) {
      // D_SENSE 0 (fixed-format sense), queue algorithm modifier 1 (unrestricted reordering).
      pages.push(page(CONTROL, 0x0a, changeable, (b) => { b[3] = 0x10; put16(b, 8, 0xffff); }));
    }
  }
  if (pages.length === 0 && r.pageCode !== ALL) fail(SENSE.INVALID_FIELD_IN_CDB, { cdb: true, byte: 2, bit: 5 });
  const desc = d.disk && !r.dbd ? blockDescriptor(d.disk) : new Uint8Array(0);
  const headLen = r.ten ? 8 : 4;
  const total = headLen + desc.length + pages.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(total);
  const specific = (d.writeProtected ? 0x80 : 0) | (d.disk ? 0x10 : 0);
  if (r.ten) {
    put16(out, 0, total - 2);
    out[3] = specific;
    put16(out, 6, desc.length);
  } else {
    out[0] = total - 1;
    out[2] = specific;
    out[3] = desc.length;
  }
  out.set(desc, headLen);
  let o = headLen + desc.length;
  for (const p of pages) { out.set(p, o); o += p.length; }
  return out;
}

/** The short block descriptor: number of blocks (FFFFFFh when it does not fit), block length. */
function blockDescriptor(d: { blocks: number; blockBytes: number }): Uint8Array {
  const b = new Uint8Array(8);
  put32(b, 0, Math.min(d.blocks, 0xffffffff));
  b[0] = 0; // density code
  if (d.blocks > 0xffffff) { b[1] = 0xff; b[2] = 0xff; b[3] = 0xff; }
  put32(b, 4, d.blockBytes & 0xffffff);
  return b;
}

/** VPD B0h Block Limits (SBC-3 length 3Ch): transfer limits; no UNMAP (no thin provisioning). */
export function blockLimitsPage(maxTransferBlocks: number): Uint8Array {
  const b = new Uint8Array(0x3c);
  put32(b, 4, maxTransferBlocks); // MAXIMUM TRANSFER LENGTH
  put32(b, 8, Math.min(maxTransferBlocks, 256)); // OPTIMAL TRANSFER LENGTH
  return b;
}

/** VPD B1h Block Device Characteristics: rotation rate not reported, form factor not reported. */
export function blockCharacteristicsPage(): Uint8Array {
  return new Uint8Array(0x3c);
}
