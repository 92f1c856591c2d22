// Round trips for every SCSI structure the target speaks: what we encode decodes to the
// same fields, and known byte layouts (docs/scsi.md) are where the standard puts them.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex, get64, put64 } from '../../src/scsi/bytes.ts';
import { decodeSense, encodeSense, SENSE } from '../../src/scsi/sense.ts';
import {
  decodeCdb, extendedCopyCdb, inquiryCdb, readCapacity16Cdb, receiveCopyResultsCdb, reportLunsCdb,
  requestSenseCdb, rwCdb,
} from '../../src/scsi/cdb.ts';
import { encodeXcopyParams } from '../../src/scsi/xcopy-encode.ts';
import { parseXcopyParams } from '../../src/scsi/xcopy-params.ts';
import { DEFAULT_COPY_LIMITS } from '../../src/scsi/copy-limits.ts';
import {
  decodeCopyStatus, decodeFailedSegment, decodeOperatingParameters, encodeCopyStatus,
  encodeFailedSegment, encodeOperatingParameters,
} from '../../src/scsi/receive-copy-results.ts';
import { decodePairCdb, decodePairQuery, encodePairCdb, encodePairQuery, PAIR_STATE_CODES } from '../../src/scsi/pair-cdb.ts';
import { decodeDeviceIdentification, decodeThirdPartyCopy, naa6, vpdPage } from '../../src/scsi/inquiry.ts';
import type { SegmentInput } from '../../src/scsi/xcopy-encode.ts';

describe('bytes', () => {
  it('hex round-trips any bytes and rejects bad hex', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      expect(fromHex(toHex(b))).toEqual(b);
    }));
    expect(() => fromHex('abc')).toThrow(SyntaxError);
    expect(() => fromHex('zz')).toThrow(SyntaxError);
    expect(fromHex('0a 0B')).toEqual(Uint8Array.of(10, 11));
  });
  it('64-bit fields round-trip as bigint', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v) => {
      const b = new Uint8Array(8);
      put64(b, 0, v);
      expect(get64(b, 0)).toBe(v);
    }));
  });
});

describe('sense', () => {
  it('fixed format 70h puts key, ASC, ASCQ, field pointer and segment where SPC-4 says', () => {
    const b = encodeSense({ ...SENSE.INVALID_FIELD_IN_CDB, field: { cdb: true, byte: 2, bit: 4 } });
    expect(b.length).toBe(18);
    expect([b[0], b[2], b[7], b[12], b[13]]).toEqual([0x70, 0x05, 0x0a, 0x24, 0x00]);
    expect(b[15]).toBe(0x80 | 0x40 | 0x08 | 4);
    expect([b[16], b[17]]).toEqual([0, 2]);
    const c = encodeSense({ ...SENSE.THIRD_PARTY_DEVICE_FAILURE, commandSpecific: 3 });
    expect([c[2], c[10], c[11], c[12], c[13]]).toEqual([0x0a, 0, 3, 0x0d, 0x01]);
  });
  it('round-trips any sense value', () => {
    const arb = fc.record({
      key: fc.integer({ min: 0, max: 15 }), asc: fc.integer({ min: 0, max: 255 }), ascq: fc.integer({ min: 0, max: 255 }),
      field: fc.option(fc.record({ cdb: fc.boolean(), byte: fc.integer({ min: 0, max: 0xffff }), bit: fc.option(fc.integer({ min: 0, max: 7 }), { nil: undefined }) }), { nil: undefined }),
      information: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
      commandSpecific: fc.option(fc.integer({ min: 1, max: 0xffffffff }), { nil: undefined }),
    });
    fc.assert(fc.property(arb, (s) => {
      const d = decodeSense(encodeSense(s))!;
      const want: Record<string, unknown> = { key: s.key, asc: s.asc, ascq: s.ascq };
      if (s.field) want.field = s.field.bit === undefined ? { cdb: s.field.cdb, byte: s.field.byte } : s.field;
      if (s.information !== undefined) want.information = s.information;
      if (s.commandSpecific !== undefined) want.commandSpecific = s.commandSpecific;
      expect(d).toEqual(want);
    }));
  });
});

