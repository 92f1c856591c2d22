// Restore over SCSI (docs/scsi.md "01h stream → block", "The tape LU"): a host reads the
// tape's catalog with REWIND, SPACE(6) and READ(6) on the tape LU, positions the tape at
// each file of a point's chain and sends EXTENDED COPY lists of 01h segments (the lists
// src/scsi/restore-lists.ts builds) to the backup disk or the split S-VOL; what it then
// reads back is the image of that point's split, block by block. 01h follows the parser,
// limits and sense rules of 00h and 02h, and VPD 8Fh and OPERATING PARAMETERS list it.
import { describe, expect, it } from 'vitest';
import { LUN, expectGood, expectSense, makeArray, senseOf } from './scsi-fixture.ts';
import { decodeCatalog, looksLikeCatalog, type Catalog } from '../../src/devices/tape-catalog.ts';
import { extendedCopyCdb, inquiryCdb, read6Cdb, receiveCopyResultsCdb, rewindCdb, rwCdb, space6Cdb } from '../../src/scsi/cdb.ts';
import { decodeOperatingParameters } from '../../src/scsi/receive-copy-results.ts';
import { encodePairCdb } from '../../src/scsi/pair-cdb.ts';
import { restoreLists } from '../../src/scsi/restore-lists.ts';
import { SENSE } from '../../src/scsi/sense.ts';
import type { ScsiResult } from '../../src/scsi/lu.ts';
import { encodeXcopyParams, type SegmentInput } from '../../src/scsi/xcopy-encode.ts';

const BLOCKS = 256;

/** An array with three catalogued backups of its S-VOL, and the image of each split as the host read it. */
function catalogued() {
  const a = makeArray({ blocks: BLOCKS, mode: 'E3' });
  const run = (lun: number, cdb: Uint8Array, d?: Uint8Array) => a.target.execute(lun, cdb, d);
  const write = (lba: number, n: number, byte: number) => expectGood(run(LUN.PVOL, rwCdb('WRITE', lba, n), new Uint8Array(n * a.blockBytes).fill(byte)));
  expectGood(run(LUN.CMD_603, encodePairCdb('create')));
  a.clock.advance(1000);
  const images: Uint8Array[] = [];
  const backup = (level: 'full' | 'incremental') => {
    expectGood(run(LUN.CMD_603, encodePairCdb('split')));
    images.push(expectGood(run(LUN.SVOL, rwCdb('READ', 0, BLOCKS))).slice());
    // Writes after the split go to the post-split bitmap, not into this image.
    write(200, 4, 0xee);
    expect(a.host.step({ op: 'backup', transferBlocks: 8, level })).toMatchObject({ status: 'done' });
    expectGood(run(LUN.CMD_603, encodePairCdb('resync')));
    a.clock.advance(1000);
  };
  write(0, 64, 1);
  backup('full');
  write(10, 5, 2); write(100, 30, 3);
  backup('incremental');
  write(12, 1, 4); write(250, 6, 5);
  backup('incremental');
  expectGood(run(LUN.CMD_603, encodePairCdb('split')));
  return { ...a, run, write, images };
}

/** The catalog as a host finds it: every file read from the start, the last one that decodes. */
function readCatalogOverScsi(run: (lun: number, cdb: Uint8Array) => ScsiResult): Catalog {
  expectGood(run(LUN.TAPE, rewindCdb()));
  let found: Catalog | null = null;
  for (let file = 1; ; file++) {
    const recs: Uint8Array[] = [];
    for (;;) {
      const r = run(LUN.TAPE, read6Cdb(65535));
      if (r.status === 'GOOD') { recs.push(r.dataIn!); continue; }
      const s = senseOf(r);
      if (s.key === SENSE.END_OF_DATA.key) return found!;
      expect([s.asc, s.ascq, s.filemark]).toEqual([0, 1, true]);
      break;
    }
    if (looksLikeCatalog(recs[0])) {
      const d = decodeCatalog(recs);
      if (d.ok) found = d.catalog;
    }
  }
}

