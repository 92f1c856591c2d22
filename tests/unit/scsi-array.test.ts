// The SCSI target bound to the controller in the sim runtime (src/scsi/array-lus.ts,
// sim-target.ts): pair CDBs through 501, client writes through 501, and EXTENDED COPY
// through 502/503 in each backup mode, with the tape equal to the split-instant image;
// which copies take which path (array-engine.ts), and the tape record limit.
import { describe, expect, it } from 'vitest';
import type { Method } from '../../src/array/backup.ts';
import type { Mode } from '../../src/scenario/schema.ts';
import { readAwsTape } from '../../src/devices/awstape.ts';
import { LUN, makeArray } from './scsi-fixture.ts';
import { WireSession } from '../../src/scsi/wire-session.ts';
import { fromHex, toHex } from '../../src/scsi/bytes.ts';
import { extendedCopyCdb, receiveCopyResultsCdb, rwCdb } from '../../src/scsi/cdb.ts';
import { encodePairCdb, decodePairQuery } from '../../src/scsi/pair-cdb.ts';
import { encodeXcopyParams, type SegmentInput } from '../../src/scsi/xcopy-encode.ts';
import { decodeCopyStatus } from '../../src/scsi/receive-copy-results.ts';

const MODE_OF: Record<Method, Mode> = { priority: 'E1', wait: 'E2', staging: 'E3' };

function setup(method: Method, blocks = 1024) {
  const a = makeArray({ blocks, mode: MODE_OF[method] });
  const wire = new WireSession({ target: a.target, clock: a.clock, step: a.step });
  const cmd = (lun: number, cdb: Uint8Array, d?: Uint8Array, tag?: number) =>
    wire.handleLine(JSON.stringify({ lun, cdb: toHex(cdb), ...(d ? { data: toHex(d) } : {}), ...(tag !== undefined ? { tag } : {}) }))
      .map((l) => JSON.parse(l) as Record<string, any>);
  const write = (lba: number, n: number, b: number) => cmd(LUN.PVOL, rwCdb('WRITE', lba, n), new Uint8Array(n * a.blockBytes).fill(b));
  const query = () => decodePairQuery(fromHex(cmd(LUN.CMD_603, encodePairCdb('query'))[0]!.data));
  const xcopy = (segments: SegmentInput[], cscds: number[], listId = 1) => {
    const list = encodeXcopyParams({ listId, cscds: cscds.map((l) => a.cscd(l)), segments });
    return cmd(LUN.CMD_604, extendedCopyCdb(list.length), list).at(-1)!;
  };
  return { ...a, wire, cmd, write, query, xcopy };
}

describe.each(['priority', 'wait', 'staging'] as const)('backup mode %s through 502/503', (method) => {
  it('quick split, writes after it, EXTENDED COPY to tape = the split-instant image', () => {
    const t = setup(method);
    expect(t.cmd(LUN.CMD_603, encodePairCdb('create'))[0]!.status).toBe('GOOD');
    t.clock.advance(5000); // formation copy
    expect(t.query().pvolState).toBe('duplex');
    t.write(10, 20, 0x11);
    t.write(500, 8, 0x22);
    expect(t.cmd(LUN.CMD_603, encodePairCdb('split'))[0]!.status).toBe('GOOD');
    const pit = Buffer.from(t.image());
    for (let i = 0; i < 20; i++) t.write((i * 97) % 1000, 4, 0x80 + i); // after the split
    const r = t.xcopy([{ type: 0x00, src: 0, dst: 1, streamTransferLength: 16 * 512, blocks: t.blocks, lba: 0n }], [LUN.SVOL, LUN.TAPE]);
    expect(r).toMatchObject({ status: 'GOOD' });
    expect(t.controller.lastBackup).toMatchObject({ status: 'done', params: { method } });
    const image = Buffer.concat(readAwsTape(t.tape.bytes()).files.flat());
    expect(Buffer.compare(image, pit)).toBe(0);
    const st = decodeCopyStatus(fromHex(t.cmd(LUN.CMD_604, receiveCopyResultsCdb(0, 1))[0]!.data));
    expect(st).toMatchObject({ state: 'completed', segmentsProcessed: 1, bytes: t.blocks * t.blockBytes });
  });
});