describe('CDB encoders and decoder agree', () => {
  it('every encoder decodes to its fields', () => {
    expect(decodeCdb(inquiryCdb(true, 0x83, 300))).toEqual({ op: 'INQUIRY', evpd: true, pageCode: 0x83, allocationLength: 300 });
    expect(decodeCdb(requestSenseCdb(18))).toEqual({ op: 'REQUEST SENSE', allocationLength: 18 });
    expect(decodeCdb(readCapacity16Cdb(32))).toEqual({ op: 'READ CAPACITY(16)', allocationLength: 32 });
    expect(decodeCdb(reportLunsCdb(64))).toEqual({ op: 'REPORT LUNS', selectReport: 0, allocationLength: 64 });
    expect(decodeCdb(extendedCopyCdb(96))).toEqual({ op: 'EXTENDED COPY', parameterListLength: 96 });
    expect(decodeCdb(receiveCopyResultsCdb(3, 7, 512))).toEqual(
      { op: 'RECEIVE COPY RESULTS', serviceAction: 3, listId: 7, allocationLength: 512 });
  });
  it('READ/WRITE (10) and (16) round-trip their LBA and length', () => {
    fc.assert(fc.property(fc.constantFrom('READ' as const, 'WRITE' as const), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.nat({ max: 0xffffffff }), (op, lba, n) => {
      expect(decodeCdb(rwCdb(op, lba, n, 16))).toEqual({ op, lba, blocks: n, size: 16 });
      const lba32 = lba & 0xffffffffn;
      expect(decodeCdb(rwCdb(op, lba32, n & 0xffff, 10))).toEqual({ op, lba: lba32, blocks: n & 0xffff, size: 10 });
    }));
  });
  it('pair CDB and query data round-trip', () => {
    for (const action of ['create', 'split', 'resync', 'delete', 'query'] as const) {
      expect(decodePairCdb(encodePairCdb(action, 0))).toEqual(
        { op: 'PAIR OPERATION', action, pair: 0, allocationLength: action === 'query' ? 8 : 0 });
    }
    const states = Object.keys(PAIR_STATE_CODES) as (keyof typeof PAIR_STATE_CODES)[];
    fc.assert(fc.property(fc.constantFrom(...states), fc.constantFrom(...states), fc.nat({ max: 0xffffffff }), (p, s, n) => {
      const q = { pair: 0, pvolState: p, svolState: s, pendingBlocks: n };
      expect(decodePairQuery(encodePairQuery(q))).toEqual(q);
    }));
  });
});

const naa = fc.uint8Array({ minLength: 16, maxLength: 16 });
const id16 = fc.integer({ min: 0, max: 7 });
const segArb: fc.Arbitrary<SegmentInput> = fc.oneof(
  fc.record({ type: fc.constant(0x02 as const), src: id16, dst: id16, blocks: fc.nat({ max: 1000 }), srcLba: fc.bigInt({ min: 0n, max: (1n << 40n) - 1n }), dstLba: fc.bigInt({ min: 0n, max: (1n << 40n) - 1n }) }),
);

describe('EXTENDED COPY parameter list', () => {
  it('parse(encode(plan)) gives the plan back (block → block lists, disks only)', () => {
    fc.assert(fc.property(
      fc.nat({ max: 255 }), fc.constantFrom('hold' as const, 'discard' as const),
      fc.array(naa, { minLength: 1, maxLength: 8 }), fc.array(segArb, { minLength: 0, maxLength: 20 }),
      (listId, usage, designators, segments) => {
        const cscds = designators.map((d) => ({ peripheralType: 0 as const, designator: d, blockLength: 512 }));
        const list = encodeXcopyParams({ listId, listIdUsage: usage, cscds, segments });
        const plan = parseXcopyParams(list, DEFAULT_COPY_LIMITS);
        expect(plan.listId).toBe(listId);
        expect(plan.listIdUsage).toBe(usage);
        expect(plan.cscds.map((c) => [c.peripheralType, Array.from(c.designator), c.blockLength]))
          .toEqual(cscds.map((c) => [0, Array.from(c.designator), 512]));
        expect(plan.segments.map(({ offset: _o, dc: _d, cat: _c, ...s }) => s)).toEqual(segments);
      }));
  });
  it('block → stream and the C0h split-and-copy keep their fields', () => {
    const list = encodeXcopyParams({
      listId: 9, cscds: [
        { peripheralType: 0, designator: naa6('x', 0), blockLength: 512 },
        { peripheralType: 0, designator: naa6('x', 1), blockLength: 512 },
        { peripheralType: 1, designator: naa6('x', 4), blockLength: 0 },
      ],
      segments: [
        { type: 0xc0, src: 0, dst: 1, mode: 'staging', early: true, pair: 0 },
        { type: 0x00, src: 1, dst: 2, streamTransferLength: 4096, blocks: 64, lba: 128n },
      ],
    });
    const plan = parseXcopyParams(list, DEFAULT_COPY_LIMITS);
    expect(plan.segments[0]).toMatchObject({ type: 0xc0, src: 0, dst: 1, mode: 'staging', early: true, pair: 0, offset: 16 + 96 });
    expect(plan.segments[1]).toMatchObject({ type: 0x00, streamTransferLength: 4096, blocks: 64, lba: 128n, offset: 16 + 96 + 20 });
    expect(plan.cscds[2]).toMatchObject({ peripheralType: 1, fixed: false, blockLength: 0 });
  });
});

