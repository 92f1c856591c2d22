// libiscsi's iscsi-test-cu suites ExtendedCopy.* and ReceiveCopyResults.* (the cases that
// apply to a LID1 copy manager), rebuilt as JSON lines over the wire session, against the
// controller in the sim runtime. Each case names the libiscsi test it comes from; the
// expected sense is the one docs/scsi.md#sense-codes lists.
import { describe, expect, it } from 'vitest';
import { LUN, makeArray } from './scsi-fixture.ts';
import { WireSession } from '../../src/scsi/wire-session.ts';
import { toHex, put16 } from '../../src/scsi/bytes.ts';
import { extendedCopyCdb, inquiryCdb, receiveCopyResultsCdb, rwCdb } from '../../src/scsi/cdb.ts';
import { encodeXcopyParams, type CscdInput, type SegmentInput } from '../../src/scsi/xcopy-encode.ts';
import { decodeOperatingParameters, decodeCopyStatus } from '../../src/scsi/receive-copy-results.ts';
import { decodeThirdPartyCopy } from '../../src/scsi/inquiry.ts';
import { fromHex } from '../../src/scsi/bytes.ts';

type Answer = { status: string; sense?: { key: number; asc: number; ascq: number; commandSpecific?: number }; data?: string };

function setup() {
  const a = makeArray({ blocks: 8192 });
  const wire = new WireSession({ target: a.target, clock: a.clock });
  const send = (lun: number, cdb: Uint8Array, data?: Uint8Array): Answer => {
    const out = wire.handleLine(JSON.stringify({ lun, cdb: toHex(cdb), ...(data ? { data: toHex(data) } : {}) }));
    return JSON.parse(out[out.length - 1]!) as Answer;
  };
  const xcopy = (list: Uint8Array, pll = list.length) => send(LUN.SVOL, extendedCopyCdb(pll), list.subarray(0, pll));
  // libiscsi's standard list: one E4h CSCD naming the LU itself, one 02h segment copying
  // 2048 blocks from LBA 0 to the last 2048 blocks (populate_seg_desc_b2b).
  const self = a.cscd(LUN.SVOL);
  const b2b = (over: Partial<Extract<SegmentInput, { type: 2 }>> = {}): SegmentInput =>
    ({ type: 0x02, src: 0, dst: 0, blocks: 2048, srcLba: 0n, dstLba: BigInt(a.blocks - 2048), ...over });
  const list = (listId: number, cscds: CscdInput[], segs: SegmentInput[]) => encodeXcopyParams({ listId, cscds, segments: segs });
  return { ...a, wire, send, xcopy, self, b2b, list };
}

const code = (a: Answer) => [a.status, a.sense?.key, a.sense?.asc, a.sense?.ascq];
const CHECK = 'CHECK CONDITION';