describe('restore over SCSI', () => {
  it('the catalog read with READ(6), each point restored with 01h lists to the backup disk, is its split\'s image', () => {
    const t = catalogued();
    const cat = readCatalogOverScsi(t.run);
    expect(cat.entries.map((e) => e.level)).toEqual(['full', 'incremental', 'incremental']);
    for (const point of [2, 0, 1]) {
      for (const l of restoreLists(cat, point, 'disk')) {
        if (l.part === 0) {
          expectGood(t.run(LUN.TAPE, rewindCdb()));
          expectGood(t.run(LUN.TAPE, space6Cdb('filemarks', l.file - 1)));
        }
        expectGood(t.run(LUN.CMD_604, extendedCopyCdb(l.list.length), l.list));
      }
      const got = expectGood(t.run(LUN.BACKUP_DISK, rwCdb('READ', 0, BLOCKS)));
      expect(Buffer.compare(Buffer.from(got), Buffer.from(t.images[point])), `point ${point}`).toBe(0);
    }
  });

  it('to the split S-VOL; a paired S-VOL that is not split is write protected, the P-VOL is no destination', () => {
    const t = catalogued();
    const cat = readCatalogOverScsi(t.run);
    const [l] = restoreLists(cat, 0, 'svol');
    const go = () => {
      expectGood(t.run(LUN.TAPE, rewindCdb()));
      return t.run(LUN.CMD_604, extendedCopyCdb(l.list.length), l.list);
    };
    t.clock.advance(1000); // 514 drains: the S-VOL takes the restore
    expectGood(go());
    expect(Buffer.compare(Buffer.from(expectGood(t.run(LUN.SVOL, rwCdb('READ', 0, BLOCKS)))), Buffer.from(t.images[0]))).toBe(0);
    // The resync copies the restored blocks back from the P-VOL: the pair mirrors again.
    expectGood(t.run(LUN.CMD_603, encodePairCdb('resync')));
    t.clock.advance(2000);
    expect(Buffer.compare(Buffer.from(t.svol.data), Buffer.from(t.image()))).toBe(0);
    expectSense(go(), { key: 0x7, asc: 0x27, ascq: 0 });
    const list = encodeXcopyParams({ listId: 2, cscds: [t.cscd(LUN.TAPE), t.cscd(LUN.PVOL)], segments: [
      { type: 0x01, src: 0, dst: 1, streamTransferLength: 8 * t.blockBytes, blocks: 8, lba: 0n },
    ] });
    expect(expectSense(t.run(LUN.CMD_604, extendedCopyCdb(list.length), list), SENSE.INVALID_FIELD_IN_PARAM).field).toEqual({ cdb: false, byte: 16 + 64 + 6 });
  });

  it('follows the rules of 00h and 02h: parser, ranges, record sizes, before anything moves', () => {
    const t = catalogued();
    const xc = (segments: SegmentInput[], cscds = [t.cscd(LUN.TAPE), t.cscd(LUN.BACKUP_DISK)]) => {
      const list = encodeXcopyParams({ listId: 3, cscds, segments });
      return t.run(LUN.CMD_604, extendedCopyCdb(list.length), list);
    };
    const seg = (o: Partial<Extract<SegmentInput, { type: 0x01 }>> = {}): SegmentInput =>
      ({ type: 0x01, src: 0, dst: 1, streamTransferLength: 8 * t.blockBytes, blocks: 16, lba: 0n, ...o });
    // A disk as the stream source, a tape as the destination: the parser's field pointers.
    expect(expectSense(xc([seg()], [t.cscd(LUN.SVOL), t.cscd(LUN.BACKUP_DISK)]), SENSE.INVALID_FIELD_IN_PARAM).field).toEqual({ cdb: false, byte: 80 + 4 });
    expect(expectSense(xc([seg({ streamTransferLength: 70000 })]), SENSE.INVALID_FIELD_IN_PARAM).field).toEqual({ cdb: false, byte: 80 + 9 });
    expect(expectSense(xc([seg({ streamTransferLength: 8 })], [t.cscd(LUN.TAPE, { fixed: true, blockLength: 512 }), t.cscd(LUN.BACKUP_DISK)]), SENSE.INVALID_FIELD_IN_PARAM).field)
      .toEqual({ cdb: false, byte: 16 + 28, bit: 0 });
    // A range past the destination's end: COPY ABORTED 0A/0D/02 at the segment, as for 00h and 02h.
    expectSense(xc([seg({ lba: BigInt(BLOCKS - 8) })]), SENSE.TARGET_NOT_REACHABLE);
    // Records longer than the stream transfer length, or running past the segment: COPY
    // ABORTED at the segment, and nothing written.
    const before = Buffer.from(t.backupDisk.data);
    expectGood(t.run(LUN.TAPE, rewindCdb()));
    expect(expectSense(xc([seg({ blocks: 8 }), seg({ streamTransferLength: 4 * t.blockBytes, lba: 8n })]), SENSE.THIRD_PARTY_DEVICE_FAILURE).commandSpecific).toBe(1);
    expect(expectSense(xc([seg({ blocks: 12 })]), SENSE.THIRD_PARTY_DEVICE_FAILURE).commandSpecific ?? 0).toBe(0);
    expect(Buffer.compare(Buffer.from(t.backupDisk.data), before)).toBe(0);
    // The refused copies left the tape where it was: 01h reads the full's first records.
    expectGood(xc([seg({ blocks: 16 })]));
    expect(Buffer.compare(Buffer.from(t.backupDisk.data.subarray(0, 16 * t.blockBytes)), Buffer.from(t.images[0].subarray(0, 16 * t.blockBytes)))).toBe(0);
    // At a filemark a restore has nothing to read: the full's 32 records read to its end.
    expectGood(t.run(LUN.TAPE, space6Cdb('blocks', 30)));
    expectSense(xc([seg({ blocks: 8 })]), SENSE.THIRD_PARTY_DEVICE_FAILURE);
  });

  it('VPD 8Fh and OPERATING PARAMETERS list 01h', () => {
    const t = catalogued();
    const op = decodeOperatingParameters(expectGood(t.run(LUN.CMD_604, receiveCopyResultsCdb(3, 0, 1024))));
    expect(op.implementedDescriptors).toEqual([0x00, 0x01, 0x02, 0xc0, 0xe4]);
    const vpd = expectGood(t.run(LUN.CMD_604, inquiryCdb(true, 0x8f)));
    expect([...vpd].join(',')).toContain([5, 0x00, 0x01, 0x02, 0xc0, 0xe4].join(','));
  });
});

