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
    const types: Record<number, number> = { [LUN.PVOL]: 0, [LUN.SVOL]: 0, [LUN.CMD_603]: 0x0c, [LUN.CMD_604]: 0x0c, [LUN.TAPE]: 1, [LUN.BACKUP_DISK]: 0 };
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
  it('VPD 00h lists 00h, 80h, 83h, 8Fh (disks also B0h, B1h); an unknown page is 05/24/00 at byte 2', () => {
    const { target } = makeArray();
    const p = expectGood(target.execute(LUN.TAPE, inquiryCdb(true, 0x00)));
    expect(Array.from(p.subarray(4, 4 + p[3]!))).toEqual([0x00, 0x80, 0x83, 0x8f]);
    const s = expectSense(target.execute(LUN.TAPE, inquiryCdb(true, 0xb0)), SENSE.INVALID_FIELD_IN_CDB);
    expect(s.field).toEqual({ cdb: true, byte: 2 });
    // Disks add Block Limits (B0h, the transfer limit in blocks) and Block Device Characteristics.
    const d = expectGood(target.execute(LUN.PVOL, inquiryCdb(true, 0x00)));
    expect(Array.from(d.subarray(4, 4 + d[3]!))).toEqual([0x00, 0x80, 0x83, 0x8f, 0xb0, 0xb1]);
    const bl = expectGood(target.execute(LUN.PVOL, inquiryCdb(true, 0xb0)));
    expect([bl[1], bl[3], get32(bl, 8)]).toEqual([0xb0, 0x3c, (8 << 20) / 512]);
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
  it('MODE SENSE: caching and control pages, WP on the paired S-VOL, DPOFUA; SYNCHRONIZE CACHE is GOOD', () => {
    const { target } = makeArray();
    const ms6 = (lun: number, page = 0x3f) => Uint8Array.of(0x1a, 0, page, 0, 255, 0);
    const all = expectGood(target.execute(LUN.PVOL, ms6(LUN.PVOL)));
    expect(all[0]).toBe(all.length - 1);
    expect([all[2], all[3]]).toEqual([0x10, 8]); // DPOFUA, an 8-byte block descriptor
    expect(get32(all, 4 + 4) & 0xffffff).toBe(512);
    expect([all[12], all[12 + 20]]).toEqual([0x08, 0x0a]); // caching, then control
    expectGood(target.execute(LUN.CMD_603, encodePairCdb('create')));
    const svol = expectGood(target.execute(LUN.SVOL, ms6(LUN.SVOL, 0x08)));
    expect(svol[2]! & 0x80).toBe(0x80); // write protected while paired
    expectSense(target.execute(LUN.PVOL, Uint8Array.of(0x1a, 0, 0xc0 | 0x08, 0, 255, 0)), { key: 5, asc: 0x39, ascq: 0 });
    const ms10 = expectGood(target.execute(LUN.TAPE, Uint8Array.of(0x5a, 0, 0x3f, 0, 0, 0, 0, 0, 255, 0)));
    expect(ms10.length).toBe(8); // header only
    expectGood(target.execute(LUN.PVOL, Uint8Array.of(0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
  });
  it('READ(12) and WRITE(12) move the blocks their 32-bit length names', () => {
    const { target, backupDisk } = makeArray();
    const data = new Uint8Array(3 * 512).map((_, i) => (i * 5) & 0xff);
    const rw12 = (op: number, lba: number, n: number) => Uint8Array.of(op, 0, 0, 0, lba >> 8, lba & 0xff, 0, 0, 0, n, 0, 0);
    expectGood(target.execute(LUN.BACKUP_DISK, rw12(0xaa, 7, 3), data));
    expect(Buffer.compare(backupDisk.data.subarray(7 * 512, 10 * 512), data)).toBe(0);
    expect(Buffer.compare(expectGood(target.execute(LUN.BACKUP_DISK, rw12(0xa8, 7, 3))), data)).toBe(0);
    expectSense(target.execute(LUN.BACKUP_DISK, rw12(0xa8, 4095, 2)), SENSE.LBA_OUT_OF_RANGE);
  });
  it('an unknown opcode is 05/20/00', () => {
    const { target } = makeArray();
    for (const op of [0x01, 0x1b, 0x2f, 0x55, 0xc5, 0xff]) {
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