describe('ExtendedCopy', () => {
  it('Simple: a block → block copy completes with GOOD and moves the data', () => {
    const t = setup();
    // The S-VOL is unpaired here (simplex): a plain volume its host may write.
    const pattern = new Uint8Array(2048 * 512).map((_, i) => (i * 31 + (i >> 9)) & 0xff);
    expect(t.send(LUN.SVOL, rwCdb('WRITE', 0, 2048, 16), pattern).status).toBe('GOOD');
    const r = t.xcopy(t.list(1, [t.self], [t.b2b()]));
    expect(code(r)).toEqual(['GOOD', undefined, undefined, undefined]);
    const n = 2048 * 512;
    expect(Buffer.compare(t.svol.data.subarray(t.svol.data.length - n), pattern)).toBe(0);
  });

  it('ParamHdr: truncating a CSCD or a segment is 05/1A/00; length 0 is GOOD', () => {
    const t = setup();
    const full = t.list(1, [t.self], [t.b2b()]);
    expect(code(t.xcopy(full, 16 + 32 - 1))).toEqual([CHECK, 5, 0x1a, 0]);
    expect(code(t.xcopy(full, full.length - 1))).toEqual([CHECK, 5, 0x1a, 0]);
    expect(code(t.xcopy(full, 0))).toEqual(['GOOD', undefined, undefined, undefined]);
    expect(t.svol.data.every((x) => x === 0)).toBe(true); // nothing moved
  });

  it('DescrLimits: over the CSCD and segment counts, and over the list length', () => {
    const t = setup();
    const op = decodeOperatingParameters(fromHex(t.send(LUN.SVOL, receiveCopyResultsCdb(3)).data!));
    const cscds = (n: number) => Array.from({ length: n }, () => t.self);
    const segs = (n: number) => Array.from({ length: n }, () => t.b2b());
    expect(code(t.xcopy(t.list(1, cscds(op.maxCscdCount + 1), segs(1))))).toEqual([CHECK, 5, 0x26, 0x06]);
    expect(code(t.xcopy(t.list(2, cscds(1), segs(op.maxSegmentCount + 1))))).toEqual([CHECK, 5, 0x26, 0x08]);
    // (max+1) CSCDs and segments filling past MAXIMUM DESCRIPTOR LIST LENGTH: 05/1A/00.
    const nseg = Math.ceil((op.maxDescriptorListLength + 28 - (op.maxCscdCount + 1) * 32) / 28);
    expect(code(t.xcopy(t.list(3, cscds(op.maxCscdCount + 1), segs(nseg))))).toEqual([CHECK, 5, 0x1a, 0]);
  });

  it('DescrType: an E0h CSCD is 05/26/07, a stream → stream segment is 05/26/09', () => {
    const t = setup();
    const l1 = t.list(1, [t.self], [t.b2b()]);
    l1[16] = 0xe0;
    expect(code(t.xcopy(l1))).toEqual([CHECK, 5, 0x26, 0x07]);
    const l2 = t.list(1, [t.self], [t.b2b()]);
    l2[16 + 32] = 0x03;
    put16(l2, 16 + 32 + 2, 0x0010);
    expect(code(t.xcopy(l2))).toEqual([CHECK, 5, 0x26, 0x09]);
  });

  it('ValidTgtDescr: a reserved LU ID TYPE is INVALID FIELD IN CDB (what libiscsi 1.19 takes); NUL is COPY ABORTED', () => {
    const t = setup();
    const r = t.xcopy(t.list(1, [{ ...t.self, luIdType: 2 }], [t.b2b()]));
    expect(code(r)).toEqual([CHECK, 5, 0x24, 0]);
    const n = t.xcopy(t.list(1, [{ ...t.self, nul: true }], [t.b2b()]));
    expect(code(n)).toEqual([CHECK, 0x0a, 0x0d, 0x02]);
  });

  it('ValidSegDescr: an index past the CSCD list is COPY ABORTED with the segment number', () => {
    const t = setup();
    const r = t.xcopy(t.list(1, [t.self], [t.b2b(), t.b2b({ dst: 1 })]));
    expect(code(r)).toEqual([CHECK, 0x0a, 0x0d, 0x02]);
    expect(r.sense!.commandSpecific).toBe(1);
    expect(t.svol.data.every((x) => x === 0)).toBe(true); // resolved before any data moved
  });

  it('ValidSegDescr: a range past the end is COPY ABORTED 0A/0D/02 before any data moves', () => {
    // libiscsi accepts COPY ABORTED with 00/00, 08/04 or 0D/02 here; LIO answers 0D/02 and
    // so does this target, with the segment number, having checked the whole list first.
    const t = setup();
    const r = t.xcopy(t.list(1, [t.self], [t.b2b(), t.b2b({ dstLba: BigInt(t.blocks - 1) })]));
    expect(code(r)).toEqual([CHECK, 0x0a, 0x0d, 0x02]);
    expect(r.sense!.commandSpecific).toBe(1);
    expect(t.svol.data.every((x) => x === 0)).toBe(true); // segment 0 did not run either
  });
});

describe('ReceiveCopyResults', () => {
  it('CopyStatus: 8Fh advertises 84h/00h; unknown list id is 05/24/00; after a copy it is completed', () => {
    const t = setup();
    const tpc = decodeThirdPartyCopy(fromHex(t.send(LUN.SVOL, inquiryCdb(true, 0x8f, 1024)).data!));
    expect(tpc.commands.get(0x84)).toContain(0x00);
    expect(code(t.send(LUN.SVOL, receiveCopyResultsCdb(0, 1)))).toEqual([CHECK, 5, 0x24, 0]);
    expect(t.xcopy(t.list(1, [t.self], [t.b2b()])).status).toBe('GOOD');
    const st = decodeCopyStatus(fromHex(t.send(LUN.SVOL, receiveCopyResultsCdb(0, 1)).data!));
    expect(st).toMatchObject({ state: 'completed', segmentsProcessed: 1, bytes: 2048 * 512 });
  });

  it('OpParams: GOOD, and the values are the ones DescrLimits just hit', () => {
    const t = setup();
    const op = decodeOperatingParameters(fromHex(t.send(LUN.TAPE, receiveCopyResultsCdb(3)).data!));
    expect(op.maxCscdCount).toBeGreaterThan(1);
    expect(op.maxSegmentCount).toBeGreaterThan(1);
    expect(op.implementedDescriptors).toEqual([0x00, 0x01, 0x02, 0xc0, 0xe4]);
    const ok = t.xcopy(t.list(5, Array.from({ length: op.maxCscdCount }, () => t.self), [t.b2b({ blocks: 1 })]));
    expect(ok.status).toBe('GOOD');
  });
});