describe('the tape LU', () => {
  it('REWIND, SPACE(6) and READ(6) walk the files: filemarks, the end of data, records of other lengths', () => {
    const t = catalogued();
    const run = (cdb: Uint8Array) => t.run(LUN.TAPE, cdb);
    expectGood(run(rewindCdb()));
    // File 1 is the full: 32 records of 8 blocks.
    expect(expectGood(run(read6Cdb(4096))).length).toBe(4096);
    const short = senseOf(run(read6Cdb(8192, false)));
    expect([short.key, short.ili, short.information]).toEqual([0, true, 4096]);
    const long = run(read6Cdb(1000, false));
    expect([senseOf(long).ili, senseOf(long).information, long.dataIn!.length]).toEqual([true, (1000 - 4096) >>> 0, 1000]);
    const fm = senseOf(run(space6Cdb('blocks', 100)));
    expect([fm.key, fm.asc, fm.ascq, fm.filemark, fm.information]).toEqual([0, 0, 1, true, 100 - 29]);
    // Past the last file: BLANK CHECK, END-OF-DATA DETECTED, with the count not spaced.
    const eod = senseOf(run(space6Cdb('filemarks', 100)));
    expect([eod.key, eod.asc, eod.ascq, eod.information]).toEqual([8, 0, 5, 100 - 5]);
    expectSense(run(read6Cdb(512)), SENSE.END_OF_DATA);
    // Not on a disk LU; FIXED and spacing backwards are refused in the CDB.
    expectSense(t.run(LUN.PVOL, rewindCdb()), SENSE.INVALID_OPCODE);
    expect(expectSense(run(Uint8Array.of(0x08, 1, 0, 0, 1, 0)), SENSE.INVALID_FIELD_IN_CDB).field).toEqual({ cdb: true, byte: 1, bit: 0 });
    expect(expectSense(run(Uint8Array.of(0x11, 1, 0xff, 0xff, 0xff, 0)), SENSE.INVALID_FIELD_IN_CDB).field).toEqual({ cdb: true, byte: 2 });
  });
});