describe('embodiment 4 through the C0h descriptor', () => {
  it('answers once the split is done while the copy runs; polling sees the end', () => {
    const t = setup('priority');
    t.cmd(LUN.CMD_603, encodePairCdb('create'));
    t.clock.advance(5000);
    t.write(0, 64, 0x5a);
    const pit = Buffer.from(t.image());
    const list = encodeXcopyParams({ listId: 2, cscds: [t.cscd(LUN.PVOL), t.cscd(LUN.SVOL), t.cscd(LUN.TAPE)], segments: [
      { type: 0xc0, src: 0, dst: 1, mode: 'staging', early: true, pair: 0 },
      { type: 0x00, src: 1, dst: 2, streamTransferLength: 16 * 512, blocks: t.blocks, lba: 0n },
    ] });
    const r = t.cmd(LUN.CMD_604, extendedCopyCdb(list.length), list);
    expect(r.at(-1)).toMatchObject({ status: 'GOOD' });
    expect(t.query().pvolState).toBe('split');
    const first = decodeCopyStatus(fromHex(t.cmd(LUN.CMD_604, receiveCopyResultsCdb(0, 2))[0]!.data));
    expect(first.state).toBe('in progress');
    t.write(0, 64, 0x77); // the client resumes
    let polls = 0;
    let st = first;
    while (st.state === 'in progress' && polls++ < 10000) {
      t.clock.advance(1);
      st = decodeCopyStatus(fromHex(t.cmd(LUN.CMD_604, receiveCopyResultsCdb(0, 2))[0]!.data));
    }
    expect(st).toMatchObject({ state: 'completed', segmentsProcessed: 2 });
    expect(Buffer.compare(Buffer.concat(readAwsTape(t.tape.bytes()).files.flat()), pit)).toBe(0);
  });
  it('an EXTENDED COPY of the S-VOL before any split is refused, nothing written', () => {
    const t = setup('wait');
    t.cmd(LUN.CMD_603, encodePairCdb('create'));
    const list = encodeXcopyParams({ listId: 3, cscds: [t.cscd(LUN.SVOL), t.cscd(LUN.TAPE)], segments: [
      { type: 0x00, src: 0, dst: 1, streamTransferLength: 8192, blocks: 16, lba: 0n }] });
    expect(t.cmd(LUN.CMD_604, extendedCopyCdb(list.length), list).at(-1)!.sense).toMatchObject({ key: 5, asc: 0x2c });
    expect(t.tape.bytesWritten).toBe(0);
  });
});

