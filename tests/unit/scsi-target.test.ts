// The target's command set over the controller in the sim runtime
// (docs/scsi.md#logical-units): identities, capacity, reads and writes, pair CDBs on 603
// through 501's pair state machine, and the error answers of docs/scsi.md#sense-codes.
import { describe, expect, it } from 'vitest';
import { LUN, expectGood, expectSense, makeArray, senseOf } from './scsi-fixture.ts';
import {
  inquiryCdb, readCapacity16Cdb, reportLunsCdb, requestSenseCdb, rwCdb, simpleCdb,
} from '../../src/scsi/cdb.ts';
import { decodeDeviceIdentification } from '../../src/scsi/inquiry.ts';
import { SENSE } from '../../src/scsi/sense.ts';
import { decodePairQuery, encodePairCdb } from '../../src/scsi/pair-cdb.ts';
import { get32 } from '../../src/scsi/bytes.ts';

describe('identification', () => {
  it('every LU reports its peripheral type and a distinct, stable NAA-6 designator', () => {
    const a = makeArray();
    const b = makeArray();
    const types: Record<number, number> = { [LUN.PVOL]: 0, [LUN.SVOL]: 0, [LUN.CMD_603]: 0, [LUN.CMD_604]: 0, [LUN.TAPE]: 1, [LUN.BACKUP_DISK]: 0 };
    const seen = new Set<string>();
    for (const [lun, type] of Object.entries(types)) {
      const std = expectGood(a.target.execute(+lun, inquiryCdb(false, 0, 96)));
      expect(std[0]! & 0x1f).toBe(type);
      expect(std[5]! & 0x08).toBe(0x08); // 3PC
      const ids = decodeDeviceIdentification(expectGood(a.target.execute(+lun, inquiryCdb(true, 0x83))));
      expect(ids).toHaveLength(1);
      expect(ids[0]![0]! >> 4).toBe(6);
      expect(ids).toEqual(decodeDeviceIdentification(expectGood(b.target.execute(+lun, inquiryCdb(true, 0x83)))));
      seen.add(Buffer.from(ids[0]!).toString('hex'));
    }
    expect(seen.size).toBe(6);
  });
  it('VPD 00h lists 00h, 80h, 83h, 8Fh; an unknown page is 05/24/00 at byte 2', () => {
    const { target } = makeArray();
    const p = expectGood(target.execute(0, inquiryCdb(true, 0x00)));
    expect(Array.from(p.subarray(4, 4 + p[3]!))).toEqual([0x00, 0x80, 0x83, 0x8f]);
    const s = expectSense(target.execute(0, inquiryCdb(true, 0xb0)), SENSE.INVALID_FIELD_IN_CDB);
    expect(s.field).toEqual({ cdb: true, byte: 2 });
  });
  it('INQUIRY honours the allocation length (truncation is not an error)', () => {
    const { target } = makeArray();
    expect(expectGood(target.execute(0, inquiryCdb(false, 0, 5)))).toHaveLength(5);
  });
  it('REPORT LUNS lists the six LUNs; an unknown LUN is qualifier 3 / 05/25/00', () => {
    const { target } = makeArray();
    const d = expectGood(target.execute(0, reportLunsCdb()));
    expect(get32(d, 0)).toBe(48);
    expect([0, 1, 2, 3, 4, 5].map((i) => d[9 + 8 * i])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(expectGood(target.execute(9, inquiryCdb(false)))[0]).toBe(0x7f);
    expectSense(target.execute(9, simpleCdb('TEST UNIT READY')), SENSE.LU_NOT_SUPPORTED);
    expect(expectGood(target.execute(9, requestSenseCdb()))[12]).toBe(0x25);
    expect(expectGood(target.execute(0, requestSenseCdb()))[2]).toBe(0);
  });
});

describe('block commands', () => {
  it('READ CAPACITY(10/16) report last LBA and block size', () => {
    const { target, blocks, blockBytes } = makeArray({ blocks: 1000, blockBytes: 4096 });
    const r10 = expectGood(target.execute(LUN.SVOL, simpleCdb('READ CAPACITY(10)')));
    expect([get32(r10, 0), get32(r10, 4)]).toEqual([blocks - 1, blockBytes]);
    const r16 = expectGood(target.execute(LUN.SVOL, readCapacity16Cdb()));
    expect([get32(r16, 4), get32(r16, 8)]).toEqual([blocks - 1, blockBytes]);
    expectSense(target.execute(LUN.TAPE, simpleCdb('READ CAPACITY(10)')), SENSE.INVALID_OPCODE);
  });
  it('WRITE then READ (10 and 16) returns the data; past the end is 05/21/00 and changes nothing', () => {
    const { target, pvol } = makeArray();
    const data = new Uint8Array(2 * 512).map((_, i) => (i * 13) & 0xff);
    expectGood(target.execute(LUN.PVOL, rwCdb('WRITE', 10, 2, 16), data));
    expect(expectGood(target.execute(LUN.PVOL, rwCdb('READ', 10, 2)))).toEqual(data);
    const before = pvol.data.slice();
    expectSense(target.execute(LUN.PVOL, rwCdb('WRITE', 4095, 2), data), SENSE.LBA_OUT_OF_RANGE);
    expectSense(target.execute(LUN.PVOL, rwCdb('READ', 2n ** 63n, 1, 16)), SENSE.LBA_OUT_OF_RANGE);
    expect(Buffer.compare(pvol.data, before)).toBe(0);
  });
  it('a device error on READ is a medium error, not an exception', () => {
    const { target, pvol } = makeArray();
    pvol.failAt = { op: 'read', lba: 3 };
    expectSense(target.execute(LUN.PVOL, rwCdb('READ', 0, 8)), SENSE.UNRECOVERED_READ_ERROR);
  });
  it('RDPROTECT, NACA and reserved fields are 05/24/00 with the field pointer', () => {
    const { target } = makeArray();
    const c = rwCdb('READ', 0, 1);
    c[1] = 0x20;
    expect(expectSense(target.execute(0, c), SENSE.INVALID_FIELD_IN_CDB).field).toEqual({ cdb: true, byte: 1, bit: 7 });
    const t = simpleCdb('TEST UNIT READY');
    t[5] = 0x04;
    expect(expectSense(target.execute(0, t), SENSE.INVALID_FIELD_IN_CDB).field).toEqual({ cdb: true, byte: 5, bit: 2 });
  });
  it('an unknown opcode is 05/20/00', () => {
    const { target } = makeArray();
    for (const op of [0x01, 0x1b, 0x35, 0x5a, 0xc5, 0xff]) {
      const cdb = new Uint8Array(16);
      cdb[0] = op;
      expectSense(target.execute(0, cdb), SENSE.INVALID_OPCODE);
    }
  });
});

describe('pair operations on the command device 603', () => {
  it('create, split, resync, delete drive the pair and query reports 516/517', () => {
    const { target, clock, blocks, svol, image } = makeArray({ blocks: 1024 });
    const q = () => decodePairQuery(expectGood(target.execute(LUN.CMD_603, encodePairCdb('query'))));
    expect(q().pvolState).toBe('simplex');
    expectGood(target.execute(LUN.CMD_603, encodePairCdb('create')));
    // Formation copy (§0019): every block pending until 508 has copied it.
    expect(q()).toMatchObject({ pvolState: 'duplex-pending', svolState: 'duplex-pending', pendingBlocks: blocks });
    clock.advance(1000);
    expect(q()).toMatchObject({ pvolState: 'duplex', svolState: 'duplex', pendingBlocks: 0 });
    expect(Buffer.compare(svol.data, image())).toBe(0);
    expectGood(target.execute(LUN.CMD_603, encodePairCdb('split')));
    expect(q()).toMatchObject({ pvolState: 'split', svolState: 'split' });
    expectSense(target.execute(LUN.CMD_603, encodePairCdb('split')), SENSE.COMMAND_SEQUENCE_ERROR);
    expectGood(target.execute(LUN.CMD_603, encodePairCdb('resync')));
    expectSense(target.execute(LUN.CMD_603, encodePairCdb('create')), SENSE.COMMAND_SEQUENCE_ERROR);
    expectGood(target.execute(LUN.CMD_603, encodePairCdb('delete')));
    expect(q().pvolState).toBe('simplex');
  });
  it('a quick split answers at once; the S-VOL reads as the split-instant image at once', () => {
    const { target, blocks, svol, image } = makeArray({ blocks: 1024 });
    expectGood(target.execute(LUN.CMD_603, encodePairCdb('create')));
    expectGood(target.execute(LUN.CMD_603, encodePairCdb('split'))); // nothing copied yet
    const q = decodePairQuery(expectGood(target.execute(LUN.CMD_603, encodePairCdb('query'))));
    expect(q).toMatchObject({ pvolState: 'split', svolState: 'split-pending' });
    expect(q.pendingBlocks).toBeGreaterThan(blocks / 2);
    const pit = image();
    expect(Buffer.compare(svol.data, pit)).not.toBe(0); // the disk lags …
    expect(Buffer.compare(expectGood(target.execute(LUN.SVOL, rwCdb('READ', 0, blocks, 16))), pit)).toBe(0); // … the LU does not
  });
  it('the S-VOL takes no host write while paired (07/27/00)', () => {
    const { target, svol } = makeArray({ blocks: 1024 });
    const data = new Uint8Array(512).fill(9);
    expectGood(target.execute(LUN.SVOL, rwCdb('WRITE', 5, 1), data));
    expect(svol.data.subarray(5 * 512, 6 * 512).every((x) => x === 9)).toBe(true);
    expectGood(target.execute(LUN.CMD_603, encodePairCdb('create')));
    expect(senseOf(target.execute(LUN.SVOL, rwCdb('WRITE', 5, 1), data.fill(3)))).toMatchObject({ key: 7, asc: 0x27, ascq: 0 });
  });
  it('the pair CDB is refused on any other LU, and bad fields are 05/24/00', () => {
    const { target } = makeArray();
    expectSense(target.execute(LUN.CMD_604, encodePairCdb('create')), SENSE.INVALID_OPCODE);
    const bad = encodePairCdb('create');
    bad[1] = 0x09;
    expect(senseOf(target.execute(LUN.CMD_603, bad)).field).toEqual({ cdb: true, byte: 1, bit: 3 });
  });
});