describe('RECEIVE COPY RESULTS data', () => {
  it('COPY STATUS round-trips and scales the transfer count units', () => {
    fc.assert(fc.property(fc.constantFrom('in progress' as const, 'completed' as const, 'completed with errors' as const),
      fc.nat({ max: 0xffff }), fc.nat({ max: 0xffffffff }), (state, segs, bytes) => {
        const d = decodeCopyStatus(encodeCopyStatus({ state, heldDataDiscarded: false, segmentsProcessed: segs, bytes }));
        expect(d).toMatchObject({ state, segmentsProcessed: segs, bytes, units: 0 });
      }));
    const big = decodeCopyStatus(encodeCopyStatus({ state: 'completed', heldDataDiscarded: false, segmentsProcessed: 1, bytes: 2 ** 40 }));
    expect(big.units).toBe(1);
    expect(big.bytes).toBe(2 ** 40);
  });
  it('OPERATING PARAMETERS reports the limits object field by field', () => {
    const b = encodeOperatingParameters(DEFAULT_COPY_LIMITS);
    const d = decodeOperatingParameters(b);
    const { heldStatusRecords: _h, ...limits } = DEFAULT_COPY_LIMITS;
    expect(d).toEqual({ ...limits, snlid: true, implementedDescriptors: [0x00, 0x01, 0x02, 0xc0, 0xe4] });
    expect(b.length - 4).toBe((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!);
  });
  it('FAILED SEGMENT DETAILS carries the sense, or reports nothing', () => {
    const sense = encodeSense({ ...SENSE.THIRD_PARTY_DEVICE_FAILURE, commandSpecific: 2 });
    expect(decodeFailedSegment(encodeFailedSegment({ commandStatus: 2, sense }))).toEqual({ commandStatus: 2, sense });
    expect(decodeFailedSegment(encodeFailedSegment(null))).toBeNull();
  });
});

describe('VPD pages', () => {
  const lu = { peripheralType: 0 as const, naa: naa6('serial', 3), product: 'P', serial: 's' };
  it('83h carries exactly the NAA-6 designator with association LU', () => {
    const p = vpdPage(lu, 0x83, DEFAULT_COPY_LIMITS)!;
    expect(decodeDeviceIdentification(p)).toEqual([lu.naa]);
    expect(lu.naa[0]! >> 4).toBe(6);
    expect(naa6('serial', 3)).toEqual(lu.naa); // stable
    expect(naa6('serial', 4)).not.toEqual(lu.naa);
  });
  it('8Fh lists the commands, descriptors and limits the copy manager enforces', () => {
    const t = decodeThirdPartyCopy(vpdPage(lu, 0x8f, DEFAULT_COPY_LIMITS)!);
    expect(t.commands.get(0x83)).toEqual([0x00]);
    expect(t.commands.get(0x84)).toEqual([0x00, 0x03, 0x04]);
    expect(t.descriptorTypes).toEqual([0x00, 0x01, 0x02, 0xc0, 0xe4]);
    expect(t.maxCscdCount).toBe(DEFAULT_COPY_LIMITS.maxCscdCount);
    expect(t.maxSegmentCount).toBe(DEFAULT_COPY_LIMITS.maxSegmentCount);
    expect(t.maxDescriptorListLength).toBe(DEFAULT_COPY_LIMITS.maxDescriptorListLength);
    expect(t.maxStreamTransferSize).toBe(DEFAULT_COPY_LIMITS.maxStreamTransferSize);
  });
});