describe('which engine runs a copy (docs/scsi.md)', () => {
  const toTape = (lba: number, blocks: number, stl: number): SegmentInput => ({ type: 0x00, src: 0, dst: 1, streamTransferLength: stl, blocks, lba: BigInt(lba) });
  it('a split S-VOL copy the controller cannot express is refused, nothing written', () => {
    const t = setup('priority');
    t.cmd(LUN.CMD_603, encodePairCdb('create'));
    t.cmd(LUN.CMD_603, encodePairCdb('split'));
    // 1000-byte records are not whole S-VOL blocks: 503 could not stream them.
    const r = t.xcopy([toTape(0, 64, 1000)], [LUN.SVOL, LUN.TAPE]);
    expect(r.sense).toMatchObject({ key: 5, asc: 0x26, ascq: 0, field: { cdb: false, byte: 16 + 2 * 32 + 9 } });
    // P-VOL and S-VOL segments in one list: the S-VOL one needs 503, the P-VOL one cannot go there.
    const mixed = t.xcopy([toTape(0, 8, 4096), { ...toTape(0, 8, 4096), src: 2 }], [LUN.SVOL, LUN.TAPE, LUN.PVOL]);
    expect(mixed.sense).toMatchObject({ key: 5, asc: 0x26, ascq: 0, field: { byte: 16 + 3 * 32 + 24 + 4 } });
    expect(t.tape.bytesWritten).toBe(0);
    expect(t.controller.lastBackup).toBeNull();
  });
  it('a copy writes the P-VOL through 501 (as a host write) but never a paired S-VOL (07/27/00)', () => {
    const t = setup('wait');
    const pattern = new Uint8Array(8 * 512).map((_, i) => (i * 7 + 3) & 0xff);
    t.backupDisk.write(0, 8, pattern);
    const b2b = { type: 0x02 as const, src: 0, dst: 1, blocks: 8, srcLba: 0n, dstLba: 100n };
    expect(t.xcopy([b2b], [LUN.BACKUP_DISK, LUN.PVOL])).toMatchObject({ status: 'GOOD' });
    // The client sees it at once (501's cache), before 508 has destaged it.
    expect(Buffer.compare(t.image().subarray(100 * 512, 108 * 512), pattern)).toBe(0);
    expect(t.xcopy([b2b], [LUN.BACKUP_DISK, LUN.SVOL], 2).status).toBe('GOOD'); // unpaired: a plain volume
    t.cmd(LUN.CMD_603, encodePairCdb('create'));
    expect(t.xcopy([b2b], [LUN.BACKUP_DISK, LUN.SVOL], 3).sense).toMatchObject({ key: 7, asc: 0x27, ascq: 0 });
    t.clock.advance(5000);
    t.cmd(LUN.CMD_603, encodePairCdb('split'));
    // Onto the P-VOL of a split pair: 501 copies each old block to the S-VOL first (§0016).
    const pit = Buffer.from(t.image());
    expect(t.xcopy([{ ...b2b, dstLba: 400n }], [LUN.BACKUP_DISK, LUN.PVOL], 4)).toMatchObject({ status: 'GOOD' });
    const back = t.xcopy([{ type: 0x00, src: 0, dst: 1, streamTransferLength: 8 * 512, blocks: t.blocks, lba: 0n }], [LUN.SVOL, LUN.TAPE], 5);
    expect(back).toMatchObject({ status: 'GOOD' });
    expect(Buffer.compare(Buffer.concat(readAwsTape(t.tape.bytes()).files.flat()), pit)).toBe(0);
  });
  it('P-VOL → tape runs on the plain engine, reading the newest data through 501', () => {
    const t = setup('priority');
    t.write(0, 8, 0x5c); // acknowledged from cache (501), destaged later by 508
    expect(t.xcopy([toTape(0, 16, 4096)], [LUN.PVOL, LUN.TAPE])).toMatchObject({ status: 'GOOD' });
    expect(Buffer.compare(Buffer.concat(readAwsTape(t.tape.bytes()).files.flat()), t.image().subarray(0, 16 * 512))).toBe(0);
    expect(t.controller.lastBackup).toBeNull(); // not a backup of the pair
  });
  it('a device failing on the plain path is COPY ABORTED 0A/0D/01 at its segment', () => {
    const t = setup('priority');
    t.backupDisk.failAt = { op: 'write', lba: 300 };
    const seg = (i: number) => ({ type: 0x02 as const, src: 0, dst: 1, blocks: 200, srcLba: BigInt(i * 200), dstLba: BigInt(i * 200) });
    const r = t.xcopy([seg(0), seg(1), seg(2)], [LUN.PVOL, LUN.BACKUP_DISK]);
    expect(r.sense).toMatchObject({ key: 0x0a, asc: 0x0d, ascq: 0x01, commandSpecific: 1 });
  });
});

describe('tape records stay ≤ 65535 bytes (Hercules hetget/tapemap)', () => {
  it('03h and VPD 8Fh report 65535; a 65535-byte record is written, 65536 is 05/26/00', () => {
    const t = setup('priority');
    const op = fromHex(t.cmd(LUN.CMD_604, receiveCopyResultsCdb(3))[0]!.data);
    expect(new DataView(op.buffer, op.byteOffset).getUint32(28)).toBe(65535);
    const seg = (stl: number): SegmentInput => ({ type: 0x00, src: 0, dst: 1, streamTransferLength: stl, blocks: 256, lba: 0n });
    expect(t.xcopy([seg(65536)], [LUN.PVOL, LUN.TAPE]).sense).toMatchObject({ key: 5, asc: 0x26, ascq: 0, field: { byte: 16 + 64 + 9 } });
    expect(t.tape.bytesWritten).toBe(0);
    expect(t.xcopy([seg(65535)], [LUN.PVOL, LUN.TAPE], 2)).toMatchObject({ status: 'GOOD' });
    const recs = readAwsTape(t.tape.bytes()).files.flat();
    expect(recs.map((r) => r.length)).toEqual([65535, 65535, 256 * 512 - 2 * 65535]);
  });
  it('fixed blocks: STREAM DEVICE TRANSFER LENGTH × block length over 65535 is refused', () => {
    const t = setup('priority');
    const list = encodeXcopyParams({ listId: 4, cscds: [t.cscd(LUN.PVOL), { ...t.cscd(LUN.TAPE), fixed: true, blockLength: 2048 }],
      segments: [{ type: 0x00, src: 0, dst: 1, streamTransferLength: 32, blocks: 128, lba: 0n }] });
    expect(t.cmd(LUN.CMD_604, extendedCopyCdb(list.length), list)[0]!.sense).toMatchObject({ key: 5, asc: 0x26, ascq: 0 });
  });
});
